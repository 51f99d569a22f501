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


class TpcConfigJSON(typing.TypedDict):
    authority: str
    scale: types.scale.ScaleJSON
    sealed: bool
    bump: int


@dataclass
class TpcConfig:
    discriminator: typing.ClassVar = b"\xa8\x1d\x07r\x8a\xb0\xe3$"
    layout: typing.ClassVar = borsh.CStruct(
        "authority" / BorshPubkey,
        "scale" / types.scale.Scale.layout,
        "sealed" / borsh.Bool,
        "bump" / borsh.U8,
    )
    authority: Pubkey
    scale: types.scale.Scale
    sealed: bool
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["TpcConfig"]:
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
    ) -> typing.List[typing.Optional["TpcConfig"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["TpcConfig"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "TpcConfig":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = TpcConfig.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            authority=dec.authority,
            scale=types.scale.Scale.from_decoded(dec.scale),
            sealed=dec.sealed,
            bump=dec.bump,
        )

    def to_json(self) -> TpcConfigJSON:
        return {
            "authority": str(self.authority),
            "scale": self.scale.to_json(),
            "sealed": self.sealed,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: TpcConfigJSON) -> "TpcConfig":
        return cls(
            authority=Pubkey.from_string(obj["authority"]),
            scale=types.scale.Scale.from_json(obj["scale"]),
            sealed=obj["sealed"],
            bump=obj["bump"],
        )
