from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class OrderStatusArgs(typing.TypedDict):
    args: types.order_status_args.OrderStatusArgs


layout = borsh.CStruct("args" / types.order_status_args.OrderStatusArgs.layout)


class OrderStatusAccounts(typing.TypedDict):
    terminal: Pubkey
    config: Pubkey
    district: Pubkey
    customer: Pubkey


def order_status(
    args: OrderStatusArgs,
    accounts: OrderStatusAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["district"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["customer"], is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"q\xf0\xbf\xbbembh"
    encoded_args = layout.build(
        {
            "args": args["args"].to_encodable(),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
