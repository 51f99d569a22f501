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


class AmmPoolJSON(typing.TypedDict):
    market: str
    curve: types.curve_type.CurveTypeJSON
    grx_vault: str
    quote_vault: str
    grx_reserve: int
    quote_reserve: int
    initial_grx: int
    initial_quote: int
    total_swaps: int
    grx_vault_bump: int
    quote_vault_bump: int
    bump: int


@dataclass
class AmmPool:
    discriminator: typing.ClassVar = b"6R\xb9\x8a\xb3\xbf\xd3\xa9"
    layout: typing.ClassVar = borsh.CStruct(
        "market" / BorshPubkey,
        "curve" / types.curve_type.layout,
        "grx_vault" / BorshPubkey,
        "quote_vault" / BorshPubkey,
        "grx_reserve" / borsh.U64,
        "quote_reserve" / borsh.U64,
        "initial_grx" / borsh.U64,
        "initial_quote" / borsh.U64,
        "total_swaps" / borsh.U64,
        "grx_vault_bump" / borsh.U8,
        "quote_vault_bump" / borsh.U8,
        "bump" / borsh.U8,
    )
    market: Pubkey
    curve: types.curve_type.CurveTypeKind
    grx_vault: Pubkey
    quote_vault: Pubkey
    grx_reserve: int
    quote_reserve: int
    initial_grx: int
    initial_quote: int
    total_swaps: int
    grx_vault_bump: int
    quote_vault_bump: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["AmmPool"]:
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
    ) -> typing.List[typing.Optional["AmmPool"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["AmmPool"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "AmmPool":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = AmmPool.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            market=dec.market,
            curve=types.curve_type.from_decoded(dec.curve),
            grx_vault=dec.grx_vault,
            quote_vault=dec.quote_vault,
            grx_reserve=dec.grx_reserve,
            quote_reserve=dec.quote_reserve,
            initial_grx=dec.initial_grx,
            initial_quote=dec.initial_quote,
            total_swaps=dec.total_swaps,
            grx_vault_bump=dec.grx_vault_bump,
            quote_vault_bump=dec.quote_vault_bump,
            bump=dec.bump,
        )

    def to_json(self) -> AmmPoolJSON:
        return {
            "market": str(self.market),
            "curve": self.curve.to_json(),
            "grx_vault": str(self.grx_vault),
            "quote_vault": str(self.quote_vault),
            "grx_reserve": self.grx_reserve,
            "quote_reserve": self.quote_reserve,
            "initial_grx": self.initial_grx,
            "initial_quote": self.initial_quote,
            "total_swaps": self.total_swaps,
            "grx_vault_bump": self.grx_vault_bump,
            "quote_vault_bump": self.quote_vault_bump,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: AmmPoolJSON) -> "AmmPool":
        return cls(
            market=Pubkey.from_string(obj["market"]),
            curve=types.curve_type.from_json(obj["curve"]),
            grx_vault=Pubkey.from_string(obj["grx_vault"]),
            quote_vault=Pubkey.from_string(obj["quote_vault"]),
            grx_reserve=obj["grx_reserve"],
            quote_reserve=obj["quote_reserve"],
            initial_grx=obj["initial_grx"],
            initial_quote=obj["initial_quote"],
            total_swaps=obj["total_swaps"],
            grx_vault_bump=obj["grx_vault_bump"],
            quote_vault_bump=obj["quote_vault_bump"],
            bump=obj["bump"],
        )
