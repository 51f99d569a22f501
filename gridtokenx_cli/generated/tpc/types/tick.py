from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class TickJSON(typing.TypedDict):
    security: int
    price_cents: int


@dataclass
class Tick:
    layout: typing.ClassVar = borsh.CStruct(
        "security" / borsh.U8, "price_cents" / borsh.U32
    )
    security: int
    price_cents: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "Tick":
        return cls(security=obj.security, price_cents=obj.price_cents)

    def to_encodable(self) -> dict[str, typing.Any]:
        return {"security": self.security, "price_cents": self.price_cents}

    def to_json(self) -> TickJSON:
        return {"security": self.security, "price_cents": self.price_cents}

    @classmethod
    def from_json(cls, obj: TickJSON) -> "Tick":
        return cls(security=obj["security"], price_cents=obj["price_cents"])
