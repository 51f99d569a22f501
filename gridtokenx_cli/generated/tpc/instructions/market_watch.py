from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class MarketWatchArgs(typing.TypedDict):
    securities: bytes
    seq: int


layout = borsh.CStruct("securities" / borsh.Bytes, "seq" / borsh.U64)


class MarketWatchAccounts(typing.TypedDict):
    terminal: Pubkey
    market: Pubkey


def market_watch(
    args: MarketWatchArgs,
    accounts: MarketWatchAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"Qh4\xb1\xcf\xe2\nV"
    encoded_args = layout.build(
        {
            "securities": args["securities"],
            "seq": args["seq"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
