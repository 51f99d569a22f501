from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from construct import Construct
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class MarketFeedArgs(typing.TypedDict):
    ticks: list[types.tick.Tick]
    seq: int


layout = borsh.CStruct(
    "ticks" / borsh.Vec(typing.cast(Construct, types.tick.Tick.layout)),
    "seq" / borsh.U64,
)


class MarketFeedAccounts(typing.TypedDict):
    authority: Pubkey
    config: Pubkey
    market: Pubkey


def market_feed(
    args: MarketFeedArgs,
    accounts: MarketFeedAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x07\x9a\x1d>*\xa0\xe7C"
    encoded_args = layout.build(
        {
            "ticks": list(map(lambda item: item.to_encodable(), args["ticks"])),
            "seq": args["seq"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
