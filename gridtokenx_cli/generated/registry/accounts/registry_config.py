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
from .. import types


class RegistryConfigJSON(typing.TypedDict):
    admin: types.authority_state.AuthorityStateJSON
    user_count: int
    meter_count: int
    bump: int
    require_meter_approval: bool


@dataclass
class RegistryConfig:
    discriminator: typing.ClassVar = b"\x17v\n\xf6\xad\xe7\xf3\x9c"
    layout: typing.ClassVar = borsh.CStruct(
        "admin" / types.authority_state.AuthorityState.layout,
        "user_count" / borsh.U64,
        "meter_count" / borsh.U64,
        "bump" / borsh.U8,
        "require_meter_approval" / borsh.Bool,
    )
    admin: types.authority_state.AuthorityState
    user_count: int
    meter_count: int
    bump: int
    require_meter_approval: bool

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["RegistryConfig"]:
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
    ) -> typing.List[typing.Optional["RegistryConfig"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["RegistryConfig"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "RegistryConfig":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = RegistryConfig.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            admin=types.authority_state.AuthorityState.from_decoded(dec.admin),
            user_count=dec.user_count,
            meter_count=dec.meter_count,
            bump=dec.bump,
            require_meter_approval=dec.require_meter_approval,
        )

    def to_json(self) -> RegistryConfigJSON:
        return {
            "admin": self.admin.to_json(),
            "user_count": self.user_count,
            "meter_count": self.meter_count,
            "bump": self.bump,
            "require_meter_approval": self.require_meter_approval,
        }

    @classmethod
    def from_json(cls, obj: RegistryConfigJSON) -> "RegistryConfig":
        return cls(
            admin=types.authority_state.AuthorityState.from_json(obj["admin"]),
            user_count=obj["user_count"],
            meter_count=obj["meter_count"],
            bump=obj["bump"],
            require_meter_approval=obj["require_meter_approval"],
        )
