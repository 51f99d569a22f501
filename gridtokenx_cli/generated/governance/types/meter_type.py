from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class SolarJSON(typing.TypedDict):
    kind: typing.Literal["Solar"]


class WindJSON(typing.TypedDict):
    kind: typing.Literal["Wind"]


class BatteryJSON(typing.TypedDict):
    kind: typing.Literal["Battery"]


class GridJSON(typing.TypedDict):
    kind: typing.Literal["Grid"]


@dataclass
class Solar:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "Solar"

    @classmethod
    def to_json(cls) -> SolarJSON:
        return SolarJSON(
            kind="Solar",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Solar": {},
        }


@dataclass
class Wind:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "Wind"

    @classmethod
    def to_json(cls) -> WindJSON:
        return WindJSON(
            kind="Wind",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Wind": {},
        }


@dataclass
class Battery:
    discriminator: typing.ClassVar = 2
    kind: typing.ClassVar = "Battery"

    @classmethod
    def to_json(cls) -> BatteryJSON:
        return BatteryJSON(
            kind="Battery",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Battery": {},
        }


@dataclass
class Grid:
    discriminator: typing.ClassVar = 3
    kind: typing.ClassVar = "Grid"

    @classmethod
    def to_json(cls) -> GridJSON:
        return GridJSON(
            kind="Grid",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Grid": {},
        }


MeterTypeKind = typing.Union[Solar, Wind, Battery, Grid]
MeterTypeJSON = typing.Union[SolarJSON, WindJSON, BatteryJSON, GridJSON]


def from_decoded(obj: dict) -> MeterTypeKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "Solar" in obj:
        return Solar()
    if "Wind" in obj:
        return Wind()
    if "Battery" in obj:
        return Battery()
    if "Grid" in obj:
        return Grid()
    raise ValueError("Invalid enum object")


def from_json(obj: MeterTypeJSON) -> MeterTypeKind:
    if obj["kind"] == "Solar":
        return Solar()
    if obj["kind"] == "Wind":
        return Wind()
    if obj["kind"] == "Battery":
        return Battery()
    if obj["kind"] == "Grid":
        return Grid()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen(
    "Solar" / borsh.CStruct(),
    "Wind" / borsh.CStruct(),
    "Battery" / borsh.CStruct(),
    "Grid" / borsh.CStruct(),
)
