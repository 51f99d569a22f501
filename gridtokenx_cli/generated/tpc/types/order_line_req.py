from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class OrderLineReqJSON(typing.TypedDict):
    i_id: int
    supply_w_id: int
    quantity: int


@dataclass
class OrderLineReq:
    layout: typing.ClassVar = borsh.CStruct(
        "i_id" / borsh.U32, "supply_w_id" / borsh.U16, "quantity" / borsh.U8
    )
    i_id: int
    supply_w_id: int
    quantity: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "OrderLineReq":
        return cls(i_id=obj.i_id, supply_w_id=obj.supply_w_id, quantity=obj.quantity)

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "i_id": self.i_id,
            "supply_w_id": self.supply_w_id,
            "quantity": self.quantity,
        }

    def to_json(self) -> OrderLineReqJSON:
        return {
            "i_id": self.i_id,
            "supply_w_id": self.supply_w_id,
            "quantity": self.quantity,
        }

    @classmethod
    def from_json(cls, obj: OrderLineReqJSON) -> "OrderLineReq":
        return cls(
            i_id=obj["i_id"], supply_w_id=obj["supply_w_id"], quantity=obj["quantity"]
        )
