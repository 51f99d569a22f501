from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class IoReadArgs(typing.TypedDict):
    start: int
    count: int


layout = borsh.CStruct("start" / borsh.U32, "count" / borsh.U32)


class IoReadAccounts(typing.TypedDict):
    store: Pubkey


def io_read(
    args: IoReadArgs,
    accounts: IoReadAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["store"], is_signer=False, is_writable=False)
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xd0\x89\xd3)\xe0\xc4\x17\xb7"
    encoded_args = layout.build(
        {
            "start": args["start"],
            "count": args["count"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
