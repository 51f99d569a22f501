from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class PricePointJSON(typing.TypedDict):
    price: int
    volume_wh: int
    timestamp: int


@dataclass
class PricePoint:
    layout: typing.ClassVar = borsh.CStruct(
        "price" / borsh.U64, "volume_wh" / borsh.U64, "timestamp" / borsh.I64
    )
    price: int
    volume_wh: int
    timestamp: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "PricePoint":
        return cls(price=obj.price, volume_wh=obj.volume_wh, timestamp=obj.timestamp)

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "price": self.price,
            "volume_wh": self.volume_wh,
            "timestamp": self.timestamp,
        }

    def to_json(self) -> PricePointJSON:
        return {
            "price": self.price,
            "volume_wh": self.volume_wh,
            "timestamp": self.timestamp,
        }

    @classmethod
    def from_json(cls, obj: PricePointJSON) -> "PricePoint":
        return cls(
            price=obj["price"], volume_wh=obj["volume_wh"], timestamp=obj["timestamp"]
        )
