from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class BuyGrxJSON(typing.TypedDict):
    kind: typing.Literal["BuyGrx"]


class SellGrxJSON(typing.TypedDict):
    kind: typing.Literal["SellGrx"]


@dataclass
class BuyGrx:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "BuyGrx"

    @classmethod
    def to_json(cls) -> BuyGrxJSON:
        return BuyGrxJSON(
            kind="BuyGrx",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "BuyGrx": {},
        }


@dataclass
class SellGrx:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "SellGrx"

    @classmethod
    def to_json(cls) -> SellGrxJSON:
        return SellGrxJSON(
            kind="SellGrx",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "SellGrx": {},
        }


SwapDirectionKind = typing.Union[BuyGrx, SellGrx]
SwapDirectionJSON = typing.Union[BuyGrxJSON, SellGrxJSON]


def from_decoded(obj: dict) -> SwapDirectionKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "BuyGrx" in obj:
        return BuyGrx()
    if "SellGrx" in obj:
        return SellGrx()
    raise ValueError("Invalid enum object")


def from_json(obj: SwapDirectionJSON) -> SwapDirectionKind:
    if obj["kind"] == "BuyGrx":
        return BuyGrx()
    if obj["kind"] == "SellGrx":
        return SellGrx()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen("BuyGrx" / borsh.CStruct(), "SellGrx" / borsh.CStruct())
