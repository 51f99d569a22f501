from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class StockLevelArgs(typing.TypedDict):
    threshold: int
    seq: int


layout = borsh.CStruct("threshold" / borsh.U8, "seq" / borsh.U64)


class StockLevelAccounts(typing.TypedDict):
    terminal: Pubkey
    config: Pubkey
    district: Pubkey


def stock_level(
    args: StockLevelArgs,
    accounts: StockLevelAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["district"], is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"]+L,G\x03\xc3\x92"
    encoded_args = layout.build(
        {
            "threshold": args["threshold"],
            "seq": args["seq"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
