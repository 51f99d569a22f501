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


class YcsbRecordJSON(typing.TypedDict):
    table: str
    key: int
    bump: int
    version: int
    data: list[int]


@dataclass
class YcsbRecord:
    discriminator: typing.ClassVar = b"\xf5?Z\xe0A\t\x12\xd8"
    layout: typing.ClassVar = borsh.CStruct(
        "table" / BorshPubkey,
        "key" / borsh.U64,
        "bump" / borsh.U8,
        "version" / borsh.U64,
        "data" / borsh.U8[1000],
    )
    table: Pubkey
    key: int
    bump: int
    version: int
    data: list[int]

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["YcsbRecord"]:
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
    ) -> typing.List[typing.Optional["YcsbRecord"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["YcsbRecord"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "YcsbRecord":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = YcsbRecord.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            table=dec.table,
            key=dec.key,
            bump=dec.bump,
            version=dec.version,
            data=dec.data,
        )

    def to_json(self) -> YcsbRecordJSON:
        return {
            "table": str(self.table),
            "key": self.key,
            "bump": self.bump,
            "version": self.version,
            "data": self.data,
        }

    @classmethod
    def from_json(cls, obj: YcsbRecordJSON) -> "YcsbRecord":
        return cls(
            table=Pubkey.from_string(obj["table"]),
            key=obj["key"],
            bump=obj["bump"],
            version=obj["version"],
            data=obj["data"],
        )
