from __future__ import annotations
import typing
from dataclasses import dataclass
from anchorpy.borsh_extension import EnumForCodegen
import borsh_construct as borsh


class GatewayJSON(typing.TypedDict):
    kind: typing.Literal["Gateway"]


class ConsensusJSON(typing.TypedDict):
    kind: typing.Literal["Consensus"]


@dataclass
class Gateway:
    discriminator: typing.ClassVar = 0
    kind: typing.ClassVar = "Gateway"

    @classmethod
    def to_json(cls) -> GatewayJSON:
        return GatewayJSON(
            kind="Gateway",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Gateway": {},
        }


@dataclass
class Consensus:
    discriminator: typing.ClassVar = 1
    kind: typing.ClassVar = "Consensus"

    @classmethod
    def to_json(cls) -> ConsensusJSON:
        return ConsensusJSON(
            kind="Consensus",
        )

    @classmethod
    def to_encodable(cls) -> dict:
        return {
            "Consensus": {},
        }


ReadingSourceKind = typing.Union[Gateway, Consensus]
ReadingSourceJSON = typing.Union[GatewayJSON, ConsensusJSON]


def from_decoded(obj: dict) -> ReadingSourceKind:
    if not isinstance(obj, dict):
        raise ValueError("Invalid enum object")
    if "Gateway" in obj:
        return Gateway()
    if "Consensus" in obj:
        return Consensus()
    raise ValueError("Invalid enum object")


def from_json(obj: ReadingSourceJSON) -> ReadingSourceKind:
    if obj["kind"] == "Gateway":
        return Gateway()
    if obj["kind"] == "Consensus":
        return Consensus()
    kind = obj["kind"]
    raise ValueError(f"Unrecognized enum kind: {kind}")


layout = EnumForCodegen("Gateway" / borsh.CStruct(), "Consensus" / borsh.CStruct())
