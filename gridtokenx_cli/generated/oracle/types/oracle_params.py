from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container, Construct
from solders.pubkey import Pubkey
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh


class OracleParamsJSON(typing.TypedDict):
    api_gateway: str
    min_energy_value: int
    max_energy_value: int
    max_production_ratio: int
    max_deviation_percent: int
    min_reading_interval: int
    type_ceiling_w: list[int]
    capacity_margin_percent: int
    first_reading_max_interval: int
    deviation_floor_percent: int
    backup_oracles: list[str]
    consensus_threshold: int


@dataclass
class OracleParams:
    layout: typing.ClassVar = borsh.CStruct(
        "api_gateway" / BorshPubkey,
        "min_energy_value" / borsh.U64,
        "max_energy_value" / borsh.U64,
        "max_production_ratio" / borsh.U64,
        "max_deviation_percent" / borsh.U16,
        "min_reading_interval" / borsh.U64,
        "type_ceiling_w" / borsh.U64[4],
        "capacity_margin_percent" / borsh.U16,
        "first_reading_max_interval" / borsh.U64,
        "deviation_floor_percent" / borsh.U16,
        "backup_oracles" / borsh.Vec(typing.cast(Construct, BorshPubkey)),
        "consensus_threshold" / borsh.U8,
    )
    api_gateway: Pubkey
    min_energy_value: int
    max_energy_value: int
    max_production_ratio: int
    max_deviation_percent: int
    min_reading_interval: int
    type_ceiling_w: list[int]
    capacity_margin_percent: int
    first_reading_max_interval: int
    deviation_floor_percent: int
    backup_oracles: list[Pubkey]
    consensus_threshold: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "OracleParams":
        return cls(
            api_gateway=obj.api_gateway,
            min_energy_value=obj.min_energy_value,
            max_energy_value=obj.max_energy_value,
            max_production_ratio=obj.max_production_ratio,
            max_deviation_percent=obj.max_deviation_percent,
            min_reading_interval=obj.min_reading_interval,
            type_ceiling_w=obj.type_ceiling_w,
            capacity_margin_percent=obj.capacity_margin_percent,
            first_reading_max_interval=obj.first_reading_max_interval,
            deviation_floor_percent=obj.deviation_floor_percent,
            backup_oracles=obj.backup_oracles,
            consensus_threshold=obj.consensus_threshold,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "api_gateway": self.api_gateway,
            "min_energy_value": self.min_energy_value,
            "max_energy_value": self.max_energy_value,
            "max_production_ratio": self.max_production_ratio,
            "max_deviation_percent": self.max_deviation_percent,
            "min_reading_interval": self.min_reading_interval,
            "type_ceiling_w": self.type_ceiling_w,
            "capacity_margin_percent": self.capacity_margin_percent,
            "first_reading_max_interval": self.first_reading_max_interval,
            "deviation_floor_percent": self.deviation_floor_percent,
            "backup_oracles": self.backup_oracles,
            "consensus_threshold": self.consensus_threshold,
        }

    def to_json(self) -> OracleParamsJSON:
        return {
            "api_gateway": str(self.api_gateway),
            "min_energy_value": self.min_energy_value,
            "max_energy_value": self.max_energy_value,
            "max_production_ratio": self.max_production_ratio,
            "max_deviation_percent": self.max_deviation_percent,
            "min_reading_interval": self.min_reading_interval,
            "type_ceiling_w": self.type_ceiling_w,
            "capacity_margin_percent": self.capacity_margin_percent,
            "first_reading_max_interval": self.first_reading_max_interval,
            "deviation_floor_percent": self.deviation_floor_percent,
            "backup_oracles": list(map(lambda item: str(item), self.backup_oracles)),
            "consensus_threshold": self.consensus_threshold,
        }

    @classmethod
    def from_json(cls, obj: OracleParamsJSON) -> "OracleParams":
        return cls(
            api_gateway=Pubkey.from_string(obj["api_gateway"]),
            min_energy_value=obj["min_energy_value"],
            max_energy_value=obj["max_energy_value"],
            max_production_ratio=obj["max_production_ratio"],
            max_deviation_percent=obj["max_deviation_percent"],
            min_reading_interval=obj["min_reading_interval"],
            type_ceiling_w=obj["type_ceiling_w"],
            capacity_margin_percent=obj["capacity_margin_percent"],
            first_reading_max_interval=obj["first_reading_max_interval"],
            deviation_floor_percent=obj["deviation_floor_percent"],
            backup_oracles=list(
                map(lambda item: Pubkey.from_string(item), obj["backup_oracles"])
            ),
            consensus_threshold=obj["consensus_threshold"],
        )
