"""Attacks on the trading program (issue #11 "Trust"), each written as the attacker would try it, against the
real trading and governance programs in LiteSVM. Every refused attempt asserts the exact error code, that no
event was emitted and that no account changed (tokens, orders, market, certificates, usage tallies).

* Certificates stay true after an order is placed: a sell order whose ERC was revoked, expired or transferred
  away after placement cannot be filled — neither by ``match_orders`` nor by ``execute_batch_auction`` — and
  the energy one ERC backs cannot be listed twice.
* Rounding never pays for nothing: a fill whose quote cost rounds to 0 is refused; a fee rate > 0 never rounds
  a positive-value fill to a free one.
* The batch auction refuses self-trades as ``match_orders`` does.

Fixtures and helpers come from ``tests/test_trading.py`` (forged, governance-owned ERCs at their real PDA; the
governance program itself revokes and transfers them here).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # svm_helpers, test_trading

import pytest  # noqa: E402
from solders.instruction import AccountMeta  # noqa: E402

import svm_helpers as h  # noqa: E402
from gridtokenx_cli import platform as pf  # noqa: E402
from gridtokenx_cli.clients import governance as gov  # noqa: E402
from gridtokenx_cli.clients import trading as tc  # noqa: E402
from gridtokenx_cli.clients.trading import TradingError as TE  # noqa: E402
from test_trading import PRICE, QUOTE, cu_limit, env, events, trading_so, tracked  # noqa: E402,F401

# ----------------------------------------------------------------------------- helpers


def listed(env: tc.TradingEnv, wh: int = 1_000, price: int = PRICE):
    """A buyer's bid and a seller's ask (backed by a fresh Validated ERC of exactly ``wh``) that cross."""
    buyer = env.new_user(quote=100 * QUOTE)
    seller = env.new_user(grx=tc.grx_for(wh))
    cert = env.make_erc(seller.pubkey, wh)
    buy = env.place_buy(buyer, wh, price)
    sell = env.place_sell(seller, wh, price, cert)
    return buyer, seller, cert, buy, sell


def revoke(env: tc.TradingEnv, cert) -> None:
    """The REC authority revokes the certificate through governance (fraud found after the order was placed)."""
    env.ok(pf.ix_revoke_erc(env.rec_authority.pubkey(), cert), env.rec_authority)
    assert gov.decode_erc_certificate(bytes(env.svm.get_account(cert).data)).status.discriminator == \
        gov.ERC_STATUS_REVOKED


def transfer_away(env: tc.TradingEnv, seller: tc.User, cert) -> tc.User:
    """The seller hands the certificate to an accomplice through governance after placing the order."""
    accomplice = env.new_user(grx=tc.grx_for(10_000))
    env.ok(pf.ix_transfer_erc(seller.pubkey, cert, accomplice.pubkey), seller.keypair)
    return accomplice


def expire(env: tc.TradingEnv, cert) -> None:
    """Time passes beyond the certificate's ``expires_at`` (one year after issue)."""
    c = gov.decode_erc_certificate(bytes(env.svm.get_account(cert).data))
    env.set_time(c.expires_at + 1)


def refused(env: tc.TradingEnv, ixs, code: int, signer: tc.User, *extra, index: int = 0) -> None:
    before = tracked(env, *extra)
    res = env.send(ixs, signer.keypair)
    h.assert_rejected(env.svm, res, code, before, index=index)


SPOIL = {"revoked": (revoke, TE.ErcNotValidated), "expired": (expire, TE.ErcExpired),
         "transferred": (None, TE.ErcNotOwned)}


def spoil(env, case, seller, cert):
    if case == "transferred":
        transfer_away(env, seller, cert)
    else:
        SPOIL[case][0](env, cert)
    return SPOIL[case][1]


# ----------------------------------------------------------------------------- certificates after placement


@pytest.mark.parametrize("case", ["revoked", "expired", "transferred"])
def test_match_an_order_whose_certificate_went_bad(env, case):
    """The seller's certificate is revoked / expires / is given away after the order rests: a crank's
    ``match_orders`` is refused with the certificate's error and nothing moves; the seller can still cancel."""
    buyer, seller, cert, buy, sell = listed(env)
    code = spoil(env, case, seller, cert)
    crank = env.new_user()
    refused(env, env.ix_match(crank.pubkey, buy, sell), code, crank, cert, tc.erc_usage_pda(cert)[0])
    # the GRX is not stuck: the seller takes it back, the unfilled energy leaves the usage tally
    env.ok(env.ix_cancel(seller, sell), seller.keypair)
    assert env.balance(seller.grx) == tc.grx_for(1_000) and env.erc_usage(cert).committed_wh == 0


@pytest.mark.parametrize("case", ["revoked", "expired", "transferred"])
def test_auction_an_order_whose_certificate_went_bad(env, case):
    """Same through the uniform-price auction: the sell group carries its certificate, checked again."""
    buyer, seller, cert, buy, sell = listed(env)
    code = spoil(env, case, seller, cert)
    crank = env.new_user()
    refused(env, [cu_limit(), env.ix_batch(crank.pubkey, [buy, sell])], code, crank, cert, index=1)


def test_match_with_another_valid_certificate_in_place_of_the_revoked_one(env):
    """The crank passes a different, still valid certificate of the same seller: it is not the order's."""
    buyer, seller, cert, buy, sell = listed(env)
    revoke(env, cert)
    good = env.make_erc(seller.pubkey, 1_000)
    crank = env.new_user()
    refused(env, env.ix_match(crank.pubkey, buy, sell, sell_erc_certificate=good), TE.ErcCertificateMismatch,
            crank, cert, good)


def test_auction_with_another_valid_certificate_in_place_of_the_revoked_one(env):
    buyer, seller, cert, buy, sell = listed(env)
    revoke(env, cert)
    good = env.make_erc(seller.pubkey, 1_000)
    rem = env.auction_remaining([buy, sell])
    rem[-1] = AccountMeta(good, False, False)
    crank = env.new_user()
    refused(env, [cu_limit(), env.ix_batch(crank.pubkey, remaining=rem)], TE.ErcCertificateMismatch, crank,
            cert, good, index=1)


def test_auction_with_a_forged_certificate_account(env):
    """A look-alike certificate owned by the attacker's program (here: trading) at the right place in the group."""
    buyer, seller, cert, buy, sell = listed(env)
    rem = env.auction_remaining([buy, sell])
    rem[-1] = AccountMeta(env.market_address, False, False)  # the order's certificate key is checked first
    crank = env.new_user()
    refused(env, [cu_limit(), env.ix_batch(crank.pubkey, remaining=rem)], TE.ErcCertificateMismatch, crank,
            index=1)
    # and the sell group without its certificate is incomplete
    refused(env, [cu_limit(), env.ix_batch(crank.pubkey, remaining=rem[:-1])], TE.InvalidRemainingAccounts, crank,
            index=1)


def test_a_transferred_certificates_energy_cannot_be_listed_again_by_its_new_owner(env):
    """Seller lists the whole certificate, then transfers it: the new owner finds nothing left to list, and
    the old order can no longer be filled — the same Wh can never be sold twice."""
    buyer, seller, cert, buy, sell = listed(env)
    accomplice = transfer_away(env, seller, cert)
    before = tracked(env, cert, tc.erc_usage_pda(cert)[0])
    res = env.send(env.ix_place_sell(accomplice, 1, PRICE, cert), accomplice.keypair)
    h.assert_rejected(env.svm, res, TE.InsufficientErcEnergy, before)
    crank = env.new_user()
    refused(env, env.ix_match(crank.pubkey, buy, sell), TE.ErcNotOwned, crank, cert)


def test_list_the_same_certificate_energy_in_two_orders(env):
    """1,000 Wh certified: 700 Wh listed, then 400 Wh more against the same certificate is refused; only the
    300 Wh left can still be listed."""
    seller = env.new_user(grx=tc.grx_for(5_000))
    cert = env.make_erc(seller.pubkey, 1_000)
    env.place_sell(seller, 700, PRICE, cert)
    before = tracked(env, cert, tc.erc_usage_pda(cert)[0])
    res = env.send(env.ix_place_sell(seller, 400, PRICE, cert), seller.keypair)
    h.assert_rejected(env.svm, res, TE.InsufficientErcEnergy, before)
    env.place_sell(seller, 300, PRICE, cert)
    assert env.erc_usage(cert).committed_wh == 1_000


def test_relist_sold_certificate_energy(env):
    """Energy already sold stays committed: after the fill the seller cannot list it again."""
    buyer, seller, cert, buy, sell = listed(env)
    crank = env.new_user()
    env.ok(env.ix_match(crank.pubkey, buy, sell), crank.keypair)
    env.mint_to(env.grx_mint, seller.grx, tc.grx_for(1_000))
    before = tracked(env, cert, tc.erc_usage_pda(cert)[0])
    res = env.send(env.ix_place_sell(seller, 1, PRICE, cert), seller.keypair)
    h.assert_rejected(env.svm, res, TE.InsufficientErcEnergy, before)


def test_valid_certificate_still_fills(env):
    """Control: nothing above blocks an honest fill (certificate valid up to and including ``expires_at``)."""
    buyer, seller, cert, buy, sell = listed(env)
    c = gov.decode_erc_certificate(bytes(env.svm.get_account(cert).data))
    env.set_time(c.expires_at)
    crank = env.new_user()
    env.ok(env.ix_match(crank.pubkey, buy, sell), crank.keypair)
    assert env.balance(buyer.grx) == tc.grx_for(1_000)


# ----------------------------------------------------------------------------- rounding


def test_dust_match_that_costs_nothing(env):
    """3 Wh at 0.0006 quote/kWh: the order itself is worth 1 unit, but a 1 Wh slice costs 0.6 → 0 units. The
    attacker cranks 1 Wh at a time to collect GRX for free: refused."""
    buyer = env.new_user(quote=100 * QUOTE)
    seller = env.new_user(grx=tc.grx_for(3))
    buy = env.place_buy(buyer, 3, 600)
    sell = env.place_sell(seller, 3, 600)
    refused(env, env.ix_match(buyer.pubkey, buy, sell, 1), TE.FillTooSmall, buyer)
    # 2 Wh cost 1.2 → 1 unit: allowed, and the 1 Wh dust left can only be cancelled, not taken for free
    env.ok(env.ix_match(buyer.pubkey, buy, sell, 2), buyer.keypair)
    assert env.balance(seller.quote) + env.balance(env.accts["fee_vault"]) == 1
    refused(env, env.ix_match(buyer.pubkey, buy, sell), TE.FillTooSmall, buyer)


def test_dust_auction_that_costs_nothing(env):
    """The dust remainders of two partly filled orders cleared by the auction: the 1 Wh fill would cost 0."""
    buyer = env.new_user(quote=100 * QUOTE)
    seller = env.new_user(grx=tc.grx_for(3))
    buy = env.place_buy(buyer, 3, 600)
    sell = env.place_sell(seller, 3, 600)
    env.ok(env.ix_match(buyer.pubkey, buy, sell, 2), buyer.keypair)
    crank = env.new_user()
    refused(env, [cu_limit(), env.ix_batch(crank.pubkey, [buy, sell])], TE.FillTooSmall, crank, index=1)


def test_fee_cannot_be_rounded_away_by_splitting(env):
    """25 bps: a fill worth 5 units paid no fee when the fee rounded down (5 × 25 / 10,000 = 0.0125 → 0), so
    a trade split into such fills was fee-free. Now every fill of positive value pays at least 1 unit."""
    buyer = env.new_user(quote=100 * QUOTE)
    seller = env.new_user(grx=tc.grx_for(10))
    buy = env.place_buy(buyer, 10, 5_000)  # 10 Wh at 0.005/kWh = 50 units
    sell = env.place_sell(seller, 10, 5_000)
    fees = 0
    for _ in range(10):  # 1 Wh fills of 5 units each
        res = env.ok(env.ix_match(buyer.pubkey, buy, sell, 1), buyer.keypair)
        [fill] = events(res, "OrderMatched")
        assert (fill["quote_amount"], fill["fee"]) == (5, 1)
        fees += fill["fee"]
    assert env.balance(env.accts["fee_vault"]) == fees == 10
    assert env.balance(seller.quote) == 50 - 10
    assert tc.fee_for(5, 25) == 1 and tc.fee_for(10_000, 25) == 25  # exact multiples are unchanged


def test_fee_rounding_in_the_auction(env):
    """The same rule in the auction: each fill's fee is rounded up."""
    b1, b2 = env.new_user(quote=100 * QUOTE), env.new_user(quote=100 * QUOTE)
    seller = env.new_user(grx=tc.grx_for(2))
    buys = [env.place_buy(b1, 1, 5_000), env.place_buy(b2, 1, 5_000)]  # 1 Wh at 0.005/kWh = 5 units
    sell = env.place_sell(seller, 2, 5_000)
    crank = env.new_user()
    res = env.ok([cu_limit(), env.ix_batch(crank.pubkey, [*buys, sell])], crank.keypair)
    [summary] = events(res, "BatchAuctionExecuted")
    assert [(f["quote_amount"], f["fee"]) for f in summary["fills"]] == [(5, 1), (5, 1)]
    assert env.balance(env.accts["fee_vault"]) == 2 and env.balance(seller.quote) == 8


# ----------------------------------------------------------------------------- self-trades


def test_self_trade_in_the_batch_auction(env):
    """A prosumer crosses his own bid and ask in the auction to print a price (wash trade): refused, as
    match_orders refuses it."""
    wash = env.new_user(grx=tc.grx_for(1_000), quote=100 * QUOTE)
    cert = env.make_erc(wash.pubkey, 1_000)
    buy = env.place_buy(wash, 1_000, 9_000_000)  # a price far above the market
    sell = env.place_sell(wash, 1_000, 9_000_000, cert)
    crank = env.new_user()
    refused(env, [cu_limit(), env.ix_batch(crank.pubkey, [buy, sell])], TE.SelfTrade, crank, cert, index=1)
    assert env.market().last_clearing_price == 0


def test_self_trade_hidden_among_honest_orders(env):
    """The wash pair is mixed into an honest book; the auction would pair the washer's bid with his own ask."""
    honest_buyer = env.new_user(quote=100 * QUOTE)
    wash = env.new_user(grx=tc.grx_for(1_000), quote=100 * QUOTE)
    cert = env.make_erc(wash.pubkey, 1_000)
    wash_buy = env.place_buy(wash, 1_000, 6_000_000)
    honest_buy = env.place_buy(honest_buyer, 500, 5_000_000)
    wash_sell = env.place_sell(wash, 1_000, 4_000_000, cert)
    crank = env.new_user()
    refused(env, [cu_limit(), env.ix_batch(crank.pubkey, [wash_buy, honest_buy, wash_sell])], TE.SelfTrade,
            crank, cert, index=1)
    # without the washer's bid the honest fill clears
    res = env.ok([cu_limit(), env.ix_batch(crank.pubkey, [honest_buy, wash_sell])], crank.keypair)
    assert events(res, "BatchAuctionExecuted")[0]["volume_wh"] == 500
