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


class ErcUsageJSON(typing.TypedDict):
    certificate: str
    committed_wh: int
    bump: int


@dataclass
class ErcUsage:
    discriminator: typing.ClassVar = b"\x14\x8e\x98)F\x882\x93"
    layout: typing.ClassVar = borsh.CStruct(
        "certificate" / BorshPubkey, "committed_wh" / borsh.U64, "bump" / borsh.U8
    )
    certificate: Pubkey
    committed_wh: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["ErcUsage"]:
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
    ) -> typing.List[typing.Optional["ErcUsage"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["ErcUsage"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "ErcUsage":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = ErcUsage.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            certificate=dec.certificate,
            committed_wh=dec.committed_wh,
            bump=dec.bump,
        )

    def to_json(self) -> ErcUsageJSON:
        return {
            "certificate": str(self.certificate),
            "committed_wh": self.committed_wh,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: ErcUsageJSON) -> "ErcUsage":
        return cls(
            certificate=Pubkey.from_string(obj["certificate"]),
            committed_wh=obj["committed_wh"],
            bump=obj["bump"],
        )
