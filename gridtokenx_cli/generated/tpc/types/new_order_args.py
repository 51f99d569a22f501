from __future__ import annotations
from . import (
    order_line_req,
)
import typing
from dataclasses import dataclass
from construct import Container, Construct
import borsh_construct as borsh


class NewOrderArgsJSON(typing.TypedDict):
    w_id: int
    d_id: int
    c_id: int
    lines: list[order_line_req.OrderLineReqJSON]
    seq: int


@dataclass
class NewOrderArgs:
    layout: typing.ClassVar = borsh.CStruct(
        "w_id" / borsh.U16,
        "d_id" / borsh.U8,
        "c_id" / borsh.U16,
        "lines" / borsh.Vec(typing.cast(Construct, order_line_req.OrderLineReq.layout)),
        "seq" / borsh.U64,
    )
    w_id: int
    d_id: int
    c_id: int
    lines: list[order_line_req.OrderLineReq]
    seq: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "NewOrderArgs":
        return cls(
            w_id=obj.w_id,
            d_id=obj.d_id,
            c_id=obj.c_id,
            lines=list(
                map(
                    lambda item: order_line_req.OrderLineReq.from_decoded(item),
                    obj.lines,
                )
            ),
            seq=obj.seq,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "w_id": self.w_id,
            "d_id": self.d_id,
            "c_id": self.c_id,
            "lines": list(map(lambda item: item.to_encodable(), self.lines)),
            "seq": self.seq,
        }

    def to_json(self) -> NewOrderArgsJSON:
        return {
            "w_id": self.w_id,
            "d_id": self.d_id,
            "c_id": self.c_id,
            "lines": list(map(lambda item: item.to_json(), self.lines)),
            "seq": self.seq,
        }

    @classmethod
    def from_json(cls, obj: NewOrderArgsJSON) -> "NewOrderArgs":
        return cls(
            w_id=obj["w_id"],
            d_id=obj["d_id"],
            c_id=obj["c_id"],
            lines=list(
                map(
                    lambda item: order_line_req.OrderLineReq.from_json(item),
                    obj["lines"],
                )
            ),
            seq=obj["seq"],
        )
