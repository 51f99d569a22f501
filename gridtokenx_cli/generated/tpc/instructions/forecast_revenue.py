from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class ForecastRevenueArgs(typing.TypedDict):
    args: types.forecast_args.ForecastArgs


layout = borsh.CStruct("args" / types.forecast_args.ForecastArgs.layout)


class ForecastRevenueAccounts(typing.TypedDict):
    terminal: Pubkey


def forecast_revenue(
    args: ForecastRevenueArgs,
    accounts: ForecastRevenueAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False)
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xbc\x91\x11s\x8e\xd0\x13\xc7"
    encoded_args = layout.build(
        {
            "args": args["args"].to_encodable(),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
