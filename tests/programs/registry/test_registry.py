"""programs/registry in LiteSVM: every instruction's resulting state and events, every error each instruction can
raise, and the dual high-water-mark invariants (also as a hypothesis property).

Instructions are built with the generated client ``gridtokenx_cli.generated.registry`` through the helpers in
``gridtokenx_cli.clients.registry``. The GovernanceConfig comes from the real governance program, GRX from the
real energy_token program (``settle_and_mint_tokens`` CPIs ``mint_tokens_direct`` for real).

Signer PDAs of other programs. ``update_meter_reading`` accepts only the oracle's ``[b"oracle_authority"]`` PDA and
``update_claimed_erc_generation`` only governance's ``[b"governance_authority"]`` PDA. Three levels of testing:

* with signature verification on (the ``env`` fixture) a plain keypair signing in their place is rejected
  (``ConstraintSeeds``), and the PDA without a signature is rejected (``AccountNotSigner``);
* the handlers' own logic (timestamps, totals, claims) is tested on a LiteSVM with signature verification
  off (the ``sim`` fixture), where the transaction lists the PDA as a signer with a dummy signature; this
  reproduces exactly what the callee sees when the owning program signs through ``invoke_signed``;
* end to end through the real programs: ``test_oracle_cpi_*`` (oracle ``submit_meter_reading`` → registry) and
  ``test_governance_issue_erc_cpi`` (governance ``issue_erc`` → registry) run with signature verification on.

Meter totals that only oracle readings can produce are otherwise written with ``svm.set_account`` on top of the
real registered meter account (``registry.set_meter_fields``).
A separate fee payer signs every transaction, so the accounts the program sees keep exactly the same lamports and
data when a transaction is rejected."""
from __future__ import annotations

import dataclasses
import struct
import pytest
from hypothesis import given, settings
from gridtokenx_cli.testing import svm_lite as h
from gridtokenx_cli.testing import energy_token as et
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.clients import meter_pop
from gridtokenx_cli.testing import registry as rg
from gridtokenx_cli.testing.energy_token import EnergyTokenError as TE
from gridtokenx_cli.testing.governance import CommonError as C
from gridtokenx_cli.testing.registry import RegistryError as E
from gridtokenx_cli.generated.registry.errors import custom as generated_errors
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from registry_env import *  # noqa: F403
from registry_env import _forge_mint_and_account, _send_pausable


def test_error_enum_matches_generated_client():
    generated = {cls.name: cls.code for cls in vars(generated_errors).values()
                 if isinstance(cls, type) and hasattr(cls, "code") and hasattr(cls, "name")}
    assert generated == {e.name: e.value for e in E}


def test_meter_account_layout_is_the_contract(env):
    """docs/programs.md fixes MeterAccount's field order (oracle and governance read it): check the raw bytes."""
    env.set_meter(total_generation=0x1111, total_consumption=0x2222, settled_net_generation=0x33,
                  claimed_erc_generation=0x44, last_reading_at=-5, reading_count=7)
    data = bytes(env.svm.get_account(env.meter).data)
    assert data[:8] == h.sighash("account", "MeterAccount")
    fields = struct.unpack_from("<32s32sB32s?QQQQqQqBQ???", data, 8)
    assert fields == (env.mid, bytes(env.alice.pubkey()), 0, bytes(env.meter_key), True, 0x1111, 0x2222, 0x33,
                      0x44, -5, 7, T0, rg.meter_pda(env.mid)[1], rg.DEFAULT_CAPACITY_W, True, False, False)
    assert len(data) == 8 + struct.calcsize("<32s32sB32s?QQQQqQqBQ???")


def test_meter_id_encoding():
    assert rg.meter_id("M1") == b"M1" + bytes(30)
    assert rg.meter_id("x" * 32) == b"x" * 32
    with pytest.raises(ValueError):
        rg.meter_id("x" * 33)


def test_initialize_registry(bare):
    res = bare.ok(rg.ix_initialize_registry(bare.admin.pubkey()), bare.admin)
    cfg = bare.cfg()
    assert cfg.admin.authority == bare.admin.pubkey() == gov.bootstrap_keypair().pubkey()
    assert (cfg.admin.pending_authority, cfg.admin.pending_expires_at) == (Pubkey.default(), 0)
    assert (cfg.user_count, cfg.meter_count, cfg.bump) == (0, 0, rg.registry_config_pda()[1])
    assert events(res) == [{"config": bare.config, "admin": bare.admin.pubkey()}]


def test_initialize_registry_requires_bootstrap(bare):
    before = h.snapshots(bare.svm, bare.config, bare.alice.pubkey())
    h.assert_rejected(bare.svm, bare.send(rg.ix_initialize_registry(bare.alice.pubkey()), bare.alice),
                      C.NotBootstrapAuthority, before)


def test_initialize_registry_twice(fresh):
    before = fresh.snaps()
    h.assert_rejected(fresh.svm, fresh.send(rg.ix_initialize_registry(fresh.admin.pubkey()), fresh.admin),
                      SYSTEM_ALREADY_IN_USE, before)


def test_initialize_registry_wrong_address(bare):
    ix = replace_account(rg.ix_initialize_registry(bare.admin.pubkey()), bare.config, Keypair().pubkey())
    before = h.snapshots(bare.svm, bare.config, bare.admin.pubkey())
    h.assert_rejected(bare.svm, bare.send(ix, bare.admin), A.ConstraintSeeds, before)


def test_initialize_registry_requires_signature(bare):
    ix = unsign(rg.ix_initialize_registry(bare.admin.pubkey()), bare.admin.pubkey())
    before = h.snapshots(bare.svm, bare.config, bare.admin.pubkey())
    h.assert_rejected(bare.svm, bare.send(ix), A.AccountNotSigner, before)


@pytest.mark.parametrize("user_type, disc", [("Prosumer", 0), ("Consumer", 1)])
def test_register_user(fresh, user_type, disc):
    set_time(fresh.svm, T0 + 5)
    res = fresh.ok(rg.ix_register_user(fresh.alice.pubkey(), user_type), fresh.alice)
    u = fresh.user(fresh.alice.pubkey())
    assert u.owner == fresh.alice.pubkey() and u.user_type == rg.USER_TYPES[user_type]
    assert (u.meter_count, u.registered_at, u.bump) == (0, T0 + 5, rg.user_pda(fresh.alice.pubkey())[1])
    assert fresh.cfg().user_count == 1
    assert events(res) == [{"user": rg.user_pda(fresh.alice.pubkey())[0], "owner": fresh.alice.pubkey(),
                            "user_type": disc, "user_count": 1, "registered_at": T0 + 5}]
    fresh.ok(rg.ix_register_user(fresh.bob.pubkey(), "Consumer"), fresh.bob)
    assert fresh.cfg().user_count == 2


def test_register_user_twice(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_register_user(env.alice.pubkey(), "Consumer"), env.alice),
                      SYSTEM_ALREADY_IN_USE, before)


def test_register_user_wrong_pda(fresh):
    ix = replace_account(rg.ix_register_user(fresh.alice.pubkey()), rg.user_pda(fresh.alice.pubkey())[0],
                         rg.user_pda(fresh.bob.pubkey())[0])
    before = h.snapshots(fresh.svm, fresh.config, rg.user_pda(fresh.bob.pubkey())[0], fresh.alice.pubkey())
    h.assert_rejected(fresh.svm, fresh.send(ix, fresh.alice), A.ConstraintSeeds, before)


def test_register_user_paused(fresh):
    gov.pause_for_tests(fresh.svm)
    before = h.snapshots(fresh.svm, fresh.config, rg.user_pda(fresh.alice.pubkey())[0], fresh.alice.pubkey())
    h.assert_rejected(fresh.svm, fresh.send(rg.ix_register_user(fresh.alice.pubkey()), fresh.alice),
                      C.SystemPaused, before)


def test_register_user_before_initialisation(bare):
    before = h.snapshots(bare.svm, bare.config, rg.user_pda(bare.alice.pubkey())[0], bare.alice.pubkey())
    h.assert_rejected(bare.svm, bare.send(rg.ix_register_user(bare.alice.pubkey()), bare.alice),
                      A.AccountNotInitialized, before)


def test_register_user_requires_signature(fresh):
    ix = unsign(rg.ix_register_user(fresh.alice.pubkey()), fresh.alice.pubkey())
    before = h.snapshots(fresh.svm, fresh.config, rg.user_pda(fresh.alice.pubkey())[0], fresh.alice.pubkey())
    h.assert_rejected(fresh.svm, fresh.send(ix), A.AccountNotSigner, before)


@pytest.mark.parametrize("meter_type, disc", [("Solar", 0), ("Wind", 1), ("Battery", 2), ("Grid", 3)])
def test_register_meter(env, meter_type, disc):
    set_time(env.svm, T0 + 9)
    mid, kp = rg.meter_id(f"M-{meter_type}"), Keypair()
    key = kp.pubkey()
    res = env.ok(reg_meter(env.alice.pubkey(), mid, meter_type, kp, capacity_w=7_500), env.alice)
    addr, bump = rg.meter_pda(mid)
    m = env.m(addr)
    assert bytes(m.meter_id) == mid and m.owner == env.alice.pubkey() and m.meter_type == rg.METER_TYPES[meter_type]
    assert m.meter_pubkey == key and m.active is True
    assert meter_tuple(m) == (0, 0, 0, 0, 0, 0) and (m.registered_at, m.bump) == (T0 + 9, bump)
    assert (m.capacity_w, m.approved, m.retired, m.deactivated_by_admin) == (7_500, True, False, False)
    assert env.user(env.alice.pubkey()).meter_count == 2 and env.cfg().meter_count == 2
    assert events(res) == [{"meter": addr, "meter_id": mid, "owner": env.alice.pubkey(), "meter_type": disc,
                            "meter_pubkey": key, "meter_count": 2, "registered_at": T0 + 9, "capacity_w": 7_500,
                            "approved": True}]


def test_register_meter_invalid_id(env):
    before = env.snaps(rg.meter_pda(bytes(32))[0])
    res = env.send(reg_meter(env.alice.pubkey(), bytes(32), "Solar"), env.alice)
    h.assert_rejected(env.svm, res, E.InvalidMeterId, before, index=1)


def test_register_meter_invalid_pubkey(env):
    mid = rg.meter_id("M2")
    before = env.snaps(rg.meter_pda(mid)[0])
    res = env.send(rg.ix_register_meter(env.alice.pubkey(), mid, "Solar", Pubkey.default(), 1_000), env.alice)
    h.assert_rejected(env.svm, res, E.InvalidMeterPubkey, before)


def test_register_meter_requires_registered_user(env):
    mid = rg.meter_id("BOB-1")
    before = env.snaps(rg.meter_pda(mid)[0], rg.user_pda(env.bob.pubkey())[0])
    res = env.send(reg_meter(env.bob.pubkey(), mid, "Wind"), env.bob)
    h.assert_rejected(env.svm, res, A.AccountNotInitialized, before, index=1)


def test_register_meter_duplicate_id(env):
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    before = env.snaps(rg.user_pda(env.bob.pubkey())[0])
    res = env.send(reg_meter(env.bob.pubkey(), env.mid, "Wind"), env.bob)
    h.assert_rejected(env.svm, res, SYSTEM_ALREADY_IN_USE, before, index=1)


def test_register_meter_address_must_match_id(env):
    mid = rg.meter_id("M2")
    other = rg.meter_pda(rg.meter_id("M3"))[0]
    before = env.snaps(rg.meter_pda(mid)[0], other)
    res = env.send(reg_meter(env.alice.pubkey(), mid, "Solar", meter_address=other),
                   env.alice)
    h.assert_rejected(env.svm, res, A.ConstraintSeeds, before, index=1)


def test_register_meter_user_account_must_belong_to_signer(env):
    """A UserAccount at bob's PDA that names someone else as owner (forged) is refused."""
    user = rg.user_pda(env.alice.pubkey())[0]
    data = bytes(env.svm.get_account(user).data)
    forged = data[:8] + bytes(env.alice.pubkey()) + data[40:]
    bob_user, bump = rg.user_pda(env.bob.pubkey())
    forged = forged[:-1] + bytes([bump])
    h.set_account(env.svm, bob_user, forged, rg.PROGRAM_ID)
    mid = rg.meter_id("BOB-1")
    before = env.snaps(bob_user, rg.meter_pda(mid)[0])
    res = env.send(reg_meter(env.bob.pubkey(), mid, "Wind"), env.bob)
    h.assert_rejected(env.svm, res, A.ConstraintHasOne, before, index=1)


def test_register_meter_paused(env):
    gov.pause_for_tests(env.svm)
    mid = rg.meter_id("M2")
    before = env.snaps(rg.meter_pda(mid)[0])
    res = env.send(reg_meter(env.alice.pubkey(), mid, "Solar"), env.alice)
    h.assert_rejected(env.svm, res, C.SystemPaused, before, index=1)


def test_register_meter_requires_signature(env):
    mid = rg.meter_id("M2")
    pop, ix = reg_meter(env.alice.pubkey(), mid, "Solar")
    before = env.snaps(rg.meter_pda(mid)[0])
    h.assert_rejected(env.svm, env.send([pop, unsign(ix, env.alice.pubkey())]), A.AccountNotSigner, before, index=1)


def test_update_meter_reading_rejects_plain_keypair(env):
    """With real signatures, a key that is not the oracle's PDA cannot sign: ConstraintSeeds."""
    impostor = Keypair()
    before = env.snaps(impostor.pubkey())
    res = env.send(rg.ix_update_meter_reading(impostor.pubkey(), env.meter, 100, 0, T0), impostor)
    h.assert_rejected(env.svm, res, A.ConstraintSeeds, before)


def test_update_meter_reading_requires_the_pda_signature(env):
    oracle_authority = rg.oracle_authority_pda()[0]
    ix = unsign(rg.ix_update_meter_reading(oracle_authority, env.meter, 100, 0, T0), oracle_authority)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix), A.AccountNotSigner, before)


@pytest.mark.parametrize("pda", ["governance_authority", "registry_authority", "oracle_seed_other_program"])
def test_update_meter_reading_rejects_other_pdas(sim, pda):
    signer = {"governance_authority": rg.governance_authority_pda()[0],
              "registry_authority": rg.registry_authority_pda()[0],
              "oracle_seed_other_program": rg.oracle_authority_pda(rg.PROGRAM_ID)[0]}[pda]
    before = sim.snaps()
    res = sim.send_as_pda(rg.ix_update_meter_reading(signer, sim.meter, 100, 0, T0))
    h.assert_rejected(sim.svm, res, A.ConstraintSeeds, before)


def test_update_meter_reading(sim):
    res = h.expect_ok(sim.reading(5_000, 1_200, T0 - 30))
    m = sim.m()
    assert meter_tuple(m) == (5_000, 1_200, 0, 0, T0 - 30, 1)
    assert events(res) == [{"meter_id": sim.mid, "energy_produced": 5_000, "energy_consumed": 1_200,
                            "reading_timestamp": T0 - 30, "total_generation": 5_000, "total_consumption": 1_200,
                            "reading_count": 1}]
    set_time(sim.svm, T0 + 900)
    res = h.expect_ok(sim.reading(0, 300, T0 + 900))
    assert meter_tuple(sim.m()) == (5_000, 1_500, 0, 0, T0 + 900, 2)
    assert events(res)[0]["total_consumption"] == 1_500
    # nothing else in the meter moved
    m2 = sim.m()
    assert (m2.owner, m2.meter_pubkey, m2.active, m2.registered_at, m2.bump) == (
        m.owner, m.meter_pubkey, m.active, m.registered_at, m.bump)


def test_update_meter_reading_bounds_accepted(sim):
    """First reading: any past timestamp (no gap rule yet); then exactly +24 h; and exactly now + 60 s."""
    h.expect_ok(sim.reading(1, 0, 1))
    set_time(sim.svm, 1 + DAY)
    h.expect_ok(sim.reading(1, 0, 1 + DAY))
    h.expect_ok(sim.reading(1, 0, 1 + DAY + 60))
    assert meter_tuple(sim.m()) == (3, 0, 0, 0, 1 + DAY + 60, 3)


@pytest.mark.parametrize("ts", [T0 - 100, T0 - 101])
def test_update_meter_reading_outdated(sim, ts):
    h.expect_ok(sim.reading(10, 0, T0 - 100))
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(10, 0, ts), E.OutdatedReading, before)


def test_update_meter_reading_zero_timestamp_on_new_meter(sim):
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(10, 0, 0), E.OutdatedReading, before)


def test_update_meter_reading_future(sim):
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(10, 0, T0 + 61), E.FutureReading, before)


def test_update_meter_reading_future_at_i64_max(sim):
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(10, 0, I64_MAX), E.FutureReading, before)


def test_update_meter_reading_stale(sim):
    h.expect_ok(sim.reading(10, 0, T0 - DAY - 1))
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(10, 0, T0), E.StaleReading, before)


@pytest.mark.parametrize("field", ["generation", "consumption"])
def test_update_meter_reading_overflow(sim, field):
    h.expect_ok(sim.reading(U64_MAX if field == "generation" else 0, U64_MAX if field == "consumption" else 0,
                            T0 - 10))
    before = sim.snaps()
    produced, consumed = (1, 0) if field == "generation" else (0, 1)
    h.assert_rejected(sim.svm, sim.reading(produced, consumed, T0), E.ArithmeticOverflow, before)


def test_update_meter_reading_count_overflow(sim):
    sim.set_meter(reading_count=U64_MAX, last_reading_at=T0 - 10)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(1, 1, T0), E.ArithmeticOverflow, before)


def test_update_meter_reading_gap_overflow(sim):
    """A corrupted last_reading_at far in the past: the gap computation overflows (checked, named error)."""
    sim.set_meter(reading_count=1, last_reading_at=-(2**63))
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(1, 1, T0), E.ArithmeticOverflow, before)


def test_update_meter_reading_inactive_meter(sim):
    sim.ok(rg.ix_deactivate_meter(sim.alice.pubkey(), sim.meter), sim.alice)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(10, 0, T0), E.MeterInactive, before)


def test_update_meter_reading_paused(sim):
    gov.pause_for_tests(sim.svm)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(10, 0, T0), C.SystemPaused, before)


@pytest.mark.parametrize("forgery, code", [("address", A.ConstraintSeeds), ("owner", A.AccountOwnedByWrongProgram),
                                           ("user_account", A.AccountDiscriminatorMismatch)])
def test_update_meter_reading_rejects_forged_meter(sim, forgery, code):
    if forgery == "user_account":
        fake = rg.user_pda(sim.alice.pubkey())[0]
    else:
        fake = copy_account(sim, sim.meter, owner=None if forgery == "address" else gov.PROGRAM_ID)
    before = sim.snaps(fake)
    res = sim.send_as_pda(rg.ix_update_meter_reading(rg.oracle_authority_pda()[0], fake, 10, 0, T0))
    h.assert_rejected(sim.svm, res, code, before)


def test_settle_and_mint_tokens(env):
    env.set_meter(total_generation=5_000, total_consumption=1_200)
    set_time(env.svm, T0 + 77)
    res = env.ok(rg.ix_settle_and_mint_tokens(env.alice.pubkey(), env.meter), env.alice)
    m = env.m()
    assert (m.total_generation, m.total_consumption, m.settled_net_generation, m.claimed_erc_generation) == (
        5_000, 1_200, 3_800, 0)
    tokens = 3_800 * GRX_PER_WH
    assert et.token_balance(env.svm, env.grx) == tokens
    info = et.fetch_token_info(env.svm)
    assert (info.total_minted, info.total_burned, info.total_supply) == (tokens, 0, tokens)
    assert et.mint_supply(env.svm) == tokens
    assert h.decode_events(res, rg.ALL_EVENT_LAYOUTS) == [
        ("TokensMinted", {"destination": env.grx, "authority": rg.registry_authority_pda()[0], "amount": tokens,
                          "total_minted": tokens, "total_supply": tokens, "timestamp": T0 + 77}),
        ("MeterSettled", {"meter_id": env.mid, "owner": env.alice.pubkey(), "energy_settled": 3_800,
                          "tokens_minted": tokens, "settled_net_generation": 3_800, "timestamp": T0 + 77}),
    ]
    # more generation later: only the delta is minted
    env.set_meter(total_generation=6_000, total_consumption=1_300)
    res = env.ok(rg.ix_settle_and_mint_tokens(env.alice.pubkey(), env.meter), env.alice)
    assert env.m().settled_net_generation == 4_700
    assert et.token_balance(env.svm, env.grx) == 4_700 * GRX_PER_WH == et.mint_supply(env.svm)
    assert events(res, "MeterSettled")[0]["energy_settled"] == 900


def test_settle_nothing_on_new_meter(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.settle(), E.NothingToSettle, before)


@pytest.mark.parametrize("gen, cons, settled", [(1_000, 1_000, 0), (100, 500, 0), (2_000, 500, 1_500),
                                                (2_000, 900, 1_500)])
def test_settle_nothing_to_settle(env, gen, cons, settled):
    """Net consumers and fully settled meters have nothing to settle; consumption growing after a settlement
    does not move the mark back (and mints nothing)."""
    env.set_meter(total_generation=gen, total_consumption=cons, settled_net_generation=settled)
    before = env.snaps()
    h.assert_rejected(env.svm, env.settle(), E.NothingToSettle, before)


def test_settle_tokens_overflow(env):
    env.set_meter(total_generation=U64_MAX // GRX_PER_WH + 1)
    before = env.snaps()
    h.assert_rejected(env.svm, env.settle(), E.ArithmeticOverflow, before)


def test_settle_largest_amount(env):
    env.set_meter(total_generation=U64_MAX // GRX_PER_WH)
    env.ok(rg.ix_settle_and_mint_tokens(env.alice.pubkey(), env.meter), env.alice)
    assert et.mint_supply(env.svm) == (U64_MAX // GRX_PER_WH) * GRX_PER_WH


def test_settle_inactive_meter(env):
    env.set_meter(total_generation=10)
    env.ok(rg.ix_deactivate_meter(env.admin.pubkey(), env.meter), env.admin)
    before = env.snaps()
    h.assert_rejected(env.svm, env.settle(), E.MeterInactive, before)


def test_settle_paused(env):
    env.set_meter(total_generation=10)
    gov.pause_for_tests(env.svm)
    before = env.snaps()
    h.assert_rejected(env.svm, env.settle(), C.SystemPaused, before)


def test_settle_requires_meter_owner(env):
    env.set_meter(total_generation=10)
    bob_grx = et.create_grx_account(env.svm, env.payer, env.bob.pubkey())
    before = env.snaps(bob_grx)
    h.assert_rejected(env.svm, env.settle(owner=env.bob, destination=bob_grx), A.ConstraintHasOne, before)


def test_settle_destination_must_belong_to_owner(env):
    env.set_meter(total_generation=10)
    bob_grx = et.create_grx_account(env.svm, env.payer, env.bob.pubkey())
    before = env.snaps(bob_grx)
    h.assert_rejected(env.svm, env.settle(destination=bob_grx), A.ConstraintTokenOwner, before)


def test_settle_destination_must_be_grx(env):
    env.set_meter(total_generation=10)
    _, acct = _forge_mint_and_account(env, env.alice.pubkey())
    before = env.snaps(acct)
    h.assert_rejected(env.svm, env.settle(destination=acct), A.ConstraintTokenMint, before)


def test_settle_rejects_other_mint_in_energy_token(env):
    """A look-alike mint passes the registry's own checks but energy_token refuses it (CPI error)."""
    env.set_meter(total_generation=10)
    mint, acct = _forge_mint_and_account(env, env.alice.pubkey())
    before = env.snaps(mint, acct)
    h.assert_rejected(env.svm, env.settle(destination=acct, mint=mint), A.ConstraintAddress, before)


def test_settle_rejects_fake_token_info_in_energy_token(env):
    env.set_meter(total_generation=10)
    fake = copy_account(env, et.token_info_pda()[0])
    before = env.snaps(fake)
    h.assert_rejected(env.svm, env.settle(token_info=fake), A.ConstraintSeeds, before)


def test_settle_energy_token_supply_check_applies(env):
    """energy_token's own checks run inside the settlement CPI (here: corrupted supply records)."""
    env.set_meter(total_generation=10)
    env.ok(et.ix_mint_tokens_direct(env.admin.pubkey(), env.grx, 5), env.admin)
    info = et.fetch_token_info(env.svm)
    h.set_account(env.svm, et.token_info_pda()[0],
                  et.encode_token_info(dataclasses.replace(info, total_minted=0, total_supply=0)), et.PROGRAM_ID)
    before = env.snaps()
    h.assert_rejected(env.svm, env.settle(), TE.SupplyMismatch, before)


def test_settle_wrong_registry_authority(env):
    env.set_meter(total_generation=10)
    before = env.snaps()
    res = env.settle(registry_authority=rg.oracle_authority_pda()[0])
    h.assert_rejected(env.svm, res, A.ConstraintSeeds, before)


def test_settle_wrong_energy_token_program(env):
    env.set_meter(total_generation=10)
    ix = replace_account(rg.ix_settle_and_mint_tokens(env.alice.pubkey(), env.meter), et.PROGRAM_ID, gov.PROGRAM_ID)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix, env.alice), A.InvalidProgramId, before)


def test_settle_requires_signature(env):
    env.set_meter(total_generation=10)
    ix = unsign(rg.ix_settle_and_mint_tokens(env.alice.pubkey(), env.meter), env.alice.pubkey())
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix), A.AccountNotSigner, before)


@pytest.mark.parametrize("forgery, code", [("address", A.ConstraintSeeds), ("owner", A.AccountOwnedByWrongProgram)])
def test_settle_rejects_forged_meter(env, forgery, code):
    env.set_meter(total_generation=10)
    fake = copy_account(env, env.meter, owner=None if forgery == "address" else gov.PROGRAM_ID)
    before = env.snaps(fake)
    h.assert_rejected(env.svm, env.settle(meter=fake), code, before)


def test_update_claimed_erc_generation_rejects_plain_keypair(env):
    env.set_meter(total_generation=1_000)
    impostor = Keypair()
    before = env.snaps(impostor.pubkey())
    res = env.send(rg.ix_update_claimed_erc_generation(impostor.pubkey(), env.meter, 10), impostor)
    h.assert_rejected(env.svm, res, A.ConstraintSeeds, before)


def test_update_claimed_erc_generation_requires_the_pda_signature(env):
    env.set_meter(total_generation=1_000)
    pda = rg.governance_authority_pda()[0]
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(unsign(rg.ix_update_claimed_erc_generation(pda, env.meter, 10), pda)),
                      A.AccountNotSigner, before)


def test_update_claimed_erc_generation_rejects_oracle_pda(sim):
    sim.set_meter(total_generation=1_000)
    before = sim.snaps()
    res = sim.send_as_pda(rg.ix_update_claimed_erc_generation(rg.oracle_authority_pda()[0], sim.meter, 10))
    h.assert_rejected(sim.svm, res, A.ConstraintSeeds, before)


def test_update_claimed_erc_generation(sim):
    sim.set_meter(total_generation=1_000, total_consumption=900, settled_net_generation=100)
    res = h.expect_ok(sim.claim(600))
    assert sim.m().claimed_erc_generation == 600
    assert events(res) == [{"meter_id": sim.mid, "amount": 600, "claimed_erc_generation": 600,
                            "total_generation": 1_000}]
    h.expect_ok(sim.claim(400))  # up to exactly total_generation (independent of net / settled)
    m = sim.m()
    assert (m.claimed_erc_generation, m.settled_net_generation, m.total_generation) == (1_000, 100, 1_000)


def test_update_claimed_erc_generation_exceeds(sim):
    sim.set_meter(total_generation=1_000, claimed_erc_generation=600)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.claim(401), E.ClaimExceedsGeneration, before)


def test_update_claimed_erc_generation_overflow(sim):
    sim.set_meter(total_generation=U64_MAX, claimed_erc_generation=U64_MAX - 1)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.claim(2), E.ClaimExceedsGeneration, before)


def test_update_claimed_erc_generation_zero(sim):
    sim.set_meter(total_generation=1_000)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.claim(0), E.ZeroClaimAmount, before)


@pytest.mark.parametrize("forgery, code", [("address", A.ConstraintSeeds), ("owner", A.AccountOwnedByWrongProgram)])
def test_update_claimed_erc_generation_rejects_forged_meter(sim, forgery, code):
    sim.set_meter(total_generation=1_000)
    fake = copy_account(sim, sim.meter, owner=None if forgery == "address" else gov.PROGRAM_ID)
    before = sim.snaps(fake)
    res = sim.send_as_pda(rg.ix_update_claimed_erc_generation(rg.governance_authority_pda()[0], fake, 10))
    h.assert_rejected(sim.svm, res, code, before)


def test_deactivate_and_reactivate_meter(env):
    """The owner's own deactivation is reversible by the owner (or the admin)."""
    set_time(env.svm, T0 + 3)
    res = env.ok(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice)
    assert (env.m().active, env.m().deactivated_by_admin) == (False, False)
    assert events(res) == [{"meter_id": env.mid, "active": False, "changed_by": env.alice.pubkey(),
                            "timestamp": T0 + 3, "deactivated_by_admin": False}]
    res = env.ok(rg.ix_reactivate_meter(env.admin.pubkey(), env.meter), env.admin)
    assert env.m().active is True
    assert events(res) == [{"meter_id": env.mid, "active": True, "changed_by": env.admin.pubkey(),
                            "timestamp": T0 + 3, "deactivated_by_admin": False}]
    env.ok(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice)
    env.ok(rg.ix_reactivate_meter(env.alice.pubkey(), env.meter), env.alice)
    m = env.m()
    assert m.active is True and meter_tuple(m) == (0, 0, 0, 0, 0, 0)


def test_admin_deactivation_sticks(env):
    """An admin deactivation is undone only by the admin (ReactivationRequiresAdmin for the owner)."""
    set_time(env.svm, T0 + 4)
    res = env.ok(rg.ix_deactivate_meter(env.admin.pubkey(), env.meter), env.admin)
    assert (env.m().active, env.m().deactivated_by_admin) == (False, True)
    assert events(res) == [{"meter_id": env.mid, "active": False, "changed_by": env.admin.pubkey(),
                            "timestamp": T0 + 4, "deactivated_by_admin": True}]
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_reactivate_meter(env.alice.pubkey(), env.meter), env.alice),
                      E.ReactivationRequiresAdmin, before)
    res = env.ok(rg.ix_reactivate_meter(env.admin.pubkey(), env.meter), env.admin)
    assert (env.m().active, env.m().deactivated_by_admin) == (True, False)
    assert events(res)[0]["deactivated_by_admin"] is False


def test_admin_locks_a_meter_the_owner_deactivated(env):
    """The admin may turn the owner's (reversible) deactivation into an admin one; a second admin deactivation
    is MeterInactive."""
    env.ok(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice)
    env.ok(rg.ix_deactivate_meter(env.admin.pubkey(), env.meter), env.admin)
    assert (env.m().active, env.m().deactivated_by_admin) == (False, True)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_reactivate_meter(env.alice.pubkey(), env.meter), env.alice),
                      E.ReactivationRequiresAdmin, before)
    h.assert_rejected(env.svm, env.send(rg.ix_deactivate_meter(env.admin.pubkey(), env.meter), env.admin),
                      E.MeterInactive, before)
    # the owner cannot downgrade the lock either
    h.assert_rejected(env.svm, env.send(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice),
                      E.MeterInactive, before)


@pytest.mark.parametrize("which", ["deactivate", "reactivate"])
def test_set_meter_active_requires_owner_or_admin(env, which):
    if which == "reactivate":
        env.ok(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice)
    build = rg.ix_deactivate_meter if which == "deactivate" else rg.ix_reactivate_meter
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(build(env.bob.pubkey(), env.meter), env.bob),
                      E.UnauthorizedMeterAuthority, before)


def test_deactivate_inactive_meter(env):
    env.ok(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice),
                      E.MeterInactive, before)


def test_reactivate_active_meter(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_reactivate_meter(env.admin.pubkey(), env.meter), env.admin),
                      E.MeterAlreadyActive, before)


@pytest.mark.parametrize("which", ["deactivate", "reactivate"])
def test_set_meter_active_paused(env, which):
    if which == "reactivate":
        env.ok(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice)
    gov.pause_for_tests(env.svm)
    build = rg.ix_deactivate_meter if which == "deactivate" else rg.ix_reactivate_meter
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(build(env.alice.pubkey(), env.meter), env.alice), C.SystemPaused, before)


@pytest.mark.parametrize("which", ["deactivate", "reactivate"])
def test_set_meter_active_requires_signature(env, which):
    build = rg.ix_deactivate_meter if which == "deactivate" else rg.ix_reactivate_meter
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(unsign(build(env.alice.pubkey(), env.meter), env.alice.pubkey())),
                      A.AccountNotSigner, before)


@pytest.mark.parametrize("forgery, code", [("address", A.ConstraintSeeds), ("owner", A.AccountOwnedByWrongProgram)])
def test_set_meter_active_rejects_forged_meter(env, forgery, code):
    fake = copy_account(env, env.meter, owner=None if forgery == "address" else gov.PROGRAM_ID)
    before = env.snaps(fake)
    h.assert_rejected(env.svm, env.send(rg.ix_deactivate_meter(env.alice.pubkey(), fake), env.alice), code, before)


def test_set_meter_active_rejects_forged_config(env):
    """A config copy naming bob as admin is not the registry config."""
    cfg = env.cfg()
    data = bytes(env.svm.get_account(env.config).data)
    fake = copy_account(env, env.config, data=data[:8] + bytes(env.bob.pubkey()) + data[40:])
    assert rg.decode_registry_config(bytes(env.svm.get_account(fake).data)).admin.authority == env.bob.pubkey()
    assert cfg.admin.authority == env.admin.pubkey()
    ix = replace_account(rg.ix_deactivate_meter(env.bob.pubkey(), env.meter), env.config, fake)
    before = env.snaps(fake)
    h.assert_rejected(env.svm, env.send(ix, env.bob), A.ConstraintSeeds, before)


def test_resume_meter_after_outage(sim):
    """A meter silent for 2 days: its next reading is StaleReading (and so would every later one); the admin
    resumes it, then readings within 24 h of the resume point are accepted and add to the untouched totals."""
    h.expect_ok(sim.reading(5_000, 1_000, T0))
    sim.set_meter(settled_net_generation=3_000, claimed_erc_generation=2_000)
    now = T0 + 2 * DAY
    set_time(sim.svm, now)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(700, 200, now), E.StaleReading, before)
    m0 = sim.m()

    resume_at = now - 600
    res = sim.ok(rg.ix_resume_meter(sim.admin.pubkey(), sim.meter, resume_at), sim.admin)
    assert events(res) == [{"meter_id": sim.mid, "previous_last_reading_at": T0, "resume_at": resume_at}]
    m1 = sim.m()
    # only last_reading_at moved: totals, marks, reading_count and everything else are as before
    assert meter_tuple(m1) == (5_000, 1_000, 3_000, 2_000, resume_at, 1)
    assert dataclasses.replace(m1, last_reading_at=m0.last_reading_at) == m0

    res = h.expect_ok(sim.reading(700, 200, now))
    assert meter_tuple(sim.m()) == (5_700, 1_200, 3_000, 2_000, now, 2)
    assert events(res) == [{"meter_id": sim.mid, "energy_produced": 700, "energy_consumed": 200,
                            "reading_timestamp": now, "total_generation": 5_700, "total_consumption": 1_200,
                            "reading_count": 2}]
    # and the meter keeps reporting normally
    set_time(sim.svm, now + DAY)
    h.expect_ok(sim.reading(10, 0, now + DAY))
    assert meter_tuple(sim.m()) == (5_710, 1_200, 3_000, 2_000, now + DAY, 3)


def test_resume_meter_sets_the_gap_origin(sim):
    """After a resume, a reading at or before resume_at is outdated and one more than 24 h after it is stale."""
    h.expect_ok(sim.reading(1, 0, T0 - 3 * DAY))
    resume_at = T0 - DAY - 10
    sim.ok(rg.ix_resume_meter(sim.admin.pubkey(), sim.meter, resume_at), sim.admin)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(1, 0, resume_at), E.OutdatedReading, before)
    h.assert_rejected(sim.svm, sim.reading(1, 0, resume_at + DAY + 1), E.StaleReading, before)
    h.expect_ok(sim.reading(1, 0, resume_at + DAY))
    assert meter_tuple(sim.m()) == (2, 0, 0, 0, resume_at + DAY, 2)


@pytest.mark.parametrize("offset", [1, 2 * DAY])
def test_resume_meter_bounds_accepted(env, offset):
    """resume_at = last + 1 and resume_at = now (inclusive) are both accepted."""
    last = T0 - 2 * DAY
    env.set_meter(reading_count=4, last_reading_at=last)
    res = env.ok(rg.ix_resume_meter(env.admin.pubkey(), env.meter, last + offset), env.admin)
    assert events(res) == [{"meter_id": env.mid, "previous_last_reading_at": last, "resume_at": last + offset}]
    assert meter_tuple(env.m()) == (0, 0, 0, 0, last + offset, 4)


def test_resume_meter_inactive_meter(env):
    """The meter need not be active (it can be resumed before it is reactivated); its status is untouched."""
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    env.ok(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice)
    env.ok(rg.ix_resume_meter(env.admin.pubkey(), env.meter, T0), env.admin)
    m = env.m()
    assert m.active is False and m.last_reading_at == T0


def test_resume_meter_by_new_admin_only(env):
    """After an authority transfer the new admin can resume, the former one cannot."""
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin)
    env.ok(rg.ix_accept_authority_transfer(env.bob.pubkey()), env.bob)
    before = env.snaps()
    h.assert_rejected(env.svm, resume(env, T0), C.NotAuthority, before)
    env.ok(rg.ix_resume_meter(env.bob.pubkey(), env.meter, T0), env.bob)
    assert env.m().last_reading_at == T0


@pytest.mark.parametrize("who", ["owner", "stranger"])
def test_resume_meter_requires_admin(env, who):
    """Not even the meter's owner may resume it (the owner could otherwise skip the 24 h gap check at will)."""
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    signer = env.alice if who == "owner" else env.bob
    before = env.snaps()
    h.assert_rejected(env.svm, resume(env, T0, signer), C.NotAuthority, before)


@pytest.mark.parametrize("resume_at", [T0 - 2 * DAY, T0 - 2 * DAY - 1, 0, -(2**63)])
def test_resume_meter_not_after_last_reading(env, resume_at):
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    before = env.snaps()
    h.assert_rejected(env.svm, resume(env, resume_at), E.ResumeNotAfterLastReading, before)


def test_resume_meter_not_after_last_reading_on_new_meter(env):
    """A meter that never reported has last_reading_at = 0: resume_at must still be after it."""
    before = env.snaps()
    h.assert_rejected(env.svm, resume(env, 0), E.ResumeNotAfterLastReading, before)


@pytest.mark.parametrize("resume_at", [T0 + 1, T0 + 60, I64_MAX])
def test_resume_meter_in_future(env, resume_at):
    """No clock-skew allowance: resume_at must be ≤ now."""
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    before = env.snaps()
    h.assert_rejected(env.svm, resume(env, resume_at), E.ResumeInFuture, before)


def test_resume_meter_paused(env):
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    gov.pause_for_tests(env.svm)
    before = env.snaps()
    h.assert_rejected(env.svm, resume(env, T0), C.SystemPaused, before)


def test_resume_meter_requires_signature(env):
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    ix = unsign(rg.ix_resume_meter(env.admin.pubkey(), env.meter, T0), env.admin.pubkey())
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix), A.AccountNotSigner, before)


@pytest.mark.parametrize("forgery, code", [("address", A.ConstraintSeeds), ("owner", A.AccountOwnedByWrongProgram),
                                           ("user_account", A.AccountDiscriminatorMismatch)])
def test_resume_meter_rejects_forged_meter(env, forgery, code):
    """A copy of the meter at another address (wrong seeds), one owned by another program, or another registry
    account type in the meter's place."""
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    if forgery == "user_account":
        fake = rg.user_pda(env.alice.pubkey())[0]
    else:
        fake = copy_account(env, env.meter, owner=None if forgery == "address" else gov.PROGRAM_ID)
    before = env.snaps(fake)
    h.assert_rejected(env.svm, resume(env, T0, meter=fake), code, before)


def test_resume_meter_other_meters_seeds(env):
    """Another real meter's account passes its own seeds: only that meter moves (the instruction acts on the
    account given, whose meter_id is in the event)."""
    other = rg.register_user_and_meter(env.svm, env.bob, "METER-B", "Wind")
    env.set_meter(other, reading_count=1, last_reading_at=T0 - 2 * DAY)
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    before = env.snaps()
    res = env.ok(rg.ix_resume_meter(env.admin.pubkey(), other, T0), env.admin)
    assert events(res)[0]["meter_id"] == rg.meter_id("METER-B")
    assert env.m(other).last_reading_at == T0
    h.assert_unchanged(env.svm, {env.meter: before[env.meter]})


@pytest.mark.parametrize("forgery, code", [("address", A.ConstraintSeeds), ("owner", A.AccountOwnedByWrongProgram)])
def test_resume_meter_rejects_forged_config(env, forgery, code):
    """A registry config copy naming bob as admin is not the registry config."""
    env.set_meter(reading_count=1, last_reading_at=T0 - 2 * DAY)
    data = bytes(env.svm.get_account(env.config).data)
    fake = copy_account(env, env.config, owner=None if forgery == "address" else gov.PROGRAM_ID,
                        data=data[:8] + bytes(env.bob.pubkey()) + data[40:])
    ix = replace_account(rg.ix_resume_meter(env.bob.pubkey(), env.meter, T0), env.config, fake)
    before = env.snaps(fake)
    h.assert_rejected(env.svm, env.send(ix, env.bob), code, before)


def test_register_meter_invalid_capacity(env):
    mid = rg.meter_id("M-ZERO")
    before = env.snaps(rg.meter_pda(mid)[0])
    h.assert_rejected(env.svm, env.send(reg_meter(env.alice.pubkey(), mid, capacity_w=0), env.alice),
                      E.InvalidCapacity, before, index=1)


def test_register_meter_largest_capacity(env):
    mid = rg.meter_id("M-BIG")
    env.ok(reg_meter(env.alice.pubkey(), mid, capacity_w=U64_MAX), env.alice)
    assert env.m(rg.meter_pda(mid)[0]).capacity_w == U64_MAX


def test_register_meter_signature_missing(env):
    mid = rg.meter_id("M-NOSIG")
    before = env.snaps(rg.meter_pda(mid)[0])
    ix = rg.ix_register_meter(env.alice.pubkey(), mid, "Solar", Keypair().pubkey(), 5_000)
    h.assert_rejected(env.svm, env.send(ix, env.alice), E.MeterSignatureMissing, before)


def test_register_meter_signature_malformed(env):
    mid, kp = rg.meter_id("M-TWO"), Keypair()
    msg = meter_pop.register_meter_message(env.alice.pubkey(), mid, 5_000)
    before = env.snaps(rg.meter_pda(mid)[0])
    ixs = [two_signature_pop(kp, msg), rg.ix_register_meter(env.alice.pubkey(), mid, "Solar", kp.pubkey(), 5_000)]
    h.assert_rejected(env.svm, env.send(ixs, env.alice), E.MeterSignatureMalformed, before, index=1)


def test_register_meter_signature_key_mismatch(env):
    mid, signer, claimed = rg.meter_id("M-KEY"), Keypair(), Keypair().pubkey()
    pop = meter_pop.register_pop_instruction(signer.pubkey(), env.alice.pubkey(), mid, 5_000,
                                             meter_pop.sign_register_meter(signer, env.alice.pubkey(), mid, 5_000))
    before = env.snaps(rg.meter_pda(mid)[0])
    ixs = [pop, rg.ix_register_meter(env.alice.pubkey(), mid, "Solar", claimed, 5_000)]
    h.assert_rejected(env.svm, env.send(ixs, env.alice), E.MeterSignatureKeyMismatch, before, index=1)


def test_register_meter_signature_message_mismatch(env):
    """Signed for 5 kW, registered as 50 kW: the capacity is part of what the meter key vouches for."""
    mid, kp = rg.meter_id("M-CAP"), Keypair()
    pop = rg.register_meter_ixs(env.alice.pubkey(), mid, "Solar", kp, 5_000)[0]
    before = env.snaps(rg.meter_pda(mid)[0])
    ixs = [pop, rg.ix_register_meter(env.alice.pubkey(), mid, "Solar", kp.pubkey(), 50_000)]
    h.assert_rejected(env.svm, env.send(ixs, env.alice), E.MeterSignatureMessageMismatch, before, index=1)


def test_register_meter_wrong_instructions_sysvar(env):
    mid = rg.meter_id("M-SYSVAR")
    pop, ix = reg_meter(env.alice.pubkey(), mid)
    fake = copy_account(env, rg.INSTRUCTIONS_SYSVAR_ID) if env.svm.get_account(rg.INSTRUCTIONS_SYSVAR_ID) \
        else Keypair().pubkey()
    before = env.snaps(rg.meter_pda(mid)[0])
    h.assert_rejected(env.svm, env.send([pop, replace_account(ix, rg.INSTRUCTIONS_SYSVAR_ID, fake)], env.alice),
                      A.ConstraintAddress, before, index=1)


def test_register_meter_with_premade_signature(env):
    """The gateway signs where the key lives; the operator sends public key + signature."""
    mid, kp = rg.meter_id("M-GW"), Keypair()
    sig = meter_pop.sign_register_meter(kp, env.alice.pubkey(), mid, 4_000)
    env.ok(rg.register_meter_ixs(env.alice.pubkey(), mid, "Solar", kp.pubkey(), 4_000, signature=sig), env.alice)
    m = env.m(rg.meter_pda(mid)[0])
    assert (m.meter_pubkey, m.capacity_w) == (kp.pubkey(), 4_000)


def test_pop_message_layouts():
    owner, key, mid = Keypair().pubkey(), Keypair().pubkey(), rg.meter_id("M1")
    cfg = rg.registry_config_pda()[0]
    assert meter_pop.registry_config_address() == cfg
    reg_msg = meter_pop.register_meter_message(owner, mid, 7)
    assert reg_msg == b"GTX-REGISTER-METER-v1" + bytes(cfg) + bytes(owner) + mid + struct.pack("<Q", 7)
    rekey = meter_pop.rekey_meter_message(owner, mid, key)
    assert rekey == b"GTX-REKEY-METER-v1" + bytes(cfg) + bytes(owner) + mid + bytes(key)
    assert (len(reg_msg), len(rekey)) == (125, 146)


def test_set_registry_options(env):
    assert env.cfg().require_meter_approval is False
    res = h.expect_ok(set_options(env, True))
    assert env.cfg().require_meter_approval is True
    assert events(res) == [{"require_meter_approval": True, "admin": env.admin.pubkey()}]
    assert env.m().approved is True  # meters registered before keep their approval
    h.expect_ok(set_options(env, False))
    assert env.cfg().require_meter_approval is False


def test_set_registry_options_requires_admin(env):
    before = env.snaps()
    h.assert_rejected(env.svm, set_options(env, True, env.alice), C.NotAuthority, before)


def test_set_registry_options_paused(env):
    gov.pause_for_tests(env.svm)
    before = env.snaps()
    h.assert_rejected(env.svm, set_options(env, True), C.SystemPaused, before)


def test_set_registry_options_requires_signature(env):
    ix = unsign(rg.ix_set_registry_options(env.admin.pubkey(), True), env.admin.pubkey())
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix), A.AccountNotSigner, before)


def test_approve_meter(sim):
    meter = register_unapproved(sim)
    assert sim.m(meter).approved is False
    before = sim.snaps(meter)
    h.assert_rejected(sim.svm, sim.reading(100, 0, T0, meter), E.MeterNotApproved, before)
    res = sim.ok(rg.ix_approve_meter(sim.admin.pubkey(), meter), sim.admin)
    m = sim.m(meter)
    assert m.approved is True
    assert events(res) == [{"meter_id": bytes(m.meter_id), "meter_pubkey": m.meter_pubkey,
                            "approved_by": sim.admin.pubkey()}]
    h.expect_ok(sim.reading(100, 0, T0, meter))
    assert sim.m(meter).total_generation == 100


def test_approve_meter_already_approved(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_approve_meter(env.admin.pubkey(), env.meter), env.admin),
                      E.MeterAlreadyApproved, before)


@pytest.mark.parametrize("who", ["owner", "stranger"])
def test_approve_meter_requires_admin(env, who):
    meter = register_unapproved(env)
    signer = env.alice if who == "owner" else env.bob
    before = env.snaps(meter)
    h.assert_rejected(env.svm, env.send(rg.ix_approve_meter(signer.pubkey(), meter), signer), C.NotAuthority,
                      before)


def test_approve_meter_retired(env):
    meter = register_unapproved(env)
    env.ok(rg.ix_retire_meter(env.admin.pubkey(), meter), env.admin)
    before = env.snaps(meter)
    h.assert_rejected(env.svm, env.send(rg.ix_approve_meter(env.admin.pubkey(), meter), env.admin),
                      E.MeterRetired, before)


def test_approve_meter_paused(env):
    meter = register_unapproved(env)
    gov.pause_for_tests(env.svm)
    before = env.snaps(meter)
    h.assert_rejected(env.svm, env.send(rg.ix_approve_meter(env.admin.pubkey(), meter), env.admin),
                      C.SystemPaused, before)


def test_rekey_meter(env):
    new = Keypair()
    res = h.expect_ok(rekey(env, new))
    m = env.m()
    assert (m.meter_pubkey, m.approved, m.owner) == (new.pubkey(), True, env.alice.pubkey())
    assert events(res) == [{"meter_id": env.mid, "owner": env.alice.pubkey(), "previous_meter_pubkey": env.meter_key,
                            "meter_pubkey": new.pubkey(), "approved": True}]


def test_rekey_meter_needs_approval_again_when_required(sim):
    h.expect_ok(set_options(sim, True))
    new = Keypair()
    res = h.expect_ok(rekey(sim, new))
    assert sim.m().approved is False and events(res)[0]["approved"] is False
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(100, 0, T0), E.MeterNotApproved, before)
    sim.ok(rg.ix_approve_meter(sim.admin.pubkey(), sim.meter), sim.admin)
    h.expect_ok(sim.reading(100, 0, T0))


def test_rekey_meter_not_owner(env):
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    before = env.snaps()
    h.assert_rejected(env.svm, rekey(env, Keypair(), env.bob), E.NotMeterOwner, before, index=1)


def test_rekey_meter_retired(env):
    env.ok(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin)
    before = env.snaps()
    h.assert_rejected(env.svm, rekey(env, Keypair()), E.MeterRetired, before, index=1)


def test_rekey_meter_default_key(env):
    ix = rg.ix_rekey_meter(env.alice.pubkey(), env.meter, Pubkey.default())
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix, env.alice), E.InvalidMeterPubkey, before)


def test_rekey_meter_same_key(env):
    before = env.snaps()
    h.assert_rejected(env.svm, rekey(env, env.meter_kp), E.MeterKeyUnchanged, before, index=1)


def test_rekey_meter_signature_missing(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_rekey_meter(env.alice.pubkey(), env.meter, Keypair().pubkey()),
                                        env.alice), E.MeterSignatureMissing, before)


def test_rekey_meter_signature_malformed(env):
    new = Keypair()
    msg = meter_pop.rekey_meter_message(env.alice.pubkey(), env.mid, env.meter_key)
    ixs = [two_signature_pop(new, msg), rg.ix_rekey_meter(env.alice.pubkey(), env.meter, new.pubkey())]
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ixs, env.alice), E.MeterSignatureMalformed, before, index=1)


def test_rekey_meter_signature_key_mismatch(env):
    """The proof comes from the current key, not from the new one."""
    new = Keypair().pubkey()
    pop = rg.rekey_meter_ixs(env.alice.pubkey(), env.mid, env.meter_key, env.meter_kp)[0]
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([pop, rg.ix_rekey_meter(env.alice.pubkey(), env.meter, new)], env.alice),
                      E.MeterSignatureKeyMismatch, before, index=1)


def test_rekey_meter_signature_message_mismatch(env):
    """A registration proof of the new key is not a re-key proof (domain separation)."""
    new = Keypair()
    pop = rg.register_meter_ixs(env.alice.pubkey(), env.mid, "Solar", new, rg.DEFAULT_CAPACITY_W)[0]
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([pop, rg.ix_rekey_meter(env.alice.pubkey(), env.meter, new.pubkey())],
                                        env.alice), E.MeterSignatureMessageMismatch, before, index=1)


def test_rekey_meter_requires_signature(env):
    pop, ix = rg.rekey_meter_ixs(env.alice.pubkey(), env.mid, env.meter_key, Keypair())
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([pop, unsign(ix, env.alice.pubkey())]), A.AccountNotSigner, before,
                      index=1)


def test_rekey_meter_paused(env):
    gov.pause_for_tests(env.svm)
    before = env.snaps()
    h.assert_rejected(env.svm, rekey(env, Keypair()), C.SystemPaused, before, index=1)


def test_transfer_meter(env):
    env.ok(rg.ix_register_user(env.bob.pubkey(), "Consumer"), env.bob)
    # 1,000 Wh generated, 400 certified, net fully settled: 600 Wh never certified are closed by the transfer
    env.set_meter(total_generation=1_000, total_consumption=200, settled_net_generation=800,
                  claimed_erc_generation=400)
    res = h.expect_ok(transfer(env))
    m = env.m()
    assert m.owner == env.bob.pubkey() and m.meter_pubkey == env.meter_key
    assert meter_tuple(m) == (1_000, 200, 800, 1_000, 0, 0)
    assert (env.user(env.alice.pubkey()).meter_count, env.user(env.bob.pubkey()).meter_count) == (0, 1)
    assert events(res) == [{"meter_id": env.mid, "previous_owner": env.alice.pubkey(),
                            "new_owner": env.bob.pubkey(), "erc_generation_closed": 600}]
    # the new owner now controls it, the old one does not
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice),
                      E.UnauthorizedMeterAuthority, before)
    env.ok(rg.ix_deactivate_meter(env.bob.pubkey(), env.meter), env.bob)


def test_transfer_meter_unsettled(env):
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    env.set_meter(total_generation=1_000, total_consumption=200, settled_net_generation=799)
    before = env.snaps(rg.user_pda(env.bob.pubkey())[0])
    h.assert_rejected(env.svm, transfer(env), E.UnsettledGeneration, before)


def test_transfer_meter_not_owner(env):
    carol = h.funded_keypair(env.svm)
    for kp in (env.bob, carol):
        env.ok(rg.ix_register_user(kp.pubkey()), kp)
    before = env.snaps(rg.user_pda(env.bob.pubkey())[0], rg.user_pda(carol.pubkey())[0])
    h.assert_rejected(env.svm, transfer(env, env.bob, carol), E.NotMeterOwner, before)


def test_transfer_meter_to_self(env):
    """Anchor refuses the same user account twice as mutable (ConstraintDuplicateMutableAccount) before the
    handler's own InvalidNewOwner check, which stays as defence in depth."""
    before = env.snaps()
    h.assert_rejected(env.svm, transfer(env, env.alice, env.alice), A.ConstraintDuplicateMutableAccount, before)


def test_transfer_meter_retired(env):
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    env.ok(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin)
    before = env.snaps(rg.user_pda(env.bob.pubkey())[0])
    h.assert_rejected(env.svm, transfer(env), E.MeterRetired, before)


def test_transfer_meter_new_owner_must_be_registered(env):
    before = env.snaps(rg.user_pda(env.bob.pubkey())[0])
    h.assert_rejected(env.svm, transfer(env), A.AccountNotInitialized, before)


@pytest.mark.parametrize("who", ["owner", "new_owner"])
def test_transfer_meter_requires_both_signatures(env, who):
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    ix = rg.ix_transfer_meter(env.alice.pubkey(), env.bob.pubkey(), env.meter)
    missing = env.alice if who == "owner" else env.bob
    signer = env.bob if who == "owner" else env.alice
    before = env.snaps(rg.user_pda(env.bob.pubkey())[0])
    h.assert_rejected(env.svm, env.send(unsign(ix, missing.pubkey()), signer), A.AccountNotSigner, before)


def test_transfer_meter_paused(env):
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    gov.pause_for_tests(env.svm)
    before = env.snaps(rg.user_pda(env.bob.pubkey())[0])
    h.assert_rejected(env.svm, transfer(env), C.SystemPaused, before)


def test_retire_meter(sim):
    set_time(sim.svm, T0 + 7)
    res = sim.ok(rg.ix_retire_meter(sim.admin.pubkey(), sim.meter), sim.admin)
    m = sim.m()
    assert (m.retired, m.active, m.deactivated_by_admin) == (True, False, True)
    assert events(res) == [{"meter_id": sim.mid, "owner": sim.alice.pubkey(), "retired_by": sim.admin.pubkey(),
                            "timestamp": T0 + 7}]
    before = sim.snaps()
    # no readings, no (re)activation, resume, approval or re-key; the id is never registered again
    h.assert_rejected(sim.svm, sim.reading(100, 0, T0), E.MeterRetired, before)
    for signer in (sim.admin, sim.alice):
        h.assert_rejected(sim.svm, sim.send(rg.ix_reactivate_meter(signer.pubkey(), sim.meter), signer),
                          E.MeterRetired, before)
    h.assert_rejected(sim.svm, sim.send(rg.ix_deactivate_meter(sim.admin.pubkey(), sim.meter), sim.admin),
                      E.MeterRetired, before)
    h.assert_rejected(sim.svm, sim.send(rg.ix_resume_meter(sim.admin.pubkey(), sim.meter, T0), sim.admin),
                      E.MeterRetired, before)
    h.assert_rejected(sim.svm, sim.send(reg_meter(sim.alice.pubkey(), sim.mid), sim.alice), SYSTEM_ALREADY_IN_USE,
                      before, index=1)


def test_retire_meter_twice(env):
    env.ok(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin),
                      E.MeterRetired, before)


@pytest.mark.parametrize("who", ["owner", "stranger"])
def test_retire_meter_requires_admin(env, who):
    signer = env.alice if who == "owner" else env.bob
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_retire_meter(signer.pubkey(), env.meter), signer), C.NotAuthority,
                      before)


def test_retire_meter_paused(env):
    gov.pause_for_tests(env.svm)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin),
                      C.SystemPaused, before)


def test_retire_meter_requires_signature(env):
    ix = unsign(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin.pubkey())
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix), A.AccountNotSigner, before)


@pytest.mark.parametrize("kind", PAUSABLE)
@pytest.mark.parametrize("forgery, code", [("address", A.ConstraintSeeds), ("owner", A.AccountOwnedByWrongProgram)])
def test_pausable_instructions_reject_fake_unpaused_config(sim, kind, forgery, code):
    sim.set_meter(total_generation=10)
    if kind == "reactivate":
        sim.ok(rg.ix_deactivate_meter(sim.alice.pubkey(), sim.meter), sim.alice)
    gov.pause_for_tests(sim.svm)
    config = gov.fetch_governance_config(sim.svm)
    fake = Keypair().pubkey()
    h.set_account(sim.svm, fake, gov.encode_governance_config(dataclasses.replace(config, paused=False)),
                  gov.PROGRAM_ID if forgery == "address" else rg.PROGRAM_ID)
    before = sim.snaps(fake)
    h.assert_rejected(sim.svm, _send_pausable(sim, kind, fake), code, before, index=int(kind == "register_meter"))


@pytest.mark.parametrize("kind", PAUSABLE)
def test_pausable_instructions_pause_and_resume(sim, kind):
    """Paused: SystemPaused, nothing changes; unpaused again: the same instruction goes through."""
    sim.set_meter(total_generation=10)
    if kind == "reactivate":
        sim.ok(rg.ix_deactivate_meter(sim.alice.pubkey(), sim.meter), sim.alice)
    gov.pause_for_tests(sim.svm)
    gc = gov.governance_config_pda()[0]
    before = sim.snaps()
    h.assert_rejected(sim.svm, _send_pausable(sim, kind, gc), C.SystemPaused, before,
                      index=int(kind == "register_meter"))
    gov.unpause_for_tests(sim.svm)
    h.expect_ok(_send_pausable(sim, kind, gc))


def test_authority_transfer_propose_accept(env):
    res = env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin)
    expires = T0 + 48 * 3600
    a = env.cfg().admin
    assert (a.authority, a.pending_authority, a.pending_expires_at) == (env.admin.pubkey(), env.bob.pubkey(), expires)
    assert events(res) == [{"current_authority": env.admin.pubkey(), "pending_authority": env.bob.pubkey(),
                            "expires_at": expires}]
    set_time(env.svm, expires)
    res = env.ok(rg.ix_accept_authority_transfer(env.bob.pubkey()), env.bob)
    a = env.cfg().admin
    assert (a.authority, a.pending_authority, a.pending_expires_at) == (env.bob.pubkey(), Pubkey.default(), 0)
    assert events(res) == [{"previous_authority": env.admin.pubkey(), "new_authority": env.bob.pubkey()}]
    # the new admin can deactivate any meter, the old one cannot
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_deactivate_meter(env.admin.pubkey(), env.meter), env.admin),
                      E.UnauthorizedMeterAuthority, before)
    env.ok(rg.ix_deactivate_meter(env.bob.pubkey(), env.meter), env.bob)
    assert env.m().active is False


def test_authority_transfer_cancel(env):
    env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin)
    res = env.ok(rg.ix_cancel_authority_transfer(env.admin.pubkey()), env.admin)
    a = env.cfg().admin
    assert (a.authority, a.pending_authority, a.pending_expires_at) == (env.admin.pubkey(), Pubkey.default(), 0)
    assert events(res) == [{"authority": env.admin.pubkey(), "cancelled_pending": env.bob.pubkey()}]


def test_authority_transfer_works_while_paused(env):
    gov.pause_for_tests(env.svm)
    env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin)
    env.ok(rg.ix_accept_authority_transfer(env.bob.pubkey()), env.bob)
    assert env.cfg().admin.authority == env.bob.pubkey()


def test_authority_transfer_propose_requires_admin(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_propose_authority_transfer(env.bob.pubkey(), env.bob.pubkey()),
                                        env.bob), C.NotAuthority, before)


@pytest.mark.parametrize("which", ["current", "default"])
def test_authority_transfer_propose_invalid(env, which):
    new = env.admin.pubkey() if which == "current" else Pubkey.default()
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_propose_authority_transfer(env.admin.pubkey(), new), env.admin),
                      C.InvalidNewAuthority, before)


def test_authority_transfer_propose_expiry_overflow(env):
    set_time(env.svm, I64_MAX - 10)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()),
                                        env.admin), C.TransferExpired, before)


def test_authority_transfer_accept_without_proposal(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_accept_authority_transfer(env.bob.pubkey()), env.bob),
                      C.NoPendingTransfer, before)


def test_authority_transfer_accept_by_stranger(env):
    env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_accept_authority_transfer(env.alice.pubkey()), env.alice),
                      C.NotPendingAuthority, before)


def test_authority_transfer_accept_expired(env):
    env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin)
    set_time(env.svm, T0 + 48 * 3600 + 1)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_accept_authority_transfer(env.bob.pubkey()), env.bob),
                      C.TransferExpired, before)


def test_authority_transfer_cancel_requires_admin(env):
    env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_cancel_authority_transfer(env.bob.pubkey()), env.bob),
                      C.NotAuthority, before)


def test_authority_transfer_cancel_without_proposal(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_cancel_authority_transfer(env.admin.pubkey()), env.admin),
                      C.NoPendingTransfer, before)


@pytest.mark.parametrize("kind", AUTHORITY_IXS)
def test_authority_instructions_require_signature(env, kind):
    ix = unsign(AUTHORITY_IXS[kind](env, env.admin.pubkey()), env.admin.pubkey())
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix), A.AccountNotSigner, before)


@pytest.mark.parametrize("kind", AUTHORITY_IXS)
@pytest.mark.parametrize("forgery, code", [("address", A.ConstraintSeeds), ("owner", A.AccountOwnedByWrongProgram)])
def test_authority_instructions_reject_fake_config(env, kind, forgery, code):
    fake = copy_account(env, env.config, owner=None if forgery == "address" else gov.PROGRAM_ID)
    ix = replace_account(AUTHORITY_IXS[kind](env, env.admin.pubkey()), env.config, fake)
    before = env.snaps(fake)
    h.assert_rejected(env.svm, env.send(ix, env.admin), code, before)


@pytest.mark.parametrize("kind", AUTHORITY_IXS)
def test_authority_instructions_before_initialisation(bare, kind):
    before = h.snapshots(bare.svm, bare.config, bare.admin.pubkey())
    h.assert_rejected(bare.svm, bare.send(AUTHORITY_IXS[kind](bare, bare.admin.pubkey()), bare.admin),
                      A.AccountNotInitialized, before)


def test_compute_units(programs):
    env = build_env(programs, sigverify=False, registry=False)
    cu = {"initialize_registry": h.compute_units(env.ok(rg.ix_initialize_registry(env.admin.pubkey()), env.admin))}
    cu["register_user"] = h.compute_units(env.ok(rg.ix_register_user(env.alice.pubkey()), env.alice))
    cu["register_meter"] = h.compute_units(env.ok(reg_meter(env.alice.pubkey(), env.mid, "Solar", env.meter_kp),
                                                  env.alice))
    et.create_grx_account(env.svm, env.payer, env.alice.pubkey())
    cu["update_meter_reading"] = h.compute_units(h.expect_ok(env.reading(5_000, 1_000, T0)))
    cu["settle_and_mint_tokens"] = h.compute_units(env.ok(
        rg.ix_settle_and_mint_tokens(env.alice.pubkey(), env.meter), env.alice))
    cu["update_claimed_erc_generation"] = h.compute_units(h.expect_ok(env.claim(1_000)))
    cu["deactivate_meter"] = h.compute_units(env.ok(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice))
    cu["reactivate_meter"] = h.compute_units(env.ok(rg.ix_reactivate_meter(env.alice.pubkey(), env.meter), env.alice))
    set_time(env.svm, T0 + 2 * DAY)
    cu["resume_meter"] = h.compute_units(env.ok(rg.ix_resume_meter(env.admin.pubkey(), env.meter, T0 + DAY),
                                                env.admin))
    cu["propose_authority_transfer"] = h.compute_units(
        env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin))
    cu["cancel_authority_transfer"] = h.compute_units(env.ok(rg.ix_cancel_authority_transfer(env.admin.pubkey()),
                                                             env.admin))
    env.ok(rg.ix_propose_authority_transfer(env.admin.pubkey(), env.bob.pubkey()), env.admin)
    cu["accept_authority_transfer"] = h.compute_units(env.ok(rg.ix_accept_authority_transfer(env.bob.pubkey()),
                                                             env.bob))
    for name, units in cu.items():
        assert 0 < units < 200_000, (name, units)
    print("registry compute units:", cu)


@settings(max_examples=60, deadline=None)
@given(steps=STEPS)
def test_property_dual_high_water_marks(programs, steps):
    """Random readings (totals only grow; written with set_account as the oracle would), settlements and ERC
    claims on two meters. After every step: settled ≤ generation, claimed ≤ generation, both monotonic, each
    settlement advances settled to exactly max(generation − consumption, 0), and the GRX supply is
    settled × GRX_PER_WH.

    docs/programs.md's "settled ≤ max(generation − consumption, 0)" holds when a settlement happens; consumption
    read *after* a settlement can lower the net below the (monotonic) settled mark, which then only means that
    nothing is minted until the net climbs above the mark again: settled ≤ the highest net ever reached."""
    env = build_env(programs, sigverify=False)
    meters = [env.meter, rg.register_user_and_meter(env.svm, env.alice, "METER-B", "Wind")]
    model = [{"gen": 0, "cons": 0, "settled": 0, "claimed": 0, "max_net": 0} for _ in meters]
    for step in steps:
        i = step[1]
        m = model[i]
        prev = dict(m)
        if step[0] == "reading":  # the oracle's readings only ever add to the totals
            m["gen"] += step[2]
            m["cons"] += step[3]
            m["max_net"] = max(m["max_net"], m["gen"] - m["cons"])
            env.set_meter(meters[i], total_generation=m["gen"], total_consumption=m["cons"])
        elif step[0] == "settle":
            net = max(m["gen"] - m["cons"], 0)
            res = env.send(rg.ix_settle_and_mint_tokens(env.alice.pubkey(), meters[i]), env.alice)
            if net > m["settled"]:
                h.expect_ok(res)
                assert events(res, "MeterSettled")[0]["energy_settled"] == net - m["settled"]
                m["settled"] = net
                acc = env.m(meters[i])
                assert acc.settled_net_generation == max(acc.total_generation - acc.total_consumption, 0)
            else:
                assert h.custom_error_code(res) == E.NothingToSettle
        else:
            amount = step[2]
            res = env.claim(amount, meters[i])
            if 0 < amount <= m["gen"] - m["claimed"]:
                h.expect_ok(res)
                m["claimed"] += amount
            else:
                assert h.custom_error_code(res) == (E.ZeroClaimAmount if amount == 0 else E.ClaimExceedsGeneration)

        for addr, mm in zip(meters, model):
            acc = env.m(addr)
            assert (acc.total_generation, acc.total_consumption, acc.settled_net_generation,
                    acc.claimed_erc_generation) == (mm["gen"], mm["cons"], mm["settled"], mm["claimed"])
            assert acc.settled_net_generation <= acc.total_generation
            assert acc.settled_net_generation <= mm["max_net"]
            assert acc.claimed_erc_generation <= acc.total_generation
        assert m["settled"] >= prev["settled"] and m["claimed"] >= prev["claimed"]  # monotonic
        settled_total = sum(mm["settled"] for mm in model)
        assert et.mint_supply(env.svm) == settled_total * GRX_PER_WH
        assert et.token_balance(env.svm, env.grx) == settled_total * GRX_PER_WH
        info = et.fetch_token_info(env.svm)
        assert info.total_supply == info.total_minted == settled_total * GRX_PER_WH


def test_oracle_cpi_update_meter_reading_and_settle(oracle_env):
    """Real path, signatures verified: meter-signed reading → oracle → registry::update_meter_reading (CPI signed
    by the oracle's PDA) → settle_and_mint_tokens → energy_token::mint_tokens_direct (CPI signed by ours)."""
    env = oracle_env
    set_time(env.svm, T0 + 900)  # one quarter-hour after registration (the oracle bounds readings by capacity)
    res = env.submit(5_000, 1_000, T0 + 900)
    h.expect_ok(res)
    assert meter_tuple(env.m()) == (5_000, 1_000, 0, 0, T0 + 900, 1)
    assert any(line.startswith(f"Program {rg.PROGRAM_ID} invoke [2]") for line in h.logs(res))
    env.ok(rg.ix_settle_and_mint_tokens(env.alice.pubkey(), env.meter), env.alice)
    assert env.m().settled_net_generation == 4_000
    assert et.token_balance(env.svm, env.grx) == 4_000 * GRX_PER_WH == et.mint_supply(env.svm)


def test_governance_issue_erc_cpi(env):
    """Real path, signatures verified: governance ``issue_erc`` → registry::update_claimed_erc_generation."""
    from gridtokenx_cli.generated.governance import instructions as gix

    rec = gov.fetch_governance_config(env.svm).rec_authority
    assert rec == env.payer.pubkey()  # build_env made the payer the REC authority
    env.set_meter(total_generation=1_000)
    cert_id = gov.certificate_id("CERT-1")
    args = {"certificate_id": list(cert_id), "energy_amount": 700}
    accounts = {"rec_authority": rec, "governance_config": gov.governance_config_pda()[0], "meter": env.meter,
                "erc_certificate": gov.erc_certificate_pda(cert_id)[0],
                "governance_authority": rg.governance_authority_pda()[0], "registry_program": rg.PROGRAM_ID}
    res = env.ok(gix.issue_erc(args, accounts))
    assert env.m().claimed_erc_generation == 700
    assert any(line.startswith(f"Program {rg.PROGRAM_ID} invoke [2]") for line in h.logs(res))


def test_oracle_cpi_after_resume_meter(oracle_env):
    """Real path, signatures verified: after a 2-day outage the oracle's CPI fails with the registry's
    StaleReading; once the admin resumes the meter, the same oracle path is accepted again."""
    env = oracle_env
    set_time(env.svm, T0 + 900)
    h.expect_ok(env.submit(5_000, 1_000, T0 + 900))
    assert env.m().reading_count == 1
    now = T0 + 2 * DAY
    set_time(env.svm, now)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(5_000, 1_000, now), E.StaleReading, before, index=1)
    env.ok(rg.ix_resume_meter(env.admin.pubkey(), env.meter, now - 900), env.admin)
    h.expect_ok(env.submit(5_000, 1_000, now))
    assert meter_tuple(env.m()) == (10_000, 2_000, 0, 0, now, 2)
