from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class FutureTimestampJSON(typing.TypedDict):
    kind: typing.Literal["FutureTimestamp"]


class BackdatedJSON(typing.TypedDict):
    kind: typing.Literal["Backdated"]


class RateLimitedJSON(typing.TypedDict):
    kind: typing.Literal["RateLimited"]


class OutOfRangeJSON(typing.TypedDict):
    kind: typing.Literal["OutOfRange"]


class RatioExceededJSON(typing.TypedDict):
    kind: typing.Literal["RatioExceeded"]


class ExcessiveDeviationJSON(typing.TypedDict):
    kind: typing.Literal["ExcessiveDeviation"]


class CapacityExceededJSON(typing.TypedDict):
    kind: typing.Literal["CapacityExceeded"]


@dataclass
class FutureTimestamp:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "FutureTimestamp"

    @classmethod
    def to_json(cls) -> FutureTimestampJSON:
        return FutureTimestampJSON(
            kind="FutureTimestamp",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "FutureTimestamp": {},
        }


@dataclass
class Backdated:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "Backdated"

    @classmethod
    def to_json(cls) -> BackdatedJSON:
        return BackdatedJSON(
            kind="Backdated",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Backdated": {},
        }


@dataclass
class RateLimited:
    discriminator: typing.ClassVar = 2
    kind: typing.ClassVar = "RateLimited"

    @classmethod
    def to_json(cls) -> RateLimitedJSON:
        return RateLimitedJSON(
            kind="RateLimited",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "RateLimited": {},
        }


@dataclass
class OutOfRange:
    discriminator: typing.ClassVar = 3
    kind: typing.ClassVar = "OutOfRange"

    @classmethod
    def to_json(cls) -> OutOfRangeJSON:
        return OutOfRangeJSON(
            kind="OutOfRange",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "OutOfRange": {},
        }


@dataclass
class RatioExceeded:
    discriminator: typing.ClassVar = 4
    kind: typing.ClassVar = "RatioExceeded"

    @classmethod
    def to_json(cls) -> RatioExceededJSON:
        return RatioExceededJSON(
            kind="RatioExceeded",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "RatioExceeded": {},
        }


@dataclass
class ExcessiveDeviation:
    discriminator: typing.ClassVar = 5
    kind: typing.ClassVar = "ExcessiveDeviation"

    @classmethod
    def to_json(cls) -> ExcessiveDeviationJSON:
        return ExcessiveDeviationJSON(
            kind="ExcessiveDeviation",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "ExcessiveDeviation": {},
        }


@dataclass
class CapacityExceeded:
    discriminator: typing.ClassVar = 6
    kind: typing.ClassVar = "CapacityExceeded"

    @classmethod
    def to_json(cls) -> CapacityExceededJSON:
        return CapacityExceededJSON(
            kind="CapacityExceeded",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "CapacityExceeded": {},
        }


RejectReasonKind = typing.Union[
    FutureTimestamp,
    Backdated,
    RateLimited,
    OutOfRange,
    RatioExceeded,
    ExcessiveDeviation,
    CapacityExceeded,
]
RejectReasonJSON = typing.Union[
    FutureTimestampJSON,
    BackdatedJSON,
    RateLimitedJSON,
    OutOfRangeJSON,
    RatioExceededJSON,
    ExcessiveDeviationJSON,
    CapacityExceededJSON,
]


def from_decoded(obj: dict) -> RejectReasonKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "FutureTimestamp" in obj:
        return FutureTimestamp()
    if "Backdated" in obj:
        return Backdated()
    if "RateLimited" in obj:
        return RateLimited()
    if "OutOfRange" in obj:
        return OutOfRange()
    if "RatioExceeded" in obj:
        return RatioExceeded()
    if "ExcessiveDeviation" in obj:
        return ExcessiveDeviation()
    if "CapacityExceeded" in obj:
        return CapacityExceeded()
    raise ValueError("Invalid enum object")


def from_json(obj: RejectReasonJSON) -> RejectReasonKind:
    if obj["kind"] == "FutureTimestamp":
        return FutureTimestamp()
    if obj["kind"] == "Backdated":
        return Backdated()
    if obj["kind"] == "RateLimited":
        return RateLimited()
    if obj["kind"] == "OutOfRange":
        return OutOfRange()
    if obj["kind"] == "RatioExceeded":
        return RatioExceeded()
    if obj["kind"] == "ExcessiveDeviation":
        return ExcessiveDeviation()
    if obj["kind"] == "CapacityExceeded":
        return CapacityExceeded()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen(
    "FutureTimestamp" / borsh.CStruct(),
    "Backdated" / borsh.CStruct(),
    "RateLimited" / borsh.CStruct(),
    "OutOfRange" / borsh.CStruct(),
    "RatioExceeded" / borsh.CStruct(),
    "ExcessiveDeviation" / borsh.CStruct(),
    "CapacityExceeded" / borsh.CStruct(),
)
