from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class NewOrderArgs(typing.TypedDict):
    args: types.new_order_args.NewOrderArgs


layout = borsh.CStruct("args" / types.new_order_args.NewOrderArgs.layout)


class NewOrderAccounts(typing.TypedDict):
    terminal: Pubkey
    config: Pubkey
    warehouse: Pubkey
    district: Pubkey
    customer: Pubkey


def new_order(
    args: NewOrderArgs,
    accounts: NewOrderAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["warehouse"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["district"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["customer"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b'\x99\x00t"\xf1.(\x8b'
    encoded_args = layout.build(
        {
            "args": args["args"].to_encodable(),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
