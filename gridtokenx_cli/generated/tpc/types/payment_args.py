from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class PaymentArgsJSON(typing.TypedDict):
    w_id: int
    d_id: int
    c_w_id: int
    c_d_id: int
    by_name: bool
    c_id: int
    c_last: int
    amount_cents: int
    seq: int


@dataclass
class PaymentArgs:
    layout: typing.ClassVar = borsh.CStruct(
        "w_id" / borsh.U16,
        "d_id" / borsh.U8,
        "c_w_id" / borsh.U16,
        "c_d_id" / borsh.U8,
        "by_name" / borsh.Bool,
        "c_id" / borsh.U16,
        "c_last" / borsh.U16,
        "amount_cents" / borsh.U32,
        "seq" / borsh.U64,
    )
    w_id: int
    d_id: int
    c_w_id: int
    c_d_id: int
    by_name: bool
    c_id: int
    c_last: int
    amount_cents: int
    seq: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "PaymentArgs":
        return cls(
            w_id=obj.w_id,
            d_id=obj.d_id,
            c_w_id=obj.c_w_id,
            c_d_id=obj.c_d_id,
            by_name=obj.by_name,
            c_id=obj.c_id,
            c_last=obj.c_last,
            amount_cents=obj.amount_cents,
            seq=obj.seq,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "w_id": self.w_id,
            "d_id": self.d_id,
            "c_w_id": self.c_w_id,
            "c_d_id": self.c_d_id,
            "by_name": self.by_name,
            "c_id": self.c_id,
            "c_last": self.c_last,
            "amount_cents": self.amount_cents,
            "seq": self.seq,
        }

    def to_json(self) -> PaymentArgsJSON:
        return {
            "w_id": self.w_id,
            "d_id": self.d_id,
            "c_w_id": self.c_w_id,
            "c_d_id": self.c_d_id,
            "by_name": self.by_name,
            "c_id": self.c_id,
            "c_last": self.c_last,
            "amount_cents": self.amount_cents,
            "seq": self.seq,
        }

    @classmethod
    def from_json(cls, obj: PaymentArgsJSON) -> "PaymentArgs":
        return cls(
            w_id=obj["w_id"],
            d_id=obj["d_id"],
            c_w_id=obj["c_w_id"],
            c_d_id=obj["c_d_id"],
            by_name=obj["by_name"],
            c_id=obj["c_id"],
            c_last=obj["c_last"],
            amount_cents=obj["amount_cents"],
            seq=obj["seq"],
        )
