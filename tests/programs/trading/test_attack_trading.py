"""Attacks on the trading program's on-chain order book, each written as the attacker would try it, against the
real trading and governance programs in LiteSVM. A refused attempt asserts the exact error code, that no event
was emitted and that no account changed (market, book, vaults, wallets, certificates and their usage tallies);
an attempt whose answer is "it has no effect" asserts the exact state it leaves.

The issue's rule: *any way of choosing a worse counterparty — the crank, a subset of the auction, amount games,
the same price with a later sequence — fails or has no effect*. The book decides every pair, amount and price;
callers only bound the work (``match_limit``, ``max_pairs``) and hand over the ERC certificates the book says
are next. Also here: seat theft, fake books, certificates that stopped backing an ask, self-trades and fees.

Prices are micro-quote per kWh (``100_000`` = 0.10 quote/kWh); 1,000 Wh at 0.10 costs 100,000 quote base
units (0.10 quote). The market charges 25 bps to the seller, rounded up.
"""
from __future__ import annotations



import pytest  # noqa: E402
from solders.keypair import Keypair  # noqa: E402
from solders.pubkey import Pubkey  # noqa: E402

from gridtokenx_cli.testing import svm_lite as h  # noqa: E402
from gridtokenx_cli import platform as pf  # noqa: E402
from gridtokenx_cli.testing import governance as gov  # noqa: E402
from gridtokenx_cli.testing import trading as tc  # noqa: E402
from gridtokenx_cli.testing.trading import AnchorError as AE  # noqa: E402
from gridtokenx_cli.testing.trading import CommonError as CE  # noqa: E402
from gridtokenx_cli.testing.trading import TradingError as TE  # noqa: E402

P10, P15, P20, P30 = 100_000, 150_000, 200_000, 300_000  # 0.10 / 0.15 / 0.20 / 0.30 quote per kWh
QUOTE = 10**6  # one quote token
FEE_BPS = 25
SYSTEM_ACCOUNT_IN_USE = 0  # system program: create_account on an existing account
SYSTEM_PROGRAM = Pubkey.from_string("11111111111111111111111111111111")


# ----------------------------------------------------------------------------- fixtures / helpers


@pytest.fixture(scope="session")
def trading_so():
    return h.program_so(tc.PROGRAM_NAME)


@pytest.fixture
def env(trading_so) -> tc.TradingEnv:
    return tc.TradingEnv.create(trading_so, fee_bps=FEE_BPS)


def new_env(trading_so) -> tc.TradingEnv:
    return tc.TradingEnv.create(trading_so, fee_bps=FEE_BPS)


def all_certs(env: tc.TradingEnv) -> list[Pubkey]:
    """Every certificate ``env.make_erc`` forged so far (default ids ``trading-test-<n>``)."""
    return [gov.erc_certificate_pda(gov.certificate_id(f"trading-test-{n}"))[0] for n in range(1, env.certs + 1)]


def tracked(env: tc.TradingEnv, *extra: Pubkey) -> dict:
    """Snapshots of every account an attack could touch: market, book, vaults, mints, governance config, every
    user's wallet and token accounts, every forged certificate and its usage tally, and ``extra``."""
    addrs = set(extra) | set(env.accts.values()) | {env.book_keypair.pubkey(), env.grx_mint, env.quote_mint,
                                                    tc.governance_config_address()}
    for u in env.users:
        addrs |= {u.pubkey, u.grx, u.quote}
    for c in all_certs(env):
        addrs |= {c, tc.erc_usage_pda(c)[0]}
    return h.snapshots(env.svm, *addrs)


def refused(env: tc.TradingEnv, ixs, code: int, *signers, extra: tuple = (), index: int = 0,
            partial: bool = False) -> None:
    """The attacker's transaction fails in instruction ``index`` with ``code``; no event, nothing changed.
    ``partial``: the instruction made progress (and logged its events) before failing — a failed transaction's
    logs are not events, so only the code and the unchanged accounts are asserted."""
    before = tracked(env, *extra)
    keypairs = [s.keypair if isinstance(s, tc.User) else s for s in signers]
    res = env.send(ixs, *keypairs)
    if partial:
        assert not h.is_ok(res) and h.instruction_error(res)[0] == index
        assert h.custom_error_code(res) == code, h.logs(res)
        h.assert_unchanged(env.svm, before)
    else:
        h.assert_rejected(env.svm, res, code, before, index=index)


def events(res, name: str | None = None) -> list[dict]:
    return [f for n, f in tc.decode_events(h.logs(res)) if name is None or n == name]


def fills(res) -> list[tuple[int, int, int, int, int, int]]:
    """``(buy id, sell id, Wh, price, quote, fee)`` of every OrderMatched event, in order."""
    return [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"], f["price"], f["quote_amount"], f["fee"])
            for f in events(res, "OrderMatched")]


def evictions(res) -> list[tuple[int, str]]:
    return [(f["order_id"], f["reason"]) for f in events(res, "OrderCancelled")]


def view(env: tc.TradingEnv):
    """The book and the market's counters, independent of keys: comparable across two environments that ran
    the same scenario."""
    b, m = env.book(), env.market()
    return ([(o.order_id, o.price, o.remaining_wh, o.trader_slot) for o in b.bids],
            [(o.order_id, o.price, o.remaining_wh, o.trader_slot) for o in b.asks],
            [(s.slot, s.grx_free, s.grx_locked, s.quote_free, s.quote_locked, s.open_orders) for s in b.seats],
            m.fees_unclaimed, m.total_trades, m.total_volume_wh, m.last_clearing_price)


def seat(env: tc.TradingEnv, user: tc.User) -> tc.Seat:
    s = env.book().seat_of(user.pubkey)
    assert s is not None
    return s


def ids(orders) -> list[int]:
    return [o.order_id for o in orders]


def crank(env: tc.TradingEnv, cranker: tc.User, max_pairs: int = 8, certs=None):
    return env.ok(env.ix_crank(cranker.pubkey, max_pairs, certs), cranker.keypair)


def auction(env: tc.TradingEnv, cranker: tc.User, certs=None):
    return env.ok(env.ix_auction(cranker.pubkey, certs), cranker.keypair)


def revoke(env: tc.TradingEnv, cert: Pubkey) -> None:
    """The REC authority revokes the certificate through governance (fraud found after the ask was placed)."""
    env.ok(pf.ix_revoke_erc(env.rec_authority.pubkey(), cert), env.rec_authority)
    assert gov.decode_erc_certificate(bytes(env.svm.get_account(cert).data)).status.discriminator == \
        gov.ERC_STATUS_REVOKED


def transfer_away(env: tc.TradingEnv, seller: tc.User, cert: Pubkey) -> tc.User:
    """The seller hands the certificate to an accomplice through governance after listing its energy."""
    accomplice = env.new_user(grx=tc.grx_for(10_000))
    env.ok(pf.ix_transfer_erc(seller.pubkey, cert, accomplice.pubkey), seller.keypair)
    return accomplice


SHORT_LIVED = 100  # seconds of validity of the certificates the "expired" cases spoil


def spoil(env: tc.TradingEnv, case: str, seller: tc.User, cert: Pubkey) -> str:
    """Makes ``cert`` stop backing its ask; returns the OrderCancelled reason the program gives."""
    if case == "revoked":
        revoke(env, cert)
        return "ErcNotValidated"
    if case == "transferred":
        transfer_away(env, seller, cert)
        return "ErcTransferred"
    env.set_time(env.now() + SHORT_LIVED + 1)  # only the short-lived certificate has expired
    return "ErcExpired"


def spoilable_cert(env: tc.TradingEnv, case: str, seller: tc.User, wh: int) -> Pubkey:
    return env.make_erc(seller.pubkey, wh, expires_at=env.now() + SHORT_LIVED if case == "expired" else None)


def two_asks(env: tc.TradingEnv, alice_cert: Pubkey | None = None, *, carol_first: bool = False):
    """The reported book: alice asks 1,000 Wh at 0.10, carol 1,000 Wh at 0.20 (carol's placed first when
    ``carol_first``)."""
    alice = env.new_user(grx=tc.grx_for(10_000))
    carol = env.new_user(grx=tc.grx_for(10_000))
    alice_cert = alice_cert or env.make_erc(alice.pubkey, 1_000)
    carol_cert = env.make_erc(carol.pubkey, 1_000)
    if carol_first:
        c = env.place_sell(carol, 1_000, P20, carol_cert)
        a = env.place_sell(alice, 1_000, P10, alice_cert)
    else:
        a = env.place_sell(alice, 1_000, P10, alice_cert)
        c = env.place_sell(carol, 1_000, P20, carol_cert)
    return alice, carol, alice_cert, carol_cert, a, c


def _two_asks_for(env: tc.TradingEnv, alice: tc.User, acert: Pubkey):
    """carol asks 1,000 Wh at 0.20 after alice's 1,000 Wh at 0.10 backed by ``acert``."""
    carol = env.new_user(grx=tc.grx_for(10_000))
    ccert = env.make_erc(carol.pubkey, 1_000)
    a = env.place_sell(alice, 1_000, P10, acert)
    c = env.place_sell(carol, 1_000, P20, ccert)
    return carol, acert, ccert, a, c


# ----------------------------------------------------------------------------- the reported scenario


@pytest.mark.parametrize("carol_first", [False, True], ids=["alice-first", "carol-first"])
def test_bid_fills_against_the_cheapest_ask_not_the_one_the_crank_prefers(env, carol_first):
    """alice asks 1,000 Wh at 0.10, carol 1,000 Wh at 0.20; bob bids 1,000 Wh at up to 0.20. The program fills
    bob against alice at alice's 0.10 — whoever placed first — bob pays 100,000 units and gets the 100,000 he
    locked above that back; alice receives 100,000 − 250 (25 bps, rounded up). Carol's ask is untouched and her
    crank finds nothing to match, with or without her own certificate."""
    alice, carol, acert, ccert, a, c = two_asks(env, carol_first=carol_first)
    bob = env.new_user(quote=10 * QUOTE)
    book = env.book()
    res = env.ok(env.b.fund_and_place(book, bob.pubkey, tc.SIDE_BUY, P20, 1_000, token_account=bob.quote),
                 bob.keypair)
    b = book.header.next_order_id
    assert fills(res) == [(b, a, 1_000, P10, 100_000, 250)]
    [placed] = events(res, "OrderPlaced")
    assert (placed["filled_wh"], placed["resting_wh"]) == (1_000, 0)
    assert env.balance(bob.quote) == 10 * QUOTE - 200_000  # the bid locked 1,000 Wh at 0.20
    s = seat(env, bob)
    assert (s.grx_free, s.quote_free, s.quote_locked, s.open_orders) == (tc.grx_for(1_000), 100_000, 0, 0)
    s = seat(env, alice)
    assert (s.grx_locked, s.quote_free, s.open_orders) == (0, 99_750, 0)
    s = seat(env, carol)
    assert (s.grx_locked, s.quote_free, s.open_orders) == (tc.grx_for(1_000), 0, 1)
    assert [(o.order_id, o.remaining_wh) for o in env.book().asks] == [(c, 1_000)]
    assert env.market().fees_unclaimed == 250 and env.market().last_clearing_price == P10
    for certs in ([], [ccert], [ccert, acert]):
        refused(env, env.ix_crank(carol.pubkey, 8, certs), TE.NoCrossingOrders, carol)


def test_carol_cranks_a_crossed_book_and_still_alice_fills_first(env):
    """Bob's bid rests crossed (match_limit 0). Carol cranks passing only her own certificate to reach her ask:
    refused, MissingErcCertificate (alice's ask is next). With both certificates, in either order, the crank
    fills alice first at her 0.10 (the earlier order), then carol at her 0.20."""
    alice, carol, acert, ccert, a, c = two_asks(env)
    bob = env.new_user(quote=10 * QUOTE)
    b = env.place_buy(bob, 2_000, P20, match_limit=0)
    assert ids(env.book().bids) == [b] and env.book().bids[0].remaining_wh == 2_000
    refused(env, env.ix_crank(carol.pubkey, 8, [ccert]), TE.MissingErcCertificate, carol)
    refused(env, env.ix_crank(carol.pubkey, 1, [ccert]), TE.MissingErcCertificate, carol)
    res = crank(env, carol, 8, [ccert, acert])
    assert fills(res) == [(b, a, 1_000, P10, 100_000, 250), (b, c, 1_000, P20, 200_000, 500)]
    assert env.book().asks == [] and env.book().bids == []
    assert seat(env, bob).quote_free == 100_000  # 0.10 of improvement on alice's 1,000 Wh


# ----------------------------------------------------------------------------- crank games


def crossed_book(env: tc.TradingEnv):
    """Three asks (0.10 × 500, 0.10 × 700 later, 0.15 × 800) and one bid of 3,000 Wh at 0.20 left crossed by
    match_limit 0; a fourth ask at 0.30 does not cross."""
    s1, s2, s3, s4 = (env.new_user(grx=tc.grx_for(10_000)) for _ in range(4))
    certs = [env.make_erc(s.pubkey, 1_000) for s in (s1, s2, s3, s4)]
    asks = [env.place_sell(s1, 500, P10, certs[0]), env.place_sell(s2, 700, P10, certs[1]),
            env.place_sell(s3, 800, P15, certs[2]), env.place_sell(s4, 900, P30, certs[3])]
    bob = env.new_user(quote=10 * QUOTE)
    bid = env.place_buy(bob, 3_000, P20, match_limit=0)
    cranker = env.new_user()
    return certs, asks, bid, bob, cranker


def test_crank_that_skips_the_better_ask_is_refused(env):
    """The worse seller cranks with only his certificate (and any other subset missing the best ask's):
    MissingErcCertificate, the book unchanged."""
    certs, asks, bid, bob, cranker = crossed_book(env)
    for subset in ([certs[2]], [certs[1], certs[2]], [certs[2], certs[3]], [certs[3]]):
        refused(env, env.ix_crank(cranker.pubkey, 8, subset), TE.MissingErcCertificate, cranker)
    # the first ask's certificate alone is enough for one step, but not for two
    refused(env, env.ix_crank(cranker.pubkey, 2, [certs[0]]), TE.MissingErcCertificate, cranker)


def test_crank_with_extra_and_unrelated_certificates_has_no_effect(trading_so):
    """Extra accounts — the fourth (non-crossing) ask's certificate, duplicates, an unrelated valid certificate,
    the market itself — change nothing: same fills, same book as the exact list."""
    outcomes = []
    for extra in (False, True):
        env = new_env(trading_so)
        certs, asks, bid, bob, cranker = crossed_book(env)
        needed = certs[:3]
        if extra:
            stranger = env.new_user()
            unrelated = env.make_erc(stranger.pubkey, 5_000)
            passed = [env.market_address, certs[3], unrelated, *reversed(needed), certs[0], env.accts["grx_escrow"]]
        else:
            passed = needed
        res = crank(env, cranker, 8, passed)
        outcomes.append((fills(res), view(env)))
    assert outcomes[0] == outcomes[1]
    f, v = outcomes[0]
    assert [x[1:4] for x in f] == [(0, 500, P10), (1, 700, P10), (2, 800, P15)]


def test_max_pairs_changes_how_far_the_crank_goes_never_price_or_counterparty(trading_so):
    """The same crossed book cranked 1 pair at a time, 2 then the rest, or all at once: the same fills in the
    same order at the same prices, the same final book."""
    runs = []
    for steps in ([1, 1, 1], [2, 1], [1, 8], [3], [8], [255]):
        env = new_env(trading_so)
        certs, asks, bid, bob, cranker = crossed_book(env)
        all_fills = []
        for n in steps:
            all_fills += fills(crank(env, cranker, n))
        refused(env, env.ix_crank(cranker.pubkey, 8), TE.NoCrossingOrders, cranker)
        runs.append((all_fills, view(env)))
    assert all(r == runs[0] for r in runs)
    f, (bids, asks, *_rest) = runs[0]
    # every ask rested before the bid: each fill at the ask's price, best ask first
    assert [(x[0], x[1], x[2], x[3]) for x in f] == [(4, 0, 500, P10), (4, 1, 700, P10), (4, 2, 800, P15)]
    assert bids == [(4, P20, 1_000, 4)] and [a[0] for a in asks] == [3]


def test_crank_price_is_the_earlier_orders_not_the_crankers_choice(env):
    """A bid rested first at 0.20, then a crossing ask at 0.10 was placed with match_limit 0: the crank trades at
    the bid's 0.20 (the maker), whoever cranks — the seller cannot crank himself a better or worse price."""
    bob = env.new_user(quote=10 * QUOTE)
    alice = env.new_user(grx=tc.grx_for(1_000))
    b = env.place_buy(bob, 1_000, P20)
    a = env.place_sell(alice, 1_000, P10, match_limit=0)
    assert env.book().bids[0].price >= env.book().asks[0].price
    res = crank(env, alice, 1)
    assert fills(res) == [(b, a, 1_000, P20, 200_000, 500)]
    assert seat(env, alice).quote_free == 199_500 and seat(env, bob).quote_free == 0


def test_crank_refused_in_auction_mode_and_the_auction_in_continuous_mode(env):
    alice, carol, acert, ccert, a, c = two_asks(env)
    cranker = env.new_user()
    refused(env, env.ix_auction(cranker.pubkey, [acert, ccert]), TE.WrongMarketMode, cranker)
    env.set_mode(tc.MODE_AUCTION)
    bob = env.new_user(quote=10 * QUOTE)
    env.place_buy(bob, 1_000, P20)  # rests crossed in auction mode
    refused(env, env.ix_crank(cranker.pubkey, 8, [acert, ccert]), TE.WrongMarketMode, cranker)
    refused(env, env.ix_crank(cranker.pubkey, 0, [acert, ccert]), TE.ZeroAmount, cranker)


# ----------------------------------------------------------------------------- auction subset


def auction_book(env: tc.TradingEnv):
    """Auction mode; asks alice 1,000 @ 0.10, carol 1,000 @ 0.20, erin 500 @ 0.30 (never crosses); bids bob
    1,500 @ 0.20, dave 500 @ 0.15."""
    env.set_mode(tc.MODE_AUCTION)
    alice, carol, acert, ccert, a, c = two_asks(env)
    erin = env.new_user(grx=tc.grx_for(10_000))
    ecert = env.make_erc(erin.pubkey, 500)
    e = env.place_sell(erin, 500, P30, ecert)
    bob, dave = env.new_user(quote=10 * QUOTE), env.new_user(quote=10 * QUOTE)
    b = env.place_buy(bob, 1_500, P20)
    d = env.place_buy(dave, 500, P15)
    assert len(env.book().bids) == 2 and len(env.book().asks) == 3  # crossed, nothing traded
    return alice, carol, erin, bob, dave, acert, ccert, ecert, a, c, e, b, d


def test_auction_without_the_better_asks_certificate_is_refused(env):
    """Carol runs the auction with only her certificate (to clear just her ask against bob): refused; every
    subset missing a crossing ask's certificate is."""
    alice, carol, erin, bob, dave, acert, ccert, ecert, a, c, e, b, d = auction_book(env)
    for subset in ([ccert], [ccert, ecert], [acert], []):
        refused(env, env.ix_auction(carol.pubkey, subset), TE.MissingErcCertificate, carol)


def test_auction_clears_the_whole_book_at_the_uniform_price(env):
    """With every crossing certificate (extra ones ignored) the auction uses every resting order: the price is
    ``tc.auction_price`` over the whole book — 0.20, volume 1,500 — bob takes alice's 1,000 and 500 of carol's,
    both at 0.20; dave's 0.15 bid and erin's 0.30 ask rest."""
    alice, carol, erin, bob, dave, acert, ccert, ecert, a, c, e, b, d = auction_book(env)
    book = env.book()
    expected = tc.auction_price([(o.price, o.remaining_wh) for o in book.bids],
                                [(o.price, o.remaining_wh) for o in book.asks], env.market().last_clearing_price)
    assert expected == (P20, 1_500)
    res = auction(env, carol, [ecert, ccert, acert, env.market_address])
    [summary] = events(res, "BatchAuctionExecuted")
    assert (summary["clearing_price"], summary["volume_wh"], summary["orders"]) == (P20, 1_500, 5)
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"], f["quote_amount"], f["fee"])
            for f in summary["fills"]] == [(b, a, 1_000, 200_000, 500), (b, c, 500, 100_000, 250)]
    book = env.book()
    assert [(o.order_id, o.remaining_wh) for o in book.bids] == [(d, 500)]
    assert [(o.order_id, o.remaining_wh) for o in book.asks] == [(c, 500), (e, 500)]
    assert seat(env, alice).quote_free == 199_500 and seat(env, carol).quote_free == 99_750
    assert env.market().last_clearing_price == P20
    refused(env, env.ix_auction(carol.pubkey, [ccert]), TE.NoCrossingOrders, carol)


def test_auction_price_cannot_be_moved_by_the_callers_accounts(trading_so):
    """Two runs of the same auction book, one with the exact certificates and one with every certificate
    (non-crossing and unrelated ones too): the same price, fills and book."""
    outs = []
    for everything in (False, True):
        env = new_env(trading_so)
        alice, carol, erin, bob, dave, acert, ccert, ecert, a, c, e, b, d = auction_book(env)
        certs = all_certs(env) + [env.make_erc(dave.pubkey, 1)] if everything else [acert, ccert]
        res = auction(env, dave, certs)
        outs.append((events(res, "BatchAuctionExecuted")[0]["fills"], view(env)))
    assert outs[0] == outs[1]


# ----------------------------------------------------------------------------- amount games


def ladder(env: tc.TradingEnv):
    """Asks 400 @ 0.10, 600 @ 0.10 (later), 1,000 @ 0.15, 1,000 @ 0.20."""
    sellers = [env.new_user(grx=tc.grx_for(10_000)) for _ in range(4)]
    for s, (wh, p) in zip(sellers, [(400, P10), (600, P10), (1_000, P15), (1_000, P20)]):
        env.place_sell(s, wh, p)
    return sellers


def per_maker(all_fills) -> dict[int, list[tuple[int, int]]]:
    """Wh bought from each ask and at which price(s)."""
    out: dict[int, dict[int, int]] = {}
    for _, sell, wh, price, _, _ in all_fills:
        out.setdefault(sell, {}).setdefault(price, 0)
        out[sell][price] += wh
    return {k: sorted(v.items()) for k, v in out.items()}


@pytest.mark.parametrize("pieces", [[2_500], [1_000, 1_000, 500], [100] * 25, [1, 399, 1, 599, 1_500]])
def test_splitting_a_taker_does_not_change_prices_or_counterparties(trading_so, pieces):
    """A buyer takes 2,500 Wh in one order or in many small ones: the same asks fill, the same Wh each, at the
    same (maker) prices — no price drift by amount, and no cheaper ask reserved for small orders. Splitting
    only ever adds fees (each fill's fee is rounded up)."""
    env = new_env(trading_so)
    ladder(env)
    buyer = env.new_user(quote=10 * QUOTE)
    got = []
    for wh in pieces:
        book = env.book()
        got += fills(env.ok(env.b.fund_and_place(book, buyer.pubkey, tc.SIDE_BUY, P20, wh,
                                                 token_account=buyer.quote), buyer.keypair))
    assert per_maker(got) == {0: [(P10, 400)], 1: [(P10, 600)], 2: [(P15, 1_000)], 3: [(P20, 500)]}
    assert sum(f[4] for f in got) == 40_000 + 60_000 + 150_000 + 100_000
    whole_fees = tc.fee_for(40_000, FEE_BPS) + tc.fee_for(60_000, FEE_BPS) + tc.fee_for(150_000, FEE_BPS) + \
        tc.fee_for(100_000, FEE_BPS)
    assert sum(f[5] for f in got) >= whole_fees
    assert seat(env, buyer).grx_free == tc.grx_for(2_500)
    assert [(o.order_id, o.remaining_wh) for o in env.book().asks] == [(3, 500)]


def test_a_tiny_order_cannot_jump_the_queue(env):
    """bob bids 1,000 Wh at 0.15; eve then bids 1 Wh at the same price (and 1 Wh at 0.15 again): a seller's
    1 Wh at 0.10 fills bob's earlier bid, not eve's tiny one; the crank does the same."""
    bob, eve = env.new_user(quote=10 * QUOTE), env.new_user(quote=10 * QUOTE)
    b = env.place_buy(bob, 1_000, P15)
    e1 = env.place_buy(eve, 1, P15)
    e2 = env.place_buy(eve, 1, P15)
    alice = env.new_user(grx=tc.grx_for(10_000))
    book = env.book()
    a = book.header.next_order_id
    res = env.ok(env.b.fund_and_place(book, alice.pubkey, tc.SIDE_SELL, P10, 1, token_account=alice.grx,
                                      certificate=env.make_erc(alice.pubkey, 1)), alice.keypair)
    assert fills(res) == [(b, a, 1, P15, 150, 1)]
    # crossed by the seller's own match_limit 0: the crank also serves bob first
    a2 = env.place_sell(alice, 2, P10, match_limit=0)
    res = crank(env, eve, 8)
    assert fills(res) == [(b, a2, 2, P15, 300, 1)]
    assert [(o.order_id, o.remaining_wh) for o in env.book().bids] == [(b, 997), (e1, 1), (e2, 1)]


# ----------------------------------------------------------------------------- same price, later sequence


def test_same_price_later_order_fills_after_the_earlier_one(env):
    """alice and carol both ask 0.10, alice first: bob's 500 Wh go to alice; his next 1,000 Wh take alice's
    other 500 and then 500 of carol's. Carol re-placing at the same price does not help her; alice cancelling
    and re-placing puts her behind carol."""
    alice, carol = env.new_user(grx=tc.grx_for(10_000)), env.new_user(grx=tc.grx_for(10_000))
    a = env.place_sell(alice, 1_000, P10)
    c = env.place_sell(carol, 1_000, P10)
    c2 = env.place_sell(carol, 1_000, P10)
    bob = env.new_user(quote=10 * QUOTE)
    book = env.book()
    res = env.ok(env.b.fund_and_place(book, bob.pubkey, tc.SIDE_BUY, P10, 500, token_account=bob.quote),
                 bob.keypair)
    assert [(f[1], f[2]) for f in fills(res)] == [(a, 500)]
    book = env.book()
    res = env.ok(env.b.fund_and_place(book, bob.pubkey, tc.SIDE_BUY, P10, 1_000, token_account=bob.quote),
                 bob.keypair)
    assert [(f[1], f[2], f[3]) for f in fills(res)] == [(a, 500, P10), (c, 500, P10)]
    a2 = env.place_sell(alice, 1_000, P10)
    assert ids(env.book().asks) == [c, c2, a2]


def test_same_price_crank_cannot_pick_the_later_order(env):
    """Two asks at 0.10 and a crossed bid: the later seller's crank with only his certificate is refused; the
    crank fills the earlier ask first."""
    alice, carol = env.new_user(grx=tc.grx_for(10_000)), env.new_user(grx=tc.grx_for(10_000))
    acert, ccert = env.make_erc(alice.pubkey, 1_000), env.make_erc(carol.pubkey, 1_000)
    a = env.place_sell(alice, 1_000, P10, acert)
    c = env.place_sell(carol, 1_000, P10, ccert)
    bob = env.new_user(quote=10 * QUOTE)
    b = env.place_buy(bob, 1_000, P10, match_limit=0)
    refused(env, env.ix_crank(carol.pubkey, 8, [ccert]), TE.MissingErcCertificate, carol)
    res = crank(env, carol, 8, [ccert, acert])
    assert fills(res) == [(b, a, 1_000, P10, 100_000, 250)]
    assert ids(env.book().asks) == [c]


# ----------------------------------------------------------------------------- self-trade and wash trading


def test_wash_trade_refused_both_ways(env):
    """A prosumer tries to print a price by crossing his own orders: the crossing order is refused (SelfTrade)
    whichever side comes second, even with another trader's better order in between."""
    wash = env.new_user(grx=tc.grx_for(10_000), quote=10 * QUOTE)
    cert = env.make_erc(wash.pubkey, 5_000)
    env.place_buy(wash, 1_000, P20)
    refused(env, env.ix_place(wash, tc.SIDE_SELL, 1_000, P10, cert=cert), TE.SelfTrade, wash)
    refused(env, env.ix_place(wash, tc.SIDE_SELL, 1_000, P20, cert=cert), TE.SelfTrade, wash)
    refused(env, env.ix_place(wash, tc.SIDE_SELL, 1_000, P20, cert=cert, order_type=tc.IMMEDIATE_OR_CANCEL),
            TE.SelfTrade, wash)
    # an ask above his own bid is fine, and then no bid of his may reach it
    s = env.place_sell(wash, 1_000, P30, cert)
    env.deposit(wash, tc.ASSET_QUOTE, QUOTE)
    refused(env, env.ix_place(wash, tc.SIDE_BUY, 1_000, P30, match_limit=0), TE.SelfTrade, wash)
    # another trader's cheaper ask in front does not hide the self-cross
    other = env.new_user(grx=tc.grx_for(1_000))
    env.place_sell(other, 1_000, P30 - 50_000)
    refused(env, env.ix_place(wash, tc.SIDE_BUY, 2_000, P30), TE.SelfTrade, wash)
    assert env.book().find(s) is not None


def test_wash_trade_in_auction_mode(env):
    """In auction mode orders only rest, yet a self-crossing order is still refused at placement, so the
    auction can never pair a trader with himself."""
    env.set_mode(tc.MODE_AUCTION)
    wash = env.new_user(grx=tc.grx_for(10_000), quote=10 * QUOTE)
    cert = env.make_erc(wash.pubkey, 5_000)
    env.place_sell(wash, 1_000, P10, cert)
    env.deposit(wash, tc.ASSET_QUOTE, QUOTE)
    refused(env, env.ix_place(wash, tc.SIDE_BUY, 1_000, 9_000_000), TE.SelfTrade, wash)
    refused(env, env.ix_place(wash, tc.SIDE_BUY, 1_000, P10, order_type=tc.POST_ONLY), TE.SelfTrade, wash)


def test_second_seat_for_the_same_key_refused(env):
    """One seat per trader (the self-trade rule compares seats): a second claim — the next slot or a freed
    one — is refused."""
    wash = env.new_user(quote=QUOTE)
    slot = env.slot(wash)
    other = env.new_user()
    env.slot(other)
    refused(env, env.b.ix_claim_seat(wash.pubkey, env.book().header.seat_count), TE.SeatAlreadyClaimed, wash)
    refused(env, env.b.ix_claim_seat(wash.pubkey, slot), TE.SeatAlreadyClaimed, wash)
    # other's seat is empty (claimable by anyone else), still not by wash
    refused(env, env.b.ix_claim_seat(wash.pubkey, 1), TE.SeatAlreadyClaimed, wash)


# ----------------------------------------------------------------------------- seat attacks


def victim_and_mallory(env: tc.TradingEnv):
    """alice: 2,000 Wh of GRX and 1 quote in her seat, an ask of 1,000 Wh resting; mallory: an empty seat."""
    alice = env.new_user(grx=tc.grx_for(2_000), quote=QUOTE)
    env.deposit(alice, tc.ASSET_GRX, tc.grx_for(2_000))
    env.deposit(alice, tc.ASSET_QUOTE, QUOTE)
    ask = env.place_sell(alice, 1_000, P20, fund=False)
    mallory = env.new_user(grx=tc.grx_for(10), quote=10)
    env.slot(mallory)
    return alice, mallory, ask


def test_withdraw_another_traders_balance(env):
    alice, mallory, ask = victim_and_mallory(env)
    a_slot = env.slot(alice)
    for asset, acct, amount in ((tc.ASSET_GRX, mallory.grx, tc.grx_for(1_000)), (tc.ASSET_QUOTE, mallory.quote, 1)):
        refused(env, env.b.ix_withdraw(mallory.pubkey, a_slot, asset, amount, acct), TE.WrongSeat, mallory)
    refused(env, env.b.ix_withdraw(mallory.pubkey, 99, tc.ASSET_GRX, 1, mallory.grx), TE.WrongSeat, mallory)
    # a slot past seat_count whose bytes are zero is not a seat either
    refused(env, env.b.ix_withdraw(mallory.pubkey, env.book().header.seat_count, tc.ASSET_GRX, 1, mallory.grx),
            TE.WrongSeat, mallory)


def test_place_or_cancel_with_another_traders_seat(env):
    """mallory places a bid spending alice's free quote (alice's slot): WrongSeat. She cancels alice's ask with
    alice's slot: WrongSeat; with her own slot: OrderNotFound."""
    alice, mallory, ask = victim_and_mallory(env)
    a_slot, m_slot = env.slot(alice), env.slot(mallory)
    refused(env, env.b.ix_place_buy(mallory.pubkey, a_slot, P10, 1_000), TE.WrongSeat, mallory)
    mcert = env.make_erc(mallory.pubkey, 1_000)
    refused(env, env.b.ix_place_sell(mallory.pubkey, a_slot, P30, 1_000, mcert), TE.WrongSeat, mallory)
    acert = env.book().find(ask).erc_certificate
    refused(env, env.b.ix_cancel(mallory.pubkey, a_slot, ask, acert), TE.WrongSeat, mallory)
    refused(env, env.b.ix_cancel(mallory.pubkey, m_slot, ask, acert), TE.OrderNotFound, mallory)
    refused(env, env.b.ix_cancel(mallory.pubkey, m_slot, 12_345, None), TE.OrderNotFound, mallory)


def test_take_over_a_seat_that_holds_funds(env):
    """mallory claims alice's slot (balance and an open order): SeatNotFree; a slot beyond the next free one:
    SeatNotFree. Once alice has cancelled and withdrawn everything her seat is free — and empty."""
    alice, mallory2, ask = victim_and_mallory(env)
    mallory = env.new_user()
    a_slot = env.slot(alice)
    refused(env, env.b.ix_claim_seat(mallory.pubkey, a_slot), TE.SeatNotFree, mallory)
    refused(env, env.b.ix_claim_seat(mallory.pubkey, env.book().header.seat_count + 1), TE.SeatNotFree, mallory)
    refused(env, env.b.ix_claim_seat(mallory.pubkey, env.book().header.seat_capacity), TE.SeatNotFree, mallory)
    env.cancel(alice, ask)
    env.withdraw(alice, tc.ASSET_GRX, tc.grx_for(1_999))
    env.withdraw(alice, tc.ASSET_QUOTE, QUOTE)
    refused(env, env.b.ix_claim_seat(mallory.pubkey, a_slot), TE.SeatNotFree, mallory)  # 1 Wh of GRX left
    env.withdraw(alice, tc.ASSET_GRX, tc.grx_for(1))
    env.ok(env.b.ix_claim_seat(mallory.pubkey, a_slot), mallory.keypair)
    s = env.book().seats[a_slot]
    assert (s.owner, s.grx_free, s.grx_locked, s.quote_free, s.quote_locked, s.open_orders) == \
        (mallory.pubkey, 0, 0, 0, 0, 0)
    assert env.balance(alice.grx) == tc.grx_for(2_000) and env.balance(alice.quote) == QUOTE


def test_withdraw_locked_funds(env):
    """alice's 1,000 Wh behind her resting ask are locked: withdrawing more than the free 1,000 is refused; the
    free part is hers."""
    alice, mallory, ask = victim_and_mallory(env)
    s = seat(env, alice)
    assert (s.grx_free, s.grx_locked) == (tc.grx_for(1_000), tc.grx_for(1_000))
    refused(env, env.b.ix_withdraw(alice.pubkey, s.slot, tc.ASSET_GRX, tc.grx_for(1_000) + 1, alice.grx),
            TE.InsufficientBalance, alice)
    refused(env, env.b.ix_withdraw(alice.pubkey, s.slot, tc.ASSET_QUOTE, QUOTE + 1, alice.quote),
            TE.InsufficientBalance, alice)
    env.withdraw(alice, tc.ASSET_GRX, tc.grx_for(1_000))
    refused(env, env.b.ix_withdraw(alice.pubkey, s.slot, tc.ASSET_GRX, 1, alice.grx), TE.InsufficientBalance, alice)
    # a bid spending more than the free quote is refused the same way
    refused(env, env.b.ix_place_buy(alice.pubkey, s.slot, P10, 10_001), TE.InsufficientBalance, alice)


def test_withdraw_to_a_token_account_of_another_owner(env):
    """mallory withdraws her own balance, naming a token account of the vault's mint that is not hers —
    alice's, or the vault itself (owned by the escrow authority): the account must belong to the signer
    (Anchor ConstraintTokenOwner)."""
    alice, mallory, ask = victim_and_mallory(env)
    env.deposit(mallory, tc.ASSET_GRX, tc.grx_for(10))
    m_slot = env.slot(mallory)
    refused(env, env.b.ix_withdraw(mallory.pubkey, m_slot, tc.ASSET_GRX, 1, alice.grx), AE.ConstraintTokenOwner,
            mallory)
    # the vault itself as the destination (a no-op transfer that would still debit the seat): refused
    refused(env, env.b.ix_withdraw(mallory.pubkey, m_slot, tc.ASSET_GRX, 1, env.accts["grx_escrow"]),
            AE.ConstraintDuplicateMutableAccount, mallory)
    refused(env, env.b.ix_withdraw(mallory.pubkey, m_slot, tc.ASSET_QUOTE, 1, env.accts["quote_escrow"]),
            AE.ConstraintDuplicateMutableAccount, mallory)
    # depositing "from" alice's account (her tokens, mallory's seat) is refused the same way
    refused(env, env.b.ix_deposit(mallory.pubkey, m_slot, tc.ASSET_GRX, 1, alice.grx), AE.ConstraintTokenOwner,
            mallory)


def test_deposit_into_a_fake_vault_or_withdraw_from_the_wrong_one(env):
    """mallory deposits into her own token account posing as the vault (to be credited without paying), or
    withdraws quote through the GRX vault: InvalidTokenAccount."""
    alice, mallory, ask = victim_and_mallory(env)
    m_slot = env.slot(mallory)
    fake_vault = env.extra_token_account(mallory.pubkey, env.grx_mint)
    refused(env, env.b.ix_deposit(mallory.pubkey, m_slot, tc.ASSET_GRX, tc.grx_for(10), mallory.grx,
                                  vault=fake_vault), TE.InvalidTokenAccount, mallory, extra=(fake_vault,))
    env.deposit(mallory, tc.ASSET_QUOTE, 10)
    refused(env, env.b.ix_withdraw(mallory.pubkey, m_slot, tc.ASSET_QUOTE, 10, mallory.quote,
                                   vault=env.accts["grx_escrow"]), TE.InvalidTokenAccount, mallory)


# ----------------------------------------------------------------------------- fake books


def forged_book(env: tc.TradingEnv, owner: Pubkey, rich: tc.User) -> Pubkey:
    """A copy of the market's book at another address, in which ``rich``'s seat holds 10^6 Wh of free GRX and
    10^6 quote."""
    data = bytearray(env.svm.get_account(env.book_keypair.pubkey()).data)
    s = env.book().seat_of(rich.pubkey)
    at = tc.BOOK_HEADER_LEN + s.slot * tc.SEAT_LAYOUT.size + 32
    data[at:at + 32] = tc.SEAT_LAYOUT.pack(bytes(rich.pubkey), tc.grx_for(10**6), 0, 10**12, 0, 0, 0)[32:64]
    fake = Pubkey.new_unique()
    h.set_account(env.svm, fake, bytes(data), owner)
    return fake


def book_ixs(env: tc.TradingEnv, mallory: tc.User, fake: Pubkey, m_slot: int) -> dict:
    b = tc.TradingBuilder(env.grx_mint, env.quote_mint, fake)
    return {
        "withdraw": b.ix_withdraw(mallory.pubkey, m_slot, tc.ASSET_GRX, tc.grx_for(1_000), mallory.grx),
        "deposit": b.ix_deposit(mallory.pubkey, m_slot, tc.ASSET_QUOTE, 1, mallory.quote),
        "claim_seat": b.ix_claim_seat(mallory.pubkey, 0),
        "place_buy": b.ix_place_buy(mallory.pubkey, m_slot, P10, 1),
        "cancel": b.ix_cancel(mallory.pubkey, m_slot, 0, None),
        "match": b.ix_match(mallory.pubkey, 8),
        "auction": b.ix_auction(mallory.pubkey),
        "depth": b.ix_depth(),
    }


@pytest.mark.parametrize("ix", ["withdraw", "deposit", "claim_seat", "place_buy", "cancel", "match", "auction",
                                "depth"])
def test_a_second_book_owned_by_trading_is_not_the_markets(env, ix):
    """The strongest fake: a trading-owned account with a valid book (copied, mallory's seat rich). Every
    instruction checks ``book == market.book``: InvalidBookAccount."""
    alice, mallory, ask = victim_and_mallory(env)
    env.deposit(mallory, tc.ASSET_QUOTE, 10)
    fake = forged_book(env, tc.PROGRAM_ID, mallory)
    refused(env, book_ixs(env, mallory, fake, env.slot(mallory))[ix], TE.InvalidBookAccount, mallory,
            extra=(fake,))


def test_set_mode_with_a_fake_book(env):
    """The admin's mode switch reads the book to refuse entering auction mode while crossed; a fake
    (uncrossed) book cannot stand in for the crossed real one."""
    alice, mallory, ask = victim_and_mallory(env)
    bob = env.new_user(quote=10 * QUOTE)
    env.place_buy(bob, 1_000, P20, match_limit=0)
    fake = Pubkey.new_unique()
    data = bytearray(env.svm.get_account(env.book_keypair.pubkey()).data)
    h.set_account(env.svm, fake, bytes(data), tc.PROGRAM_ID)
    refused(env, env.b.ix_set_mode(env.bootstrap.pubkey(), tc.MODE_AUCTION, book=fake), TE.InvalidBookAccount,
            env.bootstrap, extra=(fake,))
    refused(env, env.b.ix_set_mode(env.bootstrap.pubkey(), tc.MODE_AUCTION), TE.BookCrossed, env.bootstrap)


def test_a_book_owned_by_another_program(env):
    """The same rich copy owned by the attacker's program (here: governance, or the system program): Anchor's
    loader refuses the owner before any constraint (AccountOwnedByWrongProgram)."""
    alice, mallory, ask = victim_and_mallory(env)
    m_slot = env.slot(mallory)
    for owner in (tc.GOVERNANCE_PROGRAM_ID, SYSTEM_PROGRAM):
        fake = forged_book(env, owner, mallory)
        for ix in ("withdraw", "place_buy", "match"):
            refused(env, book_ixs(env, mallory, fake, m_slot)[ix], AE.AccountOwnedByWrongProgram, mallory,
                    extra=(fake,))


def test_a_fresh_book_account_assigned_to_trading(env):
    """Anyone can create a zeroed account assigned to trading: it has no OrderBook discriminator."""
    alice, mallory, ask = victim_and_mallory(env)
    kp = Keypair()
    space = tc.book_space(64, 32)
    env.ok(tc.ix_create_account(mallory.pubkey, kp.pubkey(), env.svm.minimum_balance_for_rent_exemption(space),
                                space, tc.PROGRAM_ID), mallory.keypair, kp)
    m_slot = env.slot(mallory)
    refused(env, book_ixs(env, mallory, kp.pubkey(), m_slot)["withdraw"], AE.AccountDiscriminatorMismatch,
            mallory, extra=(kp.pubkey(),))


@pytest.mark.parametrize("ix", ["withdraw", "place_buy", "match"])
def test_bypass_the_emergency_pause_with_a_copied_governance_config(env, ix):
    """Governance is paused; mallory passes a copy of the config taken before the pause (owned by trading, or
    by the system program — only governance can own the real one): AccountOwnedByWrongProgram. With the
    real config: SystemPaused."""
    alice, mallory, ask = victim_and_mallory(env)
    env.deposit(mallory, tc.ASSET_GRX, tc.grx_for(10))
    m_slot = env.slot(mallory)
    copies = []
    for owner in (tc.PROGRAM_ID, SYSTEM_PROGRAM):
        fake = Pubkey.new_unique()
        h.set_account(env.svm, fake, bytes(env.svm.get_account(tc.governance_config_address()).data), owner)
        copies.append(fake)
    gov.pause_for_tests(env.svm)
    build = {
        "withdraw": lambda **o: env.b.ix_withdraw(mallory.pubkey, m_slot, tc.ASSET_GRX, 1, mallory.grx, **o),
        "place_buy": lambda **o: env.b.ix_place_buy(mallory.pubkey, m_slot, P10, 1, **o),
        "match": lambda **o: env.b.ix_match(mallory.pubkey, 8, **o),
    }[ix]
    for fake in copies:
        refused(env, build(governance_config=fake), AE.AccountOwnedByWrongProgram, mallory, extra=(fake,))
    refused(env, build(), CE.SystemPaused, mallory)


def test_reinitialise_the_market(env):
    """Initialising again — with a fresh book, to reset every seat and order — fails: the market PDA is in use
    (system program), the bootstrap key is required, and the live book can never be initialised again."""
    alice, mallory, ask = victim_and_mallory(env)
    kp = Keypair()
    b = tc.TradingBuilder(env.grx_mint, env.quote_mint, kp.pubkey())
    space = tc.book_space(8, 4)
    create = b.ix_create_book(env.payer.pubkey(), kp.pubkey(), env.svm.minimum_balance_for_rent_exemption(space), 8, 4)
    refused(env, [create, b.ix_initialize_market(env.bootstrap.pubkey(), 0, 8, 4)], SYSTEM_ACCOUNT_IN_USE,
            env.bootstrap, kp, index=1, extra=(kp.pubkey(),))
    # an attacker signing as authority meets the same wall first (the market PDA exists)
    refused(env, [create, b.ix_initialize_market(mallory.pubkey, 0, 8, 4)], SYSTEM_ACCOUNT_IN_USE, mallory, kp,
            index=1, extra=(kp.pubkey(),))
    # the live book in place of a fresh one
    refused(env, env.b.ix_initialize_market(env.bootstrap.pubkey(), 0, 64, 32), SYSTEM_ACCOUNT_IN_USE,
            env.bootstrap)


# ----------------------------------------------------------------------------- ERC certificates


@pytest.mark.parametrize("case", ["revoked", "expired", "transferred"])
def test_spoiled_ask_is_evicted_by_a_taker_bid(env, case):
    """alice's 0.10 ask loses its certificate's backing after placement; bob bids 1,000 Wh at 0.20: alice's ask
    is evicted (her GRX back to her free balance, her certificate's usage NOT released) and bob fills carol's
    0.20 ask instead."""
    alice = env.new_user(grx=tc.grx_for(10_000))
    acert = spoilable_cert(env, case, alice, 1_000)
    carol, acert, ccert, a, c = _two_asks_for(env, alice, acert)
    reason = spoil(env, case, alice, acert)
    bob = env.new_user(quote=10 * QUOTE)
    env.deposit(bob, tc.ASSET_QUOTE, 200_000)
    b = env.book().header.next_order_id
    # (tc.certs_for_taker would plan only alice's certificate: it cannot know her ask is about to go)
    if case != "expired":
        refused(env, env.ix_place(bob, tc.SIDE_BUY, 1_000, P20, certs=[acert]), TE.MissingErcCertificate, bob,
                partial=True)
    res = env.ok(env.ix_place(bob, tc.SIDE_BUY, 1_000, P20, certs=[acert, ccert]), bob.keypair)
    assert evictions(res) == [(a, reason)]
    assert fills(res) == [(b, c, 1_000, P20, 200_000, 500)]
    s = seat(env, alice)
    assert (s.grx_free, s.grx_locked, s.quote_free, s.open_orders) == (tc.grx_for(1_000), 0, 0, 0)
    assert env.erc_usage(acert).committed_wh == 1_000
    assert env.book().asks == [] and env.book().bids == []



@pytest.mark.parametrize("case", ["revoked", "expired", "transferred"])
def test_spoiled_ask_is_evicted_and_the_bid_rests(env, case):
    """Bob only bids 0.10: the spoiled ask is evicted, nothing fills, bob's bid rests."""
    alice = env.new_user(grx=tc.grx_for(10_000))
    acert = spoilable_cert(env, case, alice, 1_000)
    carol, acert, ccert, a, c = _two_asks_for(env, alice, acert)
    reason = spoil(env, case, alice, acert)
    bob = env.new_user(quote=10 * QUOTE)
    book = env.book()
    b = book.header.next_order_id
    res = env.ok(env.b.fund_and_place(book, bob.pubkey, tc.SIDE_BUY, P10, 1_000, token_account=bob.quote),
                 bob.keypair)
    assert evictions(res) == [(a, reason)] and fills(res) == []
    assert [(o.order_id, o.remaining_wh) for o in env.book().bids] == [(b, 1_000)]
    assert ids(env.book().asks) == [c]


@pytest.mark.parametrize("case", ["revoked", "expired", "transferred"])
def test_spoiled_ask_is_evicted_by_the_crank(env, case):
    alice = env.new_user(grx=tc.grx_for(10_000))
    acert = spoilable_cert(env, case, alice, 1_000)
    carol, acert, ccert, a, c = _two_asks_for(env, alice, acert)
    bob = env.new_user(quote=10 * QUOTE)
    b = env.place_buy(bob, 1_000, P20, match_limit=0)
    reason = spoil(env, case, alice, acert)
    cranker = env.new_user()
    if case != "expired":  # the certificate must still be passed, to be seen revoked / transferred
        refused(env, env.ix_crank(cranker.pubkey, 8, [ccert]), TE.MissingErcCertificate, cranker)
    res = crank(env, cranker, 8, [acert, ccert])
    assert evictions(res) == [(a, reason)]
    assert fills(res) == [(b, c, 1_000, P20, 200_000, 500)]
    assert seat(env, alice).grx_free == tc.grx_for(1_000) and env.erc_usage(acert).committed_wh == 1_000


@pytest.mark.parametrize("case", ["revoked", "expired", "transferred"])
def test_spoiled_ask_is_evicted_by_the_auction(env, case):
    env.set_mode(tc.MODE_AUCTION)
    alice = env.new_user(grx=tc.grx_for(10_000))
    acert = spoilable_cert(env, case, alice, 1_000)
    carol, acert, ccert, a, c = _two_asks_for(env, alice, acert)
    bob = env.new_user(quote=10 * QUOTE)
    b = env.place_buy(bob, 1_000, P20)
    reason = spoil(env, case, alice, acert)
    cranker = env.new_user()
    if case != "expired":
        refused(env, env.ix_auction(cranker.pubkey, [ccert]), TE.MissingErcCertificate, cranker)
    res = auction(env, cranker, [acert, ccert])
    assert evictions(res) == [(a, reason)]
    [summary] = events(res, "BatchAuctionExecuted")
    assert summary["clearing_price"] == P20
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"]) for f in summary["fills"]] == [(b, c, 1_000)]
    assert seat(env, alice).grx_free == tc.grx_for(1_000)


def test_certificate_valid_up_to_its_expiry_still_fills(env):
    """Control for the expiry rule: at exactly ``expires_at`` the ask still fills."""
    alice = env.new_user(grx=tc.grx_for(10_000))
    acert = env.make_erc(alice.pubkey, 1_000, expires_at=env.now() + SHORT_LIVED)
    a = env.place_sell(alice, 1_000, P10, acert)
    env.set_time(env.now() + SHORT_LIVED)
    bob = env.new_user(quote=10 * QUOTE)
    book = env.book()
    res = env.ok(env.b.fund_and_place(book, bob.pubkey, tc.SIDE_BUY, P10, 1_000, token_account=bob.quote),
                 bob.keypair)
    assert [f[1] for f in fills(res)] == [a] and evictions(res) == []


def forge_owner(env: tc.TradingEnv, cert: Pubkey, owner: Pubkey, data: bytes | None = None) -> None:
    """The certificate's address now holds an account of another program (closed and recreated elsewhere)."""
    acc = env.svm.get_account(cert)
    h.set_account(env.svm, cert, bytes(acc.data) if data is None else data, owner)


@pytest.mark.parametrize("path", ["taker", "crank", "auction"])
@pytest.mark.parametrize("forgery", ["other-owner", "garbage"])
def test_forged_certificate_in_remaining_accounts(env, path, forgery):
    """The account at the ask's certificate address is not governance's ErcCertificate — a copy owned by
    another program, or governance-owned bytes that do not decode: InvalidRemainingAccounts; nothing fills."""
    if path == "auction":
        env.set_mode(tc.MODE_AUCTION)
    alice, carol, acert, ccert, a, c = two_asks(env)
    bob = env.new_user(quote=10 * QUOTE)
    if path != "taker":
        env.place_buy(bob, 1_000, P20, match_limit=0 if path == "crank" else tc.DEFAULT_MATCH_LIMIT)
    if forgery == "other-owner":
        forge_owner(env, acert, tc.PROGRAM_ID)
    else:
        forge_owner(env, acert, tc.GOVERNANCE_PROGRAM_ID, b"\x01" * 40)
    cranker = env.new_user(quote=10 * QUOTE)
    if path == "taker":
        env.deposit(cranker, tc.ASSET_QUOTE, QUOTE)
        ix = env.ix_place(cranker, tc.SIDE_BUY, 1_000, P20, certs=[acert, ccert])
    elif path == "crank":
        ix = env.ix_crank(cranker.pubkey, 8, [acert, ccert])
    else:
        ix = env.ix_auction(cranker.pubkey, [acert, ccert])
    refused(env, ix, TE.InvalidRemainingAccounts, cranker)


def test_forged_certificate_at_placement(env):
    """A look-alike certificate owned by the attacker's program backs nothing: the ask is refused."""
    mallory = env.new_user(grx=tc.grx_for(1_000))
    env.deposit(mallory, tc.ASSET_GRX, tc.grx_for(1_000))
    real = env.make_erc(mallory.pubkey, 1_000)
    fake = Pubkey.new_unique()
    h.set_account(env.svm, fake, bytes(env.svm.get_account(real).data), tc.PROGRAM_ID)
    refused(env, env.ix_place(mallory, tc.SIDE_SELL, 1_000, P10, cert=fake), AE.AccountOwnedByWrongProgram,
            mallory, extra=(fake,))
    h.set_account(env.svm, fake, bytes(env.svm.get_account(real).data), SYSTEM_PROGRAM)
    refused(env, env.ix_place(mallory, tc.SIDE_SELL, 1_000, P10, cert=fake), AE.AccountOwnedByWrongProgram,
            mallory, extra=(fake,))
    # (a governance-owned copy at another address cannot be made: governance creates certificates only at
    # their PDAs, which is why the program checks owner and type, not the address)


def test_someone_elses_certificate(env):
    """mallory lists energy backed by alice's certificate: ErcNotOwned."""
    alice = env.new_user()
    mallory = env.new_user(grx=tc.grx_for(1_000))
    env.deposit(mallory, tc.ASSET_GRX, tc.grx_for(1_000))
    cert = env.make_erc(alice.pubkey, 1_000)
    refused(env, env.ix_place(mallory, tc.SIDE_SELL, 1_000, P10, cert=cert), TE.ErcNotOwned, mallory)
    refused(env, env.ix_place(mallory, tc.SIDE_SELL, 1_000, P10, cert=env.make_erc(mallory.pubkey, 1_000,
                                                                                 status=0)),
            TE.ErcNotValidated, mallory)


def test_same_energy_cannot_back_two_asks(env):
    """1,000 Wh certified: 700 Wh listed, then 400 Wh more against the same certificate is refused; only the
    300 Wh left can still be listed. Energy sold stays committed: no relisting after the fill either."""
    seller = env.new_user(grx=tc.grx_for(5_000))
    env.deposit(seller, tc.ASSET_GRX, tc.grx_for(5_000))
    cert = env.make_erc(seller.pubkey, 1_000)
    env.place_sell(seller, 700, P10, cert, fund=False)
    refused(env, env.ix_place(seller, tc.SIDE_SELL, 400, P10, cert=cert), TE.InsufficientErcEnergy, seller)
    env.place_sell(seller, 300, P20, cert, fund=False)
    assert env.erc_usage(cert).committed_wh == 1_000
    bob = env.new_user(quote=10 * QUOTE)
    env.place_buy(bob, 700, P10)
    refused(env, env.ix_place(seller, tc.SIDE_SELL, 1, P10, cert=cert), TE.InsufficientErcEnergy, seller)


def test_cancel_with_another_certificates_usage_tally(env):
    """alice cancels her ask passing the usage tally of her other certificate (to free energy she has not
    released), or no tally at all: MissingErcUsage."""
    alice = env.new_user(grx=tc.grx_for(2_000))
    c1, c2 = env.make_erc(alice.pubkey, 1_000), env.make_erc(alice.pubkey, 1_000)
    a1 = env.place_sell(alice, 1_000, P20, c1)
    env.place_sell(alice, 500, P30, c2)
    slot = env.slot(alice)
    refused(env, env.b.ix_cancel(alice.pubkey, slot, a1, c2), TE.MissingErcUsage, alice)
    refused(env, env.b.ix_cancel(alice.pubkey, slot, a1, None), TE.MissingErcUsage, alice)
    env.ok(env.b.ix_cancel(alice.pubkey, slot, a1, c1), alice.keypair)
    assert (env.erc_usage(c1).committed_wh, env.erc_usage(c2).committed_wh) == (0, 500)


def test_list_with_another_certificates_usage_tally(env):
    """mallory's certificate A is fully committed; she lists against A passing the (empty) tally of her
    certificate B: the tally must be A's PDA (ConstraintSeeds)."""
    mallory = env.new_user(grx=tc.grx_for(2_000))
    a, b = env.make_erc(mallory.pubkey, 1_000), env.make_erc(mallory.pubkey, 1_000)
    env.place_sell(mallory, 1_000, P30, a)
    env.place_sell(mallory, 1, P30, b)
    env.deposit(mallory, tc.ASSET_GRX, tc.grx_for(999))
    refused(env, env.ix_place(mallory, tc.SIDE_SELL, 999, P30, cert=a, erc_usage=tc.erc_usage_pda(b)[0]),
            AE.ConstraintSeeds, mallory)
    refused(env, env.ix_place(mallory, tc.SIDE_SELL, 999, P30, cert=a), TE.InsufficientErcEnergy, mallory)


def test_transferred_certificates_energy_cannot_be_relisted_by_the_new_owner(env):
    """The seller lists the whole certificate and hands it to an accomplice: the accomplice finds nothing left
    to list, and the old ask is evicted at the next fill instead of trading."""
    seller = env.new_user(grx=tc.grx_for(1_000))
    cert = env.make_erc(seller.pubkey, 1_000)
    a = env.place_sell(seller, 1_000, P10, cert)
    accomplice = transfer_away(env, seller, cert)
    env.deposit(accomplice, tc.ASSET_GRX, tc.grx_for(1_000))
    refused(env, env.ix_place(accomplice, tc.SIDE_SELL, 1, P10, cert=cert), TE.InsufficientErcEnergy, accomplice)
    bob = env.new_user(quote=10 * QUOTE)
    book = env.book()
    res = env.ok(env.b.fund_and_place(book, bob.pubkey, tc.SIDE_BUY, P10, 1_000, token_account=bob.quote),
                 bob.keypair)
    assert evictions(res) == [(a, "ErcTransferred")] and fills(res) == []


# ----------------------------------------------------------------------------- fees


@pytest.mark.parametrize("price", [1_000, 5_000, 399_000, 400_000, 401_000])
def test_fee_rounds_up_on_every_fill(env, price):
    """1 Wh fills of positive value at 25 bps: the fee is never 0 (ceil), and is exactly ceil(value × 25 /
    10,000); a buyer taking 10 Wh in 1 Wh slices pays the seller's fee on every slice."""
    seller = env.new_user(grx=tc.grx_for(10))
    env.place_sell(seller, 10, price)
    buyer = env.new_user(quote=10 * QUOTE)
    total_fee = 0
    for _ in range(10):
        book = env.book()
        [f] = fills(env.ok(env.b.fund_and_place(book, buyer.pubkey, tc.SIDE_BUY, price, 1,
                                                token_account=buyer.quote), buyer.keypair))
        value = price // 1_000
        assert f[4] == value and f[5] == -(-value * FEE_BPS // 10_000) >= 1
        total_fee += f[5]
    assert env.market().fees_unclaimed == total_fee
    assert seat(env, seller).quote_free == 10 * (price // 1_000) - total_fee


def test_admin_cannot_withdraw_traders_funds(env):
    """The quote vault holds the traders' balances and the fees; the admin may take the fees only."""
    alice, carol, acert, ccert, a, c = two_asks(env)
    bob = env.new_user(quote=10 * QUOTE)
    env.place_buy(bob, 2_000, P20)  # 100,000 + 200,000 traded: fees 250 + 500
    assert env.market().fees_unclaimed == 750
    assert env.balance(env.accts["quote_escrow"]) == 400_000 + 0  # bob deposited 400,000; all still in seats/fees
    admin_dest = env.token_account(env.bootstrap.pubkey(), env.quote_mint)
    refused(env, env.ix_withdraw_fees(env.bootstrap.pubkey(), admin_dest, 751), TE.InsufficientFees, env.bootstrap,
            extra=(admin_dest,))
    refused(env, env.ix_withdraw_fees(env.bootstrap.pubkey(), admin_dest, 10**6), TE.InsufficientFees,
            env.bootstrap, extra=(admin_dest,))
    refused(env, env.ix_withdraw_fees(bob.pubkey, bob.quote, 1), CE.NotAuthority, bob)
    env.ok(env.ix_withdraw_fees(env.bootstrap.pubkey(), admin_dest, 750), env.bootstrap)
    refused(env, env.ix_withdraw_fees(env.bootstrap.pubkey(), admin_dest, 1), TE.InsufficientFees, env.bootstrap,
            extra=(admin_dest,))
    seats = env.book().seats
    assert env.balance(env.accts["quote_escrow"]) == sum(s.quote_free + s.quote_locked for s in seats) == 399_250
