"""The whole platform in one LiteSVM: the five programs loaded at their Anchor.toml ids, initialised for real
by ``gridtokenx_cli.platform.bootstrap_platform`` (bootstrap key, dependency order, the REAL energy_token GRX
mint in the market, a Token-2022 quote mint), then the full flow through real instructions only — no account
the programs own is written with set_account:

meters registered with ed25519 keys -> meter-signed readings through the oracle (Ed25519 precompile) ->
registry totals via CPI -> settle_and_mint_tokens mints GRX -> governance issues an ERC from the meter's
unclaimed generation (claimed mark advanced via CPI, a second claim of the same energy fails) and validates
it -> ERC-backed sell order (refused before validation), buy order, match_orders (GRX to the buyer, quote to
the seller, fee to the vault, exact balances) -> emergency_pause blocks trading and the oracle and freezes GRX (a
raw Token-2022 transfer fails), unpause
restores them -> a certificate past its 365 days cannot back a new sell order -> conservation of GRX.
"""
from __future__ import annotations

import pytest
from solders.keypair import Keypair

from gridtokenx_cli.chain.embedded import EmbeddedChain
from gridtokenx_cli.clients import energy_token as et
from gridtokenx_cli.clients import governance as gov
from gridtokenx_cli.clients import oracle as orc
from gridtokenx_cli.clients import registry as reg
from gridtokenx_cli.clients import trading as tc
from gridtokenx_cli.demo.simulation import raw_grx_transfer
from gridtokenx_cli.platform import PROGRAMS, bootstrap_platform, derived_keypair
from gridtokenx_cli.svm_lite import program_so

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
    # the GRX mint is energy_token's (Token-2022 PDA, 9 decimals, TokenInfo mint authority); quote: Token-2022, 6
    grx = chain.get_account(p.grx_mint)
    assert grx.owner == tc.TOKEN_2022_PROGRAM_ID and bytes(grx.data)[44] == 9
    assert bytes(grx.data)[4:36] == bytes(p.token_info)
    quote = chain.get_account(p.quote_mint)
    assert quote.owner == tc.TOKEN_2022_PROGRAM_ID and bytes(quote.data)[44] == 6

    again = bootstrap_platform(chain)
    assert [s.created for s in again.steps] == [False] * 6
    assert (again.quote_mint, again.rec_authority.pubkey(), again.api_gateway.pubkey()) == \
        (p.quote_mint, p.rec_authority.pubkey(), p.api_gateway.pubkey())
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

    # --- a sell order needs a VALIDATED certificate ---
    _, out = p.place_sell(prosumer, 4_000, 140_000, cert, check=False)
    rejected(out, tc.TradingError.ErcNotValidated, "ErcNotValidated")
    assert p.token_balance(prosumer.grx) == 8_500 * GRX_PER_WH
    p.validate_erc(cert)
    assert p.fetch_erc(cert).status.discriminator == gov.ERC_STATUS_VALIDATED
    sell, _ = p.place_sell(prosumer, 4_000, 140_000, cert)  # 4 kWh at 0.14 quote/kWh
    assert p.token_balance(prosumer.grx) == 4_500 * GRX_PER_WH
    assert p.token_balance(p.grx_escrow) == 4_000 * GRX_PER_WH

    buy, _ = p.place_buy(consumer, 4_000, 160_000)  # bid 0.16 quote/kWh: 640,000 escrowed
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 640_000
    assert p.token_balance(p.quote_escrow) == 640_000

    # --- match: GRX to the buyer, quote to the seller, fee to the vault, refund of the price improvement ---
    out = p.match(buy, sell)
    price = tc.clearing_price(160_000, 140_000, 4_000, 0)
    fill = tc.compute_fill(160_000, 4_000, 640_000, 4_000, price, 25)
    assert (price, fill.quote_cost, fill.fee, fill.seller_proceeds, fill.buyer_refund) == \
        (150_000, 600_000, 1_500, 598_500, 40_000)
    ev = out.event("OrderMatched").data
    assert (ev["amount_wh"], ev["price"], ev["quote_amount"], ev["fee"]) == (4_000, 150_000, 600_000, 1_500)
    assert p.token_balance(consumer.grx) == 4_000 * GRX_PER_WH
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 600_000
    assert p.token_balance(prosumer.quote) == 598_500
    assert p.token_balance(p.fee_vault) == 1_500
    assert p.token_balance(p.grx_escrow) == 0 and p.token_balance(p.quote_escrow) == 0
    assert [p.fetch_order(o).status.discriminator for o in (buy, sell)] == [tc.STATUS_FILLED, tc.STATUS_FILLED]
    mk = p.fetch_market()
    assert (mk.total_volume_wh, mk.total_trades, mk.last_clearing_price, mk.open_orders) == (4_000, 1, 150_000, 0)

    # --- emergency pause blocks trading and the oracle; unpause restores them ---
    p.pause()
    assert p.fetch_governance_config().paused
    _, out = p.place_buy(consumer, 1_000, 150_000, check=False)
    rejected(out, SYSTEM_PAUSED, "SystemPaused")
    t4 = at(chain, T0 + 4 * HOUR)
    rejected(p.submit_reading(solar, 6_500, 1_000, t4, check=False), SYSTEM_PAUSED, "SystemPaused")
    assert p.fetch_meter(solar).total_generation == 11_000
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 600_000
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
    order, _ = p.place_buy(consumer, 1_000, 150_000)
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 600_000 - 150_000
    p.send(p.trading.ix_cancel(consumer.trader, order), consumer.keypair)
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 600_000
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
    quote_holders = [prosumer.quote, consumer.quote, p.quote_escrow, p.fee_vault]
    assert sum(p.token_balance(a) for a in quote_holders) == p.mint_supply(p.quote_mint) == 10 * QUOTE
