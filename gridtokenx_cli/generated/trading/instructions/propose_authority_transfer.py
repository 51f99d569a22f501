from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class ProposeAuthorityTransferArgs(typing.TypedDict):
    new_authority: Pubkey


layout = borsh.CStruct("new_authority" / BorshPubkey)


class ProposeAuthorityTransferAccounts(typing.TypedDict):
    authority: Pubkey
    market: Pubkey


def propose_authority_transfer(
    args: ProposeAuthorityTransferArgs,
    accounts: ProposeAuthorityTransferAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"9\xce\xe1\x81#o\xae\x91"
    encoded_args = layout.build(
        {
            "new_authority": args["new_authority"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
