from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class SetRecAuthorityArgs(typing.TypedDict):
    new_rec_authority: Pubkey


layout = borsh.CStruct("new_rec_authority" / BorshPubkey)


class SetRecAuthorityAccounts(typing.TypedDict):
    authority: Pubkey
    governance_config: Pubkey


def set_rec_authority(
    args: SetRecAuthorityArgs,
    accounts: SetRecAuthorityAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=True
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xed\xa10\x03\xbes\xca\xcd"
    encoded_args = layout.build(
        {
            "new_rec_authority": args["new_rec_authority"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
