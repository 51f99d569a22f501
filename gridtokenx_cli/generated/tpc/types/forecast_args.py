from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class ForecastArgsJSON(typing.TypedDict):
    date_from: int
    date_to: int
    discount_lo: int
    discount_hi: int
    quantity_below: int
    seq: int


@dataclass
class ForecastArgs:
    layout: typing.ClassVar = borsh.CStruct(
        "date_from" / borsh.U16,
        "date_to" / borsh.U16,
        "discount_lo" / borsh.U8,
        "discount_hi" / borsh.U8,
        "quantity_below" / borsh.U8,
        "seq" / borsh.U64,
    )
    date_from: int
    date_to: int
    discount_lo: int
    discount_hi: int
    quantity_below: int
    seq: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "ForecastArgs":
        return cls(
            date_from=obj.date_from,
            date_to=obj.date_to,
            discount_lo=obj.discount_lo,
            discount_hi=obj.discount_hi,
            quantity_below=obj.quantity_below,
            seq=obj.seq,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "discount_lo": self.discount_lo,
            "discount_hi": self.discount_hi,
            "quantity_below": self.quantity_below,
            "seq": self.seq,
        }

    def to_json(self) -> ForecastArgsJSON:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "discount_lo": self.discount_lo,
            "discount_hi": self.discount_hi,
            "quantity_below": self.quantity_below,
            "seq": self.seq,
        }

    @classmethod
    def from_json(cls, obj: ForecastArgsJSON) -> "ForecastArgs":
        return cls(
            date_from=obj["date_from"],
            date_to=obj["date_to"],
            discount_lo=obj["discount_lo"],
            discount_hi=obj["discount_hi"],
            quantity_below=obj["quantity_below"],
            seq=obj["seq"],
        )
