from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class InitStoreArgs(typing.TypedDict):
    store_id: int


layout = borsh.CStruct("store_id" / borsh.U32)


class InitStoreAccounts(typing.TypedDict):
    authority: Pubkey
    store: Pubkey


def init_store(
    args: InitStoreArgs,
    accounts: InitStoreAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["store"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xfaJ\x06_\xa3\xbc\x13\xb5"
    encoded_args = layout.build(
        {
            "store_id": args["store_id"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
