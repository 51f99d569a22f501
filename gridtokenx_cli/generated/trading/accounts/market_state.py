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


class MarketStateJSON(typing.TypedDict):
    admin: types.authority_state.AuthorityStateJSON
    grx_mint: str
    quote_mint: str
    book: str
    grx_escrow: str
    quote_escrow: str
    fee_bps: int
    mode: types.market_mode.MarketModeJSON
    fees_unclaimed: int
    total_trades: int
    total_volume_wh: int
    total_quote_volume: int
    total_fees: int
    last_clearing_price: int
    last_trade_at: int
    price_history: list[types.price_point.PricePointJSON]
    price_history_head: int
    price_history_count: int
    history_notional: int
    history_volume: int
    vwap: int
    escrow_authority_bump: int
    bump: int


@dataclass
class MarketState:
    discriminator: typing.ClassVar = b"\x00}{\xd7_`\xa4\xc2"
    layout: typing.ClassVar = borsh.CStruct(
        "admin" / types.authority_state.AuthorityState.layout,
        "grx_mint" / BorshPubkey,
        "quote_mint" / BorshPubkey,
        "book" / BorshPubkey,
        "grx_escrow" / BorshPubkey,
        "quote_escrow" / BorshPubkey,
        "fee_bps" / borsh.U16,
        "mode" / types.market_mode.layout,
        "fees_unclaimed" / borsh.U64,
        "total_trades" / borsh.U64,
        "total_volume_wh" / borsh.U64,
        "total_quote_volume" / borsh.U128,
        "total_fees" / borsh.U128,
        "last_clearing_price" / borsh.U64,
        "last_trade_at" / borsh.I64,
        "price_history" / types.price_point.PricePoint.layout[24],
        "price_history_head" / borsh.U8,
        "price_history_count" / borsh.U8,
        "history_notional" / borsh.U128,
        "history_volume" / borsh.U128,
        "vwap" / borsh.U64,
        "escrow_authority_bump" / borsh.U8,
        "bump" / borsh.U8,
    )
    admin: types.authority_state.AuthorityState
    grx_mint: Pubkey
    quote_mint: Pubkey
    book: Pubkey
    grx_escrow: Pubkey
    quote_escrow: Pubkey
    fee_bps: int
    mode: types.market_mode.MarketModeKind
    fees_unclaimed: int
    total_trades: int
    total_volume_wh: int
    total_quote_volume: int
    total_fees: int
    last_clearing_price: int
    last_trade_at: int
    price_history: list[types.price_point.PricePoint]
    price_history_head: int
    price_history_count: int
    history_notional: int
    history_volume: int
    vwap: int
    escrow_authority_bump: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["MarketState"]:
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
    ) -> typing.List[typing.Optional["MarketState"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["MarketState"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "MarketState":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = MarketState.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            admin=types.authority_state.AuthorityState.from_decoded(dec.admin),
            grx_mint=dec.grx_mint,
            quote_mint=dec.quote_mint,
            book=dec.book,
            grx_escrow=dec.grx_escrow,
            quote_escrow=dec.quote_escrow,
            fee_bps=dec.fee_bps,
            mode=types.market_mode.from_decoded(dec.mode),
            fees_unclaimed=dec.fees_unclaimed,
            total_trades=dec.total_trades,
            total_volume_wh=dec.total_volume_wh,
            total_quote_volume=dec.total_quote_volume,
            total_fees=dec.total_fees,
            last_clearing_price=dec.last_clearing_price,
            last_trade_at=dec.last_trade_at,
            price_history=list(
                map(
                    lambda item: types.price_point.PricePoint.from_decoded(item),
                    dec.price_history,
                )
            ),
            price_history_head=dec.price_history_head,
            price_history_count=dec.price_history_count,
            history_notional=dec.history_notional,
            history_volume=dec.history_volume,
            vwap=dec.vwap,
            escrow_authority_bump=dec.escrow_authority_bump,
            bump=dec.bump,
        )

    def to_json(self) -> MarketStateJSON:
        return {
            "admin": self.admin.to_json(),
            "grx_mint": str(self.grx_mint),
            "quote_mint": str(self.quote_mint),
            "book": str(self.book),
            "grx_escrow": str(self.grx_escrow),
            "quote_escrow": str(self.quote_escrow),
            "fee_bps": self.fee_bps,
            "mode": self.mode.to_json(),
            "fees_unclaimed": self.fees_unclaimed,
            "total_trades": self.total_trades,
            "total_volume_wh": self.total_volume_wh,
            "total_quote_volume": self.total_quote_volume,
            "total_fees": self.total_fees,
            "last_clearing_price": self.last_clearing_price,
            "last_trade_at": self.last_trade_at,
            "price_history": list(map(lambda item: item.to_json(), self.price_history)),
            "price_history_head": self.price_history_head,
            "price_history_count": self.price_history_count,
            "history_notional": self.history_notional,
            "history_volume": self.history_volume,
            "vwap": self.vwap,
            "escrow_authority_bump": self.escrow_authority_bump,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: MarketStateJSON) -> "MarketState":
        return cls(
            admin=types.authority_state.AuthorityState.from_json(obj["admin"]),
            grx_mint=Pubkey.from_string(obj["grx_mint"]),
            quote_mint=Pubkey.from_string(obj["quote_mint"]),
            book=Pubkey.from_string(obj["book"]),
            grx_escrow=Pubkey.from_string(obj["grx_escrow"]),
            quote_escrow=Pubkey.from_string(obj["quote_escrow"]),
            fee_bps=obj["fee_bps"],
            mode=types.market_mode.from_json(obj["mode"]),
            fees_unclaimed=obj["fees_unclaimed"],
            total_trades=obj["total_trades"],
            total_volume_wh=obj["total_volume_wh"],
            total_quote_volume=obj["total_quote_volume"],
            total_fees=obj["total_fees"],
            last_clearing_price=obj["last_clearing_price"],
            last_trade_at=obj["last_trade_at"],
            price_history=list(
                map(
                    lambda item: types.price_point.PricePoint.from_json(item),
                    obj["price_history"],
                )
            ),
            price_history_head=obj["price_history_head"],
            price_history_count=obj["price_history_count"],
            history_notional=obj["history_notional"],
            history_volume=obj["history_volume"],
            vwap=obj["vwap"],
            escrow_authority_bump=obj["escrow_authority_bump"],
            bump=obj["bump"],
        )
