from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class DepthLevelJSON(typing.TypedDict):
    price: int
    amount_wh: int
    orders: int


@dataclass
class DepthLevel:
    layout: typing.ClassVar = borsh.CStruct(
        "price" / borsh.U64, "amount_wh" / borsh.U64, "orders" / borsh.U32
    )
    price: int
    amount_wh: int
    orders: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "DepthLevel":
        return cls(price=obj.price, amount_wh=obj.amount_wh, orders=obj.orders)

    def to_encodable(self) -> dict[str, typing.Any]:
        return {"price": self.price, "amount_wh": self.amount_wh, "orders": self.orders}

    def to_json(self) -> DepthLevelJSON:
        return {"price": self.price, "amount_wh": self.amount_wh, "orders": self.orders}

    @classmethod
    def from_json(cls, obj: DepthLevelJSON) -> "DepthLevel":
        return cls(price=obj["price"], amount_wh=obj["amount_wh"], orders=obj["orders"])
