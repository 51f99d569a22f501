from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class TradeOrderArgs(typing.TypedDict):
    args: types.trade_order_args.TradeOrderArgs


layout = borsh.CStruct("args" / types.trade_order_args.TradeOrderArgs.layout)


class TradeOrderAccounts(typing.TypedDict):
    terminal: Pubkey
    config: Pubkey
    market: Pubkey
    brokerage: Pubkey
    trades: Pubkey


def trade_order(
    args: TradeOrderArgs,
    accounts: TradeOrderAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["brokerage"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["trades"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x92\x96R\x9ax\x90F1"
    encoded_args = layout.build(
        {
            "args": args["args"].to_encodable(),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
