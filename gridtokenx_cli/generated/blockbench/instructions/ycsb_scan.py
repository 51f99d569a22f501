from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class YcsbScanArgs(typing.TypedDict):
    start_key: int
    count: int


layout = borsh.CStruct("start_key" / borsh.U64, "count" / borsh.U8)


class YcsbScanAccounts(typing.TypedDict):
    table: Pubkey


def ycsb_scan(
    args: YcsbScanArgs,
    accounts: YcsbScanAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["table"], is_signer=False, is_writable=False)
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xff?\x088\xad\x06c\x87"
    encoded_args = layout.build(
        {
            "start_key": args["start_key"],
            "count": args["count"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
