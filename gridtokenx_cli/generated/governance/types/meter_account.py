from __future__ import annotations
from . import meter_type
import typing
from dataclasses import dataclass
from construct import Container
from solders.pubkey import Pubkey
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh


class MeterAccountJSON(typing.TypedDict):
    meter_id: list[int]
    owner: str
    meter_type: meter_type.MeterTypeJSON
    meter_pubkey: str
    active: bool
    total_generation: int
    total_consumption: int
    settled_net_generation: int
    claimed_erc_generation: int
    last_reading_at: int
    reading_count: int
    registered_at: int
    bump: int
    capacity_w: int
    approved: bool
    retired: bool
    deactivated_by_admin: bool


@dataclass
class MeterAccount:
    layout: typing.ClassVar = borsh.CStruct(
        "meter_id" / borsh.U8[32],
        "owner" / BorshPubkey,
        "meter_type" / meter_type.layout,
        "meter_pubkey" / BorshPubkey,
        "active" / borsh.Bool,
        "total_generation" / borsh.U64,
        "total_consumption" / borsh.U64,
        "settled_net_generation" / borsh.U64,
        "claimed_erc_generation" / borsh.U64,
        "last_reading_at" / borsh.I64,
        "reading_count" / borsh.U64,
        "registered_at" / borsh.I64,
        "bump" / borsh.U8,
        "capacity_w" / borsh.U64,
        "approved" / borsh.Bool,
        "retired" / borsh.Bool,
        "deactivated_by_admin" / borsh.Bool,
    )
    meter_id: list[int]
    owner: Pubkey
    meter_type: meter_type.MeterTypeKind
    meter_pubkey: Pubkey
    active: bool
    total_generation: int
    total_consumption: int
    settled_net_generation: int
    claimed_erc_generation: int
    last_reading_at: int
    reading_count: int
    registered_at: int
    bump: int
    capacity_w: int
    approved: bool
    retired: bool
    deactivated_by_admin: bool

    @classmethod
    def from_decoded(cls, obj: Container) -> "MeterAccount":
        return cls(
            meter_id=obj.meter_id,
            owner=obj.owner,
            meter_type=meter_type.from_decoded(obj.meter_type),
            meter_pubkey=obj.meter_pubkey,
            active=obj.active,
            total_generation=obj.total_generation,
            total_consumption=obj.total_consumption,
            settled_net_generation=obj.settled_net_generation,
            claimed_erc_generation=obj.claimed_erc_generation,
            last_reading_at=obj.last_reading_at,
            reading_count=obj.reading_count,
            registered_at=obj.registered_at,
            bump=obj.bump,
            capacity_w=obj.capacity_w,
            approved=obj.approved,
            retired=obj.retired,
            deactivated_by_admin=obj.deactivated_by_admin,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "meter_id": self.meter_id,
            "owner": self.owner,
            "meter_type": self.meter_type.to_encodable(),
            "meter_pubkey": self.meter_pubkey,
            "active": self.active,
            "total_generation": self.total_generation,
            "total_consumption": self.total_consumption,
            "settled_net_generation": self.settled_net_generation,
            "claimed_erc_generation": self.claimed_erc_generation,
            "last_reading_at": self.last_reading_at,
            "reading_count": self.reading_count,
            "registered_at": self.registered_at,
            "bump": self.bump,
            "capacity_w": self.capacity_w,
            "approved": self.approved,
            "retired": self.retired,
            "deactivated_by_admin": self.deactivated_by_admin,
        }

    def to_json(self) -> MeterAccountJSON:
        return {
            "meter_id": self.meter_id,
            "owner": str(self.owner),
            "meter_type": self.meter_type.to_json(),
            "meter_pubkey": str(self.meter_pubkey),
            "active": self.active,
            "total_generation": self.total_generation,
            "total_consumption": self.total_consumption,
            "settled_net_generation": self.settled_net_generation,
            "claimed_erc_generation": self.claimed_erc_generation,
            "last_reading_at": self.last_reading_at,
            "reading_count": self.reading_count,
            "registered_at": self.registered_at,
            "bump": self.bump,
            "capacity_w": self.capacity_w,
            "approved": self.approved,
            "retired": self.retired,
            "deactivated_by_admin": self.deactivated_by_admin,
        }

    @classmethod
    def from_json(cls, obj: MeterAccountJSON) -> "MeterAccount":
        return cls(
            meter_id=obj["meter_id"],
            owner=Pubkey.from_string(obj["owner"]),
            meter_type=meter_type.from_json(obj["meter_type"]),
            meter_pubkey=Pubkey.from_string(obj["meter_pubkey"]),
            active=obj["active"],
            total_generation=obj["total_generation"],
            total_consumption=obj["total_consumption"],
            settled_net_generation=obj["settled_net_generation"],
            claimed_erc_generation=obj["claimed_erc_generation"],
            last_reading_at=obj["last_reading_at"],
            reading_count=obj["reading_count"],
            registered_at=obj["registered_at"],
            bump=obj["bump"],
            capacity_w=obj["capacity_w"],
            approved=obj["approved"],
            retired=obj["retired"],
            deactivated_by_admin=obj["deactivated_by_admin"],
        )
