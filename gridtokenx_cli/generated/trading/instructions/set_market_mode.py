from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class SetMarketModeArgs(typing.TypedDict):
    mode: types.market_mode.MarketModeKind


layout = borsh.CStruct("mode" / types.market_mode.layout)


class SetMarketModeAccounts(typing.TypedDict):
    admin: Pubkey
    market: Pubkey
    book: Pubkey
    governance_config: Pubkey


def set_market_mode(
    args: SetMarketModeArgs,
    accounts: SetMarketModeAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["admin"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["book"], is_signer=False, is_writable=False),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xbd\xf9g%\x1c\xdbe\xf5"
    encoded_args = layout.build(
        {
            "mode": args["mode"].to_encodable(),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
