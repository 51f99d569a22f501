import typing
from dataclasses import dataclass
from solders.pubkey import Pubkey
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment
import borsh_construct as borsh
from anchorpy.coder.accounts import ACCOUNT_DISCRIMINATOR_SIZE
from anchorpy.error import AccountInvalidDiscriminator
from anchorpy.utils.rpc import get_multiple_accounts
from anchorpy.borsh_extension import BorshPubkey
from ..program_id import PROGRAM_ID
from .. import types


class OracleConfigJSON(typing.TypedDict):
    admin: types.authority_state.AuthorityStateJSON
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
    backup_oracle_count: int
    consensus_threshold: int
    total_readings: int
    valid_readings: int
    rejected_readings: int
    rejected_future: int
    rejected_backdated: int
    rejected_rate_limited: int
    rejected_out_of_range: int
    rejected_ratio: int
    rejected_deviation: int
    rejected_capacity: int
    consensus_rounds: int
    last_clearing_at: int
    clearing_count: int
    bump: int


@dataclass
class OracleConfig:
    discriminator: typing.ClassVar = b"\x85\xc4\x982\x1b\x15\x91\xfe"
    layout: typing.ClassVar = borsh.CStruct(
        "admin" / types.authority_state.AuthorityState.layout,
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
        "backup_oracles" / BorshPubkey[10],
        "backup_oracle_count" / borsh.U8,
        "consensus_threshold" / borsh.U8,
        "total_readings" / borsh.U64,
        "valid_readings" / borsh.U64,
        "rejected_readings" / borsh.U64,
        "rejected_future" / borsh.U64,
        "rejected_backdated" / borsh.U64,
        "rejected_rate_limited" / borsh.U64,
        "rejected_out_of_range" / borsh.U64,
        "rejected_ratio" / borsh.U64,
        "rejected_deviation" / borsh.U64,
        "rejected_capacity" / borsh.U64,
        "consensus_rounds" / borsh.U64,
        "last_clearing_at" / borsh.I64,
        "clearing_count" / borsh.U64,
        "bump" / borsh.U8,
    )
    admin: types.authority_state.AuthorityState
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
    backup_oracle_count: int
    consensus_threshold: int
    total_readings: int
    valid_readings: int
    rejected_readings: int
    rejected_future: int
    rejected_backdated: int
    rejected_rate_limited: int
    rejected_out_of_range: int
    rejected_ratio: int
    rejected_deviation: int
    rejected_capacity: int
    consensus_rounds: int
    last_clearing_at: int
    clearing_count: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["OracleConfig"]:
        resp = await conn.get_account_info(address, commitment=commitment)
        info = resp.value
        if info is None:
            return None
        if info.owner != program_id:
            raise ValueError("Account does not belong to this program")
        bytes_data = info.data
        return cls.decode(bytes_data)

    @classmethod
    async def fetch_multiple(
        cls,
        conn: AsyncClient,
        addresses: list[Pubkey],
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.List[typing.Optional["OracleConfig"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["OracleConfig"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "OracleConfig":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = OracleConfig.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            admin=types.authority_state.AuthorityState.from_decoded(dec.admin),
            api_gateway=dec.api_gateway,
            min_energy_value=dec.min_energy_value,
            max_energy_value=dec.max_energy_value,
            max_production_ratio=dec.max_production_ratio,
            max_deviation_percent=dec.max_deviation_percent,
            min_reading_interval=dec.min_reading_interval,
            type_ceiling_w=dec.type_ceiling_w,
            capacity_margin_percent=dec.capacity_margin_percent,
            first_reading_max_interval=dec.first_reading_max_interval,
            deviation_floor_percent=dec.deviation_floor_percent,
            backup_oracles=dec.backup_oracles,
            backup_oracle_count=dec.backup_oracle_count,
            consensus_threshold=dec.consensus_threshold,
            total_readings=dec.total_readings,
            valid_readings=dec.valid_readings,
            rejected_readings=dec.rejected_readings,
            rejected_future=dec.rejected_future,
            rejected_backdated=dec.rejected_backdated,
            rejected_rate_limited=dec.rejected_rate_limited,
            rejected_out_of_range=dec.rejected_out_of_range,
            rejected_ratio=dec.rejected_ratio,
            rejected_deviation=dec.rejected_deviation,
            rejected_capacity=dec.rejected_capacity,
            consensus_rounds=dec.consensus_rounds,
            last_clearing_at=dec.last_clearing_at,
            clearing_count=dec.clearing_count,
            bump=dec.bump,
        )

    def to_json(self) -> OracleConfigJSON:
        return {
            "admin": self.admin.to_json(),
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
            "backup_oracle_count": self.backup_oracle_count,
            "consensus_threshold": self.consensus_threshold,
            "total_readings": self.total_readings,
            "valid_readings": self.valid_readings,
            "rejected_readings": self.rejected_readings,
            "rejected_future": self.rejected_future,
            "rejected_backdated": self.rejected_backdated,
            "rejected_rate_limited": self.rejected_rate_limited,
            "rejected_out_of_range": self.rejected_out_of_range,
            "rejected_ratio": self.rejected_ratio,
            "rejected_deviation": self.rejected_deviation,
            "rejected_capacity": self.rejected_capacity,
            "consensus_rounds": self.consensus_rounds,
            "last_clearing_at": self.last_clearing_at,
            "clearing_count": self.clearing_count,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: OracleConfigJSON) -> "OracleConfig":
        return cls(
            admin=types.authority_state.AuthorityState.from_json(obj["admin"]),
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
            backup_oracle_count=obj["backup_oracle_count"],
            consensus_threshold=obj["consensus_threshold"],
            total_readings=obj["total_readings"],
            valid_readings=obj["valid_readings"],
            rejected_readings=obj["rejected_readings"],
            rejected_future=obj["rejected_future"],
            rejected_backdated=obj["rejected_backdated"],
            rejected_rate_limited=obj["rejected_rate_limited"],
            rejected_out_of_range=obj["rejected_out_of_range"],
            rejected_ratio=obj["rejected_ratio"],
            rejected_deviation=obj["rejected_deviation"],
            rejected_capacity=obj["rejected_capacity"],
            consensus_rounds=obj["consensus_rounds"],
            last_clearing_at=obj["last_clearing_at"],
            clearing_count=obj["clearing_count"],
            bump=obj["bump"],
        )
