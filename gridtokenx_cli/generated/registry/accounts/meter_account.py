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


class MeterAccountJSON(typing.TypedDict):
    meter_id: list[int]
    owner: str
    meter_type: types.meter_type.MeterTypeJSON
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
    discriminator: typing.ClassVar = b"Wo\x8bW\xb5\x14h\xff"
    layout: typing.ClassVar = borsh.CStruct(
        "meter_id" / borsh.U8[32],
        "owner" / BorshPubkey,
        "meter_type" / types.meter_type.layout,
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
    meter_type: types.meter_type.MeterTypeKind
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
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["MeterAccount"]:
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
    ) -> typing.List[typing.Optional["MeterAccount"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["MeterAccount"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "MeterAccount":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = MeterAccount.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            meter_id=dec.meter_id,
            owner=dec.owner,
            meter_type=types.meter_type.from_decoded(dec.meter_type),
            meter_pubkey=dec.meter_pubkey,
            active=dec.active,
            total_generation=dec.total_generation,
            total_consumption=dec.total_consumption,
            settled_net_generation=dec.settled_net_generation,
            claimed_erc_generation=dec.claimed_erc_generation,
            last_reading_at=dec.last_reading_at,
            reading_count=dec.reading_count,
            registered_at=dec.registered_at,
            bump=dec.bump,
            capacity_w=dec.capacity_w,
            approved=dec.approved,
            retired=dec.retired,
            deactivated_by_admin=dec.deactivated_by_admin,
        )

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
            meter_type=types.meter_type.from_json(obj["meter_type"]),
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
