from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class TradeOrderArgsJSON(typing.TypedDict):
    account: int
    security: int
    is_buy: bool
    quantity: int
    seq: int


@dataclass
class TradeOrderArgs:
    layout: typing.ClassVar = borsh.CStruct(
        "account" / borsh.U16,
        "security" / borsh.U8,
        "is_buy" / borsh.Bool,
        "quantity" / borsh.U32,
        "seq" / borsh.U64,
    )
    account: int
    security: int
    is_buy: bool
    quantity: int
    seq: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "TradeOrderArgs":
        return cls(
            account=obj.account,
            security=obj.security,
            is_buy=obj.is_buy,
            quantity=obj.quantity,
            seq=obj.seq,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "account": self.account,
            "security": self.security,
            "is_buy": self.is_buy,
            "quantity": self.quantity,
            "seq": self.seq,
        }

    def to_json(self) -> TradeOrderArgsJSON:
        return {
            "account": self.account,
            "security": self.security,
            "is_buy": self.is_buy,
            "quantity": self.quantity,
            "seq": self.seq,
        }

    @classmethod
    def from_json(cls, obj: TradeOrderArgsJSON) -> "TradeOrderArgs":
        return cls(
            account=obj["account"],
            security=obj["security"],
            is_buy=obj["is_buy"],
            quantity=obj["quantity"],
            seq=obj["seq"],
        )
