"""Client of the trading program: PDA derivation, the integer math of the market mirrored from
``programs/trading/src/math.rs`` (fills, fees, the call-auction price, AMM curves), the order book decoded
from its account (seats and both sides, best first), planning helpers that read a book and say which ERC
certificates an instruction will need, event decoding, Token-2022 helpers, and :class:`TradingBuilder`, the
instruction builder the CLI, the platform and the tests share.

Instructions are built with the generated AnchorPy client ``gridtokenx_cli.generated.trading``; program
errors from the IDL. The LiteSVM fixture (``TradingEnv``) is ``gridtokenx_cli.testing.trading``.
"""
from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

from gridtokenx_cli import idls
from gridtokenx_cli.generated.trading import instructions as tix
from gridtokenx_cli.generated.trading import types as ttypes
from gridtokenx_cli.generated.trading.accounts import AmmPool, ErcUsage, MarketState, OrderBook
from gridtokenx_cli.generated.trading.program_id import PROGRAM_ID

PROGRAM_NAME = "trading"

TOKEN_2022_PROGRAM_ID = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
TOKEN_PROGRAM_ID = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
ASSOCIATED_TOKEN_PROGRAM_ID = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
ENERGY_TOKEN_PROGRAM_ID = idls.generated_program_id("energy_token")
GOVERNANCE_PROGRAM_ID = idls.generated_program_id("governance")

# Seeds: crates/gridtokenx-common/src/seeds.rs and programs/trading/src/state.rs
MARKET_SEED = b"market"
ESCROW_AUTHORITY_SEED = b"escrow"
POOL_SEED = b"pool"
GRX_MINT_SEED = b"grx_mint"
GRX_ESCROW_SEED = b"grx_escrow"
QUOTE_ESCROW_SEED = b"quote_escrow"
ERC_USAGE_SEED = b"erc_usage"
POOL_GRX_VAULT_SEED = b"pool_grx"
POOL_QUOTE_VAULT_SEED = b"pool_quote"

# Units and limits (programs/trading/src/state.rs, docs/programs.md)
GRX_DECIMALS = 9
QUOTE_DECIMALS = 6
GRX_PER_WH = 1_000_000
WH_PER_KWH = 1_000
BPS_DENOMINATOR = 10_000
PRICE_TICK = 1_000
PRICE_HISTORY_LEN = 24
DEPTH_LEVELS = 10
MAX_ORDER_CAPACITY = 16_384
MAX_SEAT_CAPACITY = 16_384
MAX_AUCTION_FILLS = 128
MAX_POOL_RESERVE = (1 << 62) - 1
U64_MAX = 2**64 - 1
I64_MAX = 2**63 - 1
# gtx init's book: 512 resting orders per side, 1,024 seats (≈ 148 KB, ≈ 1.03 SOL of rent)
DEFAULT_ORDER_CAPACITY = 512
DEFAULT_SEAT_CAPACITY = 1_024
# How many resting orders a new order may fill (or remove) before its rest rests; the crank does the rest.
DEFAULT_MATCH_LIMIT = 8

# Unit enums as their borsh discriminant
SIDE_BUY, SIDE_SELL = 0, 1
LIMIT, POST_ONLY, IMMEDIATE_OR_CANCEL = 0, 1, 2
MODE_CONTINUOUS, MODE_AUCTION = 0, 1
ASSET_GRX, ASSET_QUOTE = 0, 1
CURVE_LINEAR_SOLAR, CURVE_STEEP_WIND, CURVE_FLAT_BATTERY = 0, 1, 2
BUY_GRX, SELL_GRX = 0, 1
CURVES = (CURVE_LINEAR_SOLAR, CURVE_STEEP_WIND, CURVE_FLAT_BATTERY)

TradingError = idls.error_enum("TradingError", idls.program_errors("trading"))
"""programs/trading/src/error.rs, from the IDL (codes from 6000)."""


CommonError = idls.error_enum("CommonError", idls.common_errors())
"""gridtokenx_common::CommonError (7000…), generated from its source."""

AnchorError = idls.error_enum("AnchorError", idls.anchor_errors())
"""Anchor 1.0's framework errors (100–5000), generated from anchor-lang's source."""


# ----------------------------------------------------------------------------- PDAs


def market_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"market"]`` -> MarketState."""
    return Pubkey.find_program_address([MARKET_SEED], program_id)


def escrow_authority_pda(market: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"escrow", market]`` -> authority of the two vaults."""
    return Pubkey.find_program_address([ESCROW_AUTHORITY_SEED, bytes(market)], program_id)


def grx_escrow_pda(market: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"grx_escrow", market]`` -> the market's GRX vault."""
    return Pubkey.find_program_address([GRX_ESCROW_SEED, bytes(market)], program_id)


def quote_escrow_pda(market: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"quote_escrow", market]`` -> the market's quote vault (seats' quote and unclaimed fees)."""
    return Pubkey.find_program_address([QUOTE_ESCROW_SEED, bytes(market)], program_id)


def erc_usage_pda(certificate: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"erc_usage", certificate]`` -> ErcUsage (energy of an ERC committed to asks)."""
    return Pubkey.find_program_address([ERC_USAGE_SEED, bytes(certificate)], program_id)


def pool_pda(curve: int, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"pool", curve u8]`` -> AmmPool."""
    return Pubkey.find_program_address([POOL_SEED, bytes([curve])], program_id)


def pool_grx_vault_pda(pool: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"pool_grx", pool]`` -> the pool's GRX reserve."""
    return Pubkey.find_program_address([POOL_GRX_VAULT_SEED, bytes(pool)], program_id)


def pool_quote_vault_pda(pool: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"pool_quote", pool]`` -> the pool's quote reserve."""
    return Pubkey.find_program_address([POOL_QUOTE_VAULT_SEED, bytes(pool)], program_id)


def grx_mint_pda() -> tuple[Pubkey, int]:
    """energy_token's ``[b"grx_mint"]`` -> the GRX mint."""
    return Pubkey.find_program_address([GRX_MINT_SEED], ENERGY_TOKEN_PROGRAM_ID)


def associated_token_address(owner: Pubkey, mint: Pubkey, token_program: Pubkey = TOKEN_2022_PROGRAM_ID) -> Pubkey:
    return Pubkey.find_program_address([bytes(owner), bytes(token_program), bytes(mint)],
                                       ASSOCIATED_TOKEN_PROGRAM_ID)[0]


def governance_config_address() -> Pubkey:
    return Pubkey.find_program_address([b"poa_config"], GOVERNANCE_PROGRAM_ID)[0]


# ----------------------------------------------------------------------------- math (mirror of math.rs)


def quote_for(amount_wh: int, price: int) -> int:
    """Quote base units for ``amount_wh`` at ``price`` micro-quote/kWh (exact for prices on the tick)."""
    return amount_wh * price // WH_PER_KWH


def grx_for(amount_wh: int) -> int:
    return amount_wh * GRX_PER_WH


def fee_for(amount: int, fee_bps: int) -> int:
    """Rounded up: a positive rate never makes a positive-value trade free of fees (math.rs ``fee_for``)."""
    return min(-(-amount * fee_bps // BPS_DENOMINATOR), amount)


def locked_for(side: int, price: int, remaining_wh: int) -> int:
    """What a resting order locks in its owner's seat: quote for a bid, GRX for an ask."""
    return quote_for(remaining_wh, price) if side == SIDE_BUY else grx_for(remaining_wh)


def price_on_tick(price: int) -> bool:
    return price > 0 and price % PRICE_TICK == 0


@dataclass(frozen=True)
class Fill:
    amount_wh: int
    price: int
    grx_amount: int
    quote_cost: int
    fee: int
    seller_proceeds: int
    buyer_release: int
    buyer_refund: int


def compute_fill(bid: int, buy_remaining_wh: int, amount_wh: int, price: int, fee_bps: int) -> Fill:
    release = quote_for(buy_remaining_wh, bid) - quote_for(buy_remaining_wh - amount_wh, bid)
    cost = quote_for(amount_wh, price)
    fee = fee_for(cost, fee_bps)
    assert 0 < amount_wh <= buy_remaining_wh and price <= bid
    return Fill(amount_wh, price, grx_for(amount_wh), cost, fee, cost - fee, release, release - cost)


def auction_price(bids: Sequence[tuple[int, int]], asks: Sequence[tuple[int, int]],
                  reference: int) -> tuple[int, int] | None:
    """``(price, volume)`` of the call auction over ``(price, remaining_wh)`` bids and asks, or None.

    Maximum executable volume, then minimum surplus, then closest to ``reference`` (the last clearing
    price, or the mid-point of the tied candidates when there is none), then the lower price.
    """
    cands = {}
    for p in {o[0] for o in (*bids, *asks)}:
        d = sum(r for q, r in bids if q >= p)
        s = sum(r for q, r in asks if q <= p)
        cands[p] = (min(d, s), abs(d - s))
    best_v = max((v for v, _ in cands.values()), default=0)
    if best_v == 0:
        return None
    best_s = min(s for v, s in cands.values() if v == best_v)
    tied = [p for p, (v, s) in cands.items() if v == best_v and s == best_s]
    lo, hi = min(tied), max(tied)
    ref = reference if reference else lo + (hi - lo) // 2
    return min(tied, key=lambda p: (abs(p - ref), p)), best_v


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def linear_phi(x: int, x0: int, y0: int, round_up: bool) -> int:
    if x > 2 * x0:
        raise ValueError("InsufficientLiquidity")
    if round_up:
        return _ceil_div(_ceil_div(x * (4 * x0 - x), 2 * x0) * y0, x0)
    return (x * (4 * x0 - x) // (2 * x0)) * y0 // x0


def linear_buy_out(amount_in: int, x: int, x0: int, y0: int) -> int:
    """LinearSolar, quote in: the most GRX whose cost ``Φ⌈x⌉ − Φ⌊x − dx⌋`` fits ``amount_in`` (closed form,
    see math.rs ``linear_buy_out``)."""
    import math

    top = linear_phi(x, x0, y0, True)
    if x == 0:
        return 0
    t = top - amount_in
    if t <= 0:
        return x - 1
    t3 = _ceil_div(t * x0, y0) * 2 * x0
    u = max(2 * x0 - math.isqrt(max(4 * x0 * x0 - t3, 0)), 1)
    return max(x - u, 0)


def swap_out(curve: int, direction: int, amount_in: int, grx_reserve: int, quote_reserve: int, x0: int,
             y0: int) -> int:
    """Exact-input swap output; raises ValueError("InsufficientLiquidity") like the program's error."""
    r_in, r_out = (quote_reserve, grx_reserve) if direction == BUY_GRX else (grx_reserve, quote_reserve)
    if curve == CURVE_STEEP_WIND:
        out = r_out * amount_in // (r_in + amount_in)
    elif curve == CURVE_FLAT_BATTERY:
        out = amount_in * x0 // y0 if direction == BUY_GRX else amount_in * y0 // x0
    elif direction == SELL_GRX:
        out = max(linear_phi(grx_reserve + amount_in, x0, y0, False) - linear_phi(grx_reserve, x0, y0, True), 0)
    else:
        out = linear_buy_out(amount_in, grx_reserve, x0, y0)
    if out >= r_out:
        raise ValueError("InsufficientLiquidity")
    return out


# ----------------------------------------------------------------------------- the book


# Entry layouts of the book account (programs/trading/src/state.rs `Seat`, `RestingOrder`; `#[repr(C)]`,
# no padding). The header is the generated ``OrderBook`` account; these two types only live in its tail.
BOOK_HEADER_LEN = 8 + OrderBook.layout.sizeof()
SEAT_LAYOUT = struct.Struct("<32sQQQQII")
ORDER_LAYOUT = struct.Struct("<QQQq32sII")


def book_space(order_capacity: int, seat_capacity: int) -> int:
    """Size of a book account with these capacities (``book::book_space``)."""
    return BOOK_HEADER_LEN + SEAT_LAYOUT.size * seat_capacity + 2 * ORDER_LAYOUT.size * order_capacity


@dataclass(frozen=True)
class Seat:
    slot: int
    owner: Pubkey
    grx_free: int
    grx_locked: int
    quote_free: int
    quote_locked: int
    open_orders: int


@dataclass(frozen=True)
class RestingOrder:
    side: int
    order_id: int
    price: int
    remaining_wh: int
    erc_expires_at: int
    erc_certificate: Pubkey
    trader_slot: int


@dataclass(frozen=True)
class Book:
    """A decoded book: the header, the claimed seats, and each side **best first**."""

    header: OrderBook
    seats: list[Seat]
    bids: list[RestingOrder]
    asks: list[RestingOrder]

    def side(self, side: int) -> list[RestingOrder]:
        return self.bids if side == SIDE_BUY else self.asks

    def seat_of(self, owner: Pubkey) -> Seat | None:
        return next((s for s in self.seats if s.owner == owner), None)

    def owner_of(self, order: RestingOrder) -> Pubkey:
        return self.seats[order.trader_slot].owner

    def find(self, order_id: int) -> RestingOrder | None:
        return next((o for o in (*self.bids, *self.asks) if o.order_id == order_id), None)

    def orders_of(self, owner: Pubkey) -> list[RestingOrder]:
        seat = self.seat_of(owner)
        return [] if seat is None else [o for o in (*self.bids, *self.asks) if o.trader_slot == seat.slot]

    def slot_to_claim(self, owner: Pubkey) -> int | None:
        """The slot ``claim_seat`` should take for ``owner`` (None if he has a seat): the next never-used
        slot, else the first seat left without balance or order; raises when the book has none."""
        if self.seat_of(owner) is not None:
            return None
        if self.header.seat_count < self.header.seat_capacity:
            return self.header.seat_count
        for s in self.seats:
            if not (s.grx_free or s.grx_locked or s.quote_free or s.quote_locked or s.open_orders):
                return s.slot
        raise ValueError(f"all {self.header.seat_capacity} seats of the market hold balances or orders")


def decode_book(data: bytes) -> Book:
    data = bytes(data)
    header = OrderBook.decode(data[:BOOK_HEADER_LEN])
    at = BOOK_HEADER_LEN
    seats = []
    for slot in range(header.seat_count):
        owner, gf, gl, qf, ql, n, _ = SEAT_LAYOUT.unpack_from(data, at + slot * SEAT_LAYOUT.size)
        seats.append(Seat(slot, Pubkey.from_bytes(owner), gf, gl, qf, ql, n))
    at += SEAT_LAYOUT.size * header.seat_capacity
    sides = []
    for side, count in ((SIDE_BUY, header.bid_count), (SIDE_SELL, header.ask_count)):
        orders = []
        for i in range(count):
            oid, price, rem, exp, cert, slot, _ = ORDER_LAYOUT.unpack_from(data, at + i * ORDER_LAYOUT.size)
            orders.append(RestingOrder(side, oid, price, rem, exp, Pubkey.from_bytes(cert), slot))
        sides.append(orders[::-1])  # stored worst first
        at += ORDER_LAYOUT.size * header.order_capacity
    return Book(header, seats, sides[0], sides[1])


@dataclass(frozen=True)
class DepthLevel:
    price: int
    amount_wh: int
    orders: int


def market_depth(book: Book, levels: int = DEPTH_LEVELS) -> tuple[list[DepthLevel], list[DepthLevel]]:
    """The best ``levels`` price levels per side, the same computation as ``emit_market_depth``."""
    out = []
    for orders in (book.bids, book.asks):
        agg: list[DepthLevel] = []
        for o in orders:
            if agg and agg[-1].price == o.price:
                last = agg[-1]
                agg[-1] = DepthLevel(last.price, last.amount_wh + o.remaining_wh, last.orders + 1)
            elif len(agg) == levels:
                break
            else:
                agg.append(DepthLevel(o.price, o.remaining_wh, 1))
        out.append(agg)
    return out[0], out[1]


def _ask_certificates(book: Book, max_price: int, limit: int | None = None) -> list[Pubkey]:
    """The certificates of the best asks priced at most ``max_price`` (the first ``limit`` of them), once each."""
    asks = book.asks if limit is None else book.asks[:limit]
    return list(dict.fromkeys(a.erc_certificate for a in asks if a.price <= max_price))


def certs_for_taker(book: Book, side: int, price: int, amount_wh: int,
                    match_limit: int = DEFAULT_MATCH_LIMIT) -> list[Pubkey]:
    """The ERC certificates a bid may reach: every crossing ask within ``match_limit`` steps (an ask whose
    certificate turns out revoked or transferred is removed and the walk goes on, so stopping at the asks
    expected to fill ``amount_wh`` could miss one). None for an ask."""
    return [] if side == SIDE_SELL else _ask_certificates(book, price, match_limit)


def certs_for_crank(book: Book, max_pairs: int) -> list[Pubkey]:
    """The certificates ``match_orders(max_pairs)`` may reach: each step takes at least one ask or bid off
    the book, so the first ``max_pairs`` asks at or below the best bid cover it."""
    return _ask_certificates(book, book.bids[0].price, max_pairs) if book.bids else []


def certs_for_auction(book: Book) -> list[Pubkey]:
    """The certificates ``execute_batch_auction`` needs: every ask at or below the best bid."""
    return _ask_certificates(book, book.bids[0].price) if book.bids else []


def cert_metas(certs: Iterable[Pubkey]) -> list[AccountMeta]:
    return [AccountMeta(c, False, False) for c in certs]


# ----------------------------------------------------------------------------- decoding


def decode_market(data: bytes) -> MarketState:
    return MarketState.decode(bytes(data))


def decode_pool(data: bytes) -> AmmPool:
    return AmmPool.decode(bytes(data))


def decode_erc_usage(data: bytes) -> ErcUsage:
    return ErcUsage.decode(bytes(data))


def vwap(market: MarketState) -> int:
    """VWAP over the price-history ring recomputed from its points (should equal ``market.vwap``)."""
    pts = [market.price_history[i] for i in range(market.price_history_count)]
    vol = sum(p.volume_wh for p in pts)
    return sum(p.price * p.volume_wh for p in pts) // vol if vol else 0


# ----------------------------------------------------------------------------- events


@lru_cache(maxsize=1)
def _event_coder():
    from anchorpy import EventCoder, Idl

    from gridtokenx_cli import idls

    return EventCoder(Idl.from_json(idls.legacy_idl_text(PROGRAM_NAME)))


def _plain(value: Any) -> Any:
    """anchorpy containers -> plain Python: dicts, lists, ints, Pubkeys; unit enum variants -> their name."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (int, str, bytes, Pubkey)) or value is None:
        return value
    if hasattr(value, "__dict__") and not vars(value):  # unit enum variant instance
        return type(value).__name__
    if hasattr(value, "__dict__"):
        return {k: _plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    return value


def decode_events(logs: Iterable[str]) -> list[tuple[str, dict]]:
    """``[(EventName, fields)]`` of every trading event in the logs (unknown payloads raise)."""
    out = []
    for line in logs:
        if not line.startswith("Program data: "):
            continue
        payload = b"".join(base64.b64decode(part) for part in line[len("Program data: "):].split())
        ev = _event_coder().parse(payload) if payload[:8] in _event_coder().discriminators else None
        if ev is None:
            raise ValueError(f"unknown event discriminator {payload[:8].hex()}")
        out.append((ev.name, _plain(ev.data)))
    return out


# ----------------------------------------------------------------------------- SPL token helpers


def mint_account_bytes(mint_authority: Pubkey | None, decimals: int, supply: int = 0) -> bytes:
    """82-byte SPL / Token-2022 mint without extensions."""
    auth = struct.pack("<I", 1) + bytes(mint_authority) if mint_authority else bytes(36)
    return auth + struct.pack("<QBB", supply, decimals, 1) + bytes(36)


def ix_initialize_mint2(mint: Pubkey, decimals: int, authority: Pubkey,
                        token_program: Pubkey = TOKEN_2022_PROGRAM_ID) -> Instruction:
    data = bytes([20, decimals]) + bytes(authority) + bytes([0])
    return Instruction(token_program, data, [AccountMeta(mint, False, True)])


def ix_create_account(payer: Pubkey, new: Pubkey, lamports: int, space: int, owner: Pubkey) -> Instruction:
    from solders.system_program import CreateAccountParams, create_account

    return create_account(CreateAccountParams(from_pubkey=payer, to_pubkey=new, lamports=lamports, space=space,
                                              owner=owner))


def ix_create_ata(payer: Pubkey, owner: Pubkey, mint: Pubkey,
                  token_program: Pubkey = TOKEN_2022_PROGRAM_ID) -> Instruction:
    """Associated-token-account program ``CreateIdempotent``."""
    ata = associated_token_address(owner, mint, token_program)
    return Instruction(ASSOCIATED_TOKEN_PROGRAM_ID, bytes([1]), [
        AccountMeta(payer, True, True), AccountMeta(ata, False, True), AccountMeta(owner, False, False),
        AccountMeta(mint, False, False), AccountMeta(SYSTEM_PROGRAM_ID, False, False),
        AccountMeta(token_program, False, False)])


def ix_mint_to(mint: Pubkey, dest: Pubkey, authority: Pubkey, amount: int,
               token_program: Pubkey = TOKEN_2022_PROGRAM_ID) -> Instruction:
    return Instruction(token_program, bytes([7]) + struct.pack("<Q", amount), [
        AccountMeta(mint, False, True), AccountMeta(dest, False, True), AccountMeta(authority, True, False)])


# ----------------------------------------------------------------------------- instruction builders


def market_accounts(market: Pubkey | None = None) -> dict[str, Pubkey]:
    """Addresses derived from the market PDA."""
    market = market or market_pda()[0]
    return {
        "market": market,
        "escrow_authority": escrow_authority_pda(market)[0],
        "grx_escrow": grx_escrow_pda(market)[0],
        "quote_escrow": quote_escrow_pda(market)[0],
    }


def _enum(module: Any, names: Sequence[str], index: int) -> Any:
    return getattr(module, names[index])()


def order_type_value(order_type: int) -> Any:
    return _enum(ttypes.order_type, ("Limit", "PostOnly", "ImmediateOrCancel"), order_type)


def market_mode_value(mode: int) -> Any:
    return _enum(ttypes.market_mode, ("Continuous", "Auction"), mode)


def asset_value(asset: int) -> Any:
    return _enum(ttypes.asset, ("Grx", "Quote"), asset)


def _curve(curve: int) -> Any:
    return _enum(ttypes.curve_type, ("LinearSolar", "SteepWind", "FlatBattery"), curve)


def _direction(direction: int) -> Any:
    return _enum(ttypes.swap_direction, ("BuyGrx", "SellGrx"), direction)


@dataclass
class TradingBuilder:
    """Builds every trading instruction for one market from addresses alone (no chain access): the CLI,
    the platform bootstrap, the demo, the benchmarks and the tests use it. ``book`` is the market's book
    account (``MarketState.book``)."""

    grx_mint: Pubkey
    quote_mint: Pubkey
    book: Pubkey = Pubkey.default()
    quote_token_program: Pubkey = TOKEN_2022_PROGRAM_ID

    @property
    def accts(self) -> dict[str, Pubkey]:
        return market_accounts()

    @property
    def market_address(self) -> Pubkey:
        return market_pda()[0]

    def token_program_of(self, mint: Pubkey) -> Pubkey:
        return self.quote_token_program if mint == self.quote_mint else TOKEN_2022_PROGRAM_ID

    def ix_create_book(self, payer: Pubkey, book: Pubkey, lamports: int, order_capacity: int,
                       seat_capacity: int) -> Instruction:
        """System ``create_account`` of the book (the book keypair signs), to precede initialize_market."""
        return ix_create_account(payer, book, lamports, book_space(order_capacity, seat_capacity), PROGRAM_ID)

    def ix_initialize_market(self, authority: Pubkey, fee_bps: int, order_capacity: int, seat_capacity: int,
                             **over: Pubkey) -> Instruction:
        a = self.accts
        accounts: Any = {
            "authority": authority, "market": a["market"], "book": self.book,
            "escrow_authority": a["escrow_authority"], "grx_mint": self.grx_mint, "quote_mint": self.quote_mint,
            "grx_escrow": a["grx_escrow"], "quote_escrow": a["quote_escrow"],
            "governance_config": governance_config_address(), "grx_token_program": TOKEN_2022_PROGRAM_ID,
            "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.initialize_market({"fee_bps": fee_bps, "order_capacity": order_capacity,
                                      "seat_capacity": seat_capacity}, accounts)

    def _book_accounts(self, signer_name: str, signer: Pubkey, **over: Pubkey) -> Any:
        accounts: Any = {signer_name: signer, "market": self.market_address, "book": self.book,
                    "governance_config": governance_config_address()}
        accounts.update(over)
        return accounts

    def ix_claim_seat(self, owner: Pubkey, slot: int, **over: Pubkey) -> Instruction:
        return tix.claim_seat({"slot": slot}, self._book_accounts("owner", owner, **over))

    def _move(self, fn: Any, owner: Pubkey, slot: int, asset: int, amount: int, token_account: Pubkey,
              **over: Pubkey) -> Instruction:
        a = self.accts
        mint = self.grx_mint if asset == ASSET_GRX else self.quote_mint
        accounts: Any = {
            "owner": owner, "market": a["market"], "book": self.book, "escrow_authority": a["escrow_authority"],
            "vault": a["grx_escrow"] if asset == ASSET_GRX else a["quote_escrow"],
            "owner_token_account": token_account, "mint": mint, "governance_config": governance_config_address(),
            "asset_token_program": self.token_program_of(mint)}
        accounts.update(over)
        return fn({"slot": slot, "asset": asset_value(asset), "amount": amount}, accounts)

    def ix_deposit(self, owner: Pubkey, slot: int, asset: int, amount: int, token_account: Pubkey,
                   **over: Pubkey) -> Instruction:
        return self._move(tix.deposit, owner, slot, asset, amount, token_account, **over)

    def ix_withdraw(self, owner: Pubkey, slot: int, asset: int, amount: int, token_account: Pubkey,
                    **over: Pubkey) -> Instruction:
        return self._move(tix.withdraw, owner, slot, asset, amount, token_account, **over)

    def ix_place_buy(self, owner: Pubkey, slot: int, price: int, amount_wh: int, *, order_type: int = LIMIT,
                     match_limit: int = DEFAULT_MATCH_LIMIT, certs: Sequence[Pubkey] = (),
                     **over: Pubkey) -> Instruction:
        args: Any = {"slot": slot, "price": price, "amount_wh": amount_wh,
                "order_type": order_type_value(order_type), "match_limit": match_limit}
        return tix.place_buy_order(args, self._book_accounts("owner", owner, **over),
                                   remaining_accounts=cert_metas(certs))

    def ix_place_sell(self, owner: Pubkey, slot: int, price: int, amount_wh: int, certificate: Pubkey, *,
                      order_type: int = LIMIT, match_limit: int = DEFAULT_MATCH_LIMIT,
                      **over: Pubkey) -> Instruction:
        args: Any = {"slot": slot, "price": price, "amount_wh": amount_wh,
                "order_type": order_type_value(order_type), "match_limit": match_limit}
        accounts = self._book_accounts("owner", owner, erc_certificate=certificate,
                                       erc_usage=erc_usage_pda(certificate)[0])
        accounts.update(over)
        return tix.place_sell_order(args, accounts)

    def ix_cancel(self, owner: Pubkey, slot: int, order_id: int, erc_certificate: Pubkey | None = None,
                  **over: Any) -> Instruction:
        """``erc_certificate``: the ask's certificate (its ErcUsage is passed); None for a bid."""
        usage = erc_usage_pda(erc_certificate)[0] if erc_certificate is not None else None
        accounts: Any = {"owner": owner, "market": self.market_address, "book": self.book,
                                    "erc_usage": usage, "governance_config": governance_config_address()}
        accounts.update(over)
        return tix.cancel_order({"slot": slot, "order_id": order_id}, accounts)

    def ix_match(self, cranker: Pubkey, max_pairs: int, certs: Sequence[Pubkey] = (), **over: Pubkey) -> Instruction:
        return tix.match_orders({"max_pairs": max_pairs}, self._book_accounts("cranker", cranker, **over),
                                remaining_accounts=cert_metas(certs))

    def ix_auction(self, cranker: Pubkey, certs: Sequence[Pubkey] = (), **over: Pubkey) -> Instruction:
        return tix.execute_batch_auction(self._book_accounts("cranker", cranker, **over),
                                         remaining_accounts=cert_metas(certs))

    def ix_set_mode(self, admin: Pubkey, mode: int, **over: Pubkey) -> Instruction:
        return tix.set_market_mode({"mode": market_mode_value(mode)}, self._book_accounts("admin", admin, **over))

    def ix_depth(self, **over: Pubkey) -> Instruction:
        accounts: Any = {"market": self.market_address, "book": self.book}
        accounts.update(over)
        return tix.emit_market_depth(accounts)

    def ix_initialize_pool(self, admin: Pubkey, admin_grx: Pubkey, admin_quote: Pubkey, curve: int, grx_amount: int,
                           quote_amount: int, **over: Pubkey) -> Instruction:
        pool = pool_pda(curve)[0]
        accounts: Any = {
            "admin": admin, "market": self.market_address, "pool": pool,
            "grx_vault": pool_grx_vault_pda(pool)[0], "quote_vault": pool_quote_vault_pda(pool)[0],
            "admin_grx_account": admin_grx, "admin_quote_account": admin_quote, "grx_mint": self.grx_mint,
            "quote_mint": self.quote_mint, "governance_config": governance_config_address(),
            "grx_token_program": TOKEN_2022_PROGRAM_ID, "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.initialize_pool({"curve": _curve(curve), "grx_amount": grx_amount, "quote_amount": quote_amount},
                                   accounts)

    def ix_swap(self, user: Pubkey, user_grx: Pubkey, user_quote: Pubkey, curve: int, direction: int,
                amount_in: int, min_out: int, **over: Pubkey) -> Instruction:
        pool = pool_pda(curve)[0]
        accounts: Any = {
            "user": user, "market": self.market_address, "pool": pool,
            "grx_vault": pool_grx_vault_pda(pool)[0], "quote_vault": pool_quote_vault_pda(pool)[0],
            "user_grx_account": user_grx, "user_quote_account": user_quote, "grx_mint": self.grx_mint,
            "quote_mint": self.quote_mint, "governance_config": governance_config_address(),
            "grx_token_program": TOKEN_2022_PROGRAM_ID, "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.swap({"direction": _direction(direction), "amount_in": amount_in, "min_out": min_out}, accounts)

    def ix_withdraw_fees(self, admin: Pubkey, destination: Pubkey, amount: int, **over: Pubkey) -> Instruction:
        a = self.accts
        accounts: Any = {
            "admin": admin, "market": a["market"], "escrow_authority": a["escrow_authority"],
            "quote_escrow": a["quote_escrow"], "destination": destination, "quote_mint": self.quote_mint,
            "governance_config": governance_config_address(), "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.withdraw_fees({"amount": amount}, accounts)

    def ix_propose(self, authority: Pubkey, new_authority: Pubkey) -> Instruction:
        return tix.propose_authority_transfer({"new_authority": new_authority},
                                              {"authority": authority, "market": self.market_address})

    def ix_accept(self, authority: Pubkey) -> Instruction:
        return tix.accept_authority_transfer({"authority": authority, "market": self.market_address})

    def ix_cancel_transfer(self, authority: Pubkey) -> Instruction:
        return tix.cancel_authority_transfer({"authority": authority, "market": self.market_address})

    # ------------------------------------------------------------------ plans over a fetched book
    def fund_and_place(self, book: Book, owner: Pubkey, side: int, price: int, amount_wh: int, *,
                       token_account: Pubkey, certificate: Pubkey | None = None, order_type: int = LIMIT,
                       match_limit: int = DEFAULT_MATCH_LIMIT) -> list[Instruction]:
        """The instructions of one order from a wallet: claim a seat if the owner has none, deposit what the
        seat's free balance lacks, place. One transaction, so it lands whole or not at all."""
        ixs: list[Instruction] = []
        seat = book.seat_of(owner)
        if seat is None:
            slot = book.slot_to_claim(owner)
            assert slot is not None
            ixs.append(self.ix_claim_seat(owner, slot))
            free = 0
        else:
            slot = seat.slot
            free = seat.quote_free if side == SIDE_BUY else seat.grx_free
        need = locked_for(side, price, amount_wh) - free
        if need > 0:
            ixs.append(self.ix_deposit(owner, slot, ASSET_QUOTE if side == SIDE_BUY else ASSET_GRX, need,
                                       token_account))
        if side == SIDE_BUY:
            ixs.append(self.ix_place_buy(owner, slot, price, amount_wh, order_type=order_type,
                                         match_limit=match_limit,
                                         certs=certs_for_taker(book, side, price, amount_wh, match_limit)))
        else:
            assert certificate is not None, "an ask needs its ERC certificate"
            ixs.append(self.ix_place_sell(owner, slot, price, amount_wh, certificate, order_type=order_type,
                                          match_limit=match_limit))
        return ixs
