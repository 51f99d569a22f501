from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class YcsbInitTableArgs(typing.TypedDict):
    table_id: int


layout = borsh.CStruct("table_id" / borsh.U32)


class YcsbInitTableAccounts(typing.TypedDict):
    authority: Pubkey
    table: Pubkey


def ycsb_init_table(
    args: YcsbInitTableArgs,
    accounts: YcsbInitTableAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["table"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xb9\xc2-\x95\x7f\xf4[\xf6"
    encoded_args = layout.build(
        {
            "table_id": args["table_id"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
