from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class GrxJSON(typing.TypedDict):
    kind: typing.Literal["Grx"]


class QuoteJSON(typing.TypedDict):
    kind: typing.Literal["Quote"]


@dataclass
class Grx:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "Grx"

    @classmethod
    def to_json(cls) -> GrxJSON:
        return GrxJSON(
            kind="Grx",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Grx": {},
        }


@dataclass
class Quote:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "Quote"

    @classmethod
    def to_json(cls) -> QuoteJSON:
        return QuoteJSON(
            kind="Quote",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Quote": {},
        }


AssetKind = typing.Union[Grx, Quote]
AssetJSON = typing.Union[GrxJSON, QuoteJSON]


def from_decoded(obj: dict) -> AssetKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "Grx" in obj:
        return Grx()
    if "Quote" in obj:
        return Quote()
    raise ValueError("Invalid enum object")


def from_json(obj: AssetJSON) -> AssetKind:
    if obj["kind"] == "Grx":
        return Grx()
    if obj["kind"] == "Quote":
        return Quote()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen("Grx" / borsh.CStruct(), "Quote" / borsh.CStruct())
