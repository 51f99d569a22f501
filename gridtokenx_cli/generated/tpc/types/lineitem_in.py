from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class LineitemInJSON(typing.TypedDict):
    quantity: int
    discount: int
    tax: int
    returnflag: int
    linestatus: int
    shipdate: int
    extendedprice: int


@dataclass
class LineitemIn:
    layout: typing.ClassVar = borsh.CStruct(
        "quantity" / borsh.U8,
        "discount" / borsh.U8,
        "tax" / borsh.U8,
        "returnflag" / borsh.U8,
        "linestatus" / borsh.U8,
        "shipdate" / borsh.U16,
        "extendedprice" / borsh.U32,
    )
    quantity: int
    discount: int
    tax: int
    returnflag: int
    linestatus: int
    shipdate: int
    extendedprice: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "LineitemIn":
        return cls(
            quantity=obj.quantity,
            discount=obj.discount,
            tax=obj.tax,
            returnflag=obj.returnflag,
            linestatus=obj.linestatus,
            shipdate=obj.shipdate,
            extendedprice=obj.extendedprice,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "quantity": self.quantity,
            "discount": self.discount,
            "tax": self.tax,
            "returnflag": self.returnflag,
            "linestatus": self.linestatus,
            "shipdate": self.shipdate,
            "extendedprice": self.extendedprice,
        }

    def to_json(self) -> LineitemInJSON:
        return {
            "quantity": self.quantity,
            "discount": self.discount,
            "tax": self.tax,
            "returnflag": self.returnflag,
            "linestatus": self.linestatus,
            "shipdate": self.shipdate,
            "extendedprice": self.extendedprice,
        }

    @classmethod
    def from_json(cls, obj: LineitemInJSON) -> "LineitemIn":
        return cls(
            quantity=obj["quantity"],
            discount=obj["discount"],
            tax=obj["tax"],
            returnflag=obj["returnflag"],
            linestatus=obj["linestatus"],
            shipdate=obj["shipdate"],
            extendedprice=obj["extendedprice"],
        )
