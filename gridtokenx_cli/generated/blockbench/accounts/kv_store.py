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


class KvStoreJSON(typing.TypedDict):
    authority: str
    store_id: int
    bump: int
    writes: int
    values: list[int]


@dataclass
class KvStore:
    discriminator: typing.ClassVar = b"\xca\n\xbd<\xbc2,F"
    layout: typing.ClassVar = borsh.CStruct(
        "authority" / BorshPubkey,
        "store_id" / borsh.U32,
        "bump" / borsh.U8,
        "writes" / borsh.U64,
        "values" / borsh.U64[64],
    )
    authority: Pubkey
    store_id: int
    bump: int
    writes: int
    values: list[int]

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["KvStore"]:
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
    ) -> typing.List[typing.Optional["KvStore"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["KvStore"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "KvStore":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = KvStore.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            authority=dec.authority,
            store_id=dec.store_id,
            bump=dec.bump,
            writes=dec.writes,
            values=dec.values,
        )

    def to_json(self) -> KvStoreJSON:
        return {
            "authority": str(self.authority),
            "store_id": self.store_id,
            "bump": self.bump,
            "writes": self.writes,
            "values": self.values,
        }

    @classmethod
    def from_json(cls, obj: KvStoreJSON) -> "KvStore":
        return cls(
            authority=Pubkey.from_string(obj["authority"]),
            store_id=obj["store_id"],
            bump=obj["bump"],
            writes=obj["writes"],
            values=obj["values"],
        )
