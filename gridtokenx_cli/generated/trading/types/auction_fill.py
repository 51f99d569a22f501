from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class AuctionFillJSON(typing.TypedDict):
    buy_order_id: int
    sell_order_id: int
    amount_wh: int
    quote_amount: int
    fee: int


@dataclass
class AuctionFill:
    layout: typing.ClassVar = borsh.CStruct(
        "buy_order_id" / borsh.U64,
        "sell_order_id" / borsh.U64,
        "amount_wh" / borsh.U64,
        "quote_amount" / borsh.U64,
        "fee" / borsh.U64,
    )
    buy_order_id: int
    sell_order_id: int
    amount_wh: int
    quote_amount: int
    fee: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "AuctionFill":
        return cls(
            buy_order_id=obj.buy_order_id,
            sell_order_id=obj.sell_order_id,
            amount_wh=obj.amount_wh,
            quote_amount=obj.quote_amount,
            fee=obj.fee,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "buy_order_id": self.buy_order_id,
            "sell_order_id": self.sell_order_id,
            "amount_wh": self.amount_wh,
            "quote_amount": self.quote_amount,
            "fee": self.fee,
        }

    def to_json(self) -> AuctionFillJSON:
        return {
            "buy_order_id": self.buy_order_id,
            "sell_order_id": self.sell_order_id,
            "amount_wh": self.amount_wh,
            "quote_amount": self.quote_amount,
            "fee": self.fee,
        }

    @classmethod
    def from_json(cls, obj: AuctionFillJSON) -> "AuctionFill":
        return cls(
            buy_order_id=obj["buy_order_id"],
            sell_order_id=obj["sell_order_id"],
            amount_wh=obj["amount_wh"],
            quote_amount=obj["quote_amount"],
            fee=obj["fee"],
        )
