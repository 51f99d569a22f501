from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class YcsbUpdateArgs(typing.TypedDict):
    key: int
    field: int
    value: list[int]


layout = borsh.CStruct("key" / borsh.U64, "field" / borsh.U8, "value" / borsh.U8[100])


class YcsbUpdateAccounts(typing.TypedDict):
    authority: Pubkey
    table: Pubkey
    record: Pubkey


def ycsb_update(
    args: YcsbUpdateArgs,
    accounts: YcsbUpdateAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["table"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["record"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x9b\x05_(g\xe6IG"
    encoded_args = layout.build(
        {
            "key": args["key"],
            "field": args["field"],
            "value": args["value"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
