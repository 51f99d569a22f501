"""The whole platform in one LiteSVM: the five programs loaded at their Anchor.toml ids, initialised for real
by ``gridtokenx_cli.platform.bootstrap_platform`` (bootstrap key, dependency order, the REAL energy_token GRX
mint in the market, a Token-2022 quote mint), then the full flow through real instructions only — no account
the programs own is written with set_account:

meters registered with ed25519 keys -> meter-signed readings through the oracle (Ed25519 precompile) ->
registry totals via CPI -> settle_and_mint_tokens mints GRX -> governance issues an ERC from the meter's
unclaimed generation (claimed mark advanced via CPI, a second claim of the same energy fails) and validates
it -> the order book: an ERC-backed ask (refused before validation; claim seat + deposit + place in one
transaction) rests, a crossing bid fills at once at the ask's price (seat balances move, the seller pays the fee
into the market's unclaimed fees), the traders withdraw to their wallets, the admin withdraws the fees ->
emergency_pause blocks trading, the crank and the oracle and freezes GRX (a raw Token-2022 transfer fails), unpause
restores them -> a certificate past its 365 days cannot back a new sell order -> conservation of GRX and quote.
A second test drives the match crank (a bid capped by match_limit rests crossed) and the market in auction mode
(uniform price over the whole book).
"""
from __future__ import annotations

import pytest
from solders.keypair import Keypair

from gridtokenx_cli.chain.embedded import EmbeddedChain
from gridtokenx_cli.testing import energy_token as et
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.testing import oracle as orc
from gridtokenx_cli.testing import registry as reg
from gridtokenx_cli.testing import trading as tc
from gridtokenx_cli.demo.simulation import raw_grx_transfer
from gridtokenx_cli.platform import PROGRAMS, bootstrap_platform, derived_keypair
from gridtokenx_cli.testing.svm_lite import program_so

T0 = 1_700_000_000
HOUR = 3_600
GRX_PER_WH = et.GRX_PER_WH
QUOTE = 10**6  # one quote token (6 decimals)

SYSTEM_PAUSED = gov.CommonError.SystemPaused  # 7000
INSUFFICIENT_UNCLAIMED = 6005  # governance GovernanceError::InsufficientUnclaimedEnergy


@pytest.fixture(scope="module")
def binaries():
    for name in PROGRAMS:
        program_so(name)


@pytest.fixture()
def chain(binaries):
    c = EmbeddedChain(programs=list(PROGRAMS))
    c.set_unix_timestamp(T0)
    yield c
    c.close()


def at(chain: EmbeddedChain, t: int) -> int:
    chain.set_unix_timestamp(t)
    return t


def rejected(outcome, code: int, name: str | None = None) -> None:
    assert not outcome.ok, "expected the transaction to fail"
    assert outcome.error is not None and outcome.error.code == code, outcome.error
    if name:
        assert outcome.error.name == name


def event_names(outcome) -> list[str]:
    return [e.name for e in outcome.events]


# ----------------------------------------------------------------------------- bootstrap


def test_bootstrap_initialises_every_program_and_is_idempotent(chain):
    p = bootstrap_platform(chain)
    assert [(s.name, s.created) for s in p.steps] == [
        ("governance.initialize_governance", True), ("energy_token.initialize_token", True),
        ("registry.initialize_registry", True), ("oracle.initialize_oracle", True),
        ("trading.create_quote_mint", True), ("trading.initialize_market", True)]
    assert all(s.outcome.ok and s.outcome.compute_units > 0 for s in p.steps)
    boot = gov.bootstrap_keypair().pubkey()

    cfg = p.fetch_governance_config()
    assert (cfg.admin.authority, cfg.rec_authority, cfg.paused) == (boot, p.rec_authority.pubkey(), False)
    assert p.rec_authority.pubkey() == derived_keypair(gov.bootstrap_keypair(), "rec-authority").pubkey()
    info = p.fetch_token_info()
    assert (info.admin.authority, info.mint, info.total_supply) == (boot, et.grx_mint_pda()[0], 0)
    assert p.fetch_registry_config().admin.authority == boot
    ocfg = p.fetch_oracle_config()
    assert (ocfg.admin.authority, ocfg.api_gateway) == (boot, p.api_gateway.pubkey())
    market = p.fetch_market()
    assert (market.grx_mint, market.quote_mint, market.fee_bps) == (et.grx_mint_pda()[0], p.quote_mint, 25)
    assert market.mode.to_json()["kind"] == "Continuous" and market.fees_unclaimed == 0
    # the order book: a program-owned account of book_space(512, 1024) bytes (≈ 148 KB), created by
    # create_account in initialize_market's transaction, at a key derived from the bootstrap key
    assert market.book == p.book == derived_keypair(gov.bootstrap_keypair(), "trading-book").pubkey()
    book_acc = chain.get_account(p.book)
    assert book_acc.owner == tc.PROGRAM_ID and len(book_acc.data) == tc.book_space(512, 1024) > 140_000
    h = p.fetch_book().header
    assert (h.market, h.order_capacity, h.seat_capacity, h.bid_count, h.ask_count, h.seat_count,
            h.next_order_id) == (p.market, 512, 1024, 0, 0, 0, 0)
    assert (market.grx_escrow, market.quote_escrow) == (p.grx_escrow, p.quote_escrow)
    # the GRX mint is energy_token's (Token-2022 PDA, 9 decimals, TokenInfo mint authority); quote: Token-2022, 6
    grx = chain.get_account(p.grx_mint)
    assert grx.owner == tc.TOKEN_2022_PROGRAM_ID and bytes(grx.data)[44] == 9
    assert bytes(grx.data)[4:36] == bytes(p.token_info)
    quote = chain.get_account(p.quote_mint)
    assert quote.owner == tc.TOKEN_2022_PROGRAM_ID and bytes(quote.data)[44] == 6

    again = bootstrap_platform(chain)
    assert [s.created for s in again.steps] == [False] * 6
    assert (again.quote_mint, again.rec_authority.pubkey(), again.api_gateway.pubkey(), again.book) == \
        (p.quote_mint, p.rec_authority.pubkey(), p.api_gateway.pubkey(), p.book)
    assert bytes(chain.get_account(p.book).data) == bytes(book_acc.data)  # the book was left alone
    with pytest.raises(RuntimeError, match="REC authority"):
        bootstrap_platform(chain, rec_authority=Keypair())


# ----------------------------------------------------------------------------- the full flow


def test_full_platform_flow(chain):
    p = bootstrap_platform(chain)

    # --- participants and meters (each meter has its own ed25519 key) ---
    prosumer = p.register_participant("Prosumer")
    consumer = p.register_participant("Consumer", quote=10 * QUOTE)
    solar_key, grid_key = Keypair(), Keypair()
    # a 10 kW array: an hour's reading is bounded by 11,000 Wh, and the oracle's deviation floor (25 % of that
    # bound) stays below the +117 % jump rejected below
    solar = p.register_meter(prosumer, "SOLAR-001", "Solar", solar_key, capacity_w=10_000)
    grid = p.register_meter(consumer, "GRID-001", "Grid", grid_key)
    rcfg = p.fetch_registry_config()
    assert (rcfg.user_count, rcfg.meter_count) == (2, 2)
    assert p.fetch_user(consumer.pubkey).user_type.discriminator == 1  # Consumer
    m = p.fetch_meter(solar)
    assert (m.owner, m.meter_pubkey, m.active, m.total_generation) == (prosumer.pubkey, solar_key.pubkey(), True, 0)
    assert p.fetch_meter_state(solar).total_readings == 0

    # --- meter-signed readings through the oracle; registry totals via CPI ---
    t1 = at(chain, T0 + HOUR)
    out = p.submit_reading(solar, 5_000, 1_000, t1)
    assert out.ok
    assert {"MeterReadingAccepted", "MeterReadingUpdated"} <= set(event_names(out))
    p.submit_reading(grid, 0, 2_000, t1)
    t2 = at(chain, T0 + 2 * HOUR)
    p.submit_reading(solar, 6_000, 1_500, t2)
    p.submit_reading(grid, 0, 2_500, t2)
    m = p.fetch_meter(solar)
    assert (m.total_generation, m.total_consumption, m.reading_count, m.last_reading_at) == (11_000, 2_500, 2, t2)
    g = p.fetch_meter(grid)
    assert (g.total_generation, g.total_consumption, g.reading_count) == (0, 4_500, 2)

    # a reading the meter did not sign fails; an implausible one is recorded as rejected, totals unchanged
    t3 = at(chain, T0 + 3 * HOUR)
    forged = orc.signed_reading_instructions(Keypair(), p.api_gateway.pubkey(), solar.meter_id, 7_000, 1_000, t3)
    rejected(p.send(forged, p.api_gateway, check=False), orc.OracleError.SignerKeyMismatch, "SignerKeyMismatch")
    out = p.submit_reading(solar, 13_000, 1_500, t3)  # +117 % vs the last 6,000 Wh: ExcessiveDeviation
    assert out.ok and "ExcessiveDeviation" in str(out.event("ReadingRejected").data["reason"]), out.events
    assert "MeterReadingUpdated" not in event_names(out)
    assert p.fetch_meter(solar).total_generation == 11_000
    ocfg = p.fetch_oracle_config()
    assert (ocfg.total_readings, ocfg.valid_readings, ocfg.rejected_readings, ocfg.rejected_deviation) == (5, 4, 1, 1)

    # --- settlement mints GRX for the net generation ---
    out = p.settle(prosumer, solar)
    assert {"MeterSettled", "TokensMinted"} <= set(event_names(out))
    assert p.token_balance(prosumer.grx) == 8_500 * GRX_PER_WH
    assert p.fetch_meter(solar).settled_net_generation == 8_500
    rejected(p.settle(consumer, grid, check=False), reg.RegistryError.NothingToSettle, "NothingToSettle")

    # --- governance: ERC from the meter's unclaimed generation, claimed mark advanced by CPI ---
    issued_at = p.now()
    cert, out = p.issue_erc("ERC-SOLAR-001", solar, 11_000)
    assert {"ErcIssued", "ErcGenerationClaimed"} <= set(event_names(out))
    assert p.fetch_meter(solar).claimed_erc_generation == 11_000
    erc = p.fetch_erc(cert)
    assert (erc.owner, erc.meter, erc.energy_amount, erc.status.discriminator) == \
        (prosumer.pubkey, solar.address, 11_000, gov.ERC_STATUS_ISSUED)
    assert (erc.issued_at, erc.expires_at) == (issued_at, issued_at + gov.ERC_VALIDITY_SECONDS)
    cert2, out = p.issue_erc("ERC-SOLAR-002", solar, 1, check=False)  # the same energy again
    rejected(out, INSUFFICIENT_UNCLAIMED, "InsufficientUnclaimedEnergy")
    assert chain.get_account(cert2) is None and p.fetch_meter(solar).claimed_erc_generation == 11_000
    assert p.fetch_governance_config().erc_issued == 1

    # --- a sell order needs a VALIDATED certificate; the whole transaction (seat, deposit, order) rolls back ---
    _, out = p.place_sell(prosumer, 4_000, 140_000, cert, check=False)
    rejected(out, tc.TradingError.ErcNotValidated, "ErcNotValidated")
    assert p.token_balance(prosumer.grx) == 8_500 * GRX_PER_WH and p.seat(prosumer) is None
    p.validate_erc(cert)
    assert p.fetch_erc(cert).status.discriminator == gov.ERC_STATUS_VALIDATED

    # --- the ask rests: seat claimed, 4 kWh of GRX deposited and locked behind it, in one transaction ---
    sell, out = p.place_sell(prosumer, 4_000, 140_000, cert)  # 4 kWh at 0.14 quote/kWh
    assert event_names(out) == ["SeatClaimed", "BalanceMoved", "OrderPlaced"]
    placed = out.event("OrderPlaced").data
    assert (placed["order_id"], placed["filled_wh"], placed["resting_wh"]) == (sell, 0, 4_000) == (0, 0, 4_000)
    assert p.token_balance(prosumer.grx) == 4_500 * GRX_PER_WH
    assert p.token_balance(p.grx_escrow) == 4_000 * GRX_PER_WH
    seat = p.seat(prosumer)
    assert (seat.grx_free, seat.grx_locked, seat.open_orders) == (0, 4_000 * GRX_PER_WH, 1)
    [ask] = p.fetch_book().asks
    assert (ask.order_id, ask.price, ask.remaining_wh, ask.erc_certificate, ask.erc_expires_at) == \
        (sell, 140_000, 4_000, cert, erc.expires_at)
    assert p.fetch_book().owner_of(ask) == prosumer.pubkey
    # prices are multiples of the 0.001 quote/kWh tick
    _, out = p.place_buy(consumer, 4_000, 150_500, check=False)
    rejected(out, tc.TradingError.InvalidPrice, "InvalidPrice")
    assert p.token_balance(consumer.quote) == 10 * QUOTE and p.seat(consumer) is None

    # --- a crossing bid fills at once at the ASK's price (the resting order's); the seller pays the fee ---
    buy, out = p.place_buy(consumer, 4_000, 160_000)  # bid 0.16 quote/kWh: 640,000 deposited and locked
    assert buy == 1
    fill = tc.compute_fill(160_000, 4_000, 4_000, 140_000, 25)
    assert (fill.quote_cost, fill.fee, fill.seller_proceeds, fill.buyer_refund) == (560_000, 1_400, 558_600, 80_000)
    ev = out.event("OrderMatched").data
    assert (ev["buy_order_id"], ev["sell_order_id"], ev["buyer"], ev["seller"]) == \
        (buy, sell, consumer.pubkey, prosumer.pubkey)
    assert (ev["amount_wh"], ev["price"], ev["quote_amount"], ev["fee"], ev["buyer_refund"]) == \
        (4_000, 140_000, 560_000, 1_400, 80_000)
    placed = out.event("OrderPlaced").data
    assert (placed["filled_wh"], placed["resting_wh"]) == (4_000, 0)
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 640_000
    assert p.token_balance(p.quote_escrow) == 640_000 and p.token_balance(p.grx_escrow) == 4_000 * GRX_PER_WH
    buyer_seat, seller_seat = p.seat(consumer), p.seat(prosumer)
    assert (buyer_seat.grx_free, buyer_seat.quote_free, buyer_seat.quote_locked, buyer_seat.open_orders) == \
        (4_000 * GRX_PER_WH, 80_000, 0, 0)
    assert (seller_seat.quote_free, seller_seat.grx_free, seller_seat.grx_locked, seller_seat.open_orders) == \
        (558_600, 0, 0, 0)
    book = p.fetch_book()
    assert (book.bids, book.asks, book.header.next_order_id) == ([], [], 2)
    mk = p.fetch_market()
    assert (mk.total_volume_wh, mk.total_trades, mk.last_clearing_price, mk.fees_unclaimed, mk.total_fees) == \
        (4_000, 1, 140_000, 1_400, 1_400)

    # --- the traders withdraw to their wallets; the admin withdraws the fees ---
    out = p.withdraw(consumer)
    assert [e.data["deposit"] for e in out.events if e.name == "BalanceMoved"] == [False, False]
    p.withdraw(prosumer)
    assert p.token_balance(consumer.grx) == 4_000 * GRX_PER_WH
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 560_000
    assert p.token_balance(prosumer.quote) == 558_600
    assert p.token_balance(p.grx_escrow) == 0 and p.token_balance(p.quote_escrow) == 1_400  # only the fees
    assert p.withdraw(consumer) is None  # nothing free any more
    admin_quote = p.create_quote_account(p.bootstrap.pubkey())
    rejected(p.send(p.trading.ix_withdraw_fees(p.bootstrap.pubkey(), admin_quote, 1_401), check=False),
             tc.TradingError.InsufficientFees, "InsufficientFees")
    p.send(p.trading.ix_withdraw_fees(p.bootstrap.pubkey(), admin_quote, 1_400))
    assert p.token_balance(admin_quote) == 1_400 and p.token_balance(p.quote_escrow) == 0
    assert p.fetch_market().fees_unclaimed == 0

    # --- emergency pause blocks trading and the oracle; unpause restores them ---
    p.pause()
    assert p.fetch_governance_config().paused
    _, out = p.place_buy(consumer, 1_000, 150_000, check=False)
    rejected(out, SYSTEM_PAUSED, "SystemPaused")
    rejected(p.crank(check=False), SYSTEM_PAUSED, "SystemPaused")
    assert p.seat(consumer).quote_free == 0
    t4 = at(chain, T0 + 4 * HOUR)
    rejected(p.submit_reading(solar, 6_500, 1_000, t4, check=False), SYSTEM_PAUSED, "SystemPaused")
    assert p.fetch_meter(solar).total_generation == 11_000
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 560_000
    # the pause reaches GRX itself: the holders' accounts are frozen, a raw Token-2022 transfer fails
    raw = raw_grx_transfer(prosumer, consumer.grx, GRX_PER_WH)
    out = p.send(raw, prosumer.keypair, check=False)
    assert not out.ok and "Custom(17)" in str(out.raw_error)  # Token-2022 AccountFrozen
    p.unpause()
    assert not p.fetch_governance_config().paused
    p.send(raw, prosumer.keypair)  # thawed by the unpause
    assert p.token_balance(consumer.grx) == 4_000 * GRX_PER_WH + GRX_PER_WH
    p.send(raw_grx_transfer(consumer, prosumer.grx, GRX_PER_WH), consumer.keypair)  # and back
    out = p.submit_reading(solar, 6_500, 1_000, t4)
    assert "MeterReadingAccepted" in event_names(out)
    m = p.fetch_meter(solar)
    assert (m.total_generation, m.total_consumption) == (17_500, 3_500)
    order, out = p.place_buy(consumer, 1_000, 150_000)  # nothing to sell: it rests
    assert out.event("OrderPlaced").data["resting_wh"] == 1_000
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 560_000 - 150_000
    out = p.cancel(consumer, order)
    assert (out.event("OrderCancelled").data["unfilled_wh"], out.event("OrderCancelled").data["released"]) == \
        (1_000, 150_000)
    assert p.seat(consumer).quote_free == 150_000 and p.fetch_book().bids == []
    p.withdraw(consumer)
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 560_000
    p.settle(prosumer, solar)  # net 14,000 Wh: 5,500 Wh more
    assert p.token_balance(prosumer.grx) == (4_500 + 5_500) * GRX_PER_WH

    # --- a certificate past its 365 days cannot back a new sell order (it has 7,000 Wh uncommitted) ---
    at(chain, erc.expires_at + 1)
    _, out = p.place_sell(prosumer, 1_000, 140_000, cert, check=False)
    rejected(out, tc.TradingError.ErcExpired, "ErcExpired")
    assert p.token_balance(prosumer.grx) == 10_000 * GRX_PER_WH

    # --- conservation ---
    info = p.fetch_token_info()
    supply = p.mint_supply()
    settled = sum(p.fetch_meter(mt).settled_net_generation for mt in (solar, grid))
    assert settled == 14_000
    assert supply == info.total_minted == settled * GRX_PER_WH
    assert info.total_supply == supply and info.total_burned == 0
    holders = [prosumer.grx, consumer.grx, p.grx_escrow]
    assert sum(p.token_balance(a) for a in holders) == supply
    quote_holders = [prosumer.quote, consumer.quote, p.quote_escrow, admin_quote]
    assert sum(p.token_balance(a) for a in quote_holders) == p.mint_supply(p.quote_mint) == 10 * QUOTE


# ----------------------------------------------------------------------------- the crank and the auction


def seller_with_erc(p, chain, text_id: str, wh: int):
    """A prosumer whose meter produced ``wh`` (settled into GRX) and a validated ERC for it."""
    seller = p.register_participant("Prosumer")
    meter = p.register_meter(seller, text_id, "Solar", Keypair(), capacity_w=10_000)
    p.submit_reading(meter, wh, 0, at(chain, T0 + HOUR))
    p.settle(seller, meter)
    cert, _ = p.issue_erc(f"ERC-{text_id}", meter, wh)
    p.validate_erc(cert)
    return seller, cert


def test_crank_and_batch_auction_through_the_book(chain):
    p = bootstrap_platform(chain)
    seller, cert = seller_with_erc(p, chain, "SOLAR-BOOK", 6_000)
    buyer = p.register_participant("Consumer", quote=10 * QUOTE)
    asks = [p.place_sell(seller, 1_000, price, cert)[0] for price in (100_000, 110_000, 120_000)]
    assert asks == [0, 1, 2] and [a.price for a in p.fetch_book().asks] == [100_000, 110_000, 120_000]

    # --- a bid capped at one fill rests crossed; the permissionless crank finishes, at the earlier order's price ---
    bid, out = p.place_buy(buyer, 3_000, 120_000, match_limit=1)
    placed = out.event("OrderPlaced").data
    assert (placed["filled_wh"], placed["resting_wh"]) == (1_000, 2_000)
    assert out.event("OrderMatched").data["price"] == 100_000
    crank = p.new_keypair()
    out = p.crank(1, cranker=crank)
    [ev] = [e.data for e in out.events if e.name == "OrderMatched"]
    assert (ev["buy_order_id"], ev["sell_order_id"], ev["amount_wh"], ev["price"]) == (bid, asks[1], 1_000, 110_000)
    out = p.crank(cranker=crank)
    assert [(e.data["sell_order_id"], e.data["price"]) for e in out.events if e.name == "OrderMatched"] == \
        [(asks[2], 120_000)]
    assert p.fetch_book().bids == p.fetch_book().asks == []
    rejected(p.crank(check=False), tc.TradingError.NoCrossingOrders, "NoCrossingOrders")
    mk = p.fetch_market()
    assert (mk.total_trades, mk.total_volume_wh, mk.last_clearing_price) == (3, 3_000, 120_000)
    seat = p.seat(buyer)  # locked 3,000 Wh × 0.12, paid 100 + 110 + 120 per kWh: 30,000 back in the seat
    assert (seat.grx_free, seat.quote_free, seat.quote_locked) == (3_000 * GRX_PER_WH, 30_000, 0)

    # --- auction mode: orders only rest (the book may cross), one uniform price over the whole book ---
    p.set_market_mode(tc.MODE_AUCTION)
    assert p.fetch_market().mode.to_json()["kind"] == "Auction"
    ask, out = p.place_sell(seller, 1_000, 100_000, cert)
    hi, out = p.place_buy(buyer, 600, 130_000)
    assert out.event("OrderPlaced").data["resting_wh"] == 600 and "OrderMatched" not in event_names(out)
    lo, _ = p.place_buy(buyer, 600, 110_000)
    rejected(p.crank(check=False), tc.TradingError.WrongMarketMode, "WrongMarketMode")
    _, out = p.place_buy(buyer, 10, 130_000, order_type=tc.IMMEDIATE_OR_CANCEL, check=False)
    rejected(out, tc.TradingError.InvalidOrderOptions, "InvalidOrderOptions")
    depth = p.send(p.trading.ix_depth()).event("MarketDepth").data
    bids, asks_depth = tc.market_depth(p.fetch_book())
    assert [(x["price"], x["amount_wh"], x["orders"]) for x in depth["bids"]] == \
        [(x.price, x.amount_wh, x.orders) for x in bids] == [(130_000, 600, 1), (110_000, 600, 1)]
    assert [(x["price"], x["amount_wh"]) for x in depth["asks"]] == [(x.price, x.amount_wh) for x in asks_depth]

    expected = tc.auction_price([(130_000, 600), (110_000, 600)], [(100_000, 1_000)], 120_000)
    assert expected == (110_000, 1_000)  # max volume, then min surplus, then nearest the last price
    out = p.auction(cranker=crank)
    ev = out.event("BatchAuctionExecuted").data
    assert (ev["clearing_price"], ev["volume_wh"], ev["orders"]) == (110_000, 1_000, 3)
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"]) for f in ev["fills"]] == \
        [(hi, ask, 600), (lo, ask, 400)]
    assert ev["fees"] == sum(f["fee"] for f in ev["fills"]) and ev["quote_volume"] == 110_000
    [rest] = p.fetch_book().bids
    assert (rest.order_id, rest.remaining_wh) == (lo, 200) and p.fetch_book().asks == []
    rejected(p.auction(check=False), tc.TradingError.NoCrossingOrders, "NoCrossingOrders")

    # --- leftovers cancelled, mode back to continuous, everything withdrawn: the vaults hold only the fees ---
    p.cancel(buyer, lo)
    p.set_market_mode(tc.MODE_CONTINUOUS)
    p.withdraw(buyer)
    p.withdraw(seller)
    fees = p.fetch_market().fees_unclaimed
    assert fees == p.fetch_market().total_fees > 0
    assert p.token_balance(p.grx_escrow) == 0 and p.token_balance(p.quote_escrow) == fees
    assert p.token_balance(buyer.grx) == 4_000 * GRX_PER_WH
    assert p.token_balance(seller.grx) == 2_000 * GRX_PER_WH
    assert p.token_balance(buyer.quote) + p.token_balance(seller.quote) + fees == 10 * QUOTE
