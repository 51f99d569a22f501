import typing
from dataclasses import dataclass
from solders.pubkey import Pubkey
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment
import borsh_construct as borsh
from anchorpy.coder.accounts import ACCOUNT_DISCRIMINATOR_SIZE
from anchorpy.error import AccountInvalidDiscriminator
from anchorpy.utils.rpc import get_multiple_accounts
from ..program_id import PROGRAM_ID


class MeterStateJSON(typing.TypedDict):
    meter_id: list[int]
    last_reading_timestamp: int
    last_energy_produced: int
    last_energy_consumed: int
    average_reading_interval: int
    total_readings: int
    valid_readings: int
    rejected_readings: int
    quality_score: int
    created_at: int
    bump: int


@dataclass
class MeterState:
    discriminator: typing.ClassVar = b"\xed\x06\xd7\xae\xed\xd8\xe9\x03"
    layout: typing.ClassVar = borsh.CStruct(
        "meter_id" / borsh.U8[32],
        "last_reading_timestamp" / borsh.I64,
        "last_energy_produced" / borsh.U64,
        "last_energy_consumed" / borsh.U64,
        "average_reading_interval" / borsh.U64,
        "total_readings" / borsh.U64,
        "valid_readings" / borsh.U64,
        "rejected_readings" / borsh.U64,
        "quality_score" / borsh.U8,
        "created_at" / borsh.I64,
        "bump" / borsh.U8,
    )
    meter_id: list[int]
    last_reading_timestamp: int
    last_energy_produced: int
    last_energy_consumed: int
    average_reading_interval: int
    total_readings: int
    valid_readings: int
    rejected_readings: int
    quality_score: int
    created_at: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["MeterState"]:
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
    ) -> typing.List[typing.Optional["MeterState"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["MeterState"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "MeterState":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = MeterState.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            meter_id=dec.meter_id,
            last_reading_timestamp=dec.last_reading_timestamp,
            last_energy_produced=dec.last_energy_produced,
            last_energy_consumed=dec.last_energy_consumed,
            average_reading_interval=dec.average_reading_interval,
            total_readings=dec.total_readings,
            valid_readings=dec.valid_readings,
            rejected_readings=dec.rejected_readings,
            quality_score=dec.quality_score,
            created_at=dec.created_at,
            bump=dec.bump,
        )

    def to_json(self) -> MeterStateJSON:
        return {
            "meter_id": self.meter_id,
            "last_reading_timestamp": self.last_reading_timestamp,
            "last_energy_produced": self.last_energy_produced,
            "last_energy_consumed": self.last_energy_consumed,
            "average_reading_interval": self.average_reading_interval,
            "total_readings": self.total_readings,
            "valid_readings": self.valid_readings,
            "rejected_readings": self.rejected_readings,
            "quality_score": self.quality_score,
            "created_at": self.created_at,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: MeterStateJSON) -> "MeterState":
        return cls(
            meter_id=obj["meter_id"],
            last_reading_timestamp=obj["last_reading_timestamp"],
            last_energy_produced=obj["last_energy_produced"],
            last_energy_consumed=obj["last_energy_consumed"],
            average_reading_interval=obj["average_reading_interval"],
            total_readings=obj["total_readings"],
            valid_readings=obj["valid_readings"],
            rejected_readings=obj["rejected_readings"],
            quality_score=obj["quality_score"],
            created_at=obj["created_at"],
            bump=obj["bump"],
        )
