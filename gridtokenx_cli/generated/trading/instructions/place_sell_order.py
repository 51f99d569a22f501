from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class PlaceSellOrderArgs(typing.TypedDict):
    slot: int
    price: int
    amount_wh: int
    order_type: types.order_type.OrderTypeKind
    match_limit: int


layout = borsh.CStruct(
    "slot" / borsh.U32,
    "price" / borsh.U64,
    "amount_wh" / borsh.U64,
    "order_type" / types.order_type.layout,
    "match_limit" / borsh.U8,
)


class PlaceSellOrderAccounts(typing.TypedDict):
    owner: Pubkey
    market: Pubkey
    book: Pubkey
    erc_certificate: Pubkey
    erc_usage: Pubkey
    governance_config: Pubkey


def place_sell_order(
    args: PlaceSellOrderArgs,
    accounts: PlaceSellOrderAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["book"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["erc_certificate"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["erc_usage"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xfe\xb1\xb4h\xab\xc2OV"
    encoded_args = layout.build(
        {
            "slot": args["slot"],
            "price": args["price"],
            "amount_wh": args["amount_wh"],
            "order_type": args["order_type"].to_encodable(),
            "match_limit": args["match_limit"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
