from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class Q1GroupJSON(typing.TypedDict):
    returnflag: int
    linestatus: int
    sum_qty: int
    sum_base_price: int
    sum_disc_price: int
    sum_charge: int
    sum_disc: int
    count: int


@dataclass
class Q1Group:
    layout: typing.ClassVar = borsh.CStruct(
        "returnflag" / borsh.U8,
        "linestatus" / borsh.U8,
        "sum_qty" / borsh.U64,
        "sum_base_price" / borsh.U64,
        "sum_disc_price" / borsh.U64,
        "sum_charge" / borsh.U64,
        "sum_disc" / borsh.U64,
        "count" / borsh.U64,
    )
    returnflag: int
    linestatus: int
    sum_qty: int
    sum_base_price: int
    sum_disc_price: int
    sum_charge: int
    sum_disc: int
    count: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "Q1Group":
        return cls(
            returnflag=obj.returnflag,
            linestatus=obj.linestatus,
            sum_qty=obj.sum_qty,
            sum_base_price=obj.sum_base_price,
            sum_disc_price=obj.sum_disc_price,
            sum_charge=obj.sum_charge,
            sum_disc=obj.sum_disc,
            count=obj.count,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "returnflag": self.returnflag,
            "linestatus": self.linestatus,
            "sum_qty": self.sum_qty,
            "sum_base_price": self.sum_base_price,
            "sum_disc_price": self.sum_disc_price,
            "sum_charge": self.sum_charge,
            "sum_disc": self.sum_disc,
            "count": self.count,
        }

    def to_json(self) -> Q1GroupJSON:
        return {
            "returnflag": self.returnflag,
            "linestatus": self.linestatus,
            "sum_qty": self.sum_qty,
            "sum_base_price": self.sum_base_price,
            "sum_disc_price": self.sum_disc_price,
            "sum_charge": self.sum_charge,
            "sum_disc": self.sum_disc,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, obj: Q1GroupJSON) -> "Q1Group":
        return cls(
            returnflag=obj["returnflag"],
            linestatus=obj["linestatus"],
            sum_qty=obj["sum_qty"],
            sum_base_price=obj["sum_base_price"],
            sum_disc_price=obj["sum_disc_price"],
            sum_charge=obj["sum_charge"],
            sum_disc=obj["sum_disc"],
            count=obj["count"],
        )
