from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class ProsumerJSON(typing.TypedDict):
    kind: typing.Literal["Prosumer"]


class ConsumerJSON(typing.TypedDict):
    kind: typing.Literal["Consumer"]


@dataclass
class Prosumer:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "Prosumer"

    @classmethod
    def to_json(cls) -> ProsumerJSON:
        return ProsumerJSON(
            kind="Prosumer",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Prosumer": {},
        }


@dataclass
class Consumer:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "Consumer"

    @classmethod
    def to_json(cls) -> ConsumerJSON:
        return ConsumerJSON(
            kind="Consumer",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Consumer": {},
        }


UserTypeKind = typing.Union[Prosumer, Consumer]
UserTypeJSON = typing.Union[ProsumerJSON, ConsumerJSON]


def from_decoded(obj: dict) -> UserTypeKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "Prosumer" in obj:
        return Prosumer()
    if "Consumer" in obj:
        return Consumer()
    raise ValueError("Invalid enum object")


def from_json(obj: UserTypeJSON) -> UserTypeKind:
    if obj["kind"] == "Prosumer":
        return Prosumer()
    if obj["kind"] == "Consumer":
        return Consumer()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen("Prosumer" / borsh.CStruct(), "Consumer" / borsh.CStruct())
