from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class ContinuousJSON(typing.TypedDict):
    kind: typing.Literal["Continuous"]


class AuctionJSON(typing.TypedDict):
    kind: typing.Literal["Auction"]


@dataclass
class Continuous:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "Continuous"

    @classmethod
    def to_json(cls) -> ContinuousJSON:
        return ContinuousJSON(
            kind="Continuous",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Continuous": {},
        }


@dataclass
class Auction:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "Auction"

    @classmethod
    def to_json(cls) -> AuctionJSON:
        return AuctionJSON(
            kind="Auction",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Auction": {},
        }


MarketModeKind = typing.Union[Continuous, Auction]
MarketModeJSON = typing.Union[ContinuousJSON, AuctionJSON]


def from_decoded(obj: dict) -> MarketModeKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "Continuous" in obj:
        return Continuous()
    if "Auction" in obj:
        return Auction()
    raise ValueError("Invalid enum object")


def from_json(obj: MarketModeJSON) -> MarketModeKind:
    if obj["kind"] == "Continuous":
        return Continuous()
    if obj["kind"] == "Auction":
        return Auction()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen("Continuous" / borsh.CStruct(), "Auction" / borsh.CStruct())
