from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class LinearSolarJSON(typing.TypedDict):
    kind: typing.Literal["LinearSolar"]


class SteepWindJSON(typing.TypedDict):
    kind: typing.Literal["SteepWind"]


class FlatBatteryJSON(typing.TypedDict):
    kind: typing.Literal["FlatBattery"]


@dataclass
class LinearSolar:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "LinearSolar"

    @classmethod
    def to_json(cls) -> LinearSolarJSON:
        return LinearSolarJSON(
            kind="LinearSolar",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "LinearSolar": {},
        }


@dataclass
class SteepWind:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "SteepWind"

    @classmethod
    def to_json(cls) -> SteepWindJSON:
        return SteepWindJSON(
            kind="SteepWind",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "SteepWind": {},
        }


@dataclass
class FlatBattery:
    discriminator: typing.ClassVar = 2
    kind: typing.ClassVar = "FlatBattery"

    @classmethod
    def to_json(cls) -> FlatBatteryJSON:
        return FlatBatteryJSON(
            kind="FlatBattery",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "FlatBattery": {},
        }


CurveTypeKind = typing.Union[LinearSolar, SteepWind, FlatBattery]
CurveTypeJSON = typing.Union[LinearSolarJSON, SteepWindJSON, FlatBatteryJSON]


def from_decoded(obj: dict) -> CurveTypeKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "LinearSolar" in obj:
        return LinearSolar()
    if "SteepWind" in obj:
        return SteepWind()
    if "FlatBattery" in obj:
        return FlatBattery()
    raise ValueError("Invalid enum object")


def from_json(obj: CurveTypeJSON) -> CurveTypeKind:
    if obj["kind"] == "LinearSolar":
        return LinearSolar()
    if obj["kind"] == "SteepWind":
        return SteepWind()
    if obj["kind"] == "FlatBattery":
        return FlatBattery()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen(
    "LinearSolar" / borsh.CStruct(),
    "SteepWind" / borsh.CStruct(),
    "FlatBattery" / borsh.CStruct(),
)
