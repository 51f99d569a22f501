from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class IssuedJSON(typing.TypedDict):
    kind: typing.Literal["Issued"]


class ValidatedJSON(typing.TypedDict):
    kind: typing.Literal["Validated"]


class RevokedJSON(typing.TypedDict):
    kind: typing.Literal["Revoked"]


@dataclass
class Issued:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "Issued"

    @classmethod
    def to_json(cls) -> IssuedJSON:
        return IssuedJSON(
            kind="Issued",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Issued": {},
        }


@dataclass
class Validated:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "Validated"

    @classmethod
    def to_json(cls) -> ValidatedJSON:
        return ValidatedJSON(
            kind="Validated",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Validated": {},
        }


@dataclass
class Revoked:
    discriminator: typing.ClassVar = 2
    kind: typing.ClassVar = "Revoked"

    @classmethod
    def to_json(cls) -> RevokedJSON:
        return RevokedJSON(
            kind="Revoked",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Revoked": {},
        }


ErcStatusKind = typing.Union[Issued, Validated, Revoked]
ErcStatusJSON = typing.Union[IssuedJSON, ValidatedJSON, RevokedJSON]


def from_decoded(obj: dict) -> ErcStatusKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "Issued" in obj:
        return Issued()
    if "Validated" in obj:
        return Validated()
    if "Revoked" in obj:
        return Revoked()
    raise ValueError("Invalid enum object")


def from_json(obj: ErcStatusJSON) -> ErcStatusKind:
    if obj["kind"] == "Issued":
        return Issued()
    if obj["kind"] == "Validated":
        return Validated()
    if obj["kind"] == "Revoked":
        return Revoked()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen(
    "Issued" / borsh.CStruct(),
    "Validated" / borsh.CStruct(),
    "Revoked" / borsh.CStruct(),
)
