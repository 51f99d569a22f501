from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class OracleValuesJSON(typing.TypedDict):
    energy_produced: int
    energy_consumed: int


@dataclass
class OracleValues:
    layout: typing.ClassVar = borsh.CStruct(
        "energy_produced" / borsh.U64, "energy_consumed" / borsh.U64
    )
    energy_produced: int
    energy_consumed: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "OracleValues":
        return cls(
            energy_produced=obj.energy_produced, energy_consumed=obj.energy_consumed
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "energy_produced": self.energy_produced,
            "energy_consumed": self.energy_consumed,
        }

    def to_json(self) -> OracleValuesJSON:
        return {
            "energy_produced": self.energy_produced,
            "energy_consumed": self.energy_consumed,
        }

    @classmethod
    def from_json(cls, obj: OracleValuesJSON) -> "OracleValues":
        return cls(
            energy_produced=obj["energy_produced"],
            energy_consumed=obj["energy_consumed"],
        )
