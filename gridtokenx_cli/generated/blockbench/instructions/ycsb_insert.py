from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class YcsbInsertArgs(typing.TypedDict):
    key: int
    value_seed: int


layout = borsh.CStruct("key" / borsh.U64, "value_seed" / borsh.U64)


class YcsbInsertAccounts(typing.TypedDict):
    authority: Pubkey
    table: Pubkey
    record: Pubkey


def ycsb_insert(
    args: YcsbInsertArgs,
    accounts: YcsbInsertAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["table"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["record"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x9d]\xe1\xa2\xcb\xe3@\xb4"
    encoded_args = layout.build(
        {
            "key": args["key"],
            "value_seed": args["value_seed"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
