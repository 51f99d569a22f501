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


class UserAccountJSON(typing.TypedDict):
    owner: str
    user_type: types.user_type.UserTypeJSON
    meter_count: int
    registered_at: int
    bump: int


@dataclass
class UserAccount:
    discriminator: typing.ClassVar = b"\xd3!\x88\x10\xban\xf2\x7f"
    layout: typing.ClassVar = borsh.CStruct(
        "owner" / BorshPubkey,
        "user_type" / types.user_type.layout,
        "meter_count" / borsh.U64,
        "registered_at" / borsh.I64,
        "bump" / borsh.U8,
    )
    owner: Pubkey
    user_type: types.user_type.UserTypeKind
    meter_count: int
    registered_at: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["UserAccount"]:
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
    ) -> typing.List[typing.Optional["UserAccount"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["UserAccount"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "UserAccount":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = UserAccount.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            owner=dec.owner,
            user_type=types.user_type.from_decoded(dec.user_type),
            meter_count=dec.meter_count,
            registered_at=dec.registered_at,
            bump=dec.bump,
        )

    def to_json(self) -> UserAccountJSON:
        return {
            "owner": str(self.owner),
            "user_type": self.user_type.to_json(),
            "meter_count": self.meter_count,
            "registered_at": self.registered_at,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: UserAccountJSON) -> "UserAccount":
        return cls(
            owner=Pubkey.from_string(obj["owner"]),
            user_type=types.user_type.from_json(obj["user_type"]),
            meter_count=obj["meter_count"],
            registered_at=obj["registered_at"],
            bump=obj["bump"],
        )
