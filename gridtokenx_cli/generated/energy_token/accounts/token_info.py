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


class TokenInfoJSON(typing.TypedDict):
    admin: types.authority_state.AuthorityStateJSON
    mint: str
    total_minted: int
    total_burned: int
    total_supply: int
    bump: int


@dataclass
class TokenInfo:
    discriminator: typing.ClassVar = b"m\xa24}M\xa6%\xca"
    layout: typing.ClassVar = borsh.CStruct(
        "admin" / types.authority_state.AuthorityState.layout,
        "mint" / BorshPubkey,
        "total_minted" / borsh.U64,
        "total_burned" / borsh.U64,
        "total_supply" / borsh.U64,
        "bump" / borsh.U8,
    )
    admin: types.authority_state.AuthorityState
    mint: Pubkey
    total_minted: int
    total_burned: int
    total_supply: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["TokenInfo"]:
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
    ) -> typing.List[typing.Optional["TokenInfo"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["TokenInfo"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "TokenInfo":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = TokenInfo.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            admin=types.authority_state.AuthorityState.from_decoded(dec.admin),
            mint=dec.mint,
            total_minted=dec.total_minted,
            total_burned=dec.total_burned,
            total_supply=dec.total_supply,
            bump=dec.bump,
        )

    def to_json(self) -> TokenInfoJSON:
        return {
            "admin": self.admin.to_json(),
            "mint": str(self.mint),
            "total_minted": self.total_minted,
            "total_burned": self.total_burned,
            "total_supply": self.total_supply,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: TokenInfoJSON) -> "TokenInfo":
        return cls(
            admin=types.authority_state.AuthorityState.from_json(obj["admin"]),
            mint=Pubkey.from_string(obj["mint"]),
            total_minted=obj["total_minted"],
            total_burned=obj["total_burned"],
            total_supply=obj["total_supply"],
            bump=obj["bump"],
        )
