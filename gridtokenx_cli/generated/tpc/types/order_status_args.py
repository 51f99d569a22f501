from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class OrderStatusArgsJSON(typing.TypedDict):
    w_id: int
    d_id: int
    by_name: bool
    c_id: int
    c_last: int
    seq: int


@dataclass
class OrderStatusArgs:
    layout: typing.ClassVar = borsh.CStruct(
        "w_id" / borsh.U16,
        "d_id" / borsh.U8,
        "by_name" / borsh.Bool,
        "c_id" / borsh.U16,
        "c_last" / borsh.U16,
        "seq" / borsh.U64,
    )
    w_id: int
    d_id: int
    by_name: bool
    c_id: int
    c_last: int
    seq: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "OrderStatusArgs":
        return cls(
            w_id=obj.w_id,
            d_id=obj.d_id,
            by_name=obj.by_name,
            c_id=obj.c_id,
            c_last=obj.c_last,
            seq=obj.seq,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "w_id": self.w_id,
            "d_id": self.d_id,
            "by_name": self.by_name,
            "c_id": self.c_id,
            "c_last": self.c_last,
            "seq": self.seq,
        }

    def to_json(self) -> OrderStatusArgsJSON:
        return {
            "w_id": self.w_id,
            "d_id": self.d_id,
            "by_name": self.by_name,
            "c_id": self.c_id,
            "c_last": self.c_last,
            "seq": self.seq,
        }

    @classmethod
    def from_json(cls, obj: OrderStatusArgsJSON) -> "OrderStatusArgs":
        return cls(
            w_id=obj["w_id"],
            d_id=obj["d_id"],
            by_name=obj["by_name"],
            c_id=obj["c_id"],
            c_last=obj["c_last"],
            seq=obj["seq"],
        )
