from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class CustomerPositionArgs(typing.TypedDict):
    customer: int
    seq: int


layout = borsh.CStruct("customer" / borsh.U16, "seq" / borsh.U64)


class CustomerPositionAccounts(typing.TypedDict):
    terminal: Pubkey
    config: Pubkey
    market: Pubkey
    brokerage: Pubkey


def customer_position(
    args: CustomerPositionArgs,
    accounts: CustomerPositionAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["brokerage"], is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x11\xf8W9k\x99\xba\xa5"
    encoded_args = layout.build(
        {
            "customer": args["customer"],
            "seq": args["seq"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
