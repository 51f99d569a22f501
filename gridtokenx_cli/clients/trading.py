"""Helpers for the trading program: PDA derivation (one function per seed scheme), the integer math of the
market mirrored from ``programs/trading/src/math.rs`` (escrow, fees, clearing price, call auction, AMM
curves), the 10-level depth computed from fetched orders, event decoding, Token-2022 helpers and a LiteSVM
fixture (:class:`TradingEnv`) used by tests/test_trading.py.

Instructions are built with the generated AnchorPy client ``gridtokenx_cli.generated.trading``.
"""
from __future__ import annotations

import base64
import struct
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from typing import Any, Iterable, Sequence

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

from gridtokenx_cli import svm_lite
from gridtokenx_cli.generated.trading import instructions as tix
from gridtokenx_cli.generated.trading import types as ttypes
from gridtokenx_cli.generated.trading.accounts import AmmPool, ErcUsage, LimitOrder, MarketState
from gridtokenx_cli.generated.trading.program_id import PROGRAM_ID

PROGRAM_NAME = "trading"

TOKEN_2022_PROGRAM_ID = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
TOKEN_PROGRAM_ID = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
ASSOCIATED_TOKEN_PROGRAM_ID = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
ENERGY_TOKEN_PROGRAM_ID = Pubkey.from_string("8V9a99PnHt5Z7oUy5ghaR5p9gCm1srurLUkCVZJ4yAFk")
GOVERNANCE_PROGRAM_ID = Pubkey.from_string("G4ScZyZ1dfXxHsuFv228xDnofi72JtUqF1fMPefSmxma")

# Seeds: crates/gridtokenx-common/src/seeds.rs and programs/trading/src/state.rs
MARKET_SEED = b"market"
ORDER_SEED = b"order"
ESCROW_AUTHORITY_SEED = b"escrow"
POOL_SEED = b"pool"
GRX_MINT_SEED = b"grx_mint"
GRX_ESCROW_SEED = b"grx_escrow"
QUOTE_ESCROW_SEED = b"quote_escrow"
FEE_VAULT_SEED = b"fee_vault"
ERC_USAGE_SEED = b"erc_usage"
POOL_GRX_VAULT_SEED = b"pool_grx"
POOL_QUOTE_VAULT_SEED = b"pool_quote"

# Units (docs/programs.md)
GRX_DECIMALS = 9
QUOTE_DECIMALS = 6
GRX_PER_WH = 1_000_000
WH_PER_KWH = 1_000
BPS_DENOMINATOR = 10_000
PRICE_HISTORY_LEN = 24
DEPTH_LEVELS = 10
MAX_BATCH_ORDERS = 16
MAX_DEPTH_ORDERS = 64
MAX_POOL_RESERVE = (1 << 62) - 1
U64_MAX = 2**64 - 1

# Unit enums as their borsh discriminant
SIDE_BUY, SIDE_SELL = 0, 1
STATUS_OPEN, STATUS_PARTIALLY_FILLED, STATUS_FILLED, STATUS_CANCELLED = 0, 1, 2, 3
CURVE_LINEAR_SOLAR, CURVE_STEEP_WIND, CURVE_FLAT_BATTERY = 0, 1, 2
BUY_GRX, SELL_GRX = 0, 1
CURVES = (CURVE_LINEAR_SOLAR, CURVE_STEEP_WIND, CURVE_FLAT_BATTERY)


class TradingError(IntEnum):
    """programs/trading/src/error.rs (Anchor numbers them from 6000 in declaration order)."""

    InvalidFeeBps = 6000
    InvalidQuoteMint = 6001
    ZeroAmount = 6002
    ZeroPrice = 6003
    OrderTooSmall = 6004
    ArithmeticOverflow = 6005
    WrongOrderSide = 6006
    OrderNotOpen = 6007
    NotOrderOwner = 6008
    PriceMismatch = 6009
    SelfTrade = 6010
    PriorityViolation = 6011
    DuplicateOrder = 6012
    InvalidTokenAccount = 6013
    InvalidRemainingAccounts = 6014
    TooManyOrders = 6015
    NoCrossingOrders = 6016
    ErcNotOwned = 6017
    ErcNotValidated = 6018
    ErcExpired = 6019
    InsufficientErcEnergy = 6020
    MissingErcUsage = 6021
    OrderStillOpen = 6022
    SlippageExceeded = 6023
    InsufficientLiquidity = 6024
    ZeroSwapOutput = 6025
    InvalidPoolAmount = 6026
    InsufficientFees = 6027
    ErcCertificateMismatch = 6028
    FillTooSmall = 6029


class CommonError(IntEnum):
    """``gridtokenx_common::CommonError``."""

    SystemPaused = 7000
    NotAuthority = 7001
    NotPendingAuthority = 7002
    NoPendingTransfer = 7003
    TransferExpired = 7004
    InvalidNewAuthority = 7005
    NotBootstrapAuthority = 7006


class AnchorError(IntEnum):
    """The Anchor framework errors the trading account structs can raise."""

    InstructionFallbackNotFound = 101
    InstructionDidNotDeserialize = 102
    ConstraintMut = 2000
    ConstraintHasOne = 2001
    ConstraintSigner = 2002
    ConstraintSeeds = 2006
    ConstraintAddress = 2012
    ConstraintTokenMint = 2014
    ConstraintTokenOwner = 2015
    ConstraintMintDecimals = 2018
    ConstraintMintTokenProgram = 2022
    ConstraintDuplicateMutableAccount = 2040
    ConstraintTokenTokenProgram = 2021
    AccountDiscriminatorMismatch = 3002
    AccountNotEnoughKeys = 3005
    AccountNotMutable = 3006
    AccountOwnedByWrongProgram = 3007
    InvalidProgramId = 3008
    AccountNotSigner = 3010
    AccountNotInitialized = 3012


# ----------------------------------------------------------------------------- PDAs


def market_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"market"]`` -> MarketState."""
    return Pubkey.find_program_address([MARKET_SEED], program_id)


def order_pda(market: Pubkey, order_id: int, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"order", market, order_id u64 le]`` -> LimitOrder."""
    return Pubkey.find_program_address([ORDER_SEED, bytes(market), struct.pack("<Q", order_id)], program_id)


def escrow_authority_pda(market: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"escrow", market]`` -> authority of the escrows and the fee vault."""
    return Pubkey.find_program_address([ESCROW_AUTHORITY_SEED, bytes(market)], program_id)


def grx_escrow_pda(market: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"grx_escrow", market]`` -> the market's GRX escrow token account."""
    return Pubkey.find_program_address([GRX_ESCROW_SEED, bytes(market)], program_id)


def quote_escrow_pda(market: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"quote_escrow", market]`` -> the market's quote escrow token account."""
    return Pubkey.find_program_address([QUOTE_ESCROW_SEED, bytes(market)], program_id)


def fee_vault_pda(market: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"fee_vault", market]`` -> the fee vault (quote token account)."""
    return Pubkey.find_program_address([FEE_VAULT_SEED, bytes(market)], program_id)


def erc_usage_pda(certificate: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"erc_usage", certificate]`` -> ErcUsage (energy of an ERC committed to sell orders)."""
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


# ----------------------------------------------------------------------------- math (mirror of math.rs)


def quote_for(amount_wh: int, price: int) -> int:
    """Quote base units for ``amount_wh`` at ``price`` micro-quote/kWh (rounded down)."""
    return amount_wh * price // WH_PER_KWH


def grx_for(amount_wh: int) -> int:
    return amount_wh * GRX_PER_WH


def fee_for(amount: int, fee_bps: int) -> int:
    """Rounded up: a positive rate never makes a positive-value trade free of fees (math.rs ``fee_for``)."""
    return min(-(-amount * fee_bps // BPS_DENOMINATOR), amount)


def clearing_price(bid: int, ask: int, volume_wh: int, total_volume_wh: int) -> int:
    """Mid-point + volume adjustment (platform-algorithms 1.1), clamped to ``[ask, bid]``."""
    assert bid >= ask
    mid = ask + (bid - ask) // 2
    if total_volume_wh == 0:
        return mid
    weight = min(volume_wh * 1000 // total_volume_wh, 1000)
    return min(mid + mid * weight // 10_000, bid)


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


def compute_fill(bid: int, buy_remaining_wh: int, buy_escrow_remaining: int, amount_wh: int, price: int,
                 fee_bps: int) -> Fill:
    release = buy_escrow_remaining - quote_for(buy_remaining_wh - amount_wh, bid)
    cost = quote_for(amount_wh, price)
    if cost == 0:
        raise ValueError("FillTooSmall")  # GRX for no quote is refused on chain
    fee = fee_for(cost, fee_bps)
    assert 0 <= cost <= release
    return Fill(amount_wh, price, grx_for(amount_wh), cost, fee, cost - fee, release, release - cost)


@dataclass(frozen=True)
class BookOrder:
    side: int
    price: int
    order_id: int
    remaining_wh: int


def run_auction(orders: Sequence[BookOrder], reference: int) -> tuple[int, int, list[tuple[int, int, int]]] | None:
    """Uniform-price call auction: ``(price, volume, [(buy index, sell index, amount)])`` or None.

    Maximum executable volume, then minimum surplus, then closest to ``reference`` (the last clearing
    price, or the mid-point of the tied candidates when there is none), then the lower price.
    """
    def volumes(p: int) -> tuple[int, int]:
        d = sum(o.remaining_wh for o in orders if o.side == SIDE_BUY and o.price >= p)
        s = sum(o.remaining_wh for o in orders if o.side == SIDE_SELL and o.price <= p)
        return d, s

    cands = {}
    for o in orders:
        if o.price not in cands:
            d, s = volumes(o.price)
            cands[o.price] = (min(d, s), abs(d - s))
    best_v = max((v for v, _ in cands.values()), default=0)
    if best_v == 0:
        return None
    best_s = min(s for v, s in cands.values() if v == best_v)
    tied = [p for p, (v, s) in cands.items() if v == best_v and s == best_s]
    lo, hi = min(tied), max(tied)
    ref = reference if reference else lo + (hi - lo) // 2
    price = min(tied, key=lambda p: (abs(p - ref), p))
    bids = sorted((i for i, o in enumerate(orders) if o.side == SIDE_BUY and o.price >= price),
                  key=lambda i: (-orders[i].price, orders[i].order_id))
    asks = sorted((i for i, o in enumerate(orders) if o.side == SIDE_SELL and o.price <= price),
                  key=lambda i: (orders[i].price, orders[i].order_id))
    fills = []
    bi = ai = 0
    bl = orders[bids[0]].remaining_wh if bids else 0
    al = orders[asks[0]].remaining_wh if asks else 0
    while bi < len(bids) and ai < len(asks):
        q = min(bl, al)
        if q:
            fills.append((bids[bi], asks[ai], q))
        bl -= q
        al -= q
        if bl == 0:
            bi += 1
            bl = orders[bids[bi]].remaining_wh if bi < len(bids) else 0
        if al == 0:
            ai += 1
            al = orders[asks[ai]].remaining_wh if ai < len(asks) else 0
    assert sum(f[2] for f in fills) == best_v
    return price, best_v, fills


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


# ----------------------------------------------------------------------------- depth


@dataclass(frozen=True)
class DepthLevel:
    price: int
    amount_wh: int
    orders: int


def _order_fields(o: Any) -> tuple[int, int, int, int, int]:
    """(side, status, price, amount_wh, filled_wh) of a decoded LimitOrder or a dict of its fields."""
    get = (lambda k: o[k]) if isinstance(o, dict) else (lambda k: getattr(o, k))
    side, status = get("side"), get("status")
    side = side if isinstance(side, int) else side.discriminator
    status = status if isinstance(status, int) else status.discriminator
    return side, status, get("price"), get("amount_wh"), get("filled_wh")


def market_depth(orders: Iterable[Any], levels: int = DEPTH_LEVELS) -> tuple[list[DepthLevel], list[DepthLevel]]:
    """10-level depth from fetched orders, the same computation as the ``emit_market_depth`` instruction:
    open orders (Open / PartiallyFilled) aggregated by price, unfilled Wh and order count per level, bids
    highest first and asks lowest first, ``levels`` per side."""
    agg: dict[int, dict[int, list[int]]] = {SIDE_BUY: {}, SIDE_SELL: {}}
    for o in orders:
        side, status, price, amount, filled = _order_fields(o)
        if status not in (STATUS_OPEN, STATUS_PARTIALLY_FILLED):
            continue
        lvl = agg[side].setdefault(price, [0, 0])
        lvl[0] += amount - filled
        lvl[1] += 1
    bids = [DepthLevel(p, a, n) for p, (a, n) in sorted(agg[SIDE_BUY].items(), reverse=True)][:levels]
    asks = [DepthLevel(p, a, n) for p, (a, n) in sorted(agg[SIDE_SELL].items())][:levels]
    return bids, asks


# ----------------------------------------------------------------------------- decoding


def decode_market(data: bytes) -> MarketState:
    return MarketState.decode(bytes(data))


def decode_order(data: bytes) -> LimitOrder:
    return LimitOrder.decode(bytes(data))


def decode_pool(data: bytes) -> AmmPool:
    return AmmPool.decode(bytes(data))


def decode_erc_usage(data: bytes) -> ErcUsage:
    return ErcUsage.decode(bytes(data))


def vwap(market: MarketState) -> int:
    """VWAP over the price-history ring recomputed from its points (should equal ``market.vwap``)."""
    pts = [market.price_history[i] for i in range(market.price_history_count)]
    vol = sum(p.volume_wh for p in pts)
    return sum(p.price * p.volume_wh for p in pts) // vol if vol else 0


@lru_cache(maxsize=1)
def _event_coder():
    from anchorpy import EventCoder, Idl

    idl_path = svm_lite.REPO_ROOT / "idl" / "legacy" / f"{PROGRAM_NAME}.json"
    return EventCoder(Idl.from_json(idl_path.read_text()))


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


def token_balance(svm: LiteSVM, address: Pubkey) -> int:
    acc = svm.get_account(address)
    assert acc is not None, f"token account {address} missing"
    return struct.unpack_from("<Q", bytes(acc.data), 64)[0]


def token_owner(svm: LiteSVM, address: Pubkey) -> Pubkey:
    return Pubkey.from_bytes(bytes(svm.get_account(address).data)[32:64])


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
        "fee_vault": fee_vault_pda(market)[0],
    }


def governance_config_address() -> Pubkey:
    return Pubkey.find_program_address([b"poa_config"], GOVERNANCE_PROGRAM_ID)[0]


def order_meta(order: Pubkey, writable: bool = True) -> AccountMeta:
    return AccountMeta(order, False, writable)


@dataclass
class User:
    keypair: Keypair
    grx: Pubkey
    quote: Pubkey

    @property
    def pubkey(self) -> Pubkey:
        return self.keypair.pubkey()


@dataclass
class TradingEnv:
    """A LiteSVM with trading + governance loaded, governance initialised, a GRX mint at energy_token's PDA
    (forged: its mint authority is ``grx_authority``), a Token-2022 quote mint with 6 decimals, and
    ``initialize_market`` optionally run. Every helper builds its instruction through the generated client.
    """

    svm: LiteSVM
    payer: Keypair
    bootstrap: Keypair
    rec_authority: Keypair
    grx_authority: Keypair
    grx_mint: Pubkey
    quote_mint: Pubkey
    quote_token_program: Pubkey = TOKEN_2022_PROGRAM_ID
    certs: int = 0
    users: list[User] = field(default_factory=list)

    # ------------------------------------------------------------------ setup
    @classmethod
    def create(cls, trading_so, *, fee_bps: int | None = 25, quote_token_program: Pubkey = TOKEN_2022_PROGRAM_ID,
               now: int = 1_700_000_000) -> "TradingEnv":
        from gridtokenx_cli.clients import governance as gov

        svm = svm_lite.new_svm({PROGRAM_ID: trading_so})
        c = svm.get_clock()
        c.unix_timestamp = now
        svm.set_clock(c)
        payer = svm_lite.funded_keypair(svm, 100_000_000_000)
        rec = svm_lite.funded_keypair(svm)
        gov.initialize_governance_for_tests(svm, rec.pubkey())
        bootstrap = gov.bootstrap_keypair()
        grx_auth = svm_lite.funded_keypair(svm)
        grx_mint = grx_mint_pda()[0]
        svm_lite.set_account(svm, grx_mint, mint_account_bytes(grx_auth.pubkey(), GRX_DECIMALS), TOKEN_2022_PROGRAM_ID)
        env = cls(svm, payer, bootstrap, rec, grx_auth, grx_mint, Pubkey.default(), quote_token_program)
        env.quote_mint = env.create_mint(QUOTE_DECIMALS, token_program=quote_token_program)
        if fee_bps is not None:
            svm_lite.expect_ok(env.send(env.ix_initialize_market(fee_bps), env.bootstrap))
        return env

    def send(self, ixs: Instruction | Sequence[Instruction], *signers: Keypair) -> svm_lite.TxResult:
        return svm_lite.send(self.svm, ixs, self.payer, signers)

    def ok(self, ixs: Instruction | Sequence[Instruction], *signers: Keypair):
        return svm_lite.expect_ok(self.send(ixs, *signers))

    def now(self) -> int:
        return self.svm.get_clock().unix_timestamp

    def set_time(self, t: int) -> None:
        c = self.svm.get_clock()
        c.unix_timestamp = t
        self.svm.set_clock(c)

    def create_mint(self, decimals: int, *, token_program: Pubkey = TOKEN_2022_PROGRAM_ID,
                    authority: Keypair | None = None) -> Pubkey:
        mint = Keypair()
        rent = self.svm.minimum_balance_for_rent_exemption(82)
        auth = authority or self.grx_authority
        self.ok([ix_create_account(self.payer.pubkey(), mint.pubkey(), rent, 82, token_program),
                 ix_initialize_mint2(mint.pubkey(), decimals, auth.pubkey(), token_program)], mint)
        return mint.pubkey()

    def token_account(self, owner: Pubkey, mint: Pubkey, token_program: Pubkey | None = None) -> Pubkey:
        tp = token_program or (self.quote_token_program if mint == self.quote_mint else TOKEN_2022_PROGRAM_ID)
        self.ok(ix_create_ata(self.payer.pubkey(), owner, mint, tp))
        return associated_token_address(owner, mint, tp)

    def extra_token_account(self, owner: Pubkey, mint: Pubkey) -> Pubkey:
        """A second (non-associated) token account of ``owner`` for ``mint`` (InitializeAccount3)."""
        tp = self.quote_token_program if mint == self.quote_mint else TOKEN_2022_PROGRAM_ID
        acct = Keypair()
        rent = self.svm.minimum_balance_for_rent_exemption(165)
        init = Instruction(tp, bytes([18]) + bytes(owner), [AccountMeta(acct.pubkey(), False, True),
                                                             AccountMeta(mint, False, False)])
        self.ok([ix_create_account(self.payer.pubkey(), acct.pubkey(), rent, 165, tp), init], acct)
        return acct.pubkey()

    def mint_to(self, mint: Pubkey, dest: Pubkey, amount: int) -> None:
        tp = self.quote_token_program if mint == self.quote_mint else TOKEN_2022_PROGRAM_ID
        if amount:
            self.ok(ix_mint_to(mint, dest, self.grx_authority.pubkey(), amount, tp), self.grx_authority)

    def new_user(self, grx: int = 0, quote: int = 0) -> User:
        kp = svm_lite.funded_keypair(self.svm)
        u = User(kp, self.token_account(kp.pubkey(), self.grx_mint), self.token_account(kp.pubkey(), self.quote_mint))
        self.mint_to(self.grx_mint, u.grx, grx)
        self.mint_to(self.quote_mint, u.quote, quote)
        self.users.append(u)
        return u

    def make_erc(self, owner: Pubkey, energy_wh: int, *, status: int = 1, expires_at: int | None = None,
                 cert_id: bytes | None = None) -> Pubkey:
        """Forge a governance ``ErcCertificate`` PDA (status 1 = Validated) owned by ``owner``."""
        from gridtokenx_cli.clients import governance as gov
        from gridtokenx_cli.generated.governance.accounts import ErcCertificate

        self.certs += 1
        cid = cert_id or gov.certificate_id(f"trading-test-{self.certs}")
        address, bump = gov.erc_certificate_pda(cid)
        now = self.now()
        body = ErcCertificate.layout.build({
            "certificate_id": list(cid), "owner": owner, "meter": Pubkey.new_unique(), "energy_amount": energy_wh,
            "issued_at": now, "expires_at": now + gov.ERC_VALIDITY_SECONDS if expires_at is None else expires_at,
            "status": _erc_status(status).to_encodable(), "bump": bump})
        svm_lite.set_account(self.svm, address, ErcCertificate.discriminator + body, GOVERNANCE_PROGRAM_ID)
        return address

    # ------------------------------------------------------------------ state
    @property
    def market_address(self) -> Pubkey:
        return market_pda()[0]

    @property
    def accts(self) -> dict[str, Pubkey]:
        return market_accounts()

    def market(self) -> MarketState:
        return decode_market(bytes(self.svm.get_account(self.market_address).data))

    def order(self, address: Pubkey) -> LimitOrder:
        return decode_order(bytes(self.svm.get_account(address).data))

    def pool(self, curve: int) -> AmmPool:
        return decode_pool(bytes(self.svm.get_account(pool_pda(curve)[0]).data))

    def erc_usage(self, cert: Pubkey) -> ErcUsage:
        return decode_erc_usage(bytes(self.svm.get_account(erc_usage_pda(cert)[0]).data))

    def balance(self, token_account: Pubkey) -> int:
        return token_balance(self.svm, token_account)

    def next_order(self) -> Pubkey:
        return order_pda(self.market_address, self.market().next_order_id)[0]

    # ------------------------------------------------------------------ instructions
    def ix_initialize_market(self, fee_bps: int, **over: Pubkey) -> Instruction:
        a = self.accts
        accounts = {
            "authority": self.bootstrap.pubkey(), "market": a["market"], "escrow_authority": a["escrow_authority"],
            "grx_mint": self.grx_mint, "quote_mint": self.quote_mint, "grx_escrow": a["grx_escrow"],
            "quote_escrow": a["quote_escrow"], "fee_vault": a["fee_vault"],
            "governance_config": governance_config_address(), "grx_token_program": TOKEN_2022_PROGRAM_ID,
            "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.initialize_market({"fee_bps": fee_bps}, accounts)

    def ix_place_buy(self, user: User, amount_wh: int, price: int, **over: Pubkey) -> Instruction:
        a = self.accts
        accounts = {
            "owner": user.pubkey, "market": a["market"], "order": self.next_order(),
            "owner_quote_account": user.quote, "quote_escrow": a["quote_escrow"], "quote_mint": self.quote_mint,
            "governance_config": governance_config_address(), "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.place_buy_order({"amount_wh": amount_wh, "price": price}, accounts)

    def ix_place_sell(self, user: User, amount_wh: int, price: int, cert: Pubkey, **over: Pubkey) -> Instruction:
        a = self.accts
        accounts = {
            "owner": user.pubkey, "market": a["market"], "order": self.next_order(), "erc_certificate": cert,
            "erc_usage": erc_usage_pda(cert)[0], "owner_grx_account": user.grx, "grx_escrow": a["grx_escrow"],
            "grx_mint": self.grx_mint, "governance_config": governance_config_address(),
            "grx_token_program": TOKEN_2022_PROGRAM_ID}
        accounts.update(over)
        return tix.place_sell_order({"amount_wh": amount_wh, "price": price}, accounts)

    def ix_cancel(self, user: User, order: Pubkey, **over: Any) -> Instruction:
        a = self.accts
        o = self.order(order) if self.svm.get_account(order) is not None else None
        sell = o is not None and o.side.discriminator == SIDE_SELL
        accounts = {
            "owner": user.pubkey, "market": a["market"], "order": order,
            "erc_usage": erc_usage_pda(o.erc_certificate)[0] if sell else None,
            "escrow_authority": a["escrow_authority"],
            "escrow": a["grx_escrow"] if sell else a["quote_escrow"],
            "owner_token_account": user.grx if sell else user.quote,
            "mint": self.grx_mint if sell else self.quote_mint,
            "governance_config": governance_config_address(),
            "escrow_token_program": TOKEN_2022_PROGRAM_ID if sell else self.quote_token_program}
        accounts.update(over)
        return tix.cancel_order(accounts)

    def ix_close(self, user: User, order: Pubkey, **over: Pubkey) -> Instruction:
        accounts = {"owner": user.pubkey, "market": self.market_address, "order": order,
                    "governance_config": governance_config_address()}
        accounts.update(over)
        return tix.close_order(accounts)

    def ix_match(self, matcher: Pubkey, buy: Pubkey, sell: Pubkey, amount_wh: int = U64_MAX, *,
                 others: Sequence[Pubkey] = (), **over: Pubkey) -> Instruction:
        a = self.accts
        bo, so = self.order(buy), self.order(sell)
        buyer = self._user(bo.owner)
        seller = self._user(so.owner)
        accounts = {
            "matcher": matcher, "market": a["market"], "buy_order": buy, "sell_order": sell,
            "sell_erc_certificate": so.erc_certificate,
            "escrow_authority": a["escrow_authority"], "grx_escrow": a["grx_escrow"],
            "quote_escrow": a["quote_escrow"], "fee_vault": a["fee_vault"],
            "buyer_grx_account": buyer.grx if buyer else Pubkey.default(),
            "buyer_quote_account": buyer.quote if buyer else Pubkey.default(),
            "seller_quote_account": seller.quote if seller else Pubkey.default(),
            "grx_mint": self.grx_mint, "quote_mint": self.quote_mint,
            "governance_config": governance_config_address(), "grx_token_program": TOKEN_2022_PROGRAM_ID,
            "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.match_orders({"match_amount_wh": amount_wh}, accounts,
                                remaining_accounts=[order_meta(o, False) for o in others])

    def auction_remaining(self, orders: Sequence[Pubkey]) -> list[AccountMeta]:
        """Order groups of ``execute_batch_auction``: buy → order, owner's GRX and quote accounts; sell → order,
        owner's quote account, the order's ERC certificate (read-only, re-checked at the fill)."""
        metas = []
        for address in orders:
            o = self.order(address)
            u = self._user(o.owner)
            metas.append(AccountMeta(address, False, True))
            if o.side.discriminator == SIDE_BUY:
                metas.append(AccountMeta(u.grx, False, True))
            metas.append(AccountMeta(u.quote, False, True))
            if o.side.discriminator == SIDE_SELL:
                metas.append(AccountMeta(o.erc_certificate, False, False))
        return metas

    def ix_batch(self, cranker: Pubkey, orders: Sequence[Pubkey] = (), *,
                 remaining: list[AccountMeta] | None = None, **over: Pubkey) -> Instruction:
        a = self.accts
        accounts = {
            "cranker": cranker, "market": a["market"], "escrow_authority": a["escrow_authority"],
            "grx_escrow": a["grx_escrow"], "quote_escrow": a["quote_escrow"], "fee_vault": a["fee_vault"],
            "grx_mint": self.grx_mint, "quote_mint": self.quote_mint,
            "governance_config": governance_config_address(), "grx_token_program": TOKEN_2022_PROGRAM_ID,
            "quote_token_program": self.quote_token_program}
        accounts.update(over)
        rem = remaining if remaining is not None else self.auction_remaining(orders)
        return tix.execute_batch_auction(accounts, remaining_accounts=rem)

    def ix_depth(self, orders: Sequence[Pubkey], **over: Pubkey) -> Instruction:
        accounts = {"market": self.market_address}
        accounts.update(over)
        return tix.emit_market_depth(accounts, remaining_accounts=[order_meta(o, False) for o in orders])

    def ix_initialize_pool(self, admin: User, curve: int, grx_amount: int, quote_amount: int,
                           **over: Pubkey) -> Instruction:
        pool = pool_pda(curve)[0]
        accounts = {
            "admin": admin.pubkey, "market": self.market_address, "pool": pool,
            "grx_vault": pool_grx_vault_pda(pool)[0], "quote_vault": pool_quote_vault_pda(pool)[0],
            "admin_grx_account": admin.grx, "admin_quote_account": admin.quote, "grx_mint": self.grx_mint,
            "quote_mint": self.quote_mint, "governance_config": governance_config_address(),
            "grx_token_program": TOKEN_2022_PROGRAM_ID, "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.initialize_pool({"curve": _curve(curve), "grx_amount": grx_amount, "quote_amount": quote_amount},
                                   accounts)

    def ix_swap(self, user: User, curve: int, direction: int, amount_in: int, min_out: int,
                **over: Pubkey) -> Instruction:
        pool = pool_pda(curve)[0]
        accounts = {
            "user": user.pubkey, "market": self.market_address, "pool": pool,
            "grx_vault": pool_grx_vault_pda(pool)[0], "quote_vault": pool_quote_vault_pda(pool)[0],
            "user_grx_account": user.grx, "user_quote_account": user.quote, "grx_mint": self.grx_mint,
            "quote_mint": self.quote_mint, "governance_config": governance_config_address(),
            "grx_token_program": TOKEN_2022_PROGRAM_ID, "quote_token_program": self.quote_token_program}
        accounts.update(over)
        return tix.swap({"direction": _direction(direction), "amount_in": amount_in, "min_out": min_out}, accounts)

    def ix_withdraw_fees(self, admin: Pubkey, destination: Pubkey, amount: int, **over: Pubkey) -> Instruction:
        a = self.accts
        accounts = {
            "admin": admin, "market": a["market"], "escrow_authority": a["escrow_authority"],
            "fee_vault": a["fee_vault"], "destination": destination, "quote_mint": self.quote_mint,
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

    # ------------------------------------------------------------------ convenience
    def place_buy(self, user: User, amount_wh: int, price: int) -> Pubkey:
        order = self.next_order()
        self.ok(self.ix_place_buy(user, amount_wh, price), user.keypair)
        return order

    def place_sell(self, user: User, amount_wh: int, price: int, cert: Pubkey | None = None) -> Pubkey:
        cert = cert or self.make_erc(user.pubkey, amount_wh)
        order = self.next_order()
        self.ok(self.ix_place_sell(user, amount_wh, price, cert), user.keypair)
        return order

    def _user(self, owner: Pubkey) -> User | None:
        return next((u for u in self.users if u.pubkey == owner), None)


def _erc_status(status: int):
    from gridtokenx_cli.generated.governance.types import erc_status

    return [erc_status.Issued(), erc_status.Validated(), erc_status.Revoked()][status]


def _curve(curve: int):
    return [ttypes.curve_type.LinearSolar(), ttypes.curve_type.SteepWind(), ttypes.curve_type.FlatBattery()][curve]


def _direction(direction: int):
    return [ttypes.swap_direction.BuyGrx(), ttypes.swap_direction.SellGrx()][direction]
