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


class YcsbTableJSON(typing.TypedDict):
    authority: str
    table_id: int
    bump: int
    records: int


@dataclass
class YcsbTable:
    discriminator: typing.ClassVar = b"\x9fm8w\xcc\xb2A\xd5"
    layout: typing.ClassVar = borsh.CStruct(
        "authority" / BorshPubkey,
        "table_id" / borsh.U32,
        "bump" / borsh.U8,
        "records" / borsh.U64,
    )
    authority: Pubkey
    table_id: int
    bump: int
    records: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["YcsbTable"]:
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
    ) -> typing.List[typing.Optional["YcsbTable"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["YcsbTable"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "YcsbTable":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = YcsbTable.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            authority=dec.authority,
            table_id=dec.table_id,
            bump=dec.bump,
            records=dec.records,
        )

    def to_json(self) -> YcsbTableJSON:
        return {
            "authority": str(self.authority),
            "table_id": self.table_id,
            "bump": self.bump,
            "records": self.records,
        }

    @classmethod
    def from_json(cls, obj: YcsbTableJSON) -> "YcsbTable":
        return cls(
            authority=Pubkey.from_string(obj["authority"]),
            table_id=obj["table_id"],
            bump=obj["bump"],
            records=obj["records"],
        )
