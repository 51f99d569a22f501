from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class TransferErcArgs(typing.TypedDict):
    new_owner: Pubkey


layout = borsh.CStruct("new_owner" / BorshPubkey)


class TransferErcAccounts(typing.TypedDict):
    owner: Pubkey
    governance_config: Pubkey
    erc_certificate: Pubkey


def transfer_erc(
    args: TransferErcArgs,
    accounts: TransferErcAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["erc_certificate"], is_signer=False, is_writable=True
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xc8\x0f\x10\r\r\x8f\x0b\x0b"
    encoded_args = layout.build(
        {
            "new_owner": args["new_owner"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
