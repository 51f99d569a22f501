from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class OwnerJSON(typing.TypedDict):
    kind: typing.Literal["Owner"]


class ImmediateOrCancelJSON(typing.TypedDict):
    kind: typing.Literal["ImmediateOrCancel"]


class ErcExpiredJSON(typing.TypedDict):
    kind: typing.Literal["ErcExpired"]


class ErcNotValidatedJSON(typing.TypedDict):
    kind: typing.Literal["ErcNotValidated"]


class ErcTransferredJSON(typing.TypedDict):
    kind: typing.Literal["ErcTransferred"]


@dataclass
class Owner:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "Owner"

    @classmethod
    def to_json(cls) -> OwnerJSON:
        return OwnerJSON(
            kind="Owner",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Owner": {},
        }


@dataclass
class ImmediateOrCancel:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "ImmediateOrCancel"

    @classmethod
    def to_json(cls) -> ImmediateOrCancelJSON:
        return ImmediateOrCancelJSON(
            kind="ImmediateOrCancel",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "ImmediateOrCancel": {},
        }


@dataclass
class ErcExpired:
    discriminator: typing.ClassVar = 2
    kind: typing.ClassVar = "ErcExpired"

    @classmethod
    def to_json(cls) -> ErcExpiredJSON:
        return ErcExpiredJSON(
            kind="ErcExpired",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "ErcExpired": {},
        }


@dataclass
class ErcNotValidated:
    discriminator: typing.ClassVar = 3
    kind: typing.ClassVar = "ErcNotValidated"

    @classmethod
    def to_json(cls) -> ErcNotValidatedJSON:
        return ErcNotValidatedJSON(
            kind="ErcNotValidated",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "ErcNotValidated": {},
        }


@dataclass
class ErcTransferred:
    discriminator: typing.ClassVar = 4
    kind: typing.ClassVar = "ErcTransferred"

    @classmethod
    def to_json(cls) -> ErcTransferredJSON:
        return ErcTransferredJSON(
            kind="ErcTransferred",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "ErcTransferred": {},
        }


CancelReasonKind = typing.Union[
    Owner, ImmediateOrCancel, ErcExpired, ErcNotValidated, ErcTransferred
]
CancelReasonJSON = typing.Union[
    OwnerJSON,
    ImmediateOrCancelJSON,
    ErcExpiredJSON,
    ErcNotValidatedJSON,
    ErcTransferredJSON,
]


def from_decoded(obj: dict) -> CancelReasonKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "Owner" in obj:
        return Owner()
    if "ImmediateOrCancel" in obj:
        return ImmediateOrCancel()
    if "ErcExpired" in obj:
        return ErcExpired()
    if "ErcNotValidated" in obj:
        return ErcNotValidated()
    if "ErcTransferred" in obj:
        return ErcTransferred()
    raise ValueError("Invalid enum object")


def from_json(obj: CancelReasonJSON) -> CancelReasonKind:
    if obj["kind"] == "Owner":
        return Owner()
    if obj["kind"] == "ImmediateOrCancel":
        return ImmediateOrCancel()
    if obj["kind"] == "ErcExpired":
        return ErcExpired()
    if obj["kind"] == "ErcNotValidated":
        return ErcNotValidated()
    if obj["kind"] == "ErcTransferred":
        return ErcTransferred()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen(
    "Owner" / borsh.CStruct(),
    "ImmediateOrCancel" / borsh.CStruct(),
    "ErcExpired" / borsh.CStruct(),
    "ErcNotValidated" / borsh.CStruct(),
    "ErcTransferred" / borsh.CStruct(),
)
