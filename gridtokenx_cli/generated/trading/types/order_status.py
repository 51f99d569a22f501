from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class OpenJSON(typing.TypedDict):
    kind: typing.Literal["Open"]


class PartiallyFilledJSON(typing.TypedDict):
    kind: typing.Literal["PartiallyFilled"]


class FilledJSON(typing.TypedDict):
    kind: typing.Literal["Filled"]


class CancelledJSON(typing.TypedDict):
    kind: typing.Literal["Cancelled"]


@dataclass
class Open:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "Open"

    @classmethod
    def to_json(cls) -> OpenJSON:
        return OpenJSON(
            kind="Open",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Open": {},
        }


@dataclass
class PartiallyFilled:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "PartiallyFilled"

    @classmethod
    def to_json(cls) -> PartiallyFilledJSON:
        return PartiallyFilledJSON(
            kind="PartiallyFilled",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "PartiallyFilled": {},
        }


@dataclass
class Filled:
    discriminator: typing.ClassVar = 2
    kind: typing.ClassVar = "Filled"

    @classmethod
    def to_json(cls) -> FilledJSON:
        return FilledJSON(
            kind="Filled",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Filled": {},
        }


@dataclass
class Cancelled:
    discriminator: typing.ClassVar = 3
    kind: typing.ClassVar = "Cancelled"

    @classmethod
    def to_json(cls) -> CancelledJSON:
        return CancelledJSON(
            kind="Cancelled",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Cancelled": {},
        }


OrderStatusKind = typing.Union[Open, PartiallyFilled, Filled, Cancelled]
OrderStatusJSON = typing.Union[OpenJSON, PartiallyFilledJSON, FilledJSON, CancelledJSON]


def from_decoded(obj: dict) -> OrderStatusKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "Open" in obj:
        return Open()
    if "PartiallyFilled" in obj:
        return PartiallyFilled()
    if "Filled" in obj:
        return Filled()
    if "Cancelled" in obj:
        return Cancelled()
    raise ValueError("Invalid enum object")


def from_json(obj: OrderStatusJSON) -> OrderStatusKind:
    if obj["kind"] == "Open":
        return Open()
    if obj["kind"] == "PartiallyFilled":
        return PartiallyFilled()
    if obj["kind"] == "Filled":
        return Filled()
    if obj["kind"] == "Cancelled":
        return Cancelled()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen(
    "Open" / borsh.CStruct(),
    "PartiallyFilled" / borsh.CStruct(),
    "Filled" / borsh.CStruct(),
    "Cancelled" / borsh.CStruct(),
)
