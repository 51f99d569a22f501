"""programs/trading in LiteSVM: every instruction's effects (decoded accounts, token balances, events) and
every error it can raise, with the involved accounts unchanged; a hypothesis state machine over random
order / cancel / match / auction sequences checks the escrow and fill invariants.

Setup (gridtokenx_cli.clients.trading.TradingEnv): governance initialised with its real instruction (and
paused / unpaused with emergency_pause / emergency_unpause), the GRX mint forged at energy_token's PDA
(Token-2022, 9 decimals, mint authority a test key), a Token-2022 quote mint with 6 decimals created with
InitializeMint2, ERC certificates forged at governance's PDA with the fixed field order. A separate fee payer
signs every transaction, so the accounts the program sees keep their lamports when a transaction fails.
"""
from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from solders.account import Account
from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.compute_budget import set_compute_unit_limit
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import MessageV0
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

import svm_helpers as h
from gridtokenx_cli.clients import governance as gov
from gridtokenx_cli.clients import trading as tc
from gridtokenx_cli.clients.trading import AnchorError as AE
from gridtokenx_cli.clients.trading import CommonError as CE
from gridtokenx_cli.clients.trading import TradingError as TE

U64_MAX = 2**64 - 1
PRICE = 5_000_000  # 5.00 quote per kWh, in micro-units
QUOTE = 10**6  # one quote token
ALT_PROGRAM_ID = Pubkey.from_string("AddressLookupTab1e1111111111111111111111111")
TOKEN_INSUFFICIENT_FUNDS = 1  # spl-token / token-2022 TokenError::InsufficientFunds
SYSTEM_ACCOUNT_IN_USE = 0  # system program: account already in use (Anchor `init` on an existing account)


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
    """Governance and mints ready, market not initialised."""
    return tc.TradingEnv.create(trading_so, fee_bps=None)


def events(res, name: str | None = None) -> list[dict]:
    return [f for n, f in tc.decode_events(h.logs(res)) if name is None or n == name]


def event_names(res) -> list[str]:
    return [n for n, _ in tc.decode_events(h.logs(res))]


def tracked(env: tc.TradingEnv, *extra: Pubkey) -> dict:
    """Snapshots of every account a trading instruction can touch in these tests."""
    addrs = set(extra) | set(env.accts.values()) | {env.grx_mint, env.quote_mint, tc.governance_config_address()}
    for u in env.users:
        addrs |= {u.pubkey, u.grx, u.quote}
    m = env.svm.get_account(env.market_address)
    if m is not None:
        market = env.market()
        addrs |= {tc.order_pda(env.market_address, i)[0] for i in range(market.next_order_id + 1)}
        for curve in tc.CURVES:
            pool = tc.pool_pda(curve)[0]
            addrs |= {pool, tc.pool_grx_vault_pda(pool)[0], tc.pool_quote_vault_pda(pool)[0]}
    return h.snapshots(env.svm, *addrs)


def rejected(env: tc.TradingEnv, ix, code: int, *signers: Keypair, extra: tuple = (), index: int = 0,
             pre: list[Instruction] = ()) -> None:
    before = tracked(env, *extra)
    res = env.send([*pre, ix], *signers)
    h.assert_rejected(env.svm, res, code, before, index=index)


def unsigned(ix: Instruction, key: Pubkey) -> Instruction:
    metas = [AccountMeta(m.pubkey, False, m.is_writable) if m.pubkey == key else m for m in ix.accounts]
    return Instruction(ix.program_id, ix.data, metas)


def readonly(ix: Instruction, key: Pubkey) -> Instruction:
    metas = [AccountMeta(m.pubkey, m.is_signer, False) if m.pubkey == key else m for m in ix.accounts]
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


def send_v0(env: tc.TradingEnv, ixs: list[Instruction], *signers: Keypair):
    """A v0 transaction whose non-signer accounts come from a forged address lookup table (for instructions
    with more accounts than a legacy transaction can carry)."""
    keys = []
    for ix in ixs:
        for m in ix.accounts:
            if not m.is_signer and m.pubkey not in keys:
                keys.append(m.pubkey)
    table = Pubkey.new_unique()
    meta = struct.pack("<IQQB", 1, U64_MAX, 0, 0) + b"\x00" + b"\x00" * 32 + b"\x00\x00"
    data = meta[:56].ljust(56, b"\x00") + b"".join(bytes(k) for k in keys)
    env.svm.set_account(table, Account(env.svm.minimum_balance_for_rent_exemption(len(data)), data,
                                       ALT_PROGRAM_ID, False, 0))
    env.svm.warp_to_slot(env.svm.get_clock().slot + 2)
    msg = MessageV0.try_compile(env.payer.pubkey(), ixs, [AddressLookupTableAccount(table, keys)],
                                env.svm.latest_blockhash())
    tx = VersionedTransaction(msg, [env.payer, *signers])
    res = env.svm.send_transaction(tx)
    env.svm.expire_blockhash()
    return res


def escrow_invariants(env: tc.TradingEnv, orders: list[Pubkey]) -> None:
    """Escrow balances = Σ remaining escrow of the open orders; a buy's escrow = quote_for(remaining, bid);
    no order filled beyond its amount; closed (filled/cancelled) orders hold no escrow."""
    quote_sum = grx_sum = 0
    for address in orders:
        acc = env.svm.get_account(address)
        if acc is None:
            continue
        o = tc.decode_order(bytes(acc.data))
        assert o.filled_wh <= o.amount_wh
        open_ = o.status.discriminator in (tc.STATUS_OPEN, tc.STATUS_PARTIALLY_FILLED)
        if not open_:
            assert o.escrow_remaining == 0
        elif o.side.discriminator == tc.SIDE_BUY:
            assert o.escrow_remaining == tc.quote_for(o.amount_wh - o.filled_wh, o.price)
        else:
            assert o.escrow_remaining == tc.grx_for(o.amount_wh - o.filled_wh)
        if o.side.discriminator == tc.SIDE_BUY:
            quote_sum += o.escrow_remaining
        else:
            grx_sum += o.escrow_remaining
        assert (o.status.discriminator == tc.STATUS_FILLED) == (o.filled_wh == o.amount_wh)
    assert env.balance(env.accts["quote_escrow"]) == quote_sum
    assert env.balance(env.accts["grx_escrow"]) == grx_sum


# ----------------------------------------------------------------------------- dispatch


def test_unknown_instruction_is_rejected(env):
    ix = Instruction(tc.PROGRAM_ID, h.sighash("global", "no_such_ix"), [])
    rejected(env, ix, AE.InstructionFallbackNotFound)


# ----------------------------------------------------------------------------- initialize_market


def test_initialize_market(bare):
    env = bare
    res = env.ok(env.ix_initialize_market(30), env.bootstrap)
    a = env.accts
    m = env.market()
    assert m.admin.authority == env.bootstrap.pubkey() and m.admin.pending_authority == Pubkey.default()
    assert (m.grx_mint, m.quote_mint) == (env.grx_mint, env.quote_mint)
    assert (m.grx_escrow, m.quote_escrow, m.fee_vault) == (a["grx_escrow"], a["quote_escrow"], a["fee_vault"])
    assert m.fee_bps == 30
    assert (m.next_order_id, m.open_orders, m.total_trades, m.total_volume_wh, m.total_quote_volume) == (0,) * 5
    assert (m.last_clearing_price, m.vwap, m.price_history_count, m.history_volume) == (0, 0, 0, 0)
    assert m.bump == tc.market_pda()[1]
    assert m.escrow_authority_bump == tc.escrow_authority_pda(env.market_address)[1]
    for name, mint in [("grx_escrow", env.grx_mint), ("quote_escrow", env.quote_mint), ("fee_vault", env.quote_mint)]:
        acc = env.svm.get_account(a[name])
        assert acc.owner == tc.TOKEN_2022_PROGRAM_ID
        assert Pubkey.from_bytes(bytes(acc.data)[:32]) == mint
        assert tc.token_owner(env.svm, a[name]) == a["escrow_authority"]
        assert env.balance(a[name]) == 0
    assert events(res) == [{"market": env.market_address, "admin": env.bootstrap.pubkey(), "grx_mint": env.grx_mint,
                            "quote_mint": env.quote_mint, "fee_bps": 30}]


def test_initialize_market_with_spl_token_quote(trading_so):
    """The quote token may live on the classic SPL Token program (GRX is always Token-2022)."""
    env = tc.TradingEnv.create(trading_so, quote_token_program=tc.TOKEN_PROGRAM_ID)
    assert env.svm.get_account(env.accts["quote_escrow"]).owner == tc.TOKEN_PROGRAM_ID
    buyer, seller = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(1000))
    b, s = env.place_buy(buyer, 1000, PRICE), env.place_sell(seller, 1000, PRICE)
    env.ok(env.ix_match(buyer.pubkey, b, s), buyer.keypair)
    assert env.balance(buyer.grx) == tc.grx_for(1000)
    assert env.balance(seller.quote) == 5 * QUOTE - tc.fee_for(5 * QUOTE, 25)
    assert env.balance(env.accts["fee_vault"]) == tc.fee_for(5 * QUOTE, 25)
    b2 = env.place_buy(buyer, 1000, PRICE)
    env.ok(env.ix_cancel(buyer, b2), buyer.keypair)
    assert env.balance(buyer.quote) == 95 * QUOTE
    env.ok(env.ix_withdraw_fees(env.bootstrap.pubkey(), buyer.quote, 1), env.bootstrap)


def test_initialize_market_requires_bootstrap(bare):
    other = h.funded_keypair(bare.svm)
    rejected(bare, bare.ix_initialize_market(25, authority=other.pubkey()), CE.NotBootstrapAuthority, other)


def test_initialize_market_fee_bound_is_inclusive(bare):
    bare.ok(bare.ix_initialize_market(10_000), bare.bootstrap)  # 100 % is the largest fee
    assert bare.market().fee_bps == 10_000


def test_initialize_market_invalid_fee(bare):
    rejected(bare, bare.ix_initialize_market(10_001), TE.InvalidFeeBps, bare.bootstrap)


def test_initialize_market_quote_mint_must_have_6_decimals(bare):
    mint9 = bare.create_mint(9)
    rejected(bare, bare.ix_initialize_market(25, quote_mint=mint9), TE.InvalidQuoteMint, bare.bootstrap,
             extra=(mint9,))


def test_initialize_market_quote_mint_without_extensions(bare):
    ext = Pubkey.new_unique()  # a Token-2022 mint account with trailing extension space
    h.set_account(bare.svm, ext, tc.mint_account_bytes(bare.grx_authority.pubkey(), 6).ljust(165, b"\0")
                  + bytes([1]) + bytes(4), tc.TOKEN_2022_PROGRAM_ID)
    rejected(bare, bare.ix_initialize_market(25, quote_mint=ext), TE.InvalidQuoteMint, bare.bootstrap, extra=(ext,))


def test_initialize_market_grx_mint_must_be_energy_tokens_pda(bare):
    other = bare.create_mint(9)
    rejected(bare, bare.ix_initialize_market(25, grx_mint=other), AE.ConstraintSeeds, bare.bootstrap, extra=(other,))


def test_initialize_market_grx_mint_decimals(bare):
    h.set_account(bare.svm, bare.grx_mint, tc.mint_account_bytes(bare.grx_authority.pubkey(), 6),
                  tc.TOKEN_2022_PROGRAM_ID)
    rejected(bare, bare.ix_initialize_market(25), AE.ConstraintMintDecimals, bare.bootstrap)


def test_initialize_market_grx_mint_must_be_a_token_mint(bare):
    h.set_account(bare.svm, bare.grx_mint, tc.mint_account_bytes(bare.grx_authority.pubkey(), 9), tc.PROGRAM_ID)
    rejected(bare, bare.ix_initialize_market(25), AE.AccountOwnedByWrongProgram, bare.bootstrap)


def test_initialize_market_grx_mint_must_be_token_2022(bare):
    """A classic SPL Token mint at the GRX address: Anchor creates the escrows (with grx_token_program =
    Token-2022) before it checks `mint::token_program`, so Token-2022 itself refuses the foreign mint."""
    h.set_account(bare.svm, bare.grx_mint, tc.mint_account_bytes(bare.grx_authority.pubkey(), 9), tc.TOKEN_PROGRAM_ID)
    before = tracked(bare)
    res = bare.send(bare.ix_initialize_market(25), bare.bootstrap)
    assert not h.is_ok(res)
    index, err = h.instruction_error(res)
    assert index == 0 and "IncorrectProgramId" in str(err)
    assert h.program_data(h.logs(res)) == []
    h.assert_unchanged(bare.svm, before)


def test_initialize_market_twice(env):
    rejected(env, env.ix_initialize_market(25), SYSTEM_ACCOUNT_IN_USE, env.bootstrap)


def test_initialize_market_paused(bare):
    pause(bare)
    rejected(bare, bare.ix_initialize_market(25), CE.SystemPaused, bare.bootstrap)


def test_initialize_market_fake_governance_config(bare):
    fake = fake_governance_config(bare)
    rejected(bare, bare.ix_initialize_market(25, governance_config=fake), AE.AccountOwnedByWrongProgram,
             bare.bootstrap, extra=(fake,))


def test_initialize_market_wrong_escrow_address(bare):
    wrong = tc.quote_escrow_pda(bare.market_address)[0]
    rejected(bare, bare.ix_initialize_market(25, grx_escrow=wrong, quote_escrow=bare.accts["grx_escrow"]),
             AE.ConstraintSeeds, bare.bootstrap)


def test_initialize_market_requires_signer(bare):
    ix = unsigned(bare.ix_initialize_market(25), bare.bootstrap.pubkey())
    rejected(bare, ix, AE.AccountNotSigner)


# ----------------------------------------------------------------------------- place_buy_order


def test_place_buy_order(env):
    buyer = env.new_user(quote=100 * QUOTE)
    order = env.next_order()
    res = env.ok(env.ix_place_buy(buyer, 1_500, 5_123_457), buyer.keypair)
    escrow = 1_500 * 5_123_457 // 1000  # 7_685_185 (rounded down)
    assert env.balance(buyer.quote) == 100 * QUOTE - escrow
    assert env.balance(env.accts["quote_escrow"]) == escrow
    o = env.order(order)
    assert (o.order_id, o.owner, o.side.discriminator, o.status.discriminator) == (0, buyer.pubkey, 0, 0)
    assert (o.price, o.amount_wh, o.filled_wh, o.escrow_remaining) == (5_123_457, 1_500, 0, escrow)
    assert (o.market, o.erc_certificate, o.created_at) == (env.market_address, Pubkey.default(), env.now())
    assert o.bump == tc.order_pda(env.market_address, 0)[1]
    m = env.market()
    assert (m.next_order_id, m.open_orders) == (1, 1)
    assert events(res) == [{"order": order, "order_id": 0, "owner": buyer.pubkey, "side": "Buy", "price": 5_123_457,
                            "amount_wh": 1_500, "escrowed": escrow, "erc_certificate": Pubkey.default(),
                            "timestamp": env.now()}]
    second = env.place_buy(buyer, 10, PRICE)
    assert second == tc.order_pda(env.market_address, 1)[0] and env.market().open_orders == 2


@pytest.mark.parametrize("amount,price,code", [
    (0, PRICE, TE.ZeroAmount), (100, 0, TE.ZeroPrice), (1, 999, TE.OrderTooSmall),
    (U64_MAX, U64_MAX, TE.ArithmeticOverflow)])
def test_place_buy_order_rejects_bad_arguments(env, amount, price, code):
    buyer = env.new_user(quote=100 * QUOTE)
    rejected(env, env.ix_place_buy(buyer, amount, price), code, buyer.keypair)


def test_place_buy_order_insufficient_funds(env):
    buyer = env.new_user(quote=QUOTE)
    rejected(env, env.ix_place_buy(buyer, 1000, 2 * QUOTE), TOKEN_INSUFFICIENT_FUNDS, buyer.keypair)


def test_place_buy_order_paused(env):
    buyer = env.new_user(quote=100 * QUOTE)
    pause(env)
    rejected(env, env.ix_place_buy(buyer, 1000, PRICE), CE.SystemPaused, buyer.keypair)


@pytest.mark.parametrize("case", ["order_pda", "foreign_account", "grx_account", "escrow", "governance", "signer",
                                  "quote_mint"])
def test_place_buy_order_account_checks(env, case):
    buyer, other = env.new_user(quote=100 * QUOTE), env.new_user(quote=100 * QUOTE)
    ix, code = {
        "order_pda": lambda: (env.ix_place_buy(buyer, 1000, PRICE, order=tc.order_pda(env.market_address, 1)[0]),
                              AE.ConstraintSeeds),
        "foreign_account": lambda: (env.ix_place_buy(buyer, 1000, PRICE, owner_quote_account=other.quote),
                                    AE.ConstraintTokenOwner),
        "grx_account": lambda: (env.ix_place_buy(buyer, 1000, PRICE, owner_quote_account=buyer.grx),
                                AE.ConstraintTokenMint),
        "escrow": lambda: (env.ix_place_buy(buyer, 1000, PRICE, quote_escrow=env.accts["fee_vault"]),
                           AE.ConstraintAddress),
        "governance": lambda: (env.ix_place_buy(buyer, 1000, PRICE, governance_config=fake_governance_config(env)),
                               AE.AccountOwnedByWrongProgram),
        "signer": lambda: (unsigned(env.ix_place_buy(buyer, 1000, PRICE), buyer.pubkey), AE.AccountNotSigner),
        "quote_mint": lambda: (env.ix_place_buy(buyer, 1000, PRICE, quote_mint=env.grx_mint,
                                                owner_quote_account=buyer.grx),
                               AE.ConstraintAddress),
    }[case]()
    rejected(env, ix, code, buyer.keypair)


# ----------------------------------------------------------------------------- place_sell_order


def test_place_sell_order(env):
    seller = env.new_user(grx=tc.grx_for(10_000))
    cert = env.make_erc(seller.pubkey, 5_000)
    order = env.next_order()
    res = env.ok(env.ix_place_sell(seller, 3_000, 4_500_000, cert), seller.keypair)
    assert env.balance(seller.grx) == tc.grx_for(7_000)
    assert env.balance(env.accts["grx_escrow"]) == tc.grx_for(3_000)
    o = env.order(order)
    assert (o.side.discriminator, o.status.discriminator, o.owner) == (tc.SIDE_SELL, tc.STATUS_OPEN, seller.pubkey)
    assert (o.price, o.amount_wh, o.filled_wh, o.escrow_remaining) == (4_500_000, 3_000, 0, tc.grx_for(3_000))
    assert o.erc_certificate == cert
    usage = env.erc_usage(cert)
    assert (usage.certificate, usage.committed_wh, usage.bump) == (cert, 3_000, tc.erc_usage_pda(cert)[1])
    assert events(res) == [{"order": order, "order_id": 0, "owner": seller.pubkey, "side": "Sell",
                            "price": 4_500_000, "amount_wh": 3_000, "escrowed": tc.grx_for(3_000),
                            "erc_certificate": cert, "timestamp": env.now()}]
    # The same certificate covers a second order up to its energy, not beyond.
    env.ok(env.ix_place_sell(seller, 2_000, 4_600_000, cert), seller.keypair)
    assert env.erc_usage(cert).committed_wh == 5_000
    rejected(env, env.ix_place_sell(seller, 1, 4_600_000, cert), TE.InsufficientErcEnergy, seller.keypair,
             extra=(cert, tc.erc_usage_pda(cert)[0]))


@pytest.mark.parametrize("amount,price,code", [
    (0, PRICE, TE.ZeroAmount), (100, 0, TE.ZeroPrice), (1, 999, TE.OrderTooSmall),
    (2**63, 1, TE.ArithmeticOverflow)])
def test_place_sell_order_rejects_bad_arguments(env, amount, price, code):
    seller = env.new_user(grx=tc.grx_for(10_000))
    cert = env.make_erc(seller.pubkey, U64_MAX)
    rejected(env, env.ix_place_sell(seller, amount, price, cert), code, seller.keypair,
             extra=(cert, tc.erc_usage_pda(cert)[0]))


@pytest.mark.parametrize("case,code", [
    ("not_owned", TE.ErcNotOwned), ("issued", TE.ErcNotValidated), ("revoked", TE.ErcNotValidated),
    ("expired", TE.ErcExpired), ("too_small", TE.InsufficientErcEnergy)])
def test_place_sell_order_certificate_checks(env, case, code):
    seller, other = env.new_user(grx=tc.grx_for(10_000)), env.new_user()
    now = env.now()
    cert = {
        "not_owned": lambda: env.make_erc(other.pubkey, 5_000),
        "issued": lambda: env.make_erc(seller.pubkey, 5_000, status=0),
        "revoked": lambda: env.make_erc(seller.pubkey, 5_000, status=2),
        "expired": lambda: env.make_erc(seller.pubkey, 5_000, expires_at=now - 1),
        "too_small": lambda: env.make_erc(seller.pubkey, 999),
    }[case]()
    rejected(env, env.ix_place_sell(seller, 1_000, PRICE, cert), code, seller.keypair,
             extra=(cert, tc.erc_usage_pda(cert)[0]))


def test_place_sell_order_certificate_valid_until_expiry(env):
    seller = env.new_user(grx=tc.grx_for(10_000))
    cert = env.make_erc(seller.pubkey, 5_000, expires_at=env.now())  # now <= expires_at: still valid
    env.ok(env.ix_place_sell(seller, 1_000, PRICE, cert), seller.keypair)


def test_place_sell_order_insufficient_grx(env):
    seller = env.new_user(grx=tc.grx_for(10))
    cert = env.make_erc(seller.pubkey, 5_000)
    rejected(env, env.ix_place_sell(seller, 11, PRICE, cert), TOKEN_INSUFFICIENT_FUNDS, seller.keypair,
             extra=(cert, tc.erc_usage_pda(cert)[0]))


def test_place_sell_order_paused(env):
    seller = env.new_user(grx=tc.grx_for(10_000))
    cert = env.make_erc(seller.pubkey, 5_000)
    pause(env)
    rejected(env, env.ix_place_sell(seller, 1_000, PRICE, cert), CE.SystemPaused, seller.keypair,
             extra=(cert, tc.erc_usage_pda(cert)[0]))


@pytest.mark.parametrize("case", ["cert_address", "cert_owner", "usage_pda", "foreign_grx", "quote_as_grx",
                                  "escrow", "governance", "order_pda", "signer", "cert_type"])
def test_place_sell_order_account_checks(env, case):
    seller, other = env.new_user(grx=tc.grx_for(10_000)), env.new_user(grx=tc.grx_for(10_000))
    cert = env.make_erc(seller.pubkey, 5_000)
    data = bytes(env.svm.get_account(cert).data)
    moved = Pubkey.new_unique()
    if case == "cert_address":  # a copy of a valid certificate at an address that is not its PDA
        h.set_account(env.svm, moved, data, tc.GOVERNANCE_PROGRAM_ID)
    elif case == "cert_owner":  # the right bytes but not owned by governance
        h.set_account(env.svm, moved, data, tc.PROGRAM_ID)
    ix, code = {
        "cert_address": lambda: (env.ix_place_sell(seller, 1_000, PRICE, moved), AE.ConstraintSeeds),
        "cert_owner": lambda: (env.ix_place_sell(seller, 1_000, PRICE, moved), AE.AccountOwnedByWrongProgram),
        "usage_pda": lambda: (env.ix_place_sell(seller, 1_000, PRICE, cert,
                                                erc_usage=tc.erc_usage_pda(moved)[0]), AE.ConstraintSeeds),
        "foreign_grx": lambda: (env.ix_place_sell(seller, 1_000, PRICE, cert, owner_grx_account=other.grx),
                                AE.ConstraintTokenOwner),
        "quote_as_grx": lambda: (env.ix_place_sell(seller, 1_000, PRICE, cert, owner_grx_account=seller.quote),
                                 AE.ConstraintTokenMint),
        "escrow": lambda: (env.ix_place_sell(seller, 1_000, PRICE, cert, grx_escrow=env.accts["quote_escrow"]),
                           AE.ConstraintAddress),
        "governance": lambda: (env.ix_place_sell(seller, 1_000, PRICE, cert,
                                                 governance_config=fake_governance_config(env)),
                               AE.AccountOwnedByWrongProgram),
        "order_pda": lambda: (env.ix_place_sell(seller, 1_000, PRICE, cert,
                                                order=tc.order_pda(env.market_address, 5)[0]), AE.ConstraintSeeds),
        "signer": lambda: (unsigned(env.ix_place_sell(seller, 1_000, PRICE, cert), seller.pubkey),
                           AE.AccountNotSigner),
        "cert_type": lambda: (env.ix_place_sell(seller, 1_000, PRICE, tc.governance_config_address()),
                              AE.AccountDiscriminatorMismatch),
    }[case]()
    rejected(env, ix, code, seller.keypair, extra=(cert, moved, tc.erc_usage_pda(cert)[0]))


# ----------------------------------------------------------------------------- cancel_order / close_order


def test_cancel_buy_order(env):
    buyer = env.new_user(quote=100 * QUOTE)
    order = env.place_buy(buyer, 2_000, PRICE)
    res = env.ok(env.ix_cancel(buyer, order), buyer.keypair)
    assert env.balance(buyer.quote) == 100 * QUOTE
    assert env.balance(env.accts["quote_escrow"]) == 0
    o = env.order(order)
    assert (o.status.discriminator, o.escrow_remaining, o.filled_wh) == (tc.STATUS_CANCELLED, 0, 0)
    assert env.market().open_orders == 0
    assert events(res) == [{"order": order, "order_id": 0, "owner": buyer.pubkey, "side": "Buy",
                            "unfilled_wh": 2_000, "refunded": 10 * QUOTE}]


def test_cancel_partially_filled_sell_order_releases_certificate_energy(env):
    buyer, seller = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(5_000))
    cert = env.make_erc(seller.pubkey, 5_000)
    sell = env.place_sell(seller, 4_000, PRICE, cert)
    buy = env.place_buy(buyer, 1_000, PRICE)
    env.ok(env.ix_match(buyer.pubkey, buy, sell), buyer.keypair)
    res = env.ok(env.ix_cancel(seller, sell), seller.keypair)
    assert env.balance(seller.grx) == tc.grx_for(5_000 - 1_000)
    assert env.balance(env.accts["grx_escrow"]) == 0
    assert env.erc_usage(cert).committed_wh == 1_000  # the sold energy stays committed
    o = env.order(sell)
    assert (o.status.discriminator, o.filled_wh, o.escrow_remaining) == (tc.STATUS_CANCELLED, 1_000, 0)
    assert events(res) == [{"order": sell, "order_id": 0, "owner": seller.pubkey, "side": "Sell",
                            "unfilled_wh": 3_000, "refunded": tc.grx_for(3_000)}]
    env.ok(env.ix_place_sell(seller, 4_000, PRICE, cert), seller.keypair)  # the released energy is usable


def test_cancel_order_errors(env):
    buyer, seller, other = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(5_000)), env.new_user()
    buy = env.place_buy(buyer, 1_000, PRICE)
    sell = env.place_sell(seller, 1_000, PRICE)
    rejected(env, env.ix_cancel(other, buy, owner_token_account=other.quote), TE.NotOrderOwner, other.keypair)
    rejected(env, env.ix_cancel(seller, sell, erc_usage=None), TE.MissingErcUsage, seller.keypair)
    rejected(env, env.ix_cancel(seller, sell, escrow=env.accts["quote_escrow"]), TE.InvalidTokenAccount,
             seller.keypair)
    rejected(env, env.ix_cancel(seller, sell, mint=env.quote_mint, owner_token_account=seller.quote,
                                escrow=env.accts["grx_escrow"]), TE.InvalidTokenAccount, seller.keypair)
    rejected(env, env.ix_cancel(buyer, buy, owner_token_account=other.quote), AE.ConstraintTokenOwner,
             buyer.keypair)
    rejected(env, env.ix_cancel(seller, sell, erc_usage=tc.erc_usage_pda(Pubkey.new_unique())[0]),
             AE.AccountNotInitialized, seller.keypair)
    rejected(env, env.ix_cancel(buyer, buy, governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, buyer.keypair)
    rejected(env, unsigned(env.ix_cancel(buyer, buy), buyer.pubkey), AE.AccountNotSigner)
    env.ok(env.ix_cancel(buyer, buy), buyer.keypair)
    rejected(env, env.ix_cancel(buyer, buy), TE.OrderNotOpen, buyer.keypair)
    pause(env)
    rejected(env, env.ix_cancel(seller, sell), CE.SystemPaused, seller.keypair)


def test_close_order(env):
    buyer = env.new_user(quote=100 * QUOTE)
    order = env.place_buy(buyer, 1_000, PRICE)
    rejected(env, env.ix_close(buyer, order), TE.OrderStillOpen, buyer.keypair)
    env.ok(env.ix_cancel(buyer, order), buyer.keypair)
    other = env.new_user()
    rejected(env, env.ix_close(other, order), TE.NotOrderOwner, other.keypair)
    lamports = env.svm.get_account(buyer.pubkey).lamports
    rent = env.svm.get_account(order).lamports
    res = env.ok(env.ix_close(buyer, order), buyer.keypair)
    assert env.svm.get_account(order) is None or env.svm.get_account(order).lamports == 0
    assert env.svm.get_account(buyer.pubkey).lamports == lamports + rent
    assert events(res) == [{"order": order, "order_id": 0, "owner": buyer.pubkey}]
    assert env.market().next_order_id == 1  # ids are never reused


def test_close_order_paused(env):
    buyer = env.new_user(quote=100 * QUOTE)
    order = env.place_buy(buyer, 1_000, PRICE)
    env.ok(env.ix_cancel(buyer, order), buyer.keypair)
    pause(env)
    rejected(env, env.ix_close(buyer, order), CE.SystemPaused, buyer.keypair)


# ----------------------------------------------------------------------------- match_orders


def test_match_orders_partial_then_complete(env):
    buyer = env.new_user(quote=100 * QUOTE)
    seller = env.new_user(grx=tc.grx_for(10_000))
    buy = env.place_buy(buyer, 1_000, 5_500_000)  # 1 kWh at 5.50
    sell = env.place_sell(seller, 600, 4_500_000)  # 0.6 kWh at 4.50
    crank = env.new_user()

    res = env.ok(env.ix_match(crank.pubkey, buy, sell), crank.keypair)
    price = tc.clearing_price(5_500_000, 4_500_000, 600, 0)
    assert price == 5_000_000  # first trade: the mid-point
    fill = tc.compute_fill(5_500_000, 1_000, 5_500_000, 600, price, 25)
    assert (fill.quote_cost, fill.fee, fill.buyer_refund) == (3_000_000, 7_500, 300_000)
    assert env.balance(buyer.grx) == tc.grx_for(600)
    assert env.balance(buyer.quote) == 100 * QUOTE - 5_500_000 + 300_000
    assert env.balance(seller.quote) == 3_000_000 - 7_500
    assert env.balance(env.accts["fee_vault"]) == 7_500
    assert env.balance(env.accts["quote_escrow"]) == tc.quote_for(400, 5_500_000)
    assert env.balance(env.accts["grx_escrow"]) == 0
    b, s = env.order(buy), env.order(sell)
    assert (b.filled_wh, b.status.discriminator, b.escrow_remaining) == (600, tc.STATUS_PARTIALLY_FILLED, 2_200_000)
    assert (s.filled_wh, s.status.discriminator, s.escrow_remaining) == (600, tc.STATUS_FILLED, 0)
    m = env.market()
    assert (m.total_volume_wh, m.total_trades, m.last_clearing_price, m.open_orders) == (600, 1, price, 1)
    assert (m.total_quote_volume, m.total_fees, m.vwap, m.price_history_count) == (3_000_000, 7_500, price, 1)
    assert (m.price_history[0].price, m.price_history[0].volume_wh) == (price, 600)
    assert event_names(res) == ["OrderMatched", "PriceUpdated"]
    assert events(res, "OrderMatched") == [{
        "buy_order": buy, "sell_order": sell, "buy_order_id": 0, "sell_order_id": 1, "buyer": buyer.pubkey,
        "seller": seller.pubkey, "amount_wh": 600, "price": price, "quote_amount": 3_000_000, "fee": 7_500,
        "buyer_refund": 300_000, "buy_remaining_wh": 400, "sell_remaining_wh": 0, "timestamp": env.now()}]
    assert events(res, "PriceUpdated") == [{"price": price, "volume_wh": 600, "vwap": price, "total_volume_wh": 600,
                                            "total_trades": 1, "timestamp": env.now()}]

    # Second fill: 400 Wh against a 5.00 ask; the volume adjustment applies (400 of 600 -> +10 % capped) and
    # the price is clamped to the bid.
    seller2 = env.new_user(grx=tc.grx_for(1_000))
    sell2 = env.place_sell(seller2, 1_000, 5_000_000)
    res = env.ok(env.ix_match(crank.pubkey, buy, sell2), crank.keypair)
    price2 = tc.clearing_price(5_500_000, 5_000_000, 400, 600)
    assert price2 == 5_500_000 and events(res, "OrderMatched")[0]["price"] == price2
    assert env.balance(buyer.grx) == tc.grx_for(1_000)
    assert env.balance(env.accts["quote_escrow"]) == 0
    assert env.order(buy).status.discriminator == tc.STATUS_FILLED
    m = env.market()
    assert m.vwap == (price * 600 + price2 * 400) // 1_000 == tc.vwap(m)
    assert (m.total_volume_wh, m.total_trades, m.open_orders) == (1_000, 2, 1)
    escrow_invariants(env, [buy, sell, sell2])


def test_match_orders_price_never_exceeds_bid(env):
    """The published formula (mid + up to 10 % of mid) would charge 110 % of the bid here."""
    buyer, seller = env.new_user(quote=1_000 * QUOTE), env.new_user(grx=tc.grx_for(100_000))
    crank = env.new_user()
    # Build some volume first so that the adjustment is non-zero.
    b0, s0 = env.place_buy(buyer, 100, PRICE), env.place_sell(seller, 100, PRICE)
    env.ok(env.ix_match(crank.pubkey, b0, s0), crank.keypair)
    b, s = env.place_buy(buyer, 10_000, PRICE), env.place_sell(seller, 10_000, PRICE)
    res = env.ok(env.ix_match(crank.pubkey, b, s), crank.keypair)
    mid = PRICE
    published = mid + mid * min(10_000 * 1000 // 100, 1000) // 10_000
    assert published == 5_500_000 > PRICE
    assert events(res, "OrderMatched")[0]["price"] == PRICE
    assert env.balance(buyer.grx) == tc.grx_for(10_100)


def test_match_orders_amount_limit(env):
    buyer, seller = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(5_000))
    buy, sell = env.place_buy(buyer, 1_000, PRICE), env.place_sell(seller, 1_000, PRICE)
    res = env.ok(env.ix_match(buyer.pubkey, buy, sell, 250), buyer.keypair)
    assert events(res, "OrderMatched")[0]["amount_wh"] == 250
    assert env.order(buy).filled_wh == env.order(sell).filled_wh == 250
    assert env.balance(buyer.grx) == tc.grx_for(250)


def test_match_orders_compute_units(env, capsys):
    buyer, seller = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(5_000))
    buy, sell = env.place_buy(buyer, 1_000, 5_500_000), env.place_sell(seller, 600, 4_500_000)
    res = env.ok(env.ix_match(buyer.pubkey, buy, sell), buyer.keypair)
    cu = h.compute_units(res)
    with capsys.disabled():
        print(f"\nmatch_orders: {cu} CU (4 Token-2022 transfer_checked CPIs; published figure of another "
              f"implementation without token movement: 11,752 CU)")
    assert cu < 200_000


def test_match_orders_price_time_priority(env):
    b1u, b2u, b3u = env.new_user(quote=100 * QUOTE), env.new_user(quote=100 * QUOTE), env.new_user(quote=100 * QUOTE)
    s1u, s2u = env.new_user(grx=tc.grx_for(5_000)), env.new_user(grx=tc.grx_for(5_000))
    b_low = env.place_buy(b1u, 1_000, 5_000_000)
    b_high = env.place_buy(b2u, 1_000, 5_200_000)
    b_same_later = env.place_buy(b3u, 1_000, 5_200_000)
    s_high = env.place_sell(s1u, 1_000, 4_900_000)
    s_low = env.place_sell(s2u, 1_000, 4_800_000)
    others = [b_low, b_high, b_same_later, s_high, s_low]
    # A better bid exists (b_high) that also crosses s_low.
    rejected(env, env.ix_match(b1u.pubkey, b_low, s_low, others=others), TE.PriorityViolation, b1u.keypair)
    # Same price, later order.
    rejected(env, env.ix_match(b1u.pubkey, b_same_later, s_low, others=others), TE.PriorityViolation, b1u.keypair)
    # A cheaper ask exists.
    rejected(env, env.ix_match(b1u.pubkey, b_high, s_high, others=others), TE.PriorityViolation, b1u.keypair)
    # Best bid x best ask is allowed with the whole book supplied.
    res = env.ok(env.ix_match(b1u.pubkey, b_high, s_low, others=others), b1u.keypair)
    assert events(res, "OrderMatched")[0]["amount_wh"] == 1_000
    # Filled orders no longer count: b_same_later is now the best bid and s_high the best ask.
    env.ok(env.ix_match(b1u.pubkey, b_same_later, s_high, others=others), b1u.keypair)


@pytest.mark.parametrize("case", ["zero", "sides", "self", "price", "duplicate", "not_open", "paused"])
def test_match_orders_rejections(env, case):
    buyer, seller = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(5_000), quote=100 * QUOTE)
    buy = env.place_buy(buyer, 1_000, PRICE)
    sell = env.place_sell(seller, 1_000, PRICE)
    if case == "zero":
        ix, code = env.ix_match(buyer.pubkey, buy, sell, 0), TE.ZeroAmount
    elif case == "sides":  # a sell order where the buy goes (the sell side's certificate account is valid)
        other_sell = env.place_sell(seller, 500, PRICE)
        second_quote = env.extra_token_account(seller.pubkey, env.quote_mint)  # else 2040 answers first
        ix, code = env.ix_match(buyer.pubkey, other_sell, sell, buyer_grx_account=seller.grx,
                                buyer_quote_account=second_quote), TE.WrongOrderSide
    elif case == "self":
        own_buy = env.place_buy(seller, 1_000, PRICE)
        # distinct token accounts, else Anchor's duplicate-mutable-account check (2040) answers first
        second_quote = env.extra_token_account(seller.pubkey, env.quote_mint)
        ix, code = env.ix_match(buyer.pubkey, own_buy, sell, seller_quote_account=second_quote), TE.SelfTrade
    elif case == "price":
        low = env.place_buy(buyer, 1_000, PRICE - 1)
        ix, code = env.ix_match(buyer.pubkey, low, sell), TE.PriceMismatch
    elif case == "duplicate":
        other = env.place_buy(buyer, 10, 1_000_000)
        ix, code = env.ix_match(buyer.pubkey, buy, sell, others=[other, other]), TE.DuplicateOrder
    elif case == "not_open":
        env.ok(env.ix_cancel(buyer, buy), buyer.keypair)
        ix, code = env.ix_match(buyer.pubkey, buy, sell), TE.OrderNotOpen
    else:
        pause(env)
        ix, code = env.ix_match(buyer.pubkey, buy, sell), CE.SystemPaused
    rejected(env, ix, code, buyer.keypair)


@pytest.mark.parametrize("case", ["buyer_grx_owner", "buyer_grx_mint", "buyer_quote_owner", "seller_quote_owner",
                                  "escrow", "fee_vault", "order_type", "remaining_type", "governance", "signer",
                                  "duplicate_mut"])
def test_match_orders_account_checks(env, case):
    buyer, seller = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(5_000))
    thief = env.new_user()
    buy, sell = env.place_buy(buyer, 1_000, PRICE), env.place_sell(seller, 1_000, PRICE)
    m = lambda **o: env.ix_match(buyer.pubkey, buy, sell, **o)  # noqa: E731
    ix, code = {
        "buyer_grx_owner": lambda: (m(buyer_grx_account=thief.grx), AE.ConstraintTokenOwner),
        "buyer_grx_mint": lambda: (m(buyer_grx_account=env.extra_token_account(buyer.pubkey, env.quote_mint)),
                                   AE.ConstraintTokenMint),
        "buyer_quote_owner": lambda: (m(buyer_quote_account=thief.quote), AE.ConstraintTokenOwner),
        "seller_quote_owner": lambda: (m(seller_quote_account=thief.quote), AE.ConstraintTokenOwner),
        "escrow": lambda: (m(quote_escrow=thief.quote), AE.ConstraintAddress),
        "fee_vault": lambda: (m(fee_vault=thief.quote), AE.ConstraintAddress),
        "order_type": lambda: (m(buy_order=env.market_address), AE.AccountDiscriminatorMismatch),
        "remaining_type": lambda: (env.ix_match(buyer.pubkey, buy, sell, others=[env.market_address]),
                                   AE.AccountDiscriminatorMismatch),
        "governance": lambda: (m(governance_config=fake_governance_config(env)), AE.AccountOwnedByWrongProgram),
        "duplicate_mut": lambda: (m(quote_escrow=env.accts["fee_vault"]), AE.ConstraintDuplicateMutableAccount),
        "signer": lambda: (unsigned(m(), buyer.pubkey), AE.AccountNotSigner),
    }[case]()
    rejected(env, ix, code, buyer.keypair)


# ----------------------------------------------------------------------------- execute_batch_auction


def book_from_seed(env: tc.TradingEnv):
    """The order book of platform-algorithms 1.2 (kWh -> Wh, THB -> micro-units)."""
    spec = [("buy", 100, 5_500_000), ("buy", 200, 5_000_000), ("buy", 150, 4_800_000),
            ("sell", 180, 4_500_000), ("sell", 120, 5_000_000), ("sell", 80, 5_200_000)]
    orders, users = [], []
    for side, kwh, price in spec:
        wh = kwh * 1_000
        if side == "buy":
            u = env.new_user(quote=tc.quote_for(wh, price))
            orders.append(env.place_buy(u, wh, price))
        else:
            u = env.new_user(grx=tc.grx_for(wh))
            orders.append(env.place_sell(u, wh, price))
        users.append(u)
    return orders, users


def test_execute_batch_auction(env):
    orders, users = book_from_seed(env)
    crank = env.new_user()
    before = {u.pubkey: (env.balance(u.grx), env.balance(u.quote)) for u in users}
    res = env.ok([cu_limit(), env.ix_batch(crank.pubkey, orders)], crank.keypair)
    cu = h.compute_units(res)
    # Demand >= 5.00: 300 kWh, supply <= 5.00: 300 kWh -> 300 kWh at 5.00 (4.80 gives 180, 5.20 gives 100).
    [summary] = events(res, "BatchAuctionExecuted")
    assert (summary["clearing_price"], summary["volume_wh"], summary["orders"]) == (5_000_000, 300_000, 6)
    fills = summary["fills"]
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"]) for f in fills] == \
        [(0, 3, 100_000), (1, 3, 80_000), (1, 4, 120_000)]
    for f in fills:
        o_buy, o_sell = (env.order(tc.order_pda(env.market_address, f[k])[0])
                         for k in ("buy_order_id", "sell_order_id"))
        assert o_sell.price <= summary["clearing_price"] <= o_buy.price
        assert f["quote_amount"] == tc.quote_for(f["amount_wh"], 5_000_000)
        assert f["fee"] == tc.fee_for(f["quote_amount"], 25)
    assert event_names(res) == ["BatchAuctionExecuted", "PriceUpdated"]
    quote_volume = tc.quote_for(300_000, 5_000_000)
    fees = sum(tc.fee_for(tc.quote_for(f["amount_wh"], 5_000_000), 25) for f in fills)
    assert (summary["quote_volume"], summary["fees"]) == (quote_volume, fees)
    # balances: buyers got GRX and the refund of their price improvement, sellers the proceeds minus fee
    b0, b1, b2, s0, s1, s2 = users
    assert env.balance(b0.grx) == tc.grx_for(100_000)
    assert env.balance(b0.quote) == tc.quote_for(100_000, 5_500_000) - tc.quote_for(100_000, 5_000_000)
    assert env.balance(b1.grx) == tc.grx_for(200_000) and env.balance(b1.quote) == 0
    assert env.balance(b2.grx) == 0 and env.balance(b2.quote) == before[b2.pubkey][1] == 0  # all still escrowed
    proceeds_s0 = sum(tc.quote_for(q, 5_000_000) - tc.fee_for(tc.quote_for(q, 5_000_000), 25)
                      for q in (100_000, 80_000))
    assert env.balance(s0.quote) == proceeds_s0
    assert env.balance(s1.quote) == tc.quote_for(120_000, 5_000_000) - tc.fee_for(tc.quote_for(120_000, 5_000_000), 25)
    assert env.balance(s2.quote) == 0 and env.order(orders[5]).filled_wh == 0
    assert env.balance(env.accts["fee_vault"]) == fees
    statuses = [env.order(o).status.discriminator for o in orders]
    assert statuses == [tc.STATUS_FILLED, tc.STATUS_FILLED, tc.STATUS_OPEN, tc.STATUS_FILLED, tc.STATUS_FILLED,
                        tc.STATUS_OPEN]
    m = env.market()
    assert (m.last_clearing_price, m.total_volume_wh, m.total_trades, m.open_orders) == (5_000_000, 300_000, 3, 2)
    assert (m.price_history_count, m.vwap) == (1, 5_000_000)
    escrow_invariants(env, orders)
    print(f"execute_batch_auction (6 orders, 3 fills): {cu} CU")


def test_execute_batch_auction_model_agrees(env):
    """Random-ish book: the on-chain result equals the Python model of the auction."""
    spec = [("buy", 700, 5_100_000), ("sell", 300, 5_050_000), ("buy", 200, 5_300_000), ("sell", 900, 4_900_000),
            ("buy", 400, 4_950_000), ("sell", 100, 5_300_000)]
    orders = []
    for side, wh, price in spec:
        if side == "buy":
            orders.append(env.place_buy(env.new_user(quote=tc.quote_for(wh, price)), wh, price))
        else:
            orders.append(env.place_sell(env.new_user(grx=tc.grx_for(wh)), wh, price))
    book = [tc.BookOrder(o.side.discriminator, o.price, o.order_id, o.amount_wh - o.filled_wh)
            for o in map(env.order, orders)]
    price, volume, fills = tc.run_auction(book, env.market().last_clearing_price)
    crank = env.new_user()
    res = env.ok([cu_limit(), env.ix_batch(crank.pubkey, orders)], crank.keypair)
    [summary] = events(res, "BatchAuctionExecuted")
    assert (summary["clearing_price"], summary["volume_wh"]) == (price, volume)
    assert [(f["buy_order_id"], f["sell_order_id"], f["amount_wh"]) for f in summary["fills"]] == \
        [(book[b].order_id, book[s].order_id, q) for b, s, q in fills]
    escrow_invariants(env, orders)


def test_execute_batch_auction_rejections(env):
    orders, users = book_from_seed(env)
    crank = env.new_user()
    b0, s0, s2 = orders[0], orders[3], orders[5]
    # no cross: only the 4.80 bid and the 5.20 ask
    rejected(env, env.ix_batch(crank.pubkey, [orders[2], s2]), TE.NoCrossingOrders, crank.keypair, index=1,
             pre=[cu_limit()])
    rejected(env, env.ix_batch(crank.pubkey, [b0, s0, b0]), TE.DuplicateOrder, crank.keypair, index=1,
             pre=[cu_limit()])
    rem = env.auction_remaining([b0, s0])
    bad_owner = list(rem)
    bad_owner[1] = AccountMeta(users[3].grx, False, True)  # the seller's GRX account for the buyer
    rejected(env, env.ix_batch(crank.pubkey, remaining=bad_owner), TE.InvalidTokenAccount, crank.keypair, index=1,
             pre=[cu_limit()])
    bad_mint = list(rem)
    bad_mint[1] = AccountMeta(users[0].quote, False, True)  # a quote account where the GRX one goes
    rejected(env, env.ix_batch(crank.pubkey, remaining=bad_mint), TE.InvalidTokenAccount, crank.keypair, index=1,
             pre=[cu_limit()])
    rejected(env, env.ix_batch(crank.pubkey, remaining=rem[:-1]), TE.InvalidRemainingAccounts, crank.keypair,
             index=1, pre=[cu_limit()])
    ro = list(rem)
    ro[0] = AccountMeta(b0, False, False)
    rejected(env, env.ix_batch(crank.pubkey, remaining=ro), TE.InvalidRemainingAccounts, crank.keypair, index=1,
             pre=[cu_limit()])
    wrong_type = [AccountMeta(env.market_address, False, True)] + rem[1:]
    rejected(env, env.ix_batch(crank.pubkey, remaining=wrong_type), AE.AccountDiscriminatorMismatch, crank.keypair,
             index=1, pre=[cu_limit()])
    rejected(env, env.ix_batch(crank.pubkey, [b0, s0], fee_vault=users[0].quote), AE.ConstraintAddress,
             crank.keypair, index=1, pre=[cu_limit()])
    rejected(env, env.ix_batch(crank.pubkey, [b0, s0], governance_config=fake_governance_config(env)),
             AE.AccountOwnedByWrongProgram, crank.keypair, index=1, pre=[cu_limit()])
    env.ok(env.ix_cancel(users[0], b0), users[0].keypair)
    rejected(env, env.ix_batch(crank.pubkey, [b0, s0]), TE.OrderNotOpen, crank.keypair, index=1, pre=[cu_limit()])
    pause(env)
    rejected(env, env.ix_batch(crank.pubkey, [orders[1], s0]), CE.SystemPaused, crank.keypair, index=1,
             pre=[cu_limit()])


def test_execute_batch_auction_max_orders(env):
    """MAX_BATCH_ORDERS crossing orders in one v0 transaction: compute and log budgets suffice."""
    orders = []
    for i in range(tc.MAX_BATCH_ORDERS):
        if i % 2 == 0:
            orders.append(env.place_buy(env.new_user(quote=10 * QUOTE), 100, 5_000_000 + 1_000 * i))
        else:
            orders.append(env.place_sell(env.new_user(grx=tc.grx_for(100)), 100, 4_900_000 + 1_000 * i))
    crank = env.new_user()
    res = send_v0(env, [cu_limit(), env.ix_batch(crank.pubkey, orders)], crank.keypair)
    h.expect_ok(res)
    assert not any("truncated" in line.lower() for line in h.logs(res))
    [summary] = events(res, "BatchAuctionExecuted")
    assert summary["volume_wh"] == 100 * tc.MAX_BATCH_ORDERS // 2
    escrow_invariants(env, orders)
    print(f"execute_batch_auction ({tc.MAX_BATCH_ORDERS} orders): {h.compute_units(res)} CU")


def test_execute_batch_auction_too_many_orders(env):
    seller = env.new_user(grx=tc.grx_for(1_000))
    cert = env.make_erc(seller.pubkey, 1_000)
    orders = [env.place_sell(seller, 10, PRICE, cert) for _ in range(tc.MAX_BATCH_ORDERS + 1)]
    crank = env.new_user()
    ix = env.ix_batch(crank.pubkey, orders)
    before = tracked(env)
    res = send_v0(env, [cu_limit(), ix], crank.keypair)
    h.assert_rejected(env.svm, res, TE.TooManyOrders, before, index=1)
    # exactly MAX_BATCH_ORDERS orders are accepted (here: no bid, so nothing crosses)
    res = send_v0(env, [cu_limit(), env.ix_batch(crank.pubkey, orders[:-1])], crank.keypair)
    assert h.custom_error_code(res) == TE.NoCrossingOrders


# ----------------------------------------------------------------------------- emit_market_depth


def test_emit_market_depth(env):
    buyers = [env.new_user(quote=1_000 * QUOTE) for _ in range(3)]
    seller = env.new_user(grx=tc.grx_for(100_000))
    cert = env.make_erc(seller.pubkey, 100_000)
    orders = []
    for i in range(12):  # 12 bid levels, the lowest two are cut off
        orders.append(env.place_buy(buyers[i % 3], 100 + i, 4_000_000 + 10_000 * (i % 12)))
    orders.append(env.place_buy(buyers[0], 50, 4_110_000))  # joins the best bid level
    for i in range(4):
        orders.append(env.place_sell(seller, 200, 5_000_000 + 50_000 * (i % 2), cert))
    cancelled = env.place_buy(buyers[1], 999, 4_200_000)
    env.ok(env.ix_cancel(buyers[1], cancelled), buyers[1].keypair)
    orders.append(cancelled)
    before = tracked(env)
    res = env.ok(env.ix_depth(orders))
    h.assert_unchanged(env.svm, before)
    [ev] = events(res, "MarketDepth")
    bids, asks = tc.market_depth(env.order(o) for o in orders)
    assert ev["bids"] == [{"price": l.price, "amount_wh": l.amount_wh, "orders": l.orders} for l in bids]
    assert ev["asks"] == [{"price": l.price, "amount_wh": l.amount_wh, "orders": l.orders} for l in asks]
    assert len(ev["bids"]) == 10 and ev["bids"][0] == {"price": 4_110_000, "amount_wh": 111 + 50, "orders": 2}
    assert ev["bids"][-1]["price"] == 4_020_000
    assert ev["asks"] == [{"price": 5_000_000, "amount_wh": 400, "orders": 2},
                          {"price": 5_050_000, "amount_wh": 400, "orders": 2}]
    assert ev["orders_seen"] == 17 and ev["timestamp"] == env.now()


def test_emit_market_depth_allowed_while_paused(env):
    buyer = env.new_user(quote=100 * QUOTE)
    order = env.place_buy(buyer, 1_000, PRICE)
    pause(env)
    res = env.ok(env.ix_depth([order]))
    assert events(res, "MarketDepth")[0]["bids"] == [{"price": PRICE, "amount_wh": 1_000, "orders": 1}]


def test_emit_market_depth_rejections(env):
    buyer = env.new_user(quote=100 * QUOTE)
    order = env.place_buy(buyer, 1_000, PRICE)
    rejected(env, env.ix_depth([order, order]), TE.DuplicateOrder)
    rejected(env, env.ix_depth([env.market_address]), AE.AccountDiscriminatorMismatch)
    rejected(env, env.ix_depth([buyer.pubkey]), AE.AccountOwnedByWrongProgram)
    rejected(env, env.ix_depth([order], market=tc.order_pda(env.market_address, 0)[0]),
             AE.AccountDiscriminatorMismatch)
    many = [order] + [Pubkey.new_unique() for _ in range(tc.MAX_DEPTH_ORDERS)]
    before = tracked(env)
    h.assert_rejected(env.svm, send_v0(env, [env.ix_depth(many)]), TE.TooManyOrders, before)


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


def traded_env(env: tc.TradingEnv) -> int:
    buyer, seller = env.new_user(quote=100 * QUOTE), env.new_user(grx=tc.grx_for(10_000))
    b, s = env.place_buy(buyer, 10_000, PRICE), env.place_sell(seller, 10_000, PRICE)
    env.ok(env.ix_match(buyer.pubkey, b, s), buyer.keypair)
    return env.balance(env.accts["fee_vault"])


def test_withdraw_fees(env):
    fees = traded_env(env)
    assert fees == tc.fee_for(50 * QUOTE, 25)
    dest = env.new_user()
    res = env.ok(env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.quote, fees - 1), env.bootstrap)
    assert env.balance(dest.quote) == fees - 1 and env.balance(env.accts["fee_vault"]) == 1
    assert events(res) == [{"admin": env.bootstrap.pubkey(), "destination": dest.quote, "amount": fees - 1}]


def test_withdraw_fees_rejections(env):
    fees = traded_env(env)
    dest = env.new_user()
    rejected(env, env.ix_withdraw_fees(dest.pubkey, dest.quote, 1), CE.NotAuthority, dest.keypair)
    rejected(env, env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.quote, 0), TE.ZeroAmount, env.bootstrap)
    rejected(env, env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.quote, fees + 1), TE.InsufficientFees,
             env.bootstrap)
    rejected(env, env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.grx, 1), AE.ConstraintTokenMint, env.bootstrap)
    rejected(env, env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.quote, 1, fee_vault=env.accts["quote_escrow"]),
             AE.ConstraintAddress, env.bootstrap)
    pause(env)
    rejected(env, env.ix_withdraw_fees(env.bootstrap.pubkey(), dest.quote, 1), CE.SystemPaused, env.bootstrap)


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
    rejected(env, tc.tix.accept_authority_transfer({"authority": new.pubkey(), "market": tc.order_pda(
        env.market_address, 0)[0]}), AE.AccountNotInitialized, new)
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
    buyer = env.new_user(quote=100 * QUOTE)
    pause(env)
    rejected(env, env.ix_place_buy(buyer, 1_000, PRICE), CE.SystemPaused, buyer.keypair)
    gov.unpause_for_tests(env.svm)
    env.place_buy(buyer, 1_000, PRICE)


# ----------------------------------------------------------------------------- property test


op = st.one_of(
    st.tuples(st.just("buy"), st.integers(0, 3), st.integers(1, 3_000), st.integers(4_500, 6_000)),
    st.tuples(st.just("sell"), st.integers(0, 3), st.integers(1, 3_000), st.integers(4_000, 5_500)),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("match"), st.integers(0, 50), st.integers(0, 50), st.integers(1, 4_000)),
    st.tuples(st.just("auction"), st.integers(0, 2**16)),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=4, max_size=30))
def test_random_order_sequences_keep_invariants(trading_so, ops):
    env = tc.TradingEnv.create(trading_so)
    users = [env.new_user(grx=tc.grx_for(20_000), quote=200 * QUOTE) for _ in range(4)]
    certs = [env.make_erc(u.pubkey, 10**9) for u in users]
    total_grx = sum(env.balance(u.grx) for u in users)
    total_quote = sum(env.balance(u.quote) for u in users)
    orders: list[tc.Pubkey] = []
    for o in ops:
        kind = o[0]
        if kind in ("buy", "sell"):
            _, ui, amount, price_milli = o
            price = price_milli * 1_000
            if kind == "buy":
                res = env.send(env.ix_place_buy(users[ui], amount, price), users[ui].keypair)
            else:
                res = env.send(env.ix_place_sell(users[ui], amount, price, certs[ui]), users[ui].keypair)
            if h.is_ok(res):
                orders.append(tc.order_pda(env.market_address, env.market().next_order_id - 1)[0])
        elif kind == "cancel" and orders:
            address = orders[o[1] % len(orders)]
            order = env.order(address)
            owner = next(u for u in users if u.pubkey == order.owner)
            res = env.send(env.ix_cancel(owner, address), owner.keypair)
            assert h.is_ok(res) == (order.status.discriminator in (tc.STATUS_OPEN, tc.STATUS_PARTIALLY_FILLED))
            event(f"cancel {'ok' if h.is_ok(res) else 'rejected'}")
        elif kind == "match":
            decoded = [(a, env.order(a)) for a in orders]
            # mostly open orders near the top of the book (so that many pairs cross), sometimes any order
            pool = decoded if o[1] >= 45 else [(a, x) for a, x in decoded if x.status.discriminator < 2]
            buys = sorted(((a, x) for a, x in pool if x.side.discriminator == tc.SIDE_BUY), key=lambda p: -p[1].price)
            sells = sorted(((a, x) for a, x in pool if x.side.discriminator == tc.SIDE_SELL), key=lambda p: p[1].price)
            if not buys or not sells:
                continue
            (b, bo), (s, so) = buys[o[1] % min(3, len(buys))], sells[o[2] % min(3, len(sells))]
            before = (bo.amount_wh - bo.filled_wh, so.amount_wh - so.filled_wh)
            res = env.send(env.ix_match(users[0].pubkey, b, s, o[3]), users[0].keypair)
            can = (bo.status.discriminator < 2 and so.status.discriminator < 2 and bo.owner != so.owner
                   and bo.price >= so.price)
            if can:  # a fill whose quote cost rounds to 0 is refused (FillTooSmall)
                q = min(o[3], *before)
                can = tc.quote_for(q, tc.clearing_price(bo.price, so.price, q, env.market().total_volume_wh)) > 0
            assert h.is_ok(res) == can, h.logs(res)
            event("match ok" if can else f"match rejected ({h.custom_error_code(res)})")
            if can:
                [fill] = events(res, "OrderMatched")
                assert so.price <= fill["price"] <= bo.price
                assert fill["amount_wh"] == min(o[3], *before)
        elif kind == "auction" and orders:
            open_orders = [a for a in orders if env.order(a).status.discriminator < 2]
            pick = [a for i, a in enumerate(open_orders) if (o[1] >> (i % 16)) & 1][:6]
            if not pick:
                continue
            decoded = [env.order(a) for a in pick]
            book = [tc.BookOrder(x.side.discriminator, x.price, x.order_id, x.amount_wh - x.filled_wh)
                    for x in decoded]
            model = tc.run_auction(book, env.market().last_clearing_price)
            res = env.send([cu_limit(), env.ix_batch(users[0].pubkey, pick)], users[0].keypair)
            expected = TE.NoCrossingOrders if model is None else None
            for bi, si, q in (model[2] if model else []):  # the first refused fill decides the error
                if decoded[bi].owner == decoded[si].owner:
                    expected = TE.SelfTrade
                elif tc.quote_for(q, model[0]) == 0:
                    expected = TE.FillTooSmall
                if expected:
                    break
            event(f"auction {'ok' if h.is_ok(res) else expected.name}")
            if h.is_ok(res):
                [summary] = events(res, "BatchAuctionExecuted")
                assert summary["fills"]
                for fill in summary["fills"]:
                    bo = env.order(tc.order_pda(env.market_address, fill["buy_order_id"])[0])
                    so = env.order(tc.order_pda(env.market_address, fill["sell_order_id"])[0])
                    assert so.price <= summary["clearing_price"] <= bo.price
            else:
                assert expected is not None and h.custom_error_code(res) == expected, h.logs(res)
            assert h.is_ok(res) == (expected is None)
        escrow_invariants(env, orders)
    # conservation: tokens only move between users, escrows and the fee vault
    a = env.accts
    assert sum(env.balance(u.grx) for u in users) + env.balance(a["grx_escrow"]) == total_grx
    assert sum(env.balance(u.quote) for u in users) + env.balance(a["quote_escrow"]) + \
        env.balance(a["fee_vault"]) == total_quote
    m = env.market()
    assert m.vwap == tc.vwap(m)
    assert m.open_orders == sum(1 for x in orders if env.order(x).status.discriminator < 2)
