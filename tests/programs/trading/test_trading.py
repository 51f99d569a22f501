"""programs/trading in LiteSVM: the on-chain order book. Every instruction's effects (the decoded market, book
header, seats and both sides of the book, token balances, events) and every error it can raise, with the
market, the book, the vaults, the wallets, the certificates and their usage tallies unchanged on rejection.
The random sequences (hypothesis) are in tests/programs/trading/test_trading_properties.py.

Setup (gridtokenx_cli.clients.trading.TradingEnv): governance initialised with its real instruction (and
paused / unpaused with emergency_pause / emergency_unpause), the GRX mint forged at energy_token's PDA
(Token-2022, 9 decimals, mint authority a test key), a Token-2022 quote mint with 6 decimals created with
InitializeMint2, ERC certificates forged at governance's PDA with the fixed field order, the market and its
book (64 orders per side, 32 seats unless a test says otherwise) created in one transaction. A separate fee
payer signs every transaction, so the accounts the program sees keep their lamports when a transaction fails.
"""
from __future__ import annotations

import pytest
from solders.compute_budget import set_compute_unit_limit
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli.testing import svm_lite as h
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.testing import trading as tc
from gridtokenx_cli.testing.trading import AnchorError as AE
from gridtokenx_cli.testing.trading import CommonError as CE
from gridtokenx_cli.testing.trading import TradingError as TE
from gridtokenx_cli.generated.governance.accounts import ErcCertificate
from gridtokenx_cli.generated.governance.types import erc_status

U64_MAX = 2**64 - 1
PRICE = 5_000_000  # 5.000 quote per kWh, in micro-units (a multiple of PRICE_TICK)
QUOTE = 10**6  # one quote token
TOKEN_INSUFFICIENT_FUNDS = 1  # spl-token / token-2022 TokenError::InsufficientFunds
TOKEN_OWNER_MISMATCH = 4  # spl-token / token-2022 TokenError::OwnerMismatch
SYSTEM_ACCOUNT_IN_USE = 0  # system program: account already in use (Anchor `init` on an existing account)
BUY, SELL = tc.SIDE_BUY, tc.SIDE_SELL
GRX, QUOTE_ASSET = tc.ASSET_GRX, tc.ASSET_QUOTE


# ----------------------------------------------------------------------------- fixtures / helpers


@pytest.fixture(scope="session")
def trading_so():
    """target/deploy/trading.so (built through the toolchain if missing or stale; a failed build errors)."""
    return h.program_so(tc.PROGRAM_NAME)


@pytest.fixture
def env(trading_so) -> tc.TradingEnv:
    return tc.TradingEnv.create(trading_so)


@pytest.fixture
def bare(trading_so) -> tc.TradingEnv:
    """Governance and mints ready, market and book not created."""
    return tc.TradingEnv.create(trading_so, fee_bps=None)


@pytest.fixture
def small(trading_so) -> tc.TradingEnv:
    """A market whose book holds 2 orders per side and 2 seats."""
    return tc.TradingEnv.create(trading_so, order_capacity=2, seat_capacity=2)


def events(res, name: str | None = None) -> list[dict]:
    return [f for n, f in tc.decode_events(h.logs(res)) if name is None or n == name]


def event_names(res) -> list[str]:
    return [n for n, _ in tc.decode_events(h.logs(res))]


def certs_of(env: tc.TradingEnv) -> list[Pubkey]:
    """Every certificate ``env.make_erc`` forged (its default ids are numbered)."""
    return [gov.erc_certificate_pda(gov.certificate_id(f"trading-test-{i}"))[0] for i in range(1, env.certs + 1)]


def tracked(env: tc.TradingEnv, *extra: Pubkey) -> dict:
    """Snapshots of every account a trading instruction can touch in these tests: the market, the book, the
    vaults, the mints, governance's config, the users' wallets and token accounts, the certificates and their
    usage tallies, the pools."""
    addrs = set(extra) | set(env.accts.values()) | {env.grx_mint, env.quote_mint, tc.governance_config_address(),
                                                    env.book_keypair.pubkey()}
    for u in env.users:
        addrs |= {u.pubkey, u.grx, u.quote}
    for cert in certs_of(env):
        addrs |= {cert, tc.erc_usage_pda(cert)[0]}
    for curve in tc.CURVES:
        pool = tc.pool_pda(curve)[0]
        addrs |= {pool, tc.pool_grx_vault_pda(pool)[0], tc.pool_quote_vault_pda(pool)[0]}
    return h.snapshots(env.svm, *addrs)


def rejected(env: tc.TradingEnv, ix, code: int, *signers: Keypair, extra: tuple = (), index: int = 0,
             pre: list[Instruction] = ()) -> None:
    """``ix`` (after ``pre``) fails in instruction ``index`` with ``code``, no event, no tracked account changed."""
    before = tracked(env, *extra)
    res = env.send([*pre, *(ix if isinstance(ix, list) else [ix])], *signers)
    h.assert_rejected(env.svm, res, code, before, index=index)


def rejected_by_runtime(env: tc.TradingEnv, ixs: list[Instruction], error: str, *signers: Keypair,
                        index: int = 0, extra: tuple = ()) -> None:
    """The transaction fails in instruction ``index`` with the non-custom error ``error`` (raised by the runtime
    or a token program), no event, no tracked account changed."""
    before = tracked(env, *extra)
    res = env.send(ixs, *signers)
    assert not h.is_ok(res)
    got_index, err = h.instruction_error(res)
    assert got_index == index and error in str(err), str(err)
    assert h.program_data(h.logs(res)) == []
    h.assert_unchanged(env.svm, before)


def unsigned(ix: Instruction, key: Pubkey) -> Instruction:
    metas = [AccountMeta(m.pubkey, False, m.is_writable) if m.pubkey == key else m for m in ix.accounts]
    return Instruction(ix.program_id, ix.data, metas)


def pause(env: tc.TradingEnv) -> None:
    gov.pause_for_tests(env.svm)


def cu_limit(units: int = 1_400_000) -> Instruction:
    return set_compute_unit_limit(units)


def fake_governance_config(env: tc.TradingEnv) -> Pubkey:
    """A copy of the real GovernanceConfig (paused = false) at another address, owned by trading."""
    fake = Pubkey.new_unique()
    data = bytes(env.svm.get_account(tc.governance_config_address()).data)
    h.set_account(env.svm, fake, data, tc.PROGRAM_ID)
    return fake


def fake_market(env: tc.TradingEnv) -> Pubkey:
    """A copy of the MarketState at another address, owned by trading (its book field names the real book)."""
    fake = Pubkey.new_unique()
    h.set_account(env.svm, fake, bytes(env.svm.get_account(env.market_address).data), tc.PROGRAM_ID)
    return fake


def forged_book(env: tc.TradingEnv, rich: tc.User | None = None) -> Pubkey:
    """A copy of the market's book at another address, owned by trading; with ``rich``, that trader's seat
    in the copy holds 10^6 GRX and 10^6 quote tokens of free balance."""
    data = bytearray(env.svm.get_account(env.book_keypair.pubkey()).data)
    if rich is not None:
        slot = env.book().seat_of(rich.pubkey).slot
        at = tc.BOOK_HEADER_LEN + tc.SEAT_LAYOUT.size * slot
        owner, _, gl, _, ql, n, r = tc.SEAT_LAYOUT.unpack_from(data, at)
        tc.SEAT_LAYOUT.pack_into(data, at, owner, 10**6 * 10**9, gl, 10**6 * QUOTE, ql, n, r)
    fake = Pubkey.new_unique()
    h.set_account(env.svm, fake, bytes(data), tc.PROGRAM_ID)
    return fake


def set_cert(env: tc.TradingEnv, cert: Pubkey, *, status: int | None = None, owner: Pubkey | None = None,
             expires_at: int | None = None) -> None:
    """Rewrites fields of a forged certificate (what governance's revoke / transfer would do)."""
    c = ErcCertificate.decode(bytes(env.svm.get_account(cert).data))
    statuses = [erc_status.Issued(), erc_status.Validated(), erc_status.Revoked()]
    body = ErcCertificate.layout.build({
        "certificate_id": list(c.certificate_id), "owner": owner or c.owner, "meter": c.meter,
        "energy_amount": c.energy_amount, "issued_at": c.issued_at,
        "expires_at": c.expires_at if expires_at is None else expires_at,
        "status": (c.status if status is None else statuses[status]).to_encodable(), "bump": c.bump})
    h.set_account(env.svm, cert, ErcCertificate.discriminator + body, tc.GOVERNANCE_PROGRAM_ID)


def cert_expiry(env: tc.TradingEnv, cert: Pubkey) -> int:
    return ErcCertificate.decode(bytes(env.svm.get_account(cert).data)).expires_at


def seat(env: tc.TradingEnv, user: tc.User) -> tc.Seat:
    s = env.book().seat_of(user.pubkey)
    assert s is not None
    return s


def balances(env: tc.TradingEnv, user: tc.User) -> tuple[int, int, int, int]:
    """(grx_free, grx_locked, quote_free, quote_locked) of the user's seat."""
    s = seat(env, user)
    return s.grx_free, s.grx_locked, s.quote_free, s.quote_locked


def trader(env: tc.TradingEnv, grx_wh: int = 0, quote: int = 0) -> tc.User:
    """A user with a seat holding ``grx_for(grx_wh)`` GRX and ``quote`` quote as free balance."""
    u = env.new_user(grx=tc.grx_for(grx_wh), quote=quote)
    env.slot(u)
    if grx_wh:
        env.deposit(u, GRX, tc.grx_for(grx_wh))
    if quote:
        env.deposit(u, QUOTE_ASSET, quote)
    return u


def buy_ix(env: tc.TradingEnv, user: tc.User, wh: int, price: int, **kw) -> Instruction:
    return env.ix_place(user, BUY, wh, price, **kw)


def sell_ix(env: tc.TradingEnv, user: tc.User, wh: int, price: int, cert: Pubkey, **kw) -> Instruction:
    return env.ix_place(user, SELL, wh, price, cert=cert, **kw)


def ids(orders) -> list[int]:
    return [o.order_id for o in orders]


def check_book(env: tc.TradingEnv) -> None:
    """The book's accounting: each seat's locked balances and open-order count equal what its resting orders
    lock; both sides sorted by price-time priority (best first); the vaults hold exactly the seats' balances
    (plus the unclaimed fees for quote); order ids below next_order_id."""
    book, market = env.book(), env.market()
    for s in book.seats:
        mine = [o for o in (*book.bids, *book.asks) if o.trader_slot == s.slot]
        assert s.open_orders == len(mine)
        assert s.quote_locked == sum(tc.quote_for(o.remaining_wh, o.price) for o in mine if o.side == BUY)
        assert s.grx_locked == sum(tc.grx_for(o.remaining_wh) for o in mine if o.side == SELL)
    assert [(-o.price, o.order_id) for o in book.bids] == sorted((-o.price, o.order_id) for o in book.bids)
    assert [(o.price, o.order_id) for o in book.asks] == sorted((o.price, o.order_id) for o in book.asks)
    assert all(o.remaining_wh > 0 and o.order_id < book.header.next_order_id for o in (*book.bids, *book.asks))
    assert env.balance(env.accts["grx_escrow"]) == sum(s.grx_free + s.grx_locked for s in book.seats)
    assert env.balance(env.accts["quote_escrow"]) == \
        sum(s.quote_free + s.quote_locked for s in book.seats) + market.fees_unclaimed
    assert market.vwap == tc.vwap(market)


def fill_of(bid_price: int, bid_remaining: int, amount: int, price: int, fee_bps: int = 25) -> tc.Fill:
    return tc.compute_fill(bid_price, bid_remaining, amount, price, fee_bps)


# ----------------------------------------------------------------------------- dispatch


def test_unknown_instruction_is_rejected(env):
    ix = Instruction(tc.PROGRAM_ID, h.sighash("global", "no_such_ix"), [])
    rejected(env, ix, AE.InstructionFallbackNotFound)


# ----------------------------------------------------------------------------- initialize_market


def init_rejected(bare: tc.TradingEnv, code: int, fee_bps: int = 25, order_capacity: int = 64,
                  seat_capacity: int = 32, *, signer: Keypair | None = None, space: int | None = None,
                  extra: tuple = (), **over: Pubkey) -> None:
    """create_account of the book (``space`` bytes, default the capacities' size) + initialize_market in one
    transaction: the second instruction fails with ``code`` and the book is not created either."""
    book = bare.book_keypair.pubkey()
    size = tc.book_space(order_capacity, seat_capacity) if space is None else space
    create = tc.ix_create_account(bare.payer.pubkey(), book, bare.svm.minimum_balance_for_rent_exemption(size), size,
                                  tc.PROGRAM_ID)
    signer = signer or bare.bootstrap
    init = bare.b.ix_initialize_market(signer.pubkey(), fee_bps, order_capacity, seat_capacity, **over)
    rejected(bare, [create, init], code, signer, bare.book_keypair, extra=extra, index=1)
    assert bare.svm.get_account(book) is None or bare.svm.get_account(book).lamports == 0


def test_initialize_market(bare):
    env = bare
    book_key = env.book_keypair.pubkey()
    res = env.ok(env.ixs_create_market(30, 5, 3), env.bootstrap, env.book_keypair)
    a = env.accts
    m = env.market()
    assert m.admin.authority == env.bootstrap.pubkey() and m.admin.pending_authority == Pubkey.default()
    assert (m.grx_mint, m.quote_mint, m.book) == (env.grx_mint, env.quote_mint, book_key)
    assert (m.grx_escrow, m.quote_escrow) == (a["grx_escrow"], a["quote_escrow"])
    assert m.fee_bps == 30 and m.mode.discriminator == tc.MODE_CONTINUOUS
    assert (m.fees_unclaimed, m.total_trades, m.total_volume_wh, m.total_quote_volume, m.total_fees) == (0,) * 5
    assert (m.last_clearing_price, m.last_trade_at, m.vwap, m.price_history_count, m.history_volume) == (0,) * 5
    assert m.bump == tc.market_pda()[1]
    assert m.escrow_authority_bump == tc.escrow_authority_pda(env.market_address)[1]
    acc = env.svm.get_account(book_key)
    assert acc.owner == tc.PROGRAM_ID and len(acc.data) == tc.book_space(5, 3)
    assert bytes(acc.data)[:8] == tc.OrderBook.discriminator
    assert not any(bytes(acc.data)[tc.BOOK_HEADER_LEN:])  # no seat, no order
    book = env.book()
    hd = book.header
    assert (hd.market, hd.order_capacity, hd.seat_capacity) == (env.market_address, 5, 3)
    assert (hd.bid_count, hd.ask_count, hd.seat_count, hd.next_order_id) == (0, 0, 0, 0)
    assert (book.seats, book.bids, book.asks) == ([], [], [])
    for name, mint in [("grx_escrow", env.grx_mint), ("quote_escrow", env.quote_mint)]:
        acc = env.svm.get_account(a[name])
        assert acc.owner == tc.TOKEN_2022_PROGRAM_ID
        assert Pubkey.from_bytes(bytes(acc.data)[:32]) == mint
        assert tc.token_owner(env.svm, a[name]) == a["escrow_authority"]
        assert env.balance(a[name]) == 0
    assert events(res) == [{"market": env.market_address, "admin": env.bootstrap.pubkey(), "book": book_key,
                            "grx_mint": env.grx_mint, "quote_mint": env.quote_mint, "fee_bps": 30,
                            "order_capacity": 5, "seat_capacity": 3}]


@pytest.mark.parametrize("order_capacity,seat_capacity", [(1, 1), (tc.MAX_ORDER_CAPACITY, 1),
                                                          (1, tc.MAX_SEAT_CAPACITY)])
def test_initialize_market_capacity_bounds_are_inclusive(bare, order_capacity, seat_capacity):
    bare.ok(bare.ixs_create_market(25, order_capacity, seat_capacity), bare.bootstrap, bare.book_keypair)
    hd = bare.book().header
    assert (hd.order_capacity, hd.seat_capacity) == (order_capacity, seat_capacity)


def test_initialize_market_with_spl_token_quote(trading_so):
    """The quote token may live on the classic SPL Token program (GRX is always Token-2022): deposits,
    withdrawals, fills and the fee withdrawal all move it."""
    env = tc.TradingEnv.create(trading_so, quote_token_program=tc.TOKEN_PROGRAM_ID)
    assert env.svm.get_account(env.accts["quote_escrow"]).owner == tc.TOKEN_PROGRAM_ID
    buyer, seller = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(1000))
    env.place_sell(seller, 1000, PRICE)
    env.place_buy(buyer, 1000, PRICE)
    assert env.balance(buyer.quote) == 95 * QUOTE and env.balance(env.accts["quote_escrow"]) == 5 * QUOTE
    fee = tc.fee_for(5 * QUOTE, 25)
    assert balances(env, seller) == (0, 0, 5 * QUOTE - fee, 0)
    env.withdraw(seller, QUOTE_ASSET, 5 * QUOTE - fee)
    env.withdraw(buyer, GRX, tc.grx_for(1000))
    assert env.balance(seller.quote) == 5 * QUOTE - fee and env.balance(buyer.grx) == tc.grx_for(1000)
    dest = env.new_user()
    env.ok(env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.quote, fee), env.bootstrap)
    assert env.balance(dest.quote) == fee and env.balance(env.accts["quote_escrow"]) == 0
    rejected(env, env.b.ix_deposit(buyer.pubkey, env.slot(buyer), QUOTE_ASSET, 1, buyer.quote,
                                   asset_token_program=tc.TOKEN_2022_PROGRAM_ID),
             AE.ConstraintTokenTokenProgram, buyer.keypair)


def test_initialize_market_requires_bootstrap(bare):
    other = h.funded_keypair(bare.svm)
    init_rejected(bare, CE.NotBootstrapAuthority, signer=other)


def test_initialize_market_fee_bound_is_inclusive(bare):
    bare.ok(bare.ixs_create_market(10_000, 4, 4), bare.bootstrap, bare.book_keypair)  # 100 % is the largest fee
    assert bare.market().fee_bps == 10_000


def test_initialize_market_invalid_fee(bare):
    init_rejected(bare, TE.InvalidFeeBps, 10_001)


@pytest.mark.parametrize("order_capacity,seat_capacity", [
    (0, 32), (64, 0), (tc.MAX_ORDER_CAPACITY + 1, 32), (64, tc.MAX_SEAT_CAPACITY + 1), (2**32 - 1, 2**32 - 1)])
def test_initialize_market_invalid_capacity(bare, order_capacity, seat_capacity):
    # the book account is created with a valid size: the capacities are refused before the size is compared
    init_rejected(bare, TE.InvalidCapacity, 25, order_capacity, seat_capacity, space=tc.book_space(64, 32))


@pytest.mark.parametrize("space", [tc.book_space(64, 32) + 8, tc.book_space(64, 32) - 8, tc.book_space(32, 64),
                                   tc.book_space(64, 31), tc.book_space(63, 32)])
def test_initialize_market_book_size_must_match_capacities(bare, space):
    init_rejected(bare, TE.InvalidBookAccount, 25, 64, 32, space=space)


def test_initialize_market_book_must_be_zeroed(bare):
    """``zero``: a book account whose discriminator is already set (an initialised book) cannot be used."""
    book = bare.book_keypair.pubkey()
    space = tc.book_space(64, 32)
    for data in (b"\x01" + bytes(space - 1), tc.OrderBook.discriminator + bytes(space - 8)):
        h.set_account(bare.svm, book, data, tc.PROGRAM_ID)
        rejected(bare, bare.b.ix_initialize_market(bare.bootstrap.pubkey(), 25, 64, 32), AE.ConstraintZero,
                 bare.bootstrap)


def test_initialize_market_book_must_be_owned_by_trading(bare):
    book = bare.book_keypair.pubkey()
    h.set_account(bare.svm, book, bytes(tc.book_space(64, 32)), tc.GOVERNANCE_PROGRAM_ID)
    rejected(bare, bare.b.ix_initialize_market(bare.bootstrap.pubkey(), 25, 64, 32), AE.AccountOwnedByWrongProgram,
             bare.bootstrap)


def test_initialize_market_quote_mint_must_have_6_decimals(bare):
    mint9 = bare.create_mint(9)
    init_rejected(bare, TE.InvalidQuoteMint, quote_mint=mint9, extra=(mint9,))


def test_initialize_market_quote_mint_without_extensions(bare):
    ext = Pubkey.new_unique()  # a Token-2022 mint account with trailing extension space
    h.set_account(bare.svm, ext, tc.mint_account_bytes(bare.grx_authority.pubkey(), 6).ljust(165, b"\0")
                  + bytes([1]) + bytes(4), tc.TOKEN_2022_PROGRAM_ID)
    init_rejected(bare, TE.InvalidQuoteMint, quote_mint=ext, extra=(ext,))


def test_initialize_market_quote_mint_token_program(bare):
    """The quote mint is a Token-2022 mint, the quote token program passed is classic SPL Token: Anchor creates
    the quote vault (through the program passed) before it checks `mint::token_program`, so SPL Token itself
    refuses the foreign mint."""
    ixs = bare.ixs_create_market(25, 64, 32, quote_token_program=tc.TOKEN_PROGRAM_ID)
    rejected_by_runtime(bare, ixs, "IncorrectProgramId", bare.bootstrap, bare.book_keypair, index=1)


def test_initialize_market_grx_mint_must_be_token_2022(bare):
    """A classic SPL Token mint at the GRX address: Anchor creates the escrows (with grx_token_program =
    Token-2022) before it checks `mint::token_program`, so Token-2022 itself refuses the foreign mint."""
    h.set_account(bare.svm, bare.grx_mint, tc.mint_account_bytes(bare.grx_authority.pubkey(), 9), tc.TOKEN_PROGRAM_ID)
    ixs = bare.ixs_create_market(25, 64, 32)
    rejected_by_runtime(bare, ixs, "IncorrectProgramId", bare.bootstrap, bare.book_keypair, index=1)


def test_initialize_market_grx_mint_must_be_energy_tokens_pda(bare):
    other = bare.create_mint(9)
    init_rejected(bare, AE.ConstraintSeeds, grx_mint=other, extra=(other,))


def test_initialize_market_grx_mint_decimals(bare):
    h.set_account(bare.svm, bare.grx_mint, tc.mint_account_bytes(bare.grx_authority.pubkey(), 6),
                  tc.TOKEN_2022_PROGRAM_ID)
    init_rejected(bare, AE.ConstraintMintDecimals)


def test_initialize_market_grx_mint_must_be_a_token_mint(bare):
    h.set_account(bare.svm, bare.grx_mint, tc.mint_account_bytes(bare.grx_authority.pubkey(), 9), tc.PROGRAM_ID)
    init_rejected(bare, AE.AccountOwnedByWrongProgram)


def test_initialize_market_twice(env):
    """A second market (with a fresh book) cannot be created: the market PDA exists."""
    book = Keypair()
    space = tc.book_space(64, 32)
    create = tc.ix_create_account(env.payer.pubkey(), book.pubkey(), env.svm.minimum_balance_for_rent_exemption(space),
                                  space, tc.PROGRAM_ID)
    init = env.b.ix_initialize_market(env.bootstrap.pubkey(), 25, 64, 32, book=book.pubkey())
    rejected(env, [create, init], SYSTEM_ACCOUNT_IN_USE, env.bootstrap, book, extra=(book.pubkey(),), index=1)


def test_initialize_market_paused(bare):
    pause(bare)
    init_rejected(bare, CE.SystemPaused)


def test_initialize_market_fake_governance_config(bare):
    fake = fake_governance_config(bare)
    init_rejected(bare, AE.AccountOwnedByWrongProgram, governance_config=fake, extra=(fake,))


def test_initialize_market_wrong_escrow_address(bare):
    wrong = tc.quote_escrow_pda(bare.market_address)[0]
    init_rejected(bare, AE.ConstraintSeeds, grx_escrow=wrong, quote_escrow=bare.accts["grx_escrow"])


def test_initialize_market_requires_signer(bare):
    ix = unsigned(bare.b.ix_initialize_market(bare.bootstrap.pubkey(), 25, 64, 32), bare.bootstrap.pubkey())
    create = bare.b.ix_create_book(bare.payer.pubkey(), bare.book_keypair.pubkey(),
                                   bare.svm.minimum_balance_for_rent_exemption(tc.book_space(64, 32)), 64, 32)
    rejected(bare, [create, ix], AE.AccountNotSigner, bare.book_keypair, index=1)


# ----------------------------------------------------------------------------- claim_seat


def test_claim_seat(env):
    a, b = env.new_user(), env.new_user()
    res = env.ok(env.b.ix_claim_seat(a.pubkey, 0), a.keypair)
    assert events(res) == [{"owner": a.pubkey, "slot": 0, "previous_owner": Pubkey.default()}]
    res = env.ok(env.b.ix_claim_seat(b.pubkey, 1), b.keypair)
    assert events(res) == [{"owner": b.pubkey, "slot": 1, "previous_owner": Pubkey.default()}]
    book = env.book()
    assert book.header.seat_count == 2
    assert book.seats == [tc.Seat(0, a.pubkey, 0, 0, 0, 0, 0), tc.Seat(1, b.pubkey, 0, 0, 0, 0, 0)]
    assert book.slot_to_claim(a.pubkey) is None and book.slot_to_claim(env.new_user().pubkey) == 2


def test_claim_seat_rejections(env):
    a, b = trader(env, quote=QUOTE), env.new_user()  # a: slot 0 with a balance
    rejected(env, env.b.ix_claim_seat(a.pubkey, 1), TE.SeatAlreadyClaimed, a.keypair)
    rejected(env, env.b.ix_claim_seat(a.pubkey, 0), TE.SeatAlreadyClaimed, a.keypair)
    rejected(env, env.b.ix_claim_seat(b.pubkey, 0), TE.SeatNotFree, b.keypair)  # a's seat holds a balance
    rejected(env, env.b.ix_claim_seat(b.pubkey, 2), TE.SeatNotFree, b.keypair)  # beyond seat_count
    rejected(env, env.b.ix_claim_seat(b.pubkey, 32), TE.SeatNotFree, b.keypair)  # beyond the capacity
    rejected(env, env.b.ix_claim_seat(b.pubkey, 2**32 - 1), TE.SeatNotFree, b.keypair)
    rejected(env, unsigned(env.b.ix_claim_seat(b.pubkey, 1), b.pubkey), AE.AccountNotSigner)
    rejected(env, env.b.ix_claim_seat(b.pubkey, 1, book=forged_book(env)), TE.InvalidBookAccount, b.keypair)
    rejected(env, env.b.ix_claim_seat(b.pubkey, 1, governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, b.keypair)
    pause(env)
    rejected(env, env.b.ix_claim_seat(b.pubkey, 1), CE.SystemPaused, b.keypair)


def test_claim_seat_not_free_while_orders_or_locked(env):
    """A seat whose trader has only locked funds (an open order) or only GRX is not free either."""
    a, _b, c = trader(env, quote=tc.quote_for(1000, PRICE)), trader(env, grx_wh=1), env.new_user()
    env.place_buy(a, 1000, PRICE, fund=False)  # a's free balance is 0, all locked
    assert balances(env, a) == (0, 0, 0, tc.quote_for(1000, PRICE))
    rejected(env, env.b.ix_claim_seat(c.pubkey, 0), TE.SeatNotFree, c.keypair)
    rejected(env, env.b.ix_claim_seat(c.pubkey, 1), TE.SeatNotFree, c.keypair)
    env.cancel(a, 0)
    env.withdraw(a, QUOTE_ASSET, tc.quote_for(1000, PRICE))
    env.ok(env.b.ix_claim_seat(c.pubkey, 0), c.keypair)


def test_claim_seat_takes_over_an_empty_seat(small):
    env = small  # 2 seats
    a, b, c = trader(env, grx_wh=10), trader(env, quote=QUOTE), env.new_user()
    rejected(env, env.b.ix_claim_seat(c.pubkey, 2), TE.SeatNotFree, c.keypair)  # all seats used
    rejected(env, env.b.ix_claim_seat(c.pubkey, 0), TE.SeatNotFree, c.keypair)
    env.withdraw(a, GRX, tc.grx_for(10))  # a leaves: nothing in his seat any more
    res = env.ok(env.b.ix_claim_seat(c.pubkey, 0), c.keypair)
    assert events(res) == [{"owner": c.pubkey, "slot": 0, "previous_owner": a.pubkey}]
    book = env.book()
    assert book.header.seat_count == 2 and book.seats[0] == tc.Seat(0, c.pubkey, 0, 0, 0, 0, 0)
    assert book.seat_of(a.pubkey) is None and book.seat_of(b.pubkey).slot == 1
    # a lost the seat: he can no longer deposit into it
    rejected(env, env.b.ix_deposit(a.pubkey, 0, GRX, 1, a.grx), TE.WrongSeat, a.keypair)
    # the seat's new owner uses it; once it holds something, a cannot take it back (no seat left for him)
    env.mint_to(env.quote_mint, c.quote, QUOTE)
    env.deposit(c, QUOTE_ASSET, QUOTE)
    assert balances(env, c) == (0, 0, QUOTE, 0)
    rejected(env, env.b.ix_claim_seat(a.pubkey, 0), TE.SeatNotFree, a.keypair)
    rejected(env, env.b.ix_claim_seat(a.pubkey, 1), TE.SeatNotFree, a.keypair)
    check_book(env)


# ----------------------------------------------------------------------------- deposit / withdraw


def test_deposit_and_withdraw(env):
    u = env.new_user(grx=tc.grx_for(5_000), quote=50 * QUOTE)
    slot = env.slot(u)
    a = env.accts
    res = env.ok(env.b.ix_deposit(u.pubkey, slot, GRX, tc.grx_for(3_000), u.grx), u.keypair)
    assert events(res) == [{"owner": u.pubkey, "slot": slot, "asset": "Grx", "deposit": True,
                            "amount": tc.grx_for(3_000), "free_after": tc.grx_for(3_000)}]
    res = env.ok(env.b.ix_deposit(u.pubkey, slot, QUOTE_ASSET, 20 * QUOTE, u.quote), u.keypair)
    assert events(res) == [{"owner": u.pubkey, "slot": slot, "asset": "Quote", "deposit": True, "amount": 20 * QUOTE,
                            "free_after": 20 * QUOTE}]
    env.ok(env.b.ix_deposit(u.pubkey, slot, QUOTE_ASSET, 5 * QUOTE, u.quote), u.keypair)
    assert balances(env, u) == (tc.grx_for(3_000), 0, 25 * QUOTE, 0)
    assert (env.balance(u.grx), env.balance(u.quote)) == (tc.grx_for(2_000), 25 * QUOTE)
    assert (env.balance(a["grx_escrow"]), env.balance(a["quote_escrow"])) == (tc.grx_for(3_000), 25 * QUOTE)

    res = env.ok(env.b.ix_withdraw(u.pubkey, slot, GRX, tc.grx_for(1_000), u.grx), u.keypair)
    assert events(res) == [{"owner": u.pubkey, "slot": slot, "asset": "Grx", "deposit": False,
                            "amount": tc.grx_for(1_000), "free_after": tc.grx_for(2_000)}]
    res = env.ok(env.b.ix_withdraw(u.pubkey, slot, QUOTE_ASSET, 25 * QUOTE, u.quote), u.keypair)
    assert events(res) == [{"owner": u.pubkey, "slot": slot, "asset": "Quote", "deposit": False,
                            "amount": 25 * QUOTE, "free_after": 0}]
    assert balances(env, u) == (tc.grx_for(2_000), 0, 0, 0)
    assert (env.balance(u.grx), env.balance(u.quote)) == (tc.grx_for(3_000), 50 * QUOTE)
    assert (env.balance(a["grx_escrow"]), env.balance(a["quote_escrow"])) == (tc.grx_for(2_000), 0)
    check_book(env)


def test_withdraw_to_another_account_of_the_owner(env):
    u = trader(env, quote=10 * QUOTE)
    second = env.extra_token_account(u.pubkey, env.quote_mint)
    env.ok(env.b.ix_withdraw(u.pubkey, env.slot(u), QUOTE_ASSET, 4 * QUOTE, second), u.keypair)
    assert env.balance(second) == 4 * QUOTE and balances(env, u) == (0, 0, 6 * QUOTE, 0)


def test_withdraw_only_the_free_balance(env):
    u = trader(env, quote=10 * QUOTE)
    env.place_buy(u, 1_000, PRICE, fund=False)  # locks 5 quote
    assert balances(env, u) == (0, 0, 5 * QUOTE, 5 * QUOTE)
    slot = env.slot(u)
    rejected(env, env.b.ix_withdraw(u.pubkey, slot, QUOTE_ASSET, 5 * QUOTE + 1, u.quote), TE.InsufficientBalance,
             u.keypair)
    rejected(env, env.b.ix_withdraw(u.pubkey, slot, GRX, 1, u.grx), TE.InsufficientBalance, u.keypair)
    env.ok(env.b.ix_withdraw(u.pubkey, slot, QUOTE_ASSET, 5 * QUOTE, u.quote), u.keypair)
    rejected(env, env.b.ix_withdraw(u.pubkey, slot, QUOTE_ASSET, 1, u.quote), TE.InsufficientBalance, u.keypair)
    env.cancel(u, 0)
    env.ok(env.b.ix_withdraw(u.pubkey, slot, QUOTE_ASSET, 5 * QUOTE, u.quote), u.keypair)
    assert env.balance(u.quote) == 10 * QUOTE and balances(env, u) == (0, 0, 0, 0)


def test_withdraw_with_another_escrow_authority(env):
    """MoveBalance does not check escrow_authority (the withdrawal is signed with the PDA's seeds, so only the
    real PDA can sign): any other account fails the token CPI, nothing moves. A deposit does not use it."""
    a = trader(env, grx_wh=1_000)
    fake = h.funded_keypair(env.svm)
    for authority in (Pubkey.new_unique(), fake.pubkey()):
        rejected_by_runtime(env, [env.b.ix_withdraw(a.pubkey, env.slot(a), GRX, 1, a.grx,
                                                    escrow_authority=authority)],
                            "PrivilegeEscalation", a.keypair)
    # even signed by the fake authority itself: the vault's owner is the PDA, the token program refuses
    ix = env.b.ix_withdraw(a.pubkey, env.slot(a), GRX, 1, a.grx, escrow_authority=fake.pubkey())
    ix = Instruction(ix.program_id, ix.data, [AccountMeta(m.pubkey, m.pubkey in (a.pubkey, fake.pubkey()),
                                                          m.is_writable) for m in ix.accounts])
    rejected(env, ix, TOKEN_OWNER_MISMATCH, a.keypair, fake, extra=(fake.pubkey(),))
    env.mint_to(env.grx_mint, a.grx, 1)
    env.ok(env.b.ix_deposit(a.pubkey, env.slot(a), GRX, 1, a.grx, escrow_authority=Pubkey.new_unique()), a.keypair)
    assert balances(env, a)[0] == tc.grx_for(1_000) + 1


@pytest.mark.parametrize("kind", ["deposit", "withdraw"])
def test_deposit_withdraw_rejections(env, kind):
    a = trader(env, grx_wh=1_000, quote=10 * QUOTE)
    b = trader(env, grx_wh=1_000, quote=10 * QUOTE)
    env.mint_to(env.grx_mint, a.grx, tc.grx_for(1_000))
    env.mint_to(env.quote_mint, a.quote, 10 * QUOTE)
    fn = env.b.ix_deposit if kind == "deposit" else env.b.ix_withdraw
    sa, sb = env.slot(a), env.slot(b)
    g = tc.grx_for(1)
    acc = env.accts
    rejected(env, fn(a.pubkey, sa, GRX, 0, a.grx), TE.ZeroAmount, a.keypair)
    rejected(env, fn(a.pubkey, sa, QUOTE_ASSET, 0, a.quote), TE.ZeroAmount, a.keypair)
    # someone else's seat (b's own token account, a's seat), a never-used slot, a slot beyond the capacity
    rejected(env, fn(b.pubkey, sa, GRX, g, b.grx), TE.WrongSeat, b.keypair)
    rejected(env, fn(a.pubkey, 2, GRX, g, a.grx), TE.WrongSeat, a.keypair)
    rejected(env, fn(a.pubkey, 2**32 - 1, QUOTE_ASSET, 1, a.quote), TE.WrongSeat, a.keypair)
    # the vault / mint of the other asset
    rejected(env, fn(a.pubkey, sa, GRX, g, a.grx, vault=acc["quote_escrow"]), TE.InvalidTokenAccount, a.keypair)
    rejected(env, fn(a.pubkey, sa, QUOTE_ASSET, g, a.grx, vault=acc["grx_escrow"], mint=env.grx_mint),
             TE.InvalidTokenAccount, a.keypair)  # moves GRX but would be credited as quote
    rejected(env, fn(a.pubkey, sa, GRX, 1, a.quote, vault=acc["quote_escrow"], mint=env.quote_mint),
             TE.InvalidTokenAccount, a.keypair)  # moves quote but would be credited as GRX
    rejected(env, fn(a.pubkey, sa, QUOTE_ASSET, 1, a.quote, vault=b.quote), TE.InvalidTokenAccount, a.keypair)
    # token accounts: another owner's, the other mint's, the other token program
    rejected(env, fn(a.pubkey, sa, GRX, g, b.grx), AE.ConstraintTokenOwner, a.keypair)
    rejected(env, fn(a.pubkey, sa, QUOTE_ASSET, 1, b.quote), AE.ConstraintTokenOwner, a.keypair)
    rejected(env, fn(a.pubkey, sa, GRX, g, a.quote), AE.ConstraintTokenMint, a.keypair)
    rejected(env, fn(a.pubkey, sa, GRX, g, a.grx, asset_token_program=tc.TOKEN_PROGRAM_ID),
             AE.ConstraintTokenTokenProgram, a.keypair)
    # the market's book, the governance config, the signature
    rejected(env, fn(a.pubkey, sa, GRX, g, a.grx, book=forged_book(env, rich=a)), TE.InvalidBookAccount, a.keypair)
    rejected(env, fn(a.pubkey, sa, GRX, g, a.grx, governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, a.keypair)
    rejected(env, unsigned(fn(a.pubkey, sa, GRX, g, a.grx), a.pubkey), AE.AccountNotSigner)
    if kind == "deposit":  # more than the wallet holds
        rejected(env, fn(a.pubkey, sa, GRX, tc.grx_for(1_001), a.grx), TOKEN_INSUFFICIENT_FUNDS, a.keypair)
    else:  # more than the seat's free balance (the vault holds b's too)
        rejected(env, fn(a.pubkey, sa, GRX, tc.grx_for(1_000) + 1, a.grx), TE.InsufficientBalance, a.keypair)
        rejected(env, fn(a.pubkey, sa, QUOTE_ASSET, U64_MAX, a.quote), TE.InsufficientBalance, a.keypair)
    pause(env)
    rejected(env, fn(a.pubkey, sa, GRX, g, a.grx), CE.SystemPaused, a.keypair)
    rejected(env, fn(b.pubkey, sb, QUOTE_ASSET, 1, b.quote), CE.SystemPaused, b.keypair)


# ----------------------------------------------------------------------------- place orders: resting


def test_place_buy_order_rests(env):
    buyer = trader(env, quote=100 * QUOTE)
    slot = env.slot(buyer)
    res = env.ok(buy_ix(env, buyer, 1_500, 5_123_000), buyer.keypair)
    locked = tc.quote_for(1_500, 5_123_000)
    assert locked == 7_684_500  # exact: the price is on the tick
    assert balances(env, buyer) == (0, 0, 100 * QUOTE - locked, locked)
    book = env.book()
    assert book.bids == [tc.RestingOrder(BUY, 0, 5_123_000, 1_500, tc.I64_MAX, Pubkey.default(), slot)]
    assert book.asks == [] and book.header.next_order_id == 1 and book.header.bid_count == 1
    assert seat(env, buyer).open_orders == 1
    assert env.balance(env.accts["quote_escrow"]) == 100 * QUOTE  # placing moves no token
    assert events(res) == [{"order_id": 0, "owner": buyer.pubkey, "slot": slot, "side": "Buy", "order_type": "Limit",
                            "price": 5_123_000, "amount_wh": 1_500, "filled_wh": 0, "resting_wh": 1_500,
                            "erc_certificate": Pubkey.default(), "timestamp": env.now()}]
    m = env.market()
    assert (m.total_trades, m.last_clearing_price) == (0, 0)
    assert env.place_buy(buyer, 10, PRICE, fund=False) == 1
    assert ids(env.book().bids) == [0, 1] and seat(env, buyer).open_orders == 2
    check_book(env)


def test_place_sell_order_rests(env):
    seller = trader(env, grx_wh=10_000)
    slot = env.slot(seller)
    cert = env.make_erc(seller.pubkey, 5_000)
    lamports = env.svm.get_account(seller.pubkey).lamports
    res = env.ok(sell_ix(env, seller, 3_000, 4_500_000, cert), seller.keypair)
    assert balances(env, seller) == (tc.grx_for(7_000), tc.grx_for(3_000), 0, 0)
    usage_acc = env.svm.get_account(tc.erc_usage_pda(cert)[0])  # created on first use, paid by the seller
    assert usage_acc.owner == tc.PROGRAM_ID
    assert env.svm.get_account(seller.pubkey).lamports == lamports - usage_acc.lamports
    [ask] = env.book().asks
    assert ask == tc.RestingOrder(SELL, 0, 4_500_000, 3_000, cert_expiry(env, cert), cert, slot)
    usage = env.erc_usage(cert)
    assert (usage.certificate, usage.committed_wh, usage.bump) == (cert, 3_000, tc.erc_usage_pda(cert)[1])
    assert events(res) == [{"order_id": 0, "owner": seller.pubkey, "slot": slot, "side": "Sell",
                            "order_type": "Limit", "price": 4_500_000, "amount_wh": 3_000, "filled_wh": 0,
                            "resting_wh": 3_000, "erc_certificate": cert, "timestamp": env.now()}]
    # The same certificate backs a second ask up to its energy, not beyond (the first ask's 3000 Wh count).
    rejected(env, sell_ix(env, seller, 2_001, 4_600_000, cert), TE.InsufficientErcEnergy, seller.keypair)
    env.ok(sell_ix(env, seller, 2_000, 4_600_000, cert), seller.keypair)
    assert env.erc_usage(cert).committed_wh == 5_000
    rejected(env, sell_ix(env, seller, 1, 4_600_000, cert), TE.InsufficientErcEnergy, seller.keypair)
    assert ids(env.book().asks) == [0, 1]
    check_book(env)


def test_place_sell_order_certificate_valid_until_expiry(env):
    seller = trader(env, grx_wh=10_000)
    cert = env.make_erc(seller.pubkey, 5_000, expires_at=env.now())  # now <= expires_at: still valid
    env.ok(sell_ix(env, seller, 1_000, PRICE, cert), seller.keypair)
    assert env.book().asks[0].erc_expires_at == env.now()


def test_same_price_orders_rest_in_time_order(env):
    a, b = trader(env, quote=100 * QUOTE), trader(env, quote=100 * QUOTE)
    for user, price in [(a, 5_000_000), (b, 5_100_000), (a, 5_000_000), (b, 4_900_000), (b, 5_100_000)]:
        env.place_buy(user, 100, price, fund=False)
    assert [(o.order_id, o.price) for o in env.book().bids] == \
        [(1, 5_100_000), (4, 5_100_000), (0, 5_000_000), (2, 5_000_000), (3, 4_900_000)]
    s = trader(env, grx_wh=1_000)
    for price in (5_300_000, 5_200_000, 5_300_000, 5_200_000):
        env.place_sell(s, 100, price, fund=False)
    assert [(o.order_id, o.price) for o in env.book().asks] == \
        [(6, 5_200_000), (8, 5_200_000), (5, 5_300_000), (7, 5_300_000)]
    check_book(env)


# ----------------------------------------------------------------------------- place orders: matching


def test_bid_fills_resting_ask_at_the_ask_price_with_refund(env):
    seller, buyer = trader(env, grx_wh=600), trader(env, quote=10 * QUOTE)
    env.place_sell(seller, 600, 4_500_000, fund=False)  # id 0
    res = env.ok(buy_ix(env, buyer, 1_000, 5_500_000), buyer.keypair)  # id 1
    f = fill_of(5_500_000, 1_000, 600, 4_500_000)
    assert (f.quote_cost, f.fee, f.buyer_release, f.buyer_refund) == (2_700_000, 6_750, 3_300_000, 600_000)
    assert event_names(res) == ["OrderMatched", "OrderPlaced", "PriceUpdated"]
    now = env.now()
    assert events(res, "OrderMatched") == [{
        "buy_order_id": 1, "sell_order_id": 0, "buyer": buyer.pubkey, "seller": seller.pubkey, "amount_wh": 600,
        "price": 4_500_000, "quote_amount": 2_700_000, "fee": 6_750, "buyer_refund": 600_000,
        "buy_remaining_wh": 400, "sell_remaining_wh": 0, "timestamp": now}]
    assert events(res, "OrderPlaced") == [{
        "order_id": 1, "owner": buyer.pubkey, "slot": env.slot(buyer), "side": "Buy", "order_type": "Limit",
        "price": 5_500_000, "amount_wh": 1_000, "filled_wh": 600, "resting_wh": 400,
        "erc_certificate": Pubkey.default(), "timestamp": now}]
    assert events(res, "PriceUpdated") == [{"price": 4_500_000, "volume_wh": 600, "vwap": 4_500_000,
                                            "total_volume_wh": 600, "total_trades": 1, "timestamp": now}]
    # the buyer paid the ask's price: 5.50 locked per kWh, 4.50 spent, the difference back in his free balance
    assert balances(env, buyer) == (tc.grx_for(600), 0, 10 * QUOTE - 2_700_000 - 2_200_000, 2_200_000)
    assert balances(env, seller) == (0, 0, 2_700_000 - 6_750, 0)
    book = env.book()
    assert book.asks == [] and [(o.order_id, o.remaining_wh) for o in book.bids] == [(1, 400)]
    assert (seat(env, seller).open_orders, seat(env, buyer).open_orders) == (0, 1)
    m = env.market()
    assert (m.fees_unclaimed, m.total_fees, m.total_trades, m.total_volume_wh) == (6_750, 6_750, 1, 600)
    assert (m.total_quote_volume, m.last_clearing_price, m.last_trade_at, m.vwap) == (2_700_000, 4_500_000, now,
                                                                                        4_500_000)
    assert (m.price_history_count, m.price_history_head) == (1, 1)
    assert (m.price_history[0].price, m.price_history[0].volume_wh, m.price_history[0].timestamp) == \
        (4_500_000, 600, now)
    # no token moved: the vaults hold what was deposited
    assert env.balance(env.accts["quote_escrow"]) == 10 * QUOTE
    assert env.balance(env.accts["grx_escrow"]) == tc.grx_for(600)
    check_book(env)


def test_ask_fills_resting_bid_at_the_bid_price(env):
    buyer, seller = trader(env, quote=10 * QUOTE), trader(env, grx_wh=1_000)
    env.place_buy(buyer, 600, 5_500_000, fund=False)  # id 0
    cert = env.make_erc(seller.pubkey, 1_000)
    res = env.ok(sell_ix(env, seller, 1_000, 4_500_000, cert), seller.keypair)  # id 1
    f = fill_of(5_500_000, 600, 600, 5_500_000)
    assert (f.quote_cost, f.fee, f.buyer_refund) == (3_300_000, 8_250, 0)
    assert events(res, "OrderMatched") == [{
        "buy_order_id": 0, "sell_order_id": 1, "buyer": buyer.pubkey, "seller": seller.pubkey, "amount_wh": 600,
        "price": 5_500_000, "quote_amount": 3_300_000, "fee": 8_250, "buyer_refund": 0, "buy_remaining_wh": 0,
        "sell_remaining_wh": 400, "timestamp": env.now()}]
    [placed] = events(res, "OrderPlaced")
    assert (placed["filled_wh"], placed["resting_wh"], placed["erc_certificate"]) == (600, 400, cert)
    assert balances(env, buyer) == (tc.grx_for(600), 0, 10 * QUOTE - 3_300_000, 0)
    assert balances(env, seller) == (0, tc.grx_for(400), 3_300_000 - 8_250, 0)
    assert env.book().bids == [] and [(o.order_id, o.remaining_wh) for o in env.book().asks] == [(1, 400)]
    assert env.erc_usage(cert).committed_wh == 1_000  # sold and resting energy both stay committed
    assert env.market().last_clearing_price == 5_500_000
    check_book(env)


def test_fee_rounds_up_against_the_seller(env):
    """The fee (0.25 %) is rounded up: 1000 base units pay 3, not 2.5; at the lowest price (one tick) 1 Wh costs
    1 base unit and pays 1 of fee, the seller gets nothing: no fill is free of fees."""
    seller, buyer = trader(env, grx_wh=1), trader(env, quote=QUOTE)
    env.place_sell(seller, 1, 1_000_000, fund=False)
    res = env.ok(buy_ix(env, buyer, 1, 1_000_000), buyer.keypair)
    [m] = events(res, "OrderMatched")
    assert (m["quote_amount"], m["fee"]) == (1_000, 3)  # 1 Wh at 1.000/kWh = 0.001 quote = 1000 units, fee 2.5 -> 3
    assert balances(env, seller) == (0, 0, 997, 0) and env.market().fees_unclaimed == 3
    s2, b2 = trader(env, grx_wh=1), trader(env, quote=QUOTE)
    env.place_sell(s2, 1, 1_000, fund=False)  # the lowest price: 1 Wh costs 1 base unit
    res = env.ok(buy_ix(env, b2, 1, 1_000), b2.keypair)
    [m] = events(res, "OrderMatched")
    assert (m["quote_amount"], m["fee"]) == (1, 1)
    assert balances(env, s2) == (0, 0, 0, 0) and env.market().fees_unclaimed == 4
    check_book(env)


def test_price_history_ring_and_vwap(env):
    """26 fills: the ring keeps the last 24 points, the VWAP is over them."""
    seller, buyer = trader(env, grx_wh=26), trader(env, quote=QUOTE)
    cert = env.make_erc(seller.pubkey, 26)
    for i in range(26):
        env.ok(sell_ix(env, seller, 1, 1_000 * (i + 1), cert), seller.keypair)
        env.ok(buy_ix(env, buyer, 1, 1_000 * (i + 1)), buyer.keypair)
    m = env.market()
    assert (m.price_history_count, m.price_history_head, m.total_trades) == (24, 2, 26)
    prices = sorted(m.price_history[i].price for i in range(24))
    assert prices == [1_000 * (i + 1) for i in range(2, 26)]
    assert m.vwap == tc.vwap(m) == sum(prices) // 24
    assert m.history_volume == 24 and m.history_notional == sum(prices)
    check_book(env)


def test_partial_fill_of_the_resting_order(env):
    seller, buyer = trader(env, grx_wh=1_000), trader(env, quote=10 * QUOTE)
    env.place_sell(seller, 1_000, PRICE, fund=False)
    res = env.ok(buy_ix(env, buyer, 300, PRICE), buyer.keypair)
    [m] = events(res, "OrderMatched")
    assert (m["amount_wh"], m["buy_remaining_wh"], m["sell_remaining_wh"]) == (300, 0, 700)
    assert [(o.order_id, o.remaining_wh) for o in env.book().asks] == [(0, 700)]
    assert env.book().bids == [] and seat(env, buyer).open_orders == 0
    assert balances(env, seller)[:2] == (0, tc.grx_for(700))
    check_book(env)


def sweep_book(env: tc.TradingEnv) -> tuple[list[tc.User], list[Pubkey]]:
    """Asks: id0 500 @5.0, id1 500 @4.9, id2 500 @5.0, id3 500 @5.2 (four sellers)."""
    sellers = [trader(env, grx_wh=500) for _ in range(4)]
    certs = [env.make_erc(s.pubkey, 500) for s in sellers]
    for s, c, price in zip(sellers, certs, (5_000_000, 4_900_000, 5_000_000, 5_200_000)):
        env.place_sell(s, 500, price, cert=c, fund=False)
    return sellers, certs


def test_bid_sweeps_levels_in_price_time_order(env):
    sellers, certs = sweep_book(env)
    buyer = trader(env, quote=20 * QUOTE)
    ix = buy_ix(env, buyer, 2_500, 5_100_000)
    assert [m.pubkey for m in ix.accounts[4:]] == [certs[1], certs[0], certs[2]]  # the asks it reaches
    res = env.ok(ix, buyer.keypair)
    fills = events(res, "OrderMatched")
    assert [(f["sell_order_id"], f["price"], f["amount_wh"], f["buy_remaining_wh"]) for f in fills] == \
        [(1, 4_900_000, 500, 2_000), (0, 5_000_000, 500, 1_500), (2, 5_000_000, 500, 1_000)]
    assert [f["seller"] for f in fills] == [sellers[1].pubkey, sellers[0].pubkey, sellers[2].pubkey]
    assert [f["buyer_refund"] for f in fills] == [tc.quote_for(500, 200_000), tc.quote_for(500, 100_000),
                                                 tc.quote_for(500, 100_000)]
    [placed] = events(res, "OrderPlaced")
    assert (placed["filled_wh"], placed["resting_wh"]) == (1_500, 1_000)
    [pu] = events(res, "PriceUpdated")
    assert (pu["price"], pu["volume_wh"], pu["total_trades"]) == (5_000_000, 1_500, 3)
    book = env.book()
    assert ids(book.asks) == [3] and [(o.order_id, o.price, o.remaining_wh) for o in book.bids] == \
        [(4, 5_100_000, 1_000)]
    cost = tc.quote_for(500, 4_900_000) + 2 * tc.quote_for(500, 5_000_000)
    assert balances(env, buyer) == (tc.grx_for(1_500), 0, 20 * QUOTE - cost - tc.quote_for(1_000, 5_100_000),
                                    tc.quote_for(1_000, 5_100_000))
    m = env.market()
    assert m.price_history_count == 3 and m.total_volume_wh == 1_500
    assert m.vwap == cost * 1_000 // 1_500
    check_book(env)


@pytest.mark.parametrize("match_limit", [0, 1, 2])
def test_match_limit_caps_fills_and_the_rest_rests_crossed(env, match_limit):
    sweep_book(env)
    buyer = trader(env, quote=20 * QUOTE)
    ix = buy_ix(env, buyer, 2_500, 5_100_000, match_limit=match_limit)
    assert len(ix.accounts) == 4 + match_limit
    res = env.ok(ix, buyer.keypair)
    assert [f["sell_order_id"] for f in events(res, "OrderMatched")] == [1, 0][:match_limit]
    book = env.book()
    assert [(o.order_id, o.remaining_wh) for o in book.bids] == [(4, 2_500 - 500 * match_limit)]
    assert book.bids[0].price >= book.asks[0].price  # crossed: the crank clears it
    assert event_names(res) == ["OrderMatched"] * match_limit + ["OrderPlaced"] + ["PriceUpdated"] * (match_limit > 0)
    check_book(env)


def test_ask_sweeps_bids(env):
    buyers = [trader(env, quote=10 * QUOTE) for _ in range(3)]
    for b, price in zip(buyers, (5_000_000, 5_200_000, 5_000_000)):
        env.place_buy(b, 400, price, fund=False)  # ids 0, 1, 2
    seller = trader(env, grx_wh=2_000)
    cert = env.make_erc(seller.pubkey, 2_000)
    res = env.ok(sell_ix(env, seller, 1_000, 4_000_000, cert), seller.keypair)
    assert [(f["buy_order_id"], f["price"], f["amount_wh"]) for f in events(res, "OrderMatched")] == \
        [(1, 5_200_000, 400), (0, 5_000_000, 400), (2, 5_000_000, 200)]
    assert [(o.order_id, o.remaining_wh) for o in env.book().bids] == [(2, 200)] and env.book().asks == []
    proceeds = sum(tc.quote_for(q, p) - tc.fee_for(tc.quote_for(q, p), 25)
                   for q, p in ((400, 5_200_000), (400, 5_000_000), (200, 5_000_000)))
    assert balances(env, seller) == (tc.grx_for(1_000), 0, proceeds, 0)
    check_book(env)


def test_post_only(env):
    seller, buyer = trader(env, grx_wh=2_000), trader(env, quote=20 * QUOTE)
    env.place_sell(seller, 1_000, PRICE, fund=False)  # id 0
    res = env.ok(buy_ix(env, buyer, 1_000, PRICE - 1_000, order_type=tc.POST_ONLY), buyer.keypair)  # id 1
    assert event_names(res) == ["OrderPlaced"]
    assert (events(res)[0]["order_type"], events(res)[0]["resting_wh"]) == ("PostOnly", 1_000)
    rejected(env, buy_ix(env, buyer, 1_000, PRICE, order_type=tc.POST_ONLY), TE.PostOnlyWouldCross, buyer.keypair)
    rejected(env, buy_ix(env, buyer, 1, 9_000_000, order_type=tc.POST_ONLY, match_limit=0), TE.PostOnlyWouldCross,
             buyer.keypair)
    cert = env.make_erc(seller.pubkey, 1_000)
    rejected(env, sell_ix(env, seller, 100, PRICE - 1_000, cert, order_type=tc.POST_ONLY), TE.PostOnlyWouldCross,
             seller.keypair)
    env.ok(sell_ix(env, seller, 100, PRICE, cert, order_type=tc.POST_ONLY), seller.keypair)  # id 2, behind id 0
    assert ids(env.book().asks) == [0, 2] and ids(env.book().bids) == [1]
    check_book(env)


def test_immediate_or_cancel_bid(env):
    seller, buyer = trader(env, grx_wh=400), trader(env, quote=10 * QUOTE)
    env.place_sell(seller, 400, 4_000_000, fund=False)
    res = env.ok(buy_ix(env, buyer, 1_000, PRICE, order_type=tc.IMMEDIATE_OR_CANCEL), buyer.keypair)
    assert event_names(res) == ["OrderMatched", "OrderCancelled", "OrderPlaced", "PriceUpdated"]
    assert events(res, "OrderCancelled") == [{"order_id": 1, "owner": buyer.pubkey, "side": "Buy", "price": PRICE,
                                              "unfilled_wh": 600, "released": tc.quote_for(600, PRICE),
                                              "reason": "ImmediateOrCancel"}]
    [placed] = events(res, "OrderPlaced")
    assert (placed["order_type"], placed["filled_wh"], placed["resting_wh"]) == ("ImmediateOrCancel", 400, 0)
    assert env.book().bids == [] and env.book().asks == []
    assert balances(env, buyer) == (tc.grx_for(400), 0, 10 * QUOTE - tc.quote_for(400, 4_000_000), 0)
    assert seat(env, buyer).open_orders == 0
    # nothing crosses: the whole order is cancelled, the id is used up
    res = env.ok(buy_ix(env, buyer, 100, PRICE, order_type=tc.IMMEDIATE_OR_CANCEL), buyer.keypair)
    assert event_names(res) == ["OrderCancelled", "OrderPlaced"]
    assert events(res, "OrderPlaced")[0]["order_id"] == 2 and env.book().header.next_order_id == 3
    check_book(env)


def test_immediate_or_cancel_ask_releases_certificate_energy(env):
    buyer, seller = trader(env, quote=10 * QUOTE), trader(env, grx_wh=1_000)
    env.place_buy(buyer, 400, PRICE, fund=False)
    cert = env.make_erc(seller.pubkey, 1_000)
    res = env.ok(sell_ix(env, seller, 1_000, 4_000_000, cert, order_type=tc.IMMEDIATE_OR_CANCEL), seller.keypair)
    assert events(res, "OrderCancelled") == [{"order_id": 1, "owner": seller.pubkey, "side": "Sell",
                                              "price": 4_000_000, "unfilled_wh": 600, "released": tc.grx_for(600),
                                              "reason": "ImmediateOrCancel"}]
    assert env.erc_usage(cert).committed_wh == 400  # only the sold energy stays committed
    assert balances(env, seller) == (tc.grx_for(600), 0, tc.quote_for(400, PRICE) - tc.fee_for(
        tc.quote_for(400, PRICE), 25), 0)
    env.ok(sell_ix(env, seller, 600, 6_000_000, cert), seller.keypair)  # the released 600 Wh back another ask
    assert env.erc_usage(cert).committed_wh == 1_000
    check_book(env)


def test_taker_bid_evicts_an_unbacked_ask_and_fills_the_next(env):
    sellers, certs = sweep_book(env)
    set_cert(env, certs[1], status=2)  # the best ask's certificate is revoked
    buyer = trader(env, quote=20 * QUOTE)
    # the planner cannot know the best ask will be evicted: the next ask's certificate is added by hand
    res = env.ok(buy_ix(env, buyer, 500, 5_000_000, match_limit=2, certs=[certs[1], certs[0]]), buyer.keypair)
    assert event_names(res) == ["OrderCancelled", "OrderMatched", "OrderPlaced", "PriceUpdated"]
    assert events(res, "OrderCancelled") == [{"order_id": 1, "owner": sellers[1].pubkey, "side": "Sell",
                                              "price": 4_900_000, "unfilled_wh": 500, "released": tc.grx_for(500),
                                              "reason": "ErcNotValidated"}]
    assert events(res, "OrderMatched")[0]["sell_order_id"] == 0
    assert balances(env, sellers[1]) == (tc.grx_for(500), 0, 0, 0)
    assert env.erc_usage(certs[1]).committed_wh == 500  # not released by an eviction
    check_book(env)


# ----------------------------------------------------------------------------- place orders: rejections


@pytest.mark.parametrize("side", [BUY, SELL])
@pytest.mark.parametrize("amount,price,code", [
    (0, PRICE, TE.ZeroAmount), (100, 0, TE.InvalidPrice), (100, 999, TE.InvalidPrice),
    (100, PRICE + 1, TE.InvalidPrice), (100, PRICE + 500, TE.InvalidPrice), (100, U64_MAX, TE.InvalidPrice),
    (U64_MAX, U64_MAX - U64_MAX % 1000, TE.ArithmeticOverflow)])
def test_place_order_rejects_bad_arguments(env, side, amount, price, code):
    u = trader(env, grx_wh=10_000, quote=100 * QUOTE)
    cert = env.make_erc(u.pubkey, U64_MAX)
    rejected(env, env.ix_place(u, side, amount, price, cert=cert), code, u.keypair)


@pytest.mark.parametrize("side", [BUY, SELL])
def test_place_order_insufficient_balance(env, side):
    u = trader(env, grx_wh=999, quote=tc.quote_for(1_000, PRICE) - 1)
    cert = env.make_erc(u.pubkey, 10_000)
    rejected(env, env.ix_place(u, side, 1_000, PRICE, cert=cert), TE.InsufficientBalance, u.keypair)
    # only the free part counts: lock most of it in a first order
    env.ok(env.ix_place(u, side, 999, PRICE, cert=cert), u.keypair)
    rejected(env, env.ix_place(u, side, 1, PRICE, cert=cert), TE.InsufficientBalance, u.keypair)


@pytest.mark.parametrize("side", [BUY, SELL])
def test_place_order_wrong_seat(env, side):
    a, b = trader(env, grx_wh=1_000, quote=10 * QUOTE), trader(env, grx_wh=1_000, quote=10 * QUOTE)
    cert = env.make_erc(b.pubkey, 1_000)
    rejected(env, env.ix_place(b, side, 100, PRICE, cert=cert, slot=env.slot(a)), TE.WrongSeat, b.keypair)
    rejected(env, env.ix_place(b, side, 100, PRICE, cert=cert, slot=2), TE.WrongSeat, b.keypair)
    rejected(env, env.ix_place(b, side, 100, PRICE, cert=cert, slot=2**32 - 1), TE.WrongSeat, b.keypair)
    outsider = env.new_user()
    cert_o = env.make_erc(outsider.pubkey, 1_000)
    rejected(env, env.ix_place(outsider, side, 100, PRICE, cert=cert_o, slot=0), TE.WrongSeat, outsider.keypair)


@pytest.mark.parametrize("side", [BUY, SELL])
def test_place_order_paused(env, side):
    u = trader(env, grx_wh=1_000, quote=10 * QUOTE)
    cert = env.make_erc(u.pubkey, 1_000)
    pause(env)
    rejected(env, env.ix_place(u, side, 100, PRICE, cert=cert), CE.SystemPaused, u.keypair)


def test_self_trade_is_refused(env):
    u, other = trader(env, grx_wh=2_000, quote=20 * QUOTE), trader(env, grx_wh=2_000, quote=20 * QUOTE)
    env.place_sell(other, 500, 4_800_000, fund=False)  # id 0: other's ask, better than u's
    env.place_sell(u, 500, PRICE, fund=False)  # id 1: u's ask
    # a bid at 5.00 would reach u's own ask (after other's): refused whole, even the part that fills other's
    rejected(env, buy_ix(env, u, 1_000, PRICE), TE.SelfTrade, u.keypair)
    rejected(env, buy_ix(env, u, 1, 9_000_000, match_limit=0), TE.SelfTrade, u.keypair)
    rejected(env, buy_ix(env, u, 1_000, PRICE, order_type=tc.POST_ONLY), TE.SelfTrade, u.keypair)
    # below its own ask it may trade with other's
    res = env.ok(buy_ix(env, u, 600, 4_900_000), u.keypair)
    assert [f["sell_order_id"] for f in events(res, "OrderMatched")] == [0]
    # and on the other side: u's resting bid (100 Wh at 4.90) blocks u's asks at or below 4.90
    cert = env.make_erc(u.pubkey, 1_000)
    rejected(env, sell_ix(env, u, 100, 4_900_000, cert), TE.SelfTrade, u.keypair)
    rejected(env, sell_ix(env, u, 100, 1_000, cert, order_type=tc.IMMEDIATE_OR_CANCEL), TE.SelfTrade, u.keypair)
    env.ok(sell_ix(env, u, 100, 4_901_000, cert), u.keypair)
    check_book(env)


def test_book_full(small):
    env = small  # 2 orders per side
    buyer, seller = trader(env, quote=100 * QUOTE), trader(env, grx_wh=10_000)
    env.place_buy(buyer, 100, 4_000_000, fund=False)
    env.place_buy(buyer, 100, 4_100_000, fund=False)
    rejected(env, buy_ix(env, buyer, 100, 4_200_000), TE.BookFull, buyer.keypair)  # better, still no room
    rejected(env, buy_ix(env, buyer, 100, 3_000_000), TE.BookFull, buyer.keypair)
    # the ask side has its own room; an ask that partly fills and would rest finds the bid side irrelevant
    cert = env.make_erc(seller.pubkey, 10_000)
    env.ok(sell_ix(env, seller, 100, 5_000_000, cert), seller.keypair)
    env.ok(sell_ix(env, seller, 100, 5_100_000, cert), seller.keypair)
    rejected(env, sell_ix(env, seller, 100, 5_200_000, cert), TE.BookFull, seller.keypair)
    # an ask that fills the best bid and would rest 50 Wh: the ask side is full, the whole order is refused
    rejected(env, sell_ix(env, seller, 150, 4_100_000, cert), TE.BookFull, seller.keypair)
    # fully filled, or immediate-or-cancel: nothing rests, accepted
    res = env.ok(sell_ix(env, seller, 50, 4_100_000, cert), seller.keypair)
    assert events(res, "OrderPlaced")[0]["resting_wh"] == 0
    res = env.ok(sell_ix(env, seller, 200, 4_100_000, cert, order_type=tc.IMMEDIATE_OR_CANCEL), seller.keypair)
    assert events(res, "OrderPlaced")[0]["filled_wh"] == 50
    # a bid that fills the best ask completely needs no room either
    env.ok(buy_ix(env, buyer, 100, 5_000_000), buyer.keypair)
    assert (len(env.book().bids), len(env.book().asks)) == (1, 1)
    check_book(env)


@pytest.mark.parametrize("case", ["book_full", "missing_certificate", "missing_usage"])
def test_rejected_transactions_leave_no_events(small, case):
    env = small
    buyer, seller = trader(env, quote=100 * QUOTE), trader(env, grx_wh=10_000)
    c1, c2 = env.make_erc(seller.pubkey, 100), env.make_erc(seller.pubkey, 10_000)
    env.place_sell(seller, 100, 5_000_000, cert=c1, fund=False)
    env.place_sell(seller, 100, 5_100_000, cert=c2, fund=False)
    if case == "book_full":  # two bids rest, an ask fills the better one and would rest on the full ask side
        env.place_buy(buyer, 50, 4_900_000, fund=False)
        env.place_buy(buyer, 50, 4_800_000, fund=False)
        ix, signer, code = sell_ix(env, seller, 100, 4_900_000, c2), seller, TE.BookFull
    elif case == "missing_certificate":  # fills the ask of c1, then lacks c2 for the next ask
        ix, signer, code = buy_ix(env, buyer, 200, 5_100_000, certs=[c1]), buyer, TE.MissingErcCertificate
    else:  # the ask is taken off the book before its ErcUsage is found missing
        ix, signer, code = env.b.ix_cancel(seller.pubkey, env.slot(seller), 0), seller, TE.MissingErcUsage
    rejected(env, ix, code, signer.keypair)


@pytest.mark.parametrize("case,code", [
    ("not_owned", TE.ErcNotOwned), ("issued", TE.ErcNotValidated), ("revoked", TE.ErcNotValidated),
    ("expired", TE.ErcExpired), ("too_small", TE.InsufficientErcEnergy), ("committed", TE.InsufficientErcEnergy)])
def test_place_sell_order_certificate_checks(env, case, code):
    seller, other = trader(env, grx_wh=10_000), env.new_user()
    now = env.now()
    cert = {
        "not_owned": lambda: env.make_erc(other.pubkey, 5_000),
        "issued": lambda: env.make_erc(seller.pubkey, 5_000, status=0),
        "revoked": lambda: env.make_erc(seller.pubkey, 5_000, status=2),
        "expired": lambda: env.make_erc(seller.pubkey, 5_000, expires_at=now - 1),
        "too_small": lambda: env.make_erc(seller.pubkey, 999),
        "committed": lambda: env.make_erc(seller.pubkey, 1_500),
    }[case]()
    if case == "committed":  # 600 of the 1500 Wh back an earlier ask
        env.ok(sell_ix(env, seller, 600, 6_000_000, cert), seller.keypair)
    rejected(env, sell_ix(env, seller, 1_000, PRICE, cert), code, seller.keypair)


@pytest.mark.parametrize("case", ["cert_owner", "usage_pda", "cert_type", "governance", "book",
                                  "signer"])
def test_place_sell_order_account_checks(env, case):
    seller = trader(env, grx_wh=10_000)
    cert = env.make_erc(seller.pubkey, 5_000)
    data = bytes(env.svm.get_account(cert).data)
    moved = Pubkey.new_unique()
    # The certificate's address is not re-derived: governance creates ErcCertificates only at their PDAs, so a
    # governance-owned certificate elsewhere cannot exist (owner and type are what identify it).
    if case == "cert_owner":  # the right bytes but not owned by governance
        h.set_account(env.svm, moved, data, tc.PROGRAM_ID)
    ix, code = {
        "cert_owner": lambda: (sell_ix(env, seller, 1_000, PRICE, moved), AE.AccountOwnedByWrongProgram),
        "usage_pda": lambda: (sell_ix(env, seller, 1_000, PRICE, cert, erc_usage=tc.erc_usage_pda(moved)[0]),
                              AE.ConstraintSeeds),
        "cert_type": lambda: (sell_ix(env, seller, 1_000, PRICE, tc.governance_config_address()),
                              AE.AccountDiscriminatorMismatch),
        "governance": lambda: (sell_ix(env, seller, 1_000, PRICE, cert, governance_config=fake_governance_config(env)),
                               AE.AccountOwnedByWrongProgram),
        "book": lambda: (sell_ix(env, seller, 1_000, PRICE, cert, book=forged_book(env)), TE.InvalidBookAccount),
        "signer": lambda: (unsigned(sell_ix(env, seller, 1_000, PRICE, cert), seller.pubkey), AE.AccountNotSigner),
    }[case]()
    rejected(env, ix, code, *([] if case == "signer" else [seller.keypair]), extra=(moved,))


@pytest.mark.parametrize("case", ["governance", "book", "signer", "market"])
def test_place_buy_order_account_checks(env, case):
    buyer = trader(env, quote=10 * QUOTE)
    ix, code = {
        "governance": lambda: (buy_ix(env, buyer, 100, PRICE, governance_config=fake_governance_config(env)),
                               AE.AccountOwnedByWrongProgram),
        "book": lambda: (buy_ix(env, buyer, 100, PRICE, book=forged_book(env, rich=buyer)), TE.InvalidBookAccount),
        "signer": lambda: (unsigned(buy_ix(env, buyer, 100, PRICE), buyer.pubkey), AE.AccountNotSigner),
        "market": lambda: (buy_ix(env, buyer, 100, PRICE, market=env.book_keypair.pubkey()),
                           AE.AccountDiscriminatorMismatch),
    }[case]()
    rejected(env, ix, code, *([] if case == "signer" else [buyer.keypair]))


def test_bid_crossing_an_ask_needs_its_certificate(env):
    sellers, certs = sweep_book(env)
    buyer = trader(env, quote=20 * QUOTE)
    rejected(env, buy_ix(env, buyer, 500, PRICE, certs=[]), TE.MissingErcCertificate, buyer.keypair)
    # the first ask's certificate alone: the second fill (order id 0) is missing its certificate
    rejected(env, buy_ix(env, buyer, 1_000, PRICE, certs=[certs[1]]), TE.MissingErcCertificate, buyer.keypair)
    # another seller's certificate in its place does not help
    rejected(env, buy_ix(env, buyer, 500, PRICE, certs=[certs[0]]), TE.MissingErcCertificate, buyer.keypair)
    # match_limit 0: no ask is reached, nothing is needed (the bid rests crossed)
    env.ok(buy_ix(env, buyer, 500, PRICE, certs=[], match_limit=0), buyer.keypair)
    # an ask past its stored expiry is evicted without its certificate
    env.set_time(cert_expiry(env, certs[1]) + 1)
    res = env.ok(buy_ix(env, buyer, 100, 4_900_000, certs=[], match_limit=1), buyer.keypair)
    assert [(e["order_id"], e["reason"]) for e in events(res, "OrderCancelled")] == [(1, "ErcExpired")]
    assert events(res, "OrderPlaced")[0]["resting_wh"] == 100  # the eviction was its one step
    assert ids(env.book().asks) == [0, 2, 3]
    check_book(env)


def test_certificate_account_not_owned_by_governance(env):
    """ask_blocker refuses a remaining account at the ask's certificate key that governance does not own, or
    that is no certificate (InvalidRemainingAccounts), for a taker and for the crank. Not reachable on a real
    cluster: an ask only stores a key that was a governance-owned ErcCertificate PDA when it was placed, and
    governance has no instruction that closes or reassigns a certificate; the test forges the account in
    LiteSVM to exercise the check."""
    sellers, certs = sweep_book(env)
    buyer, cranker = trader(env, quote=20 * QUOTE), env.new_user()
    env.ok(buy_ix(env, buyer, 100, PRICE, match_limit=0), buyer.keypair)  # rests crossed
    data = bytes(env.svm.get_account(certs[1]).data)
    for owner, forged in ((tc.PROGRAM_ID, data), (tc.TOKEN_2022_PROGRAM_ID, data),
                          (tc.GOVERNANCE_PROGRAM_ID, bytes(len(data)))):
        h.set_account(env.svm, certs[1], forged, owner)
        rejected(env, buy_ix(env, buyer, 500, PRICE, certs=[certs[1]]), TE.InvalidRemainingAccounts, buyer.keypair)
        rejected(env, env.ix_crank(cranker.pubkey, 1, certs=[certs[1]]), TE.InvalidRemainingAccounts,
                 cranker.keypair)


@pytest.mark.parametrize("side", [BUY, SELL])
def test_immediate_or_cancel_refused_in_auction_mode(env, side):
    u = trader(env, grx_wh=1_000, quote=10 * QUOTE)
    cert = env.make_erc(u.pubkey, 1_000)
    env.set_mode(tc.MODE_AUCTION)
    rejected(env, env.ix_place(u, side, 100, PRICE, cert=cert, order_type=tc.IMMEDIATE_OR_CANCEL),
             TE.InvalidOrderOptions, u.keypair)


# ----------------------------------------------------------------------------- cancel_order


def test_cancel_bid(env):
    buyer = trader(env, quote=20 * QUOTE)
    env.place_buy(buyer, 2_000, PRICE, fund=False)  # id 0
    env.place_buy(buyer, 100, 4_000_000, fund=False)  # id 1
    res = env.ok(env.ix_cancel(buyer, 0), buyer.keypair)
    assert events(res) == [{"order_id": 0, "owner": buyer.pubkey, "side": "Buy", "price": PRICE, "unfilled_wh": 2_000,
                            "released": 10 * QUOTE, "reason": "Owner"}]
    locked = tc.quote_for(100, 4_000_000)
    assert balances(env, buyer) == (0, 0, 20 * QUOTE - locked, locked)
    assert ids(env.book().bids) == [1] and seat(env, buyer).open_orders == 1
    assert env.balance(env.accts["quote_escrow"]) == 20 * QUOTE  # back in the seat, not the wallet
    check_book(env)


def test_cancel_partially_filled_ask_releases_unfilled_energy(env):
    seller, buyer = trader(env, grx_wh=5_000), trader(env, quote=100 * QUOTE)
    cert = env.make_erc(seller.pubkey, 5_000)
    env.place_sell(seller, 4_000, PRICE, cert=cert, fund=False)  # id 0
    env.place_buy(buyer, 1_000, PRICE, fund=False)  # fills 1000 of it
    res = env.ok(env.ix_cancel(seller, 0), seller.keypair)
    assert events(res) == [{"order_id": 0, "owner": seller.pubkey, "side": "Sell", "price": PRICE, "unfilled_wh": 3_000,
                            "released": tc.grx_for(3_000), "reason": "Owner"}]
    proceeds = 5 * QUOTE - tc.fee_for(5 * QUOTE, 25)
    assert balances(env, seller) == (tc.grx_for(4_000), 0, proceeds, 0)
    assert env.erc_usage(cert).committed_wh == 1_000  # the sold energy stays committed
    assert env.book().asks == [] and seat(env, seller).open_orders == 0
    env.ok(sell_ix(env, seller, 4_000, PRICE, cert), seller.keypair)  # the released energy is usable again
    rejected(env, sell_ix(env, seller, 1, PRICE, cert), TE.InsufficientErcEnergy, seller.keypair)
    check_book(env)


def test_cancel_order_rejections(env):
    buyer, seller, other = trader(env, quote=100 * QUOTE), trader(env, grx_wh=5_000), trader(env, grx_wh=5_000)
    env.place_buy(buyer, 1_000, 4_000_000, fund=False)  # id 0
    c1 = env.make_erc(seller.pubkey, 5_000)
    env.place_sell(seller, 1_000, PRICE, cert=c1, fund=False)  # id 1
    c2 = env.make_erc(other.pubkey, 5_000)
    env.place_sell(other, 1_000, PRICE, cert=c2, fund=False)  # id 2
    sb, ss, so = env.slot(buyer), env.slot(seller), env.slot(other)
    # unknown id, another trader's order (through one's own seat)
    rejected(env, env.b.ix_cancel(buyer.pubkey, sb, 99), TE.OrderNotFound, buyer.keypair)
    rejected(env, env.b.ix_cancel(other.pubkey, so, 0), TE.OrderNotFound, other.keypair)
    rejected(env, env.b.ix_cancel(seller.pubkey, ss, 2, c2), TE.OrderNotFound, seller.keypair)
    # another trader's order through his seat
    rejected(env, env.b.ix_cancel(other.pubkey, sb, 0), TE.WrongSeat, other.keypair)
    rejected(env, env.b.ix_cancel(seller.pubkey, so, 2, c2), TE.WrongSeat, seller.keypair)
    rejected(env, env.b.ix_cancel(buyer.pubkey, 3, 0), TE.WrongSeat, buyer.keypair)
    rejected(env, env.b.ix_cancel(buyer.pubkey, 2**32 - 1, 0), TE.WrongSeat, buyer.keypair)
    # an ask without its ErcUsage, or with another certificate's
    rejected(env, env.b.ix_cancel(seller.pubkey, ss, 1), TE.MissingErcUsage, seller.keypair)
    rejected(env, env.b.ix_cancel(seller.pubkey, ss, 1, c2), TE.MissingErcUsage, seller.keypair)
    rejected(env, env.b.ix_cancel(seller.pubkey, ss, 1, c1, erc_usage=tc.erc_usage_pda(Pubkey.new_unique())[0]),
             AE.AccountNotInitialized, seller.keypair)
    rejected(env, env.b.ix_cancel(seller.pubkey, ss, 1, c1, erc_usage=env.market_address),
             AE.AccountDiscriminatorMismatch, seller.keypair)
    # accounts
    rejected(env, env.b.ix_cancel(buyer.pubkey, sb, 0, book=forged_book(env)), TE.InvalidBookAccount, buyer.keypair)
    rejected(env, env.b.ix_cancel(buyer.pubkey, sb, 0, governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, buyer.keypair)
    rejected(env, unsigned(env.b.ix_cancel(buyer.pubkey, sb, 0), buyer.pubkey), AE.AccountNotSigner)
    # an immediate-or-cancel order never rests
    env.ok(buy_ix(env, buyer, 10, 1_000, order_type=tc.IMMEDIATE_OR_CANCEL), buyer.keypair)  # id 3
    rejected(env, env.b.ix_cancel(buyer.pubkey, sb, 3), TE.OrderNotFound, buyer.keypair)
    # an order no longer resting
    env.cancel(buyer, 0)
    rejected(env, env.b.ix_cancel(buyer.pubkey, sb, 0), TE.OrderNotFound, buyer.keypair)
    env.place_buy(buyer, 1_000, PRICE, fund=False)  # fills id 1 completely
    rejected(env, env.b.ix_cancel(seller.pubkey, ss, 1, c1), TE.OrderNotFound, seller.keypair)
    pause(env)
    rejected(env, env.b.ix_cancel(other.pubkey, so, 2, c2), CE.SystemPaused, other.keypair)


def test_cancel_an_evicted_or_unbacked_ask(env):
    """A seller can still cancel an ask whose certificate was revoked (the crank has not evicted it yet)."""
    seller = trader(env, grx_wh=1_000)
    cert = env.make_erc(seller.pubkey, 1_000)
    env.place_sell(seller, 1_000, PRICE, cert=cert, fund=False)
    set_cert(env, cert, status=2)
    env.cancel(seller, 0)
    assert env.erc_usage(cert).committed_wh == 0 and balances(env, seller) == (tc.grx_for(1_000), 0, 0, 0)


# ----------------------------------------------------------------------------- match_orders


@pytest.mark.parametrize("first", ["ask", "bid"])
def test_match_orders_at_the_earlier_orders_price(env, first):
    seller, buyer, cranker = trader(env, grx_wh=600), trader(env, quote=10 * QUOTE), env.new_user()
    if first == "ask":
        env.place_sell(seller, 600, 4_500_000, fund=False)  # id 0
        env.place_buy(buyer, 1_000, 5_500_000, match_limit=0, fund=False)  # id 1, rests crossed
        bid_id, ask_id, price = 1, 0, 4_500_000
    else:
        env.place_buy(buyer, 1_000, 5_500_000, fund=False)  # id 0
        cert = env.make_erc(seller.pubkey, 600)
        env.ok(sell_ix(env, seller, 600, 4_500_000, cert, match_limit=0), seller.keypair)  # id 1, rests crossed
        bid_id, ask_id, price = 0, 1, 5_500_000
    book = env.book()
    assert book.bids[0].price > book.asks[0].price
    before = tracked(env)
    res = env.ok(env.ix_crank(cranker.pubkey, 8), cranker.keypair)
    f = fill_of(5_500_000, 1_000, 600, price)
    assert event_names(res) == ["OrderMatched", "PriceUpdated"]
    assert events(res, "OrderMatched") == [{
        "buy_order_id": bid_id, "sell_order_id": ask_id, "buyer": buyer.pubkey, "seller": seller.pubkey,
        "amount_wh": 600, "price": price, "quote_amount": f.quote_cost, "fee": f.fee, "buyer_refund": f.buyer_refund,
        "buy_remaining_wh": 400, "sell_remaining_wh": 0, "timestamp": env.now()}]
    assert f.buyer_refund == (600_000 if first == "ask" else 0)
    locked = tc.quote_for(400, 5_500_000)
    assert balances(env, buyer) == (tc.grx_for(600), 0, 10 * QUOTE - f.quote_cost - locked, locked)
    assert balances(env, seller) == (0, 0, f.seller_proceeds, 0)
    assert [(o.order_id, o.remaining_wh) for o in env.book().bids] == [(bid_id, 400)] and env.book().asks == []
    m = env.market()
    assert (m.last_clearing_price, m.total_trades, m.fees_unclaimed) == (price, 1, f.fee)
    # the crank moved no token and touched only the market and the book
    changed = {a for a, s in before.items() if h.snapshot(env.svm, a) != s}
    assert changed == {env.market_address, env.book_keypair.pubkey()}
    check_book(env)


def crossed_book(env: tc.TradingEnv) -> tuple[list[tc.User], list[Pubkey], tc.User]:
    """Asks id0 500 @4.8, id1 500 @4.9, id2 500 @5.0 (three sellers), then a bid id3 1500 @5.0 resting crossed."""
    sellers = [trader(env, grx_wh=500) for _ in range(3)]
    certs = [env.make_erc(s.pubkey, 500) for s in sellers]
    for s, c, price in zip(sellers, certs, (4_800_000, 4_900_000, 5_000_000)):
        env.place_sell(s, 500, price, cert=c, fund=False)
    buyer = trader(env, quote=10 * QUOTE)
    env.place_buy(buyer, 1_500, PRICE, match_limit=0, fund=False)
    return sellers, certs, buyer


def test_match_orders_max_pairs(env):
    sellers, certs, buyer = crossed_book(env)
    cranker = env.new_user()
    ix = env.ix_crank(cranker.pubkey, 2)
    assert [m.pubkey for m in ix.accounts[4:]] == certs[:2]
    res = env.ok(ix, cranker.keypair)
    assert [(f["sell_order_id"], f["price"], f["amount_wh"]) for f in events(res, "OrderMatched")] == \
        [(0, 4_800_000, 500), (1, 4_900_000, 500)]
    [pu] = events(res, "PriceUpdated")
    assert (pu["price"], pu["volume_wh"], pu["total_trades"]) == (4_900_000, 1_000, 2)
    assert [(o.order_id, o.remaining_wh) for o in env.book().bids] == [(3, 500)] and ids(env.book().asks) == [2]
    res = env.ok(env.ix_crank(cranker.pubkey, 2), cranker.keypair)
    assert [(f["sell_order_id"], f["buy_remaining_wh"]) for f in events(res, "OrderMatched")] == [(2, 0)]
    assert env.book().bids == [] and env.book().asks == []
    rejected(env, env.ix_crank(cranker.pubkey, 2), TE.NoCrossingOrders, cranker.keypair)
    assert balances(env, buyer)[:2] == (tc.grx_for(1_500), 0)
    check_book(env)


def test_match_orders_rejections(env):
    cranker = env.new_user()
    rejected(env, env.ix_crank(cranker.pubkey, 8), TE.NoCrossingOrders, cranker.keypair)  # empty book
    seller, buyer = trader(env, grx_wh=1_000), trader(env, quote=10 * QUOTE)
    env.place_sell(seller, 500, PRICE, fund=False)
    env.place_buy(buyer, 500, PRICE - 1_000, fund=False)
    rejected(env, env.ix_crank(cranker.pubkey, 8), TE.NoCrossingOrders, cranker.keypair)  # not crossed
    env.place_buy(buyer, 500, PRICE, match_limit=0, fund=False)  # now crossed
    [cert] = certs_of(env)
    rejected(env, env.ix_crank(cranker.pubkey, 0), TE.ZeroAmount, cranker.keypair)
    rejected(env, env.ix_crank(cranker.pubkey, 8, certs=[]), TE.MissingErcCertificate, cranker.keypair)
    rejected(env, env.ix_crank(cranker.pubkey, 8, book=forged_book(env)), TE.InvalidBookAccount, cranker.keypair)
    rejected(env, env.ix_crank(cranker.pubkey, 8, governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, cranker.keypair)
    rejected(env, unsigned(env.ix_crank(cranker.pubkey, 8), cranker.pubkey), AE.AccountNotSigner)
    pause(env)
    rejected(env, env.ix_crank(cranker.pubkey, 8), CE.SystemPaused, cranker.keypair)
    gov.unpause_for_tests(env.svm)
    env.ok(env.ix_crank(cranker.pubkey, 8, certs=[cert]), cranker.keypair)


def test_match_orders_refused_in_auction_mode(env):
    seller, buyer, cranker = trader(env, grx_wh=1_000), trader(env, quote=10 * QUOTE), env.new_user()
    env.set_mode(tc.MODE_AUCTION)
    env.place_sell(seller, 500, PRICE, fund=False)
    env.place_buy(buyer, 500, PRICE, fund=False)  # rests: auction mode never matches at placement
    assert len(env.book().bids) == len(env.book().asks) == 1
    rejected(env, env.ix_crank(cranker.pubkey, 8), TE.WrongMarketMode, cranker.keypair)


@pytest.mark.parametrize("case,reason", [("revoked", "ErcNotValidated"), ("issued", "ErcNotValidated"),
                                         ("transferred", "ErcTransferred"), ("expired", "ErcExpired")])
def test_match_orders_evicts_unbacked_asks(env, case, reason):
    s0, s1 = trader(env, grx_wh=500), trader(env, grx_wh=500)
    c0 = env.make_erc(s0.pubkey, 500, expires_at=env.now() + 100)
    c1 = env.make_erc(s1.pubkey, 500)
    env.place_sell(s0, 500, 4_800_000, cert=c0, fund=False)  # id 0
    env.place_sell(s1, 500, 4_900_000, cert=c1, fund=False)  # id 1
    buyer, cranker = trader(env, quote=10 * QUOTE), env.new_user()
    env.place_buy(buyer, 500, PRICE, match_limit=0, fund=False)  # id 2, crossed
    certs = [c0, c1]
    if case == "revoked":
        set_cert(env, c0, status=2)
    elif case == "issued":
        set_cert(env, c0, status=0)
    elif case == "transferred":
        set_cert(env, c0, owner=env.new_user().pubkey)
    else:  # the stored expiry has passed: no certificate account is needed to evict it
        env.set_time(env.now() + 101)
        certs = [c1]
    # an eviction is one of the max_pairs steps
    res = env.ok(env.ix_crank(cranker.pubkey, 1, certs=certs), cranker.keypair)
    assert events(res) == [{"order_id": 0, "owner": s0.pubkey, "side": "Sell", "price": 4_800_000, "unfilled_wh": 500,
                            "released": tc.grx_for(500), "reason": reason}]
    assert balances(env, s0) == (tc.grx_for(500), 0, 0, 0) and seat(env, s0).open_orders == 0
    assert env.erc_usage(c0).committed_wh == 500  # not released: the certificate can back nothing of s0's now
    assert env.market().total_trades == 0
    res = env.ok(env.ix_crank(cranker.pubkey, 1, certs=certs), cranker.keypair)
    assert [(f["sell_order_id"], f["price"]) for f in events(res, "OrderMatched")] == [(1, 4_900_000)]
    check_book(env)


def test_match_orders_evicts_then_fills_in_one_call(env):
    s0, s1 = trader(env, grx_wh=500), trader(env, grx_wh=500)
    c0, c1 = env.make_erc(s0.pubkey, 500), env.make_erc(s1.pubkey, 500)
    env.place_sell(s0, 500, 4_800_000, cert=c0, fund=False)
    env.place_sell(s1, 500, 4_900_000, cert=c1, fund=False)
    buyer, cranker = trader(env, quote=10 * QUOTE), env.new_user()
    env.place_buy(buyer, 1_000, PRICE, match_limit=0, fund=False)
    set_cert(env, c0, status=2)
    res = env.ok(env.ix_crank(cranker.pubkey, 8), cranker.keypair)
    assert event_names(res) == ["OrderCancelled", "OrderMatched", "PriceUpdated"]
    assert [(o.order_id, o.remaining_wh) for o in env.book().bids] == [(2, 500)] and env.book().asks == []
    check_book(env)


# ----------------------------------------------------------------------------- set_market_mode


def test_set_market_mode(env):
    boot = env.bootstrap
    res = env.ok(env.b.ix_set_mode(boot.pubkey(), tc.MODE_AUCTION), boot)
    assert events(res) == [{"mode": "Auction"}] and env.market().mode.discriminator == tc.MODE_AUCTION
    # auction mode: crossing orders rest, post-only ones too
    seller, buyer = trader(env, grx_wh=1_000), trader(env, quote=10 * QUOTE)
    env.place_sell(seller, 500, 4_800_000, fund=False)
    res = env.ok(buy_ix(env, buyer, 500, PRICE), buyer.keypair)
    assert event_names(res) == ["OrderPlaced"] and events(res)[0]["resting_wh"] == 500
    env.ok(buy_ix(env, buyer, 100, PRICE, order_type=tc.POST_ONLY), buyer.keypair)
    assert env.book().bids[0].price > env.book().asks[0].price
    # leaving the auction is allowed with a crossed book; the crank then clears it
    res = env.ok(env.b.ix_set_mode(boot.pubkey(), tc.MODE_CONTINUOUS), boot)
    assert events(res) == [{"mode": "Continuous"}] and env.market().mode.discriminator == tc.MODE_CONTINUOUS
    res = env.ok(env.ix_crank(buyer.pubkey, 8), buyer.keypair)
    assert [(f["buy_order_id"], f["price"], f["amount_wh"]) for f in events(res, "OrderMatched")] == \
        [(1, 4_800_000, 500)]
    env.ok(env.b.ix_set_mode(boot.pubkey(), tc.MODE_CONTINUOUS), boot)  # setting the current mode is harmless
    check_book(env)


def test_set_market_mode_rejections(env):
    boot, stranger = env.bootstrap, h.funded_keypair(env.svm)
    rejected(env, env.b.ix_set_mode(stranger.pubkey(), tc.MODE_AUCTION), CE.NotAuthority, stranger)
    seller, buyer = trader(env, grx_wh=1_000), trader(env, quote=10 * QUOTE)
    env.place_sell(seller, 500, PRICE, fund=False)
    env.place_buy(buyer, 500, PRICE, match_limit=0, fund=False)  # bid == ask: crossed
    rejected(env, env.b.ix_set_mode(boot.pubkey(), tc.MODE_AUCTION), TE.BookCrossed, boot)
    rejected(env, env.b.ix_set_mode(boot.pubkey(), tc.MODE_AUCTION, book=forged_book(env)), TE.InvalidBookAccount,
             boot)
    rejected(env, env.b.ix_set_mode(boot.pubkey(), tc.MODE_CONTINUOUS, governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, boot)
    rejected(env, unsigned(env.b.ix_set_mode(boot.pubkey(), tc.MODE_CONTINUOUS), boot.pubkey()), AE.AccountNotSigner)
    env.ok(env.ix_crank(buyer.pubkey, 8), buyer.keypair)
    pause(env)
    rejected(env, env.b.ix_set_mode(boot.pubkey(), tc.MODE_AUCTION), CE.SystemPaused, boot)
    gov.unpause_for_tests(env.svm)
    env.set_mode(tc.MODE_AUCTION)  # uncrossed now
    rejected(env, env.b.ix_set_mode(stranger.pubkey(), tc.MODE_CONTINUOUS), CE.NotAuthority, stranger)


# ----------------------------------------------------------------------------- execute_batch_auction


def auction_model(book: tc.Book, last_price: int) -> tuple[int, list[tuple[int, int, int]]]:
    """The auction's price (tc.auction_price over the whole book) and its fills (bid id, ask id, Wh): price-time
    priority on both sides, only the marginal orders partly filled."""
    found = tc.auction_price([(o.price, o.remaining_wh) for o in book.bids],
                             [(o.price, o.remaining_wh) for o in book.asks], last_price)
    assert found is not None
    price, volume = found
    bids = [[o.order_id, o.remaining_wh] for o in book.bids]
    asks = [[o.order_id, o.remaining_wh] for o in book.asks]
    fills, i, j = [], 0, 0
    while volume > 0 and len(fills) < tc.MAX_AUCTION_FILLS:
        q = min(bids[i][1], asks[j][1], volume)
        fills.append((bids[i][0], asks[j][0], q))
        bids[i][1] -= q
        asks[j][1] -= q
        volume -= q
        i += bids[i][1] == 0
        j += asks[j][1] == 0
    return price, fills


AUCTION_BIDS = [(100_000, 5_500_000), (200_000, 5_200_000), (150_000, 4_800_000)]  # order ids 0, 1, 2
AUCTION_ASKS = [(180_000, 4_800_000), (150_000, 5_000_000), (100_000, 5_300_000)]  # order ids 3, 4, 5


def auction_book(env: tc.TradingEnv) -> tuple[list[tc.User], list[tc.User]]:
    """Auction mode, then three buyers and three sellers (one order each, funded exactly)."""
    env.set_mode(tc.MODE_AUCTION)
    buyers = [trader(env, quote=tc.quote_for(wh, p)) for wh, p in AUCTION_BIDS]
    sellers = [trader(env, grx_wh=wh) for wh, _ in AUCTION_ASKS]
    for u, (wh, p) in zip(buyers, AUCTION_BIDS):
        env.place_buy(u, wh, p, fund=False)
    for u, (wh, p) in zip(sellers, AUCTION_ASKS):
        env.place_sell(u, wh, p, fund=False)
    return buyers, sellers


def test_execute_batch_auction(env):
    buyers, sellers = auction_book(env)
    book = env.book()
    assert book.bids[0].price > book.asks[0].price  # crossed, nothing matched at placement
    price, model_fills = auction_model(book, 0)
    # demand >= 5.00 and >= 5.20: 300 kWh; supply 330 kWh at both -> volume 300 kWh, surplus 30 kWh at both;
    # no last price: the reference is the mid-point 5.10, both are 0.10 away -> the lower, 5.00
    assert price == 5_000_000
    assert model_fills == [(0, 3, 100_000), (1, 3, 80_000), (1, 4, 120_000)]
    cranker = env.new_user()
    res = env.ok([cu_limit(), env.ix_auction(cranker.pubkey)], cranker.keypair)
    assert event_names(res) == ["BatchAuctionExecuted", "PriceUpdated"]
    [summary] = events(res, "BatchAuctionExecuted")
    fills = [{"buy_order_id": b, "sell_order_id": s, "amount_wh": q, "quote_amount": tc.quote_for(q, price),
              "fee": tc.fee_for(tc.quote_for(q, price), 25)} for b, s, q in model_fills]
    fees = sum(f["fee"] for f in fills)
    assert summary == {"clearing_price": price, "volume_wh": 300_000, "orders": 6,
                       "quote_volume": tc.quote_for(300_000, price), "fees": fees, "fills": fills,
                       "timestamp": env.now()}
    [pu] = events(res, "PriceUpdated")
    assert (pu["price"], pu["volume_wh"], pu["total_trades"], pu["vwap"]) == (price, 300_000, 3, price)
    # the book: the marginal ask (id 4) partly filled, the orders outside the price untouched
    book = env.book()
    assert [(o.order_id, o.remaining_wh) for o in book.bids] == [(2, 150_000)]
    assert [(o.order_id, o.remaining_wh) for o in book.asks] == [(4, 30_000), (5, 100_000)]
    # buyers paid the uniform price (the rest of what they locked is back in their free balance)
    b0, b1, b2 = buyers
    assert balances(env, b0) == (tc.grx_for(100_000), 0, tc.quote_for(100_000, 500_000), 0)
    assert balances(env, b1) == (tc.grx_for(200_000), 0, tc.quote_for(200_000, 200_000), 0)
    assert balances(env, b2) == (0, 0, 0, tc.quote_for(150_000, 4_800_000))
    s0, s1, s2 = sellers
    assert balances(env, s0) == (0, 0, sum(f["quote_amount"] - f["fee"] for f in fills[:2]), 0)
    assert balances(env, s1) == (0, tc.grx_for(30_000), fills[2]["quote_amount"] - fills[2]["fee"], 0)
    assert balances(env, s2) == (0, tc.grx_for(100_000), 0, 0)
    m = env.market()
    assert (m.last_clearing_price, m.total_volume_wh, m.total_trades, m.fees_unclaimed) == (price, 300_000, 3, fees)
    assert m.price_history_count == 3
    rejected(env, env.ix_auction(cranker.pubkey), TE.NoCrossingOrders, cranker.keypair)  # nothing crosses now
    check_book(env)


def test_execute_batch_auction_price_closest_to_last(env):
    """With a last clearing price of 5.20 the tie between 5.00 and 5.20 goes to 5.20."""
    s, b = trader(env, grx_wh=1), trader(env, quote=QUOTE)
    env.place_sell(s, 1, 5_200_000, fund=False)
    env.place_buy(b, 1, 5_200_000, fund=False)
    assert env.market().last_clearing_price == 5_200_000
    auction_book(env)
    price, model_fills = auction_model(env.book(), 5_200_000)
    assert price == 5_200_000
    cranker = env.new_user()
    res = env.ok([cu_limit(), env.ix_auction(cranker.pubkey)], cranker.keypair)
    [summary] = events(res, "BatchAuctionExecuted")
    assert summary["clearing_price"] == 5_200_000
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"]) for f in summary["fills"]] == model_fills
    check_book(env)


def test_execute_batch_auction_matches_the_model(env):
    """A less regular book: several orders per level, interleaved ids, a marginal bid."""
    env.set_mode(tc.MODE_AUCTION)
    spec = [(BUY, 700, 5_100_000), (SELL, 300, 5_050_000), (BUY, 200, 5_300_000), (SELL, 900, 4_900_000),
            (BUY, 400, 4_950_000), (SELL, 100, 5_300_000), (BUY, 300, 5_100_000), (SELL, 250, 4_900_000),
            (BUY, 50, 6_000_000), (SELL, 400, 5_000_000)]
    for side, wh, price in spec:
        u = trader(env, grx_wh=wh) if side == SELL else trader(env, quote=tc.quote_for(wh, price))
        env.place(u, side, wh, price, fund=False)
    price, model_fills = auction_model(env.book(), 0)
    cranker = env.new_user()
    res = env.ok([cu_limit(), env.ix_auction(cranker.pubkey)], cranker.keypair)
    [summary] = events(res, "BatchAuctionExecuted")
    assert summary["clearing_price"] == price
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"]) for f in summary["fills"]] == model_fills
    assert summary["volume_wh"] == sum(q for _, _, q in model_fills) and summary["orders"] == len(spec)
    check_book(env)


def test_execute_batch_auction_rejections(env):
    cranker = env.new_user()
    rejected(env, env.ix_auction(cranker.pubkey), TE.WrongMarketMode, cranker.keypair)  # continuous
    env.set_mode(tc.MODE_AUCTION)
    rejected(env, env.ix_auction(cranker.pubkey), TE.NoCrossingOrders, cranker.keypair)  # empty
    seller, buyer = trader(env, grx_wh=1_000), trader(env, quote=10 * QUOTE)
    env.place_sell(seller, 500, PRICE, fund=False)
    rejected(env, env.ix_auction(cranker.pubkey), TE.NoCrossingOrders, cranker.keypair)  # asks only
    env.place_buy(buyer, 500, PRICE - 1_000, fund=False)
    rejected(env, env.ix_auction(cranker.pubkey), TE.NoCrossingOrders, cranker.keypair)  # not crossed
    env.place_buy(buyer, 500, PRICE, fund=False)
    [cert] = certs_of(env)
    rejected(env, env.ix_auction(cranker.pubkey, certs=[]), TE.MissingErcCertificate, cranker.keypair)
    rejected(env, env.ix_auction(cranker.pubkey, book=forged_book(env)), TE.InvalidBookAccount, cranker.keypair)
    rejected(env, env.ix_auction(cranker.pubkey, governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, cranker.keypair)
    rejected(env, unsigned(env.ix_auction(cranker.pubkey), cranker.pubkey), AE.AccountNotSigner)
    pause(env)
    rejected(env, env.ix_auction(cranker.pubkey), CE.SystemPaused, cranker.keypair)
    gov.unpause_for_tests(env.svm)
    res = env.ok(env.ix_auction(cranker.pubkey, certs=[cert]), cranker.keypair)
    assert events(res, "BatchAuctionExecuted")[0]["volume_wh"] == 500


def test_execute_batch_auction_evicts_unbacked_asks(env):
    buyers, sellers = auction_book(env)
    [c3, c4, c5] = certs_of(env)
    set_cert(env, c3, status=2)  # the best ask (id 3) is no longer backed
    cranker = env.new_user()
    book_after_eviction = env.book()
    res = env.ok([cu_limit(), env.ix_auction(cranker.pubkey)], cranker.keypair)
    assert event_names(res) == ["OrderCancelled", "BatchAuctionExecuted", "PriceUpdated"]
    assert events(res, "OrderCancelled") == [{
        "order_id": 3, "owner": sellers[0].pubkey, "side": "Sell", "price": 4_800_000, "unfilled_wh": 180_000,
        "released": tc.grx_for(180_000), "reason": "ErcNotValidated"}]
    model_book = tc.Book(book_after_eviction.header, book_after_eviction.seats, book_after_eviction.bids,
                         book_after_eviction.asks[1:])
    price, model_fills = auction_model(model_book, 0)
    [summary] = events(res, "BatchAuctionExecuted")
    assert summary["clearing_price"] == price and summary["orders"] == 5
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"]) for f in summary["fills"]] == model_fills
    assert balances(env, sellers[0]) == (tc.grx_for(180_000), 0, 0, 0)
    assert env.erc_usage(c3).committed_wh == 180_000
    check_book(env)


def one_wh_bids_book(trading_so, n: int) -> tuple[tc.TradingEnv, tc.User, tc.User]:
    """Auction mode; one ask of n Wh at 5.00 (id 0) and n bids of 1 Wh at 5.00 (ids 1..n) of one buyer."""
    env = tc.TradingEnv.create(trading_so, order_capacity=256)
    env.set_mode(tc.MODE_AUCTION)
    buyer, seller = trader(env, quote=tc.quote_for(n, PRICE)), trader(env, grx_wh=n)
    env.place_sell(seller, n, PRICE, fund=False)
    for _ in range(n):
        env.place_buy(buyer, 1, PRICE, fund=False)
    return env, buyer, seller


def test_execute_batch_auction_100_fills(trading_so):
    env, buyer, seller = one_wh_bids_book(trading_so, 100)
    cranker = env.new_user()
    res = env.ok([cu_limit(), env.ix_auction(cranker.pubkey)], cranker.keypair)
    assert not any("truncated" in line.lower() for line in h.logs(res))
    [summary] = events(res, "BatchAuctionExecuted")
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"]) for f in summary["fills"]] == \
        [(i, 0, 1) for i in range(1, 101)]
    assert env.book().bids == [] and env.book().asks == []
    assert balances(env, buyer) == (tc.grx_for(100), 0, 0, 0)
    print(f"execute_batch_auction (100 fills): {h.compute_units(res)} CU")
    check_book(env)


def test_execute_batch_auction_at_most_128_fills(trading_so):
    n = tc.MAX_AUCTION_FILLS + 2
    env, buyer, seller = one_wh_bids_book(trading_so, n)
    cranker = env.new_user()
    res = env.ok([cu_limit(), env.ix_auction(cranker.pubkey)], cranker.keypair)
    assert not any("truncated" in line.lower() for line in h.logs(res))
    [summary] = events(res, "BatchAuctionExecuted")
    assert [(f["buy_order_id"], f["amount_wh"]) for f in summary["fills"]] == \
        [(i, 1) for i in range(1, tc.MAX_AUCTION_FILLS + 1)]
    assert summary["volume_wh"] == tc.MAX_AUCTION_FILLS and summary["orders"] == n + 1
    assert ids(env.book().bids) == [n - 1, n] and [o.remaining_wh for o in env.book().asks] == [2]
    print(f"execute_batch_auction ({tc.MAX_AUCTION_FILLS} fills): {h.compute_units(res)} CU")
    res = env.ok([cu_limit(), env.ix_auction(cranker.pubkey)], cranker.keypair)  # the rest
    assert len(events(res, "BatchAuctionExecuted")[0]["fills"]) == 2
    assert env.book().bids == [] and env.book().asks == []
    check_book(env)


# ----------------------------------------------------------------------------- emit_market_depth


def test_emit_market_depth(env):
    buyers = [trader(env, quote=1_000 * QUOTE) for _ in range(3)]
    seller = trader(env, grx_wh=100_000)
    for i in range(12):  # 12 bid levels, the lowest two are cut off
        env.place_buy(buyers[i % 3], 100 + i, 4_000_000 + 10_000 * i, fund=False)
    env.place_buy(buyers[0], 50, 4_110_000, fund=False)  # joins the best bid level
    for i in range(4):
        env.place_sell(seller, 200, 5_000_000 + 50_000 * (i % 2), fund=False)
    cancelled = env.place_buy(buyers[1], 999, 4_200_000, fund=False)
    env.cancel(buyers[1], cancelled)
    before = tracked(env)
    res = env.ok(env.b.ix_depth())
    h.assert_unchanged(env.svm, before)
    [ev] = events(res, "MarketDepth")
    bids, asks = tc.market_depth(env.book())
    assert ev["bids"] == [{"price": lv.price, "amount_wh": lv.amount_wh, "orders": lv.orders} for lv in bids]
    assert ev["asks"] == [{"price": lv.price, "amount_wh": lv.amount_wh, "orders": lv.orders} for lv in asks]
    assert len(ev["bids"]) == 10 and ev["bids"][0] == {"price": 4_110_000, "amount_wh": 111 + 50, "orders": 2}
    assert ev["bids"][-1] == {"price": 4_020_000, "amount_wh": 102, "orders": 1}
    assert ev["asks"] == [{"price": 5_000_000, "amount_wh": 400, "orders": 2},
                          {"price": 5_050_000, "amount_wh": 400, "orders": 2}]
    assert ev["orders_seen"] == 17 and ev["timestamp"] == env.now()


def test_emit_market_depth_of_an_empty_book_and_while_paused(env):
    res = env.ok(env.b.ix_depth())
    assert events(res) == [{"bids": [], "asks": [], "orders_seen": 0, "timestamp": env.now()}]
    buyer = trader(env, quote=10 * QUOTE)
    env.place_buy(buyer, 1_000, PRICE, fund=False)
    pause(env)
    res = env.ok(env.b.ix_depth())
    assert events(res, "MarketDepth")[0]["bids"] == [{"price": PRICE, "amount_wh": 1_000, "orders": 1}]


def test_emit_market_depth_rejections(env):
    rejected(env, env.b.ix_depth(book=forged_book(env)), TE.InvalidBookAccount)
    rejected(env, env.b.ix_depth(market=fake_market(env)), AE.ConstraintSeeds)
    rejected(env, env.b.ix_depth(book=env.market_address), AE.AccountDiscriminatorMismatch)


# ----------------------------------------------------------------------------- AMM pools


def pool_admin(env: tc.TradingEnv) -> tc.User:
    """The market admin (the bootstrap key) with token accounts and balances."""
    admin = tc.User(env.bootstrap, env.token_account(env.bootstrap.pubkey(), env.grx_mint),
                    env.token_account(env.bootstrap.pubkey(), env.quote_mint))
    env.mint_to(env.grx_mint, admin.grx, tc.grx_for(10**7))
    env.mint_to(env.quote_mint, admin.quote, 10**6 * QUOTE)
    env.users.append(admin)
    return admin


POOL_GRX = tc.grx_for(1_000_000)  # 1 MWh
POOL_QUOTE = 5_000 * QUOTE  # 5.00 per kWh


@pytest.mark.parametrize("curve", tc.CURVES)
def test_initialize_pool(env, curve):
    admin = pool_admin(env)
    grx_before, quote_before = env.balance(admin.grx), env.balance(admin.quote)
    res = env.ok(env.ix_initialize_pool(admin, curve, POOL_GRX, POOL_QUOTE), admin.keypair)
    pool_addr, bump = tc.pool_pda(curve)
    p = env.pool(curve)
    assert (p.market, p.curve.discriminator, p.grx_reserve, p.quote_reserve) == \
        (env.market_address, curve, POOL_GRX, POOL_QUOTE)
    assert (p.initial_grx, p.initial_quote, p.total_swaps, p.bump) == (POOL_GRX, POOL_QUOTE, 0, bump)
    assert env.balance(p.grx_vault) == POOL_GRX and env.balance(p.quote_vault) == POOL_QUOTE
    assert tc.token_owner(env.svm, p.grx_vault) == pool_addr == tc.token_owner(env.svm, p.quote_vault)
    assert env.balance(admin.grx) == grx_before - POOL_GRX and env.balance(admin.quote) == quote_before - POOL_QUOTE
    curve_name = ["LinearSolar", "SteepWind", "FlatBattery"][curve]
    assert events(res) == [{"pool": pool_addr, "curve": curve_name, "grx_reserve": POOL_GRX,
                            "quote_reserve": POOL_QUOTE}]


def test_initialize_pool_rejections(env):
    admin = pool_admin(env)
    other = env.new_user(grx=POOL_GRX, quote=POOL_QUOTE)
    rejected(env, env.ix_initialize_pool(other, 1, POOL_GRX, POOL_QUOTE), CE.NotAuthority, other.keypair)
    for g, q in [(0, POOL_QUOTE), (POOL_GRX, 0), (tc.MAX_POOL_RESERVE + 1, POOL_QUOTE)]:
        rejected(env, env.ix_initialize_pool(admin, 1, g, q), TE.InvalidPoolAmount, admin.keypair)
    rejected(env, env.ix_initialize_pool(admin, 1, POOL_GRX, POOL_QUOTE, admin_grx_account=other.grx),
             AE.ConstraintTokenOwner, admin.keypair)
    rejected(env, env.ix_initialize_pool(admin, 1, POOL_GRX, POOL_QUOTE, pool=tc.pool_pda(2)[0]),
             AE.ConstraintSeeds, admin.keypair)
    rejected(env, env.ix_initialize_pool(admin, 1, POOL_GRX, POOL_QUOTE, quote_mint=env.grx_mint,
                                         admin_quote_account=env.extra_token_account(admin.pubkey, env.grx_mint)),
             AE.ConstraintAddress, admin.keypair)
    env.ok(env.ix_initialize_pool(admin, 1, POOL_GRX, POOL_QUOTE), admin.keypair)
    rejected(env, env.ix_initialize_pool(admin, 1, POOL_GRX, POOL_QUOTE), SYSTEM_ACCOUNT_IN_USE, admin.keypair)
    pause(env)
    rejected(env, env.ix_initialize_pool(admin, 2, POOL_GRX, POOL_QUOTE), CE.SystemPaused, admin.keypair)


@pytest.mark.parametrize("curve", tc.CURVES)
@pytest.mark.parametrize("direction", [tc.BUY_GRX, tc.SELL_GRX])
def test_swap(env, curve, direction):
    admin = pool_admin(env)
    env.ok(env.ix_initialize_pool(admin, curve, POOL_GRX, POOL_QUOTE), admin.keypair)
    user = env.new_user(grx=tc.grx_for(100_000), quote=1_000 * QUOTE)
    amount_in = 500 * QUOTE if direction == tc.BUY_GRX else tc.grx_for(100_000)
    expected = tc.swap_out(curve, direction, amount_in, POOL_GRX, POOL_QUOTE, POOL_GRX, POOL_QUOTE)
    res = env.ok(env.ix_swap(user, curve, direction, amount_in, expected), user.keypair)
    p = env.pool(curve)
    if direction == tc.BUY_GRX:
        assert env.balance(user.grx) == tc.grx_for(100_000) + expected
        assert env.balance(user.quote) == 1_000 * QUOTE - amount_in
        assert (p.grx_reserve, p.quote_reserve) == (POOL_GRX - expected, POOL_QUOTE + amount_in)
        # 500 quote at ~5.00/kWh buys about 100 kWh; the flat curve exactly, the others a little less
        flat = amount_in * POOL_GRX // POOL_QUOTE
        assert expected == flat if curve == tc.CURVE_FLAT_BATTERY else expected < flat
    else:
        assert env.balance(user.quote) == 1_000 * QUOTE + expected
        assert (p.grx_reserve, p.quote_reserve) == (POOL_GRX + amount_in, POOL_QUOTE - expected)
    assert env.balance(p.grx_vault) == p.grx_reserve and env.balance(p.quote_vault) == p.quote_reserve
    assert p.total_swaps == 1
    assert events(res) == [{"pool": tc.pool_pda(curve)[0], "user": user.pubkey,
                            "direction": ["BuyGrx", "SellGrx"][direction], "amount_in": amount_in,
                            "amount_out": expected, "grx_reserve": p.grx_reserve, "quote_reserve": p.quote_reserve}]


def test_swap_slippage_ordering_of_curves(env):
    """For the same trade the constant-product curve slips most, the linear one less, the flat one not."""
    admin = pool_admin(env)
    outs = {}
    for curve in tc.CURVES:
        env.ok(env.ix_initialize_pool(admin, curve, POOL_GRX, POOL_QUOTE), admin.keypair)
        user = env.new_user(quote=2_000 * QUOTE)
        before = env.balance(user.grx)
        env.ok(env.ix_swap(user, curve, tc.BUY_GRX, 2_000 * QUOTE, 1), user.keypair)
        outs[curve] = env.balance(user.grx) - before
    assert outs[tc.CURVE_STEEP_WIND] < outs[tc.CURVE_LINEAR_SOLAR] < outs[tc.CURVE_FLAT_BATTERY]


def test_swap_linear_round_trip_is_not_profitable(env):
    admin = pool_admin(env)
    env.ok(env.ix_initialize_pool(admin, tc.CURVE_LINEAR_SOLAR, POOL_GRX, POOL_QUOTE), admin.keypair)
    user = env.new_user(quote=1_000 * QUOTE)
    env.ok(env.ix_swap(user, tc.CURVE_LINEAR_SOLAR, tc.BUY_GRX, 1_000 * QUOTE, 1), user.keypair)
    env.ok(env.ix_swap(user, tc.CURVE_LINEAR_SOLAR, tc.SELL_GRX, env.balance(user.grx), 1), user.keypair)
    assert env.balance(user.grx) == 0 and env.balance(user.quote) <= 1_000 * QUOTE


def test_swap_rejections(env):
    admin = pool_admin(env)
    for curve in tc.CURVES:
        env.ok(env.ix_initialize_pool(admin, curve, POOL_GRX, POOL_QUOTE), admin.keypair)
    user, other = env.new_user(grx=tc.grx_for(10**7), quote=10**5 * QUOTE), env.new_user(quote=QUOTE)
    expected = tc.swap_out(1, tc.BUY_GRX, 100 * QUOTE, POOL_GRX, POOL_QUOTE, POOL_GRX, POOL_QUOTE)
    rejected(env, env.ix_swap(user, 1, tc.BUY_GRX, 100 * QUOTE, expected + 1), TE.SlippageExceeded, user.keypair)
    rejected(env, env.ix_swap(user, 1, tc.BUY_GRX, 0, 0), TE.ZeroAmount, user.keypair)
    rejected(env, env.ix_swap(user, 1, tc.SELL_GRX, 1, 0), TE.ZeroSwapOutput, user.keypair)
    # FlatBattery: selling more GRX than the quote reserve can pay for
    rejected(env, env.ix_swap(user, tc.CURVE_FLAT_BATTERY, tc.SELL_GRX, POOL_GRX, 0), TE.InsufficientLiquidity,
             user.keypair)
    # LinearSolar: past 2·x0 the curve's price is zero
    rejected(env, env.ix_swap(user, tc.CURVE_LINEAR_SOLAR, tc.SELL_GRX, POOL_GRX + 1, 0), TE.InsufficientLiquidity,
             user.keypair)
    rejected(env, env.ix_swap(other, 1, tc.BUY_GRX, 100 * QUOTE, 0), TOKEN_INSUFFICIENT_FUNDS, other.keypair)
    rejected(env, env.ix_swap(user, 1, tc.BUY_GRX, 100 * QUOTE, 0, user_grx_account=other.grx),
             AE.ConstraintTokenOwner, user.keypair)
    other_vault = tc.pool_grx_vault_pda(tc.pool_pda(2)[0])[0]
    rejected(env, env.ix_swap(user, 1, tc.BUY_GRX, 100 * QUOTE, 0, grx_vault=other_vault),
             AE.ConstraintAddress, user.keypair)
    rejected(env, env.ix_swap(user, 1, tc.BUY_GRX, 100 * QUOTE, 0, pool=env.market_address),
             AE.AccountDiscriminatorMismatch, user.keypair)
    pause(env)
    rejected(env, env.ix_swap(user, 1, tc.BUY_GRX, 100 * QUOTE, 0), CE.SystemPaused, user.keypair)


# ----------------------------------------------------------------------------- withdraw_fees / authority


def traded_env(env: tc.TradingEnv) -> tuple[int, tc.User, tc.User]:
    """One fill of 10 kWh at 5.00: the seller owes 0.125 quote of fees."""
    buyer, seller = trader(env, quote=50 * QUOTE), trader(env, grx_wh=10_000)
    env.place_sell(seller, 10_000, PRICE, fund=False)
    env.place_buy(buyer, 10_000, PRICE, fund=False)
    return env.market().fees_unclaimed, buyer, seller


def test_withdraw_fees(env):
    fees, buyer, seller = traded_env(env)
    assert fees == tc.fee_for(50 * QUOTE, 25) == 125_000
    vault = env.accts["quote_escrow"]
    assert env.balance(vault) == 50 * QUOTE  # the seller's proceeds and the fees
    dest = env.new_user()
    res = env.ok(env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.quote, fees - 1), env.bootstrap)
    assert env.balance(dest.quote) == fees - 1 and env.balance(vault) == 50 * QUOTE - fees + 1
    assert env.market().fees_unclaimed == 1 and env.market().total_fees == fees
    assert events(res) == [{"admin": env.bootstrap.pubkey(), "destination": dest.quote, "amount": fees - 1}]
    # the traders' balances are intact: they withdraw everything, the vault keeps the last unclaimed unit
    env.withdraw(seller, QUOTE_ASSET, 50 * QUOTE - fees)
    env.withdraw(buyer, GRX, tc.grx_for(10_000))
    assert env.balance(vault) == 1 and env.balance(env.accts["grx_escrow"]) == 0
    env.ok(env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.quote, 1), env.bootstrap)
    assert env.balance(vault) == 0 and env.balance(dest.quote) == fees
    check_book(env)


def test_withdraw_fees_rejections(env):
    fees, buyer, seller = traded_env(env)
    dest = env.new_user()
    boot = env.bootstrap
    rejected(env, env.ix_withdraw_fees(dest.pubkey, dest.quote, 1), CE.NotAuthority, dest.keypair)
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.quote, 0), TE.ZeroAmount, boot)
    # the vault holds 50 quote, but only the fees are the admin's
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.quote, fees + 1), TE.InsufficientFees, boot)
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.quote, 50 * QUOTE), TE.InsufficientFees, boot)
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.grx, 1), AE.ConstraintTokenMint, boot)
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.quote, 1, quote_escrow=env.accts["grx_escrow"]),
             AE.ConstraintAddress, boot)
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.quote, 1, quote_mint=env.grx_mint),
             AE.ConstraintTokenMint, boot)  # the destination's mint is compared with the mint passed first
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.grx, 1, quote_mint=env.grx_mint),
             AE.ConstraintAddress, boot)
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.quote, 1, governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, boot)
    rejected(env, unsigned(env.ix_withdraw_fees(boot.pubkey(), dest.quote, 1), boot.pubkey()), AE.AccountNotSigner)
    env.ok(env.ix_withdraw_fees(boot.pubkey(), dest.quote, fees), boot)
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.quote, 1), TE.InsufficientFees, boot)
    pause(env)
    rejected(env, env.ix_withdraw_fees(boot.pubkey(), dest.quote, 1), CE.SystemPaused, boot)


def test_authority_transfer(env):
    new = h.funded_keypair(env.svm)
    res = env.ok(env.ix_propose(env.bootstrap.pubkey(), new.pubkey()), env.bootstrap)
    m = env.market()
    assert (m.admin.authority, m.admin.pending_authority) == (env.bootstrap.pubkey(), new.pubkey())
    assert m.admin.pending_expires_at == env.now() + gov.AUTHORITY_TRANSFER_TTL_SECONDS
    assert events(res) == [{"authority": env.bootstrap.pubkey(), "pending_authority": new.pubkey(),
                            "expires_at": env.now() + gov.AUTHORITY_TRANSFER_TTL_SECONDS}]
    res = env.ok(env.ix_accept(new.pubkey()), new)
    m = env.market()
    assert (m.admin.authority, m.admin.pending_authority, m.admin.pending_expires_at) == \
        (new.pubkey(), Pubkey.default(), 0)
    assert events(res) == [{"previous_authority": env.bootstrap.pubkey(), "new_authority": new.pubkey()}]
    # the new admin administers the market, the old one no longer does
    admin_user = tc.User(new, env.token_account(new.pubkey(), env.grx_mint),
                         env.token_account(new.pubkey(), env.quote_mint))
    env.users.append(admin_user)
    env.mint_to(env.grx_mint, admin_user.grx, POOL_GRX)
    env.mint_to(env.quote_mint, admin_user.quote, POOL_QUOTE)
    env.ok(env.ix_initialize_pool(admin_user, 0, POOL_GRX, POOL_QUOTE), new)
    env.ok(env.b.ix_set_mode(new.pubkey(), tc.MODE_AUCTION), new)
    rejected(env, env.b.ix_set_mode(env.bootstrap.pubkey(), tc.MODE_CONTINUOUS), CE.NotAuthority, env.bootstrap)
    rejected(env, env.ix_propose(env.bootstrap.pubkey(), env.bootstrap.pubkey()), CE.NotAuthority, env.bootstrap)


def test_authority_transfer_cancel(env):
    new = h.funded_keypair(env.svm)
    env.ok(env.ix_propose(env.bootstrap.pubkey(), new.pubkey()), env.bootstrap)
    res = env.ok(env.ix_cancel_transfer(env.bootstrap.pubkey()), env.bootstrap)
    assert env.market().admin.pending_authority == Pubkey.default()
    assert events(res) == [{"authority": env.bootstrap.pubkey(), "cancelled_pending_authority": new.pubkey()}]
    rejected(env, env.ix_accept(new.pubkey()), CE.NoPendingTransfer, new)


def test_authority_transfer_rejections(env):
    new, stranger = h.funded_keypair(env.svm), h.funded_keypair(env.svm)
    boot = env.bootstrap
    rejected(env, env.ix_propose(stranger.pubkey(), new.pubkey()), CE.NotAuthority, stranger)
    rejected(env, env.ix_propose(boot.pubkey(), boot.pubkey()), CE.InvalidNewAuthority, boot)
    rejected(env, env.ix_propose(boot.pubkey(), Pubkey.default()), CE.InvalidNewAuthority, boot)
    rejected(env, env.ix_accept(new.pubkey()), CE.NoPendingTransfer, new)
    rejected(env, env.ix_cancel_transfer(boot.pubkey()), CE.NoPendingTransfer, boot)
    env.ok(env.ix_propose(boot.pubkey(), new.pubkey()), boot)
    rejected(env, env.ix_accept(stranger.pubkey()), CE.NotPendingAuthority, stranger)
    rejected(env, env.ix_cancel_transfer(stranger.pubkey()), CE.NotAuthority, stranger)
    rejected(env, unsigned(env.ix_accept(new.pubkey()), new.pubkey()), AE.AccountNotSigner)
    rejected(env, tc.tix.accept_authority_transfer({"authority": new.pubkey(), "market": Pubkey.new_unique()}),
             AE.AccountNotInitialized, new)
    rejected(env, tc.tix.accept_authority_transfer({"authority": new.pubkey(), "market": env.book_keypair.pubkey()}),
             AE.AccountDiscriminatorMismatch, new)
    env.set_time(env.now() + gov.AUTHORITY_TRANSFER_TTL_SECONDS + 1)
    rejected(env, env.ix_accept(new.pubkey()), CE.TransferExpired, new)


def test_authority_transfer_works_while_paused(env):
    """docs/programs.md exempts authority transfers from the pause."""
    new = h.funded_keypair(env.svm)
    pause(env)
    env.ok(env.ix_propose(env.bootstrap.pubkey(), new.pubkey()), env.bootstrap)
    env.ok(env.ix_accept(new.pubkey()), new)
    assert env.market().admin.authority == new.pubkey()


def test_unpause_restores_trading(env):
    buyer = trader(env, quote=10 * QUOTE)
    pause(env)
    rejected(env, buy_ix(env, buyer, 1_000, PRICE), CE.SystemPaused, buyer.keypair)
    gov.unpause_for_tests(env.svm)
    env.ok(buy_ix(env, buyer, 1_000, PRICE), buyer.keypair)
    assert ids(env.book().bids) == [0]
