"""programs/oracle in LiteSVM: every instruction's resulting state and events, every validation rejection
(recorded, not failed) and every error each instruction can raise.

Runs against the real governance and registry programs: the meter is registered through the registry's
generated client with the meter keypair's public key, readings are signed by that keypair
(``Keypair.sign_message``) and carried by an Ed25519 precompile instruction built in
``gridtokenx_cli.clients.oracle``, and accepted readings are checked on the registry's own ``MeterAccount``
after the CPI. A separate fee payer signs every transaction, so the accounts the program sees (signers
included) keep exactly the same lamports and data when a transaction is rejected."""
from __future__ import annotations

import struct
import pytest
from gridtokenx_cli.testing import svm_lite as h
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.testing import oracle as o
from gridtokenx_cli.testing import registry as reg
from gridtokenx_cli.testing.governance import CommonError
from gridtokenx_cli.testing.oracle import OracleError, ReadingSource, RejectReason
from gridtokenx_cli.generated.oracle.errors import anchor as AE
from solders.compute_budget import set_compute_unit_limit
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

from oracle_env import *  # noqa: F403
from oracle_env import _all_instructions, _keys, _precompile, _submit_with


def test_reading_message_layout():
    msg = o.reading_message(MID, 0x0102030405060708, 7, -2)
    assert len(msg) == 70 and msg[:14] == b"GTX-READING-v1" and msg[14:46] == MID
    assert struct.unpack("<QQq", msg[46:]) == (0x0102030405060708, 7, -2)
    with pytest.raises(ValueError):
        o.reading_message(b"short", 1, 1, 1)


def test_ed25519_instruction_layout():
    kp = Keypair()
    msg = o.reading_message(MID, 1, 2, 3)
    sig = kp.sign_message(msg)
    ix = o.ed25519_verify_instruction(kp.pubkey(), msg, sig)
    data = bytes(ix.data)
    assert ix.program_id == o.ED25519_PROGRAM_ID and list(ix.accounts) == []
    assert data[:2] == b"\x01\x00"
    sig_off, sig_ix, pk_off, pk_ix, msg_off, msg_len, msg_ix = struct.unpack("<7H", data[2:16])
    assert (sig_ix, pk_ix, msg_ix) == (0xFFFF, 0xFFFF, 0xFFFF)
    assert data[pk_off:pk_off + 32] == bytes(kp.pubkey())
    assert data[sig_off:sig_off + 64] == bytes(sig)
    assert data[msg_off:msg_off + msg_len] == msg and msg_len == 70


def test_pda_helpers_match_program_constants(env):
    cfg = env.config()
    assert cfg.bump == o.oracle_config_pda()[1]
    assert env.state().bump == o.meter_state_pda(MID)[1]
    # the registry client derives the same oracle signer PDA the registry checks
    assert o.oracle_authority_pda() == reg.oracle_authority_pda()


def test_initialize_oracle(bare):
    env = bare
    res = env.ok(o.ix_initialize_oracle(env.admin.pubkey(), env.gateway.pubkey()), env.admin)
    cfg = env.config()
    assert cfg.admin.authority == env.admin.pubkey() and cfg.admin.pending_authority == Pubkey.default()
    assert cfg.api_gateway == env.gateway.pubkey()
    assert (cfg.min_energy_value, cfg.max_energy_value, cfg.max_production_ratio, cfg.max_deviation_percent,
            cfg.min_reading_interval) == (0, 1_000_000_000, 10, 50, 60)
    assert list(cfg.type_ceiling_w) == [1_000_000, 5_000_000, 1_000_000, 1_000_000] == list(o.DEFAULT_TYPE_CEILING_W)
    assert (cfg.capacity_margin_percent, cfg.first_reading_max_interval, cfg.deviation_floor_percent) == (10, 3_600, 25)
    assert cfg.rejected_capacity == 0
    assert cfg.backup_oracle_count == 0 and cfg.consensus_threshold == 1
    assert all(k == Pubkey.default() for k in cfg.backup_oracles) and len(cfg.backup_oracles) == 10
    assert cfg.total_readings == cfg.valid_readings == cfg.rejected_readings == cfg.clearing_count == 0
    assert cfg.last_clearing_at == 0 and cfg.consensus_rounds == 0
    assert env.svm.get_account(env.config_pda).owner == ORACLE_ID
    assert env.events(res) == [{"admin": env.admin.pubkey(), "api_gateway": env.gateway.pubkey(), "timestamp": T0}]


def test_initialize_oracle_requires_bootstrap(bare):
    env, other = bare, bare.stranger()
    before = h.snapshots(env.svm, env.config_pda, other.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_initialize_oracle(other.pubkey(), env.gateway.pubkey()), other),
                      CommonError.NotBootstrapAuthority, before)


def test_initialize_oracle_rejects_default_gateway(bare):
    env = bare
    before = h.snapshots(env.svm, env.config_pda, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_initialize_oracle(env.admin.pubkey(), Pubkey.default()), env.admin),
                      OracleError.InvalidApiGateway, before)


def test_initialize_oracle_when_paused(bare):
    env = bare
    gov.pause_for_tests(env.svm)
    before = h.snapshots(env.svm, env.config_pda, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_initialize_oracle(env.admin.pubkey(), env.gateway.pubkey()),
                                        env.admin), CommonError.SystemPaused, before)


def test_initialize_oracle_twice(env):
    before = env.snaps(env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_initialize_oracle(env.admin.pubkey(), env.stranger().pubkey()),
                                        env.admin), SYSTEM_ALREADY_IN_USE, before)


def test_initialize_oracle_config_address_must_be_the_pda(bare):
    env = bare
    fake = Keypair()
    ix = patch(o.ix_initialize_oracle(env.admin.pubkey(), env.gateway.pubkey()), env.config_pda, fake.pubkey())
    before = h.snapshots(env.svm, env.config_pda, fake.pubkey(), env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix, env.admin), AE.ConstraintSeeds.code, before)


def test_update_oracle_config(env):
    # counters and clearing state must survive an update
    env.accept(1_000, 500, T0)
    env.ok(o.ix_trigger_market_clearing(env.admin.pubkey()), env.admin)
    before = env.config()
    new_gateway, oracles = Keypair().pubkey(), [Keypair().pubkey() for _ in range(4)]
    ceilings = [7_000, 8_000, 9_000, 10_000]
    p = o.params(new_gateway, min_energy_value=5, max_energy_value=9_999, max_production_ratio=4,
                 max_deviation_percent=75, min_reading_interval=300, type_ceiling_w=ceilings,
                 capacity_margin_percent=20, first_reading_max_interval=900, deviation_floor_percent=5,
                 backup_oracles=oracles, consensus_threshold=3)
    env.warp(T0 + 10)
    res = env.ok(o.ix_update_oracle_config(env.admin.pubkey(), p), env.admin)
    after = env.config()
    assert after == replace(before, api_gateway=new_gateway, min_energy_value=5, max_energy_value=9_999,
                            max_production_ratio=4, max_deviation_percent=75, min_reading_interval=300,
                            type_ceiling_w=ceilings, capacity_margin_percent=20, first_reading_max_interval=900,
                            deviation_floor_percent=5, backup_oracles=oracles + [Pubkey.default()] * 6,
                            backup_oracle_count=4, consensus_threshold=3)
    assert env.events(res) == [{"admin": env.admin.pubkey(), "api_gateway": new_gateway, "min_energy_value": 5,
                                "max_energy_value": 9_999, "max_production_ratio": 4, "max_deviation_percent": 75,
                                "min_reading_interval": 300, "type_ceiling_w": ceilings,
                                "capacity_margin_percent": 20, "first_reading_max_interval": 900,
                                "deviation_floor_percent": 5, "backup_oracle_count": 4, "consensus_threshold": 3,
                                "timestamp": T0 + 10}]
    # shrinking the oracle set clears the stale entries
    env.update(backup_oracles=oracles[:1], consensus_threshold=1)
    assert env.config().backup_oracles == oracles[:1] + [Pubkey.default()] * 9


def test_update_oracle_config_accepts_the_limits(env):
    oracles = [Keypair().pubkey() for _ in range(10)]
    env.update(min_energy_value=U64_MAX, max_energy_value=U64_MAX, max_production_ratio=1, max_deviation_percent=1,
               min_reading_interval=DAY, type_ceiling_w=[1, 10**9, 1, 10**9], capacity_margin_percent=100,
               first_reading_max_interval=DAY, deviation_floor_percent=100, backup_oracles=oracles,
               consensus_threshold=7)
    cfg = env.config()
    assert cfg.backup_oracles == oracles and cfg.consensus_threshold == 7 and cfg.min_reading_interval == DAY
    assert (list(cfg.type_ceiling_w), cfg.capacity_margin_percent, cfg.first_reading_max_interval,
            cfg.deviation_floor_percent) == ([1, 10**9, 1, 10**9], 100, DAY, 100)
    env.update(backup_oracles=[], consensus_threshold=200, min_reading_interval=0, capacity_margin_percent=0,
               first_reading_max_interval=1, deviation_floor_percent=0)  # consensus disabled
    cfg = env.config()
    assert cfg.backup_oracle_count == 0 and cfg.consensus_threshold == 200
    assert (cfg.capacity_margin_percent, cfg.first_reading_max_interval, cfg.deviation_floor_percent) == (0, 1, 0)


@pytest.mark.parametrize("n,valid", [(1, [1]), (3, [3]), (4, [3]), (5, [3, 5]), (6, [5]), (7, [5, 7]),
                                     (10, [7, 9])])
def test_update_oracle_config_accepts_exactly_the_safe_thresholds(env, n, valid):
    """threshold odd, ≤ n, a strict majority of n and ≥ 2f + 1 with f = (n − 1) // 3 — every other value of 1..n
    is refused with InvalidConsensusThreshold."""
    keys = _keys(n)
    assert o.valid_thresholds(n) == valid
    for t in range(1, n + 1):
        if t in valid:
            env.update(backup_oracles=keys, consensus_threshold=t)
            assert env.config().consensus_threshold == t
        else:
            p = o.params_from_config(env.config(), backup_oracles=keys, consensus_threshold=t)
            before = env.snaps(env.admin.pubkey())
            h.assert_rejected(env.svm, env.send(o.ix_update_oracle_config(env.admin.pubkey(), p), env.admin),
                              OracleError.InvalidConsensusThreshold, before)


@pytest.mark.parametrize("changes,code", BAD_PARAMS, ids=[f"{c.name}-{i}" for i, (_, c) in enumerate(BAD_PARAMS)])
def test_update_oracle_config_rejects_invalid_params(env, changes, code):
    p = o.params(**({"api_gateway": env.gateway.pubkey()} | changes))
    with pytest.raises(ValueError, match=f"^{o.PARAM_ERRORS[code]}: "):
        o.check_params(p)  # the client-side check refuses it too, naming the field
    before = env.snaps(env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_update_oracle_config(env.admin.pubkey(), p), env.admin), code, before)


def test_update_oracle_config_requires_admin(env):
    before = env.snaps()
    ix = o.ix_update_oracle_config(env.gateway.pubkey(), o.params(env.gateway.pubkey(), max_production_ratio=99))
    h.assert_rejected(env.svm, env.send(ix, env.gateway), CommonError.NotAuthority, before)


def test_update_oracle_config_when_paused(env):
    gov.pause_for_tests(env.svm)
    before = env.snaps(env.admin.pubkey())
    ix = o.ix_update_oracle_config(env.admin.pubkey(), o.params(env.gateway.pubkey()))
    h.assert_rejected(env.svm, env.send(ix, env.admin), CommonError.SystemPaused, before)


def test_initialize_meter_state_by_gateway(env):
    # the fixture ran it for MID at T0 through the gateway: check the state it created
    s = env.state()
    assert bytes(s.meter_id) == MID and s.bump == o.meter_state_pda(MID)[1] and s.created_at == T0
    assert (s.last_reading_timestamp, s.last_energy_produced, s.last_energy_consumed, s.average_reading_interval,
            s.total_readings, s.valid_readings, s.rejected_readings, s.quality_score) == (0,) * 8
    assert env.svm.get_account(env.state_pda).owner == ORACLE_ID


def test_initialize_meter_state_by_admin(env):
    register_meter(env, "METER-0002", "Wind")
    env.warp(T0 + 5)
    res = env.ok(o.ix_initialize_meter_state(env.admin.pubkey(), MID2), env.admin)
    pda = o.meter_state_pda(MID2)[0]
    assert env.events(res) == [{"meter_id": MID2, "meter_state": pda, "initialized_by": env.admin.pubkey(),
                                "timestamp": T0 + 5}]
    s = env.state(MID2)
    assert bytes(s.meter_id) == MID2 and s.created_at == T0 + 5 and s.total_readings == 0


def test_initialize_meter_state_event(bare):
    env = bare
    env.ok(o.ix_initialize_oracle(env.admin.pubkey(), env.gateway.pubkey()), env.admin)
    res = env.ok(o.ix_initialize_meter_state(env.gateway.pubkey(), MID), env.gateway)
    assert env.events(res) == [{"meter_id": MID, "meter_state": env.state_pda,
                                "initialized_by": env.gateway.pubkey(), "timestamp": T0}]


def test_initialize_meter_state_requires_gateway_or_admin(env):
    register_meter(env, "METER-0002", "Wind")
    other = env.stranger()
    before = h.snapshots(env.svm, o.meter_state_pda(MID2)[0], other.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_initialize_meter_state(other.pubkey(), MID2), other),
                      OracleError.UnauthorizedCaller, before)


def test_initialize_meter_state_requires_registered_meter(env):
    mid = reg.meter_id("NOT-REGISTERED")
    before = h.snapshots(env.svm, o.meter_state_pda(mid)[0], env.gateway.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_initialize_meter_state(env.gateway.pubkey(), mid), env.gateway),
                      AE.AccountNotInitialized.code, before)


def test_initialize_meter_state_meter_must_match_id(env):
    mid = reg.meter_id("NOT-REGISTERED")
    ix = o.ix_initialize_meter_state(env.gateway.pubkey(), mid, meter=env.meter)  # MID's meter for another id
    before = h.snapshots(env.svm, o.meter_state_pda(mid)[0], env.gateway.pubkey())
    h.assert_rejected(env.svm, env.send(ix, env.gateway), AE.ConstraintSeeds.code, before)


def test_initialize_meter_state_twice(env):
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(o.ix_initialize_meter_state(env.gateway.pubkey(), MID), env.gateway),
                      SYSTEM_ALREADY_IN_USE, before)


def test_initialize_meter_state_when_paused(env):
    register_meter(env, "METER-0002", "Wind")
    gov.pause_for_tests(env.svm)
    before = h.snapshots(env.svm, o.meter_state_pda(MID2)[0], env.gateway.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_initialize_meter_state(env.gateway.pubkey(), MID2), env.gateway),
                      CommonError.SystemPaused, before)


def test_submit_meter_reading_updates_registry(env):
    cfg0 = env.config()
    res = env.accept(5_000, 1_000, T0)
    assert env.events(res) == [
        {"meter_id": MID, "energy_produced": 5_000, "energy_consumed": 1_000, "reading_timestamp": T0,
         "total_generation": 5_000, "total_consumption": 1_000, "reading_count": 1},  # registry, via CPI
        {"meter_id": MID, "source": ReadingSource.Gateway, "energy_produced": 5_000, "energy_consumed": 1_000,
         "reading_timestamp": T0, "average_reading_interval": 0, "valid_readings": 1, "total_readings": 1,
         "quality_score": 100},
    ]
    m = env.registry_meter()
    assert (m.total_generation, m.total_consumption, m.reading_count, m.last_reading_at) == (5_000, 1_000, 1, T0)
    s = env.state()
    assert (s.last_reading_timestamp, s.last_energy_produced, s.last_energy_consumed) == (T0, 5_000, 1_000)
    assert (s.total_readings, s.valid_readings, s.rejected_readings, s.quality_score) == (1, 1, 0, 100)
    assert s.average_reading_interval == 0
    assert env.config() == replace(cfg0, total_readings=1, valid_readings=1)

    # second and third readings: totals add up, the interval average is (4 avg + gap) / 5
    env.warp(T0 + 900)
    env.accept(6_000, 2_000, T0 + 900)
    assert env.state().average_reading_interval == 900
    env.warp(T0 + 1_200)
    res = env.accept(7_000, 1_500, T0 + 1_200)
    assert env.events(res, "MeterReadingAccepted")[0]["average_reading_interval"] == o.moving_average(900, 300) == 780
    m = env.registry_meter()
    assert (m.total_generation, m.total_consumption, m.reading_count, m.last_reading_at) == \
        (18_000, 4_500, 3, T0 + 1_200)
    s = env.state()
    assert (s.last_reading_timestamp, s.last_energy_produced, s.last_energy_consumed, s.average_reading_interval) \
        == (T0 + 1_200, 7_000, 1_500, 780)
    assert (s.total_readings, s.valid_readings, s.quality_score) == (3, 3, 100)
    assert env.config().valid_readings == env.config().total_readings == 3


def test_submit_meter_reading_compute_units(env):
    res = env.accept(5_000, 1_000, T0)
    line = next(ln for ln in h.logs(res) if ln.startswith(f"Program {ORACLE_ID} consumed"))
    cu = int(line.split()[3])
    print(f"\nsubmit_meter_reading: {cu} CU (incl. the registry CPI), transaction {h.compute_units(res)} CU")
    assert cu < 60_000


@pytest.mark.parametrize("name,prev,reading", [
    ("timestamp exactly now + 60", None, (1_000, 500, T0 + 60)),
    ("ratio exactly 10:1", None, (10_000, 1_000, T0)),
    # first reading: at most 1 h of rated output, 100 kW × 3,600 s × 1.1 = 110,000 Wh
    ("no consumption on a Solar meter: up to the capacity bound", None, (110_000, 0, T0)),
    ("consumption exactly the capacity bound", None, (0, 110_000, T0)),
    # a first reading stamped 1,800 s before registration covers 1,800 s (the window reaches back 1 h)
    ("first reading before registration, inside the window", None, (55_000, 0, REGISTERED_AT - 1_800)),
    ("zero reading", None, (0, 0, T0)),
    ("interval exactly the minimum", (1_000, 500, T0 - 60), (1_000, 500, T0)),
    ("deviation exactly +50 %", (1_000, 500, T0 - 60), (1_500, 500, T0)),
    ("deviation exactly -50 %", (1_000, 500, T0 - 60), (500, 500, T0)),
    # 60 s: capacity bound 1,833.3 Wh, floor 25 % of it = 458.3 Wh
    ("previous production 0: the floor, 25 % of the capacity bound", (0, 500, T0 - 60), (458, 500, T0)),
    ("previous production small: the floor above the percent", (100, 500, T0 - 60), (558, 500, T0)),
    ("after 60 s: production exactly the capacity bound", (1_300, 500, T0 - 60), (1_833, 500, T0)),
])
def test_submit_meter_reading_boundaries_are_accepted(env, name, prev, reading):
    if prev is not None:
        env.warp(prev[2])
        env.accept(*prev)
        env.warp(T0)
    env.accept(*reading)
    assert env.registry_meter().last_reading_at == reading[2]


def test_range_limits_are_inclusive(env):
    env.update(min_energy_value=100, max_energy_value=10_000, max_deviation_percent=1_000)
    env.accept(10_000, 10_000, T0)
    env.warp(T0 + 60)
    env.accept(100, 100, T0 + 60)
    assert env.state().valid_readings == 2


@pytest.mark.parametrize("reason,setup,reading", REJECTIONS,
                         ids=[f"{r.name}-{i}" for i, (r, _, _) in enumerate(REJECTIONS)])
def test_validation_rejection_is_recorded(env, reason, setup, reading):
    if setup is not None:
        setup(env)
    cfg, state, meter_snap = env.config(), env.state(), h.snapshot(env.svm, env.meter)
    res = env.submit(*reading)
    assert_recorded_rejection(env, res, reason, cfg, state, meter_snap, *reading)


def test_rejections_lower_quality_and_do_not_move_the_baseline(env):
    env.accept(1_000, 500, T0)
    env.warp(T0 + 30)
    res = env.submit(1_000, 500, T0 + 30)  # rate limited
    assert env.events(res, "ReadingRejected")[0]["reason"] == RejectReason.RateLimited
    res = env.submit(5_000, 500, T0 + 30 + 61)  # future AND deviating: the first failing layer wins
    assert env.events(res, "ReadingRejected")[0]["reason"] == RejectReason.FutureTimestamp
    s = env.state()
    assert (s.total_readings, s.valid_readings, s.rejected_readings, s.quality_score) == (3, 1, 2, 33)
    # the rate limit and the deviation are still measured from the last ACCEPTED reading (T0, 1000 Wh)
    env.warp(T0 + 60)
    env.accept(1_400, 500, T0 + 60)
    s = env.state()
    assert (s.total_readings, s.valid_readings, s.quality_score, s.average_reading_interval) == (4, 2, 50, 60)
    cfg = env.config()
    assert (cfg.total_readings, cfg.valid_readings, cfg.rejected_readings, cfg.rejected_rate_limited,
            cfg.rejected_future) == (4, 2, 2, 1, 1)
    assert env.registry_meter().total_generation == 2_400


def test_backdated_against_the_registry_clock(env):
    """A reading not after the registry's ``last_reading_at`` is recorded as Backdated instead of failing
    the registry CPI (the registry is the other source of the meter's last timestamp)."""
    reg.set_meter_fields(env.svm, env.meter, last_reading_at=T0 + 10)
    cfg, state, meter_snap = env.config(), env.state(), h.snapshot(env.svm, env.meter)
    env.warp(T0 + 20)
    res = env.submit(1_000, 500, T0 + 10)
    assert_recorded_rejection(env, res, RejectReason.Backdated, cfg, state, meter_snap, 1_000, 500, T0 + 10)


def test_submit_requires_the_gateway(env):
    other = env.stranger()
    ixs = o.signed_reading_instructions(env.meter_key, other.pubkey(), MID, 1_000, 500, T0)
    before = env.snaps(other.pubkey())
    h.assert_rejected(env.svm, env.send(ixs, other), OracleError.UnauthorizedGateway, before, index=1)


def test_submit_gateway_must_sign(env):
    ed, sub = env.reading_ixs(1_000, 500, T0)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([ed, patch(sub, env.gateway.pubkey(), is_signer=False)]),
                      AE.AccountNotSigner.code, before, index=1)


def test_submit_without_signature_instruction(env):
    _, sub = env.reading_ixs(1_000, 500, T0)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(sub, env.gateway), OracleError.MissingSignatureInstruction, before, index=0)


def test_submit_signature_must_be_the_preceding_instruction(env):
    ed, sub = env.reading_ixs(1_000, 500, T0)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([ed, set_compute_unit_limit(300_000), sub], env.gateway),
                      OracleError.MissingSignatureInstruction, before, index=2)


def test_submit_rejects_precompile_without_signatures(env):
    _, sub = env.reading_ixs(1_000, 500, T0)
    before = env.snaps()
    # num_signatures = 0 is accepted by the runtime (it verifies nothing)
    h.assert_rejected(env.svm, env.send([_precompile(b"\x00\x00"), sub], env.gateway),
                      OracleError.InvalidSignatureInstruction, before, index=1)


def test_submit_rejects_two_signatures(env):
    msg = o.reading_message(MID, 1_000, 500, T0)
    other = Keypair()
    entries = [(env.meter_key.pubkey(), env.meter_key.sign_message(msg)), (other.pubkey(), other.sign_message(msg))]
    header = 2 + 14 * 2
    offsets, body = b"", b""
    for pk, sig in entries:
        base = header + len(body)
        offsets += struct.pack("<7H", base + 32, 0xFFFF, base, 0xFFFF, base + 96, len(msg), 0xFFFF)
        body += bytes(pk) + bytes(sig) + msg
    _, sub = env.reading_ixs(1_000, 500, T0)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([_precompile(bytes([2, 0]) + offsets + body), sub], env.gateway),
                      OracleError.InvalidSignatureInstruction, before, index=1)


@pytest.mark.parametrize("which", [0, 1, 2], ids=["signature", "pubkey", "message"])
def test_submit_rejects_offsets_outside_the_precompile_data(env, which):
    """Instruction index 0 names the precompile instruction itself, so the runtime verifies the same bytes,
    but only u16::MAX ("this instruction") is accepted: no offsets into other instructions."""
    msg = o.reading_message(MID, 1_000, 500, T0)
    indices = [0xFFFF, 0xFFFF, 0xFFFF]
    indices[which] = 0
    data = o.ed25519_instruction_data(env.meter_key.pubkey(), msg, env.meter_key.sign_message(msg),
                                      instruction_indices=tuple(indices))
    _, sub = env.reading_ixs(1_000, 500, T0)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([_precompile(data), sub], env.gateway),
                      OracleError.InvalidSignatureInstruction, before, index=1)


def test_submit_rejects_another_key(env):
    ixs = env.reading_ixs(1_000, 500, T0, key=Keypair())
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ixs, env.gateway), OracleError.SignerKeyMismatch, before, index=1)


@pytest.mark.parametrize("signed", [(1_001, 500, T0), (1_000, 501, T0), (1_000, 500, T0 - 1)],
                         ids=["produced", "consumed", "timestamp"])
def test_submit_rejects_a_signature_over_other_values(env, signed):
    ed = o.sign_reading(env.meter_key, MID, *signed)
    sub = o.ix_submit_meter_reading(env.gateway.pubkey(), MID, 1_000, 500, T0)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([ed, sub], env.gateway), OracleError.SignedMessageMismatch, before, index=1)


def test_submit_rejects_a_signature_for_another_meter(env):
    """The meter id is part of the message: a reading signed for MID2 cannot be replayed for MID."""
    ed = o.sign_reading(env.meter_key, MID2, 1_000, 500, T0)
    sub = o.ix_submit_meter_reading(env.gateway.pubkey(), MID, 1_000, 500, T0)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send([ed, sub], env.gateway), OracleError.SignedMessageMismatch, before, index=1)


def test_submit_with_an_invalid_signature_fails_in_the_precompile(env):
    msg = o.reading_message(MID, 1_000, 500, T0)
    sig = bytearray(bytes(env.meter_key.sign_message(msg)))
    sig[0] ^= 1
    ed = o.ed25519_verify_instruction(env.meter_key.pubkey(), msg, bytes(sig))
    sub = o.ix_submit_meter_reading(env.gateway.pubkey(), MID, 1_000, 500, T0)
    before = env.snaps()
    res = env.send([ed, sub], env.gateway)
    assert not h.is_ok(res)
    ie = h.instruction_error(res)
    assert ie is not None and ie[0] == 0, res.err()  # the precompile instruction failed, not the oracle
    assert h.program_data(h.logs(res)) == []
    h.assert_unchanged(env.svm, before)


def test_submit_for_an_inactive_meter(env):
    env.ok(reg.ix_deactivate_meter(env.owner.pubkey(), env.meter), env.owner)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(1_000, 500, T0), OracleError.MeterInactive, before, index=1)


def test_submit_when_paused(env):
    gov.pause_for_tests(env.svm)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(1_000, 500, T0), CommonError.SystemPaused, before, index=1)
    gov.unpause_for_tests(env.svm)
    env.accept(1_000, 500, T0)


def test_submit_gap_over_24h_fails_in_the_registry(env):
    """The registry refuses gaps above 24 h (StaleReading); the oracle does not mask that error."""
    env.accept(1_000, 500, T0)
    env.warp(T0 + DAY + 1)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(1_000, 500, T0 + DAY + 1), reg.RegistryError.StaleReading, before,
                      index=1)


def test_submit_account_substitutions(env):
    """Every account of submit_meter_reading replaced by a plausible wrong one fails with Anchor's error."""
    register_meter(env, "METER-0002", "Solar", env.meter_key)
    env.ok(o.ix_initialize_meter_state(env.gateway.pubkey(), MID2), env.gateway)
    other_meter, other_state = reg.meter_pda(MID2)[0], o.meter_state_pda(MID2)[0]
    gc = gov.governance_config_pda()[0]
    cases = [
        (env.config_pda, clone_account(env, env.config_pda), AE.ConstraintAddress.code),
        (env.config_pda, env.state_pda, AE.AccountDiscriminatorMismatch.code),
        (env.state_pda, other_state, AE.ConstraintSeeds.code),
        (env.state_pda, clone_account(env, env.state_pda, owner=SYSTEM_PROGRAM_ID), AE.AccountOwnedByWrongProgram.code),
        (env.meter, other_meter, AE.ConstraintSeeds.code),
        (env.meter, clone_account(env, env.meter, owner=ORACLE_ID), AE.AccountOwnedByWrongProgram.code),
        (o.oracle_authority_pda()[0], Keypair().pubkey(), AE.ConstraintAddress.code),
        (o.INSTRUCTIONS_SYSVAR_ID, Keypair().pubkey(), AE.ConstraintAddress.code),
        (gc, clone_account(env, gc), AE.ConstraintSeeds.code),
        (gc, clone_account(env, gc, owner=SYSTEM_PROGRAM_ID), AE.AccountOwnedByWrongProgram.code),
        (gc, Keypair().pubkey(), AE.AccountNotInitialized.code),
        (reg.PROGRAM_ID, gov.PROGRAM_ID, AE.InvalidProgramId.code),
    ]
    for old, new, code in cases:
        before = env.snaps(other_meter, other_state, new)
        h.assert_rejected(env.svm, _submit_with(env, old, new), code, before, index=1)


def test_submit_counter_overflow(env):
    o.set_oracle_config_fields(env.svm, total_readings=U64_MAX)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(1_000, 500, T0), OracleError.ArithmeticOverflow, before, index=1)


def test_submit_registry_total_overflow(env):
    """Totals overflowing in the registry fail the CPI with the registry's ArithmeticOverflow."""
    reg.set_meter_fields(env.svm, env.meter, total_generation=U64_MAX - 999)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(1_000, 500, T0), reg.RegistryError.ArithmeticOverflow, before, index=1)


def test_submit_without_meter_state(env):
    register_meter(env, "METER-0002", "Solar", env.meter_key)
    before = env.snaps(reg.meter_pda(MID2)[0])
    ixs = env.reading_ixs(1_000, 500, T0, mid=MID2)
    h.assert_rejected(env.svm, env.send(ixs, env.gateway), AE.AccountNotInitialized.code, before, index=1)


def test_consensus_median_of_three(env, oracles):
    cfg0, state0 = env.config(), env.state()
    a, b, c = oracles
    res = h.expect_ok(consensus(env, T0, [(a, 100, 50), (b, 300, 10), (c, 200, 30)]))
    # medians 200 and 30: c reported exactly that pair, so c's reading is taken whole
    assert env.events(res) == [
        {"meter_id": MID, "oracle_count": 3, "oracle": c.pubkey(), "median_produced": 200, "median_consumed": 30,
         "reading_timestamp": T0},
        {"meter_id": MID, "energy_produced": 200, "energy_consumed": 30, "reading_timestamp": T0,
         "total_generation": 200, "total_consumption": 30, "reading_count": 1},
        {"meter_id": MID, "source": ReadingSource.Consensus, "energy_produced": 200, "energy_consumed": 30,
         "reading_timestamp": T0, "average_reading_interval": 0, "valid_readings": 1, "total_readings": 1,
         "quality_score": 100},
    ]
    m = env.registry_meter()
    assert (m.total_generation, m.total_consumption, m.reading_count, m.last_reading_at) == (200, 30, 1, T0)
    assert env.config() == replace(cfg0, total_readings=1, valid_readings=1, consensus_rounds=1)
    assert env.state() == replace(state0, last_reading_timestamp=T0, last_energy_produced=200,
                                  last_energy_consumed=30, total_readings=1, valid_readings=1, quality_score=100)


def test_consensus_even_count_is_refused(env):
    """An even count has no middle reading: refused even when it reaches the threshold (n = 4, t = 3, 4 sign)."""
    kps = [Keypair() for _ in range(4)]
    env.update(backup_oracles=[k.pubkey() for k in kps], consensus_threshold=3)
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(k, 100, 50) for k in kps]), OracleError.EvenOracleCount, before)


def test_consensus_outlier_is_ignored(env):
    """The spec's example (a faulty oracle reports far more), as 3-of-4: two honest identical readings and
    a faulty one; the honest reading is taken whole (the spec averaged 4 values into one nobody reported)."""
    kps = [Keypair() for _ in range(4)]
    env.update(backup_oracles=[k.pubkey() for k in kps], consensus_threshold=3)
    entries = [(kps[0], 10_000, 5_000), (kps[1], 10_000, 5_000), (kps[3], 25_000, 0)]
    res = h.expect_ok(consensus(env, T0, entries))
    ev = env.events(res, "ConsensusReached")[0]
    assert (ev["oracle"], ev["median_produced"], ev["median_consumed"]) == (kps[0].pubkey(), 10_000, 5_000)
    m = env.registry_meter()
    assert (m.total_generation, m.total_consumption) == (10_000, 5_000)


def test_consensus_disagreement_is_refused(env, oracles):
    """No signer reported (median produced, median consumed): no value is invented, the round fails."""
    a, b, c = oracles
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(a, 100, 50), (b, 101, 0), (c, 102, 52)]),
                      OracleError.ConsensusDisagreement, before)


def test_consensus_median_is_validated_like_any_reading(env, oracles):
    a, b, c = oracles
    cfg, state, meter_snap = env.config(), env.state(), h.snapshot(env.svm, env.meter)
    res = consensus(env, T0, [(a, 20_000, 1_000), (b, 11_000, 1_000), (c, 500, 1_000)])  # b's reading: 11:1
    assert env.events(res, "ConsensusReached")[0]["median_produced"] == 11_000
    assert_recorded_rejection(env, res, RejectReason.RatioExceeded, cfg, state, meter_snap, 11_000, 1_000, T0,
                              source=ReadingSource.Consensus)


def test_consensus_below_threshold(env, oracles):
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(oracles[0], 100, 50)]), OracleError.InsufficientConsensus, before)


def test_consensus_with_no_readings(env, oracles):
    before = env.snaps()
    ix = o.ix_submit_meter_reading_consensus(MID, T0, [])
    h.assert_rejected(env.svm, env.send(ix), OracleError.InsufficientConsensus, before)


def test_consensus_duplicate_oracle(env, oracles):
    a = oracles[0]
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(a, 100, 50), (oracles[1], 100, 50), (a, 100, 50)]),
                      OracleError.DuplicateOracle, before)


def test_consensus_unknown_oracle(env, oracles):
    before = env.snaps()
    entries = [(oracles[0], 100, 50), (oracles[1], 100, 50), (Keypair(), 100, 50)]
    h.assert_rejected(env.svm, consensus(env, T0, entries), OracleError.UnauthorizedOracle, before)


def test_consensus_disabled_without_backup_oracles(env):
    kps = [Keypair(), Keypair(), Keypair()]
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(k, 100, 50) for k in kps]), OracleError.UnauthorizedOracle, before)


def test_consensus_oracles_must_sign(env, oracles):
    a, b, c = oracles
    ix = o.ix_submit_meter_reading_consensus(MID, T0, [(k.pubkey(), 100, 50) for k in oracles])
    ix = patch(ix, b.pubkey(), is_signer=False)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix, a, c), OracleError.OracleNotSigner, before)


def test_consensus_values_and_oracles_must_pair_up(env, oracles):
    a, b, c = oracles
    ix = o.ix_submit_meter_reading_consensus(MID, T0, [(a.pubkey(), 100, 50), (b.pubkey(), 100, 50)])
    ix = Instruction(ix.program_id, ix.data, list(ix.accounts) + [AccountMeta(c.pubkey(), True, False)])
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(ix, a, b, c), OracleError.OracleCountMismatch, before)


def test_consensus_round_counter_overflow(env, oracles):
    o.set_oracle_config_fields(env.svm, consensus_rounds=U64_MAX)
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(k, 100, 50) for k in oracles]), OracleError.ArithmeticOverflow,
                      before)


def test_consensus_for_an_inactive_meter(env, oracles):
    env.ok(reg.ix_deactivate_meter(env.owner.pubkey(), env.meter), env.owner)
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(k, 100, 50) for k in oracles]), OracleError.MeterInactive, before)


def test_consensus_when_paused(env, oracles):
    gov.pause_for_tests(env.svm)
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(k, 100, 50) for k in oracles]), CommonError.SystemPaused, before)


def test_consensus_account_substitutions(env, oracles):
    register_meter(env, "METER-0002", "Solar", env.meter_key)
    env.ok(o.ix_initialize_meter_state(env.gateway.pubkey(), MID2), env.gateway)
    other_meter, other_state = reg.meter_pda(MID2)[0], o.meter_state_pda(MID2)[0]
    gc = gov.governance_config_pda()[0]
    cases = [
        (env.config_pda, clone_account(env, env.config_pda), AE.ConstraintAddress.code),
        (env.state_pda, other_state, AE.ConstraintSeeds.code),
        (env.meter, other_meter, AE.ConstraintSeeds.code),
        (o.oracle_authority_pda()[0], Keypair().pubkey(), AE.ConstraintAddress.code),
        (gc, clone_account(env, gc), AE.ConstraintSeeds.code),
        (gc, clone_account(env, gc, owner=SYSTEM_PROGRAM_ID), AE.AccountOwnedByWrongProgram.code),
        (gc, Keypair().pubkey(), AE.AccountNotInitialized.code),
        (reg.PROGRAM_ID, gov.PROGRAM_ID, AE.InvalidProgramId.code),
    ]
    entries = [(k.pubkey(), 100, 50) for k in oracles]
    for old, new, code in cases:
        ix = patch(o.ix_submit_meter_reading_consensus(MID, T0, entries), old, new)
        before = env.snaps(other_meter, other_state, new)
        h.assert_rejected(env.svm, env.send(ix, *oracles), code, before)


def test_trigger_market_clearing(env):
    env.warp(T0 + 100)
    res = env.ok(o.ix_trigger_market_clearing(env.admin.pubkey()), env.admin)
    assert env.events(res) == [{"triggered_by": env.admin.pubkey(), "timestamp": T0 + 100,
                                "previous_clearing_at": 0, "clearing_count": 1}]
    env.warp(T0 + 400)
    before = env.config()
    res = env.ok(o.ix_trigger_market_clearing(env.gateway.pubkey()), env.gateway)
    assert env.events(res) == [{"triggered_by": env.gateway.pubkey(), "timestamp": T0 + 400,
                                "previous_clearing_at": T0 + 100, "clearing_count": 2}]
    assert env.config() == replace(before, last_clearing_at=T0 + 400, clearing_count=2)


def test_trigger_market_clearing_requires_admin_or_gateway(env):
    other = env.stranger()
    before = env.snaps(other.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_trigger_market_clearing(other.pubkey()), other),
                      OracleError.UnauthorizedCaller, before)


def test_trigger_market_clearing_counter_overflow(env):
    o.set_oracle_config_fields(env.svm, clearing_count=U64_MAX)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(o.ix_trigger_market_clearing(env.admin.pubkey()), env.admin),
                      OracleError.ArithmeticOverflow, before)


def test_trigger_market_clearing_when_paused(env):
    gov.pause_for_tests(env.svm)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(o.ix_trigger_market_clearing(env.gateway.pubkey()), env.gateway),
                      CommonError.SystemPaused, before)


def test_authority_transfer_propose_accept(env):
    new = env.stranger()
    env.warp(T0 + 1)
    res = env.ok(o.ix_propose_authority_transfer(env.admin.pubkey(), new.pubkey()), env.admin)
    expires = T0 + 1 + gov.AUTHORITY_TRANSFER_TTL_SECONDS
    assert env.events(res) == [{"authority": env.admin.pubkey(), "pending_authority": new.pubkey(),
                                "expires_at": expires}]
    adm = env.config().admin
    assert (adm.authority, adm.pending_authority, adm.pending_expires_at) == (env.admin.pubkey(), new.pubkey(), expires)
    env.warp(expires)
    res = env.ok(o.ix_accept_authority_transfer(new.pubkey()), new)
    assert env.events(res) == [{"previous_authority": env.admin.pubkey(), "new_authority": new.pubkey()}]
    adm = env.config().admin
    assert (adm.authority, adm.pending_authority, adm.pending_expires_at) == (new.pubkey(), Pubkey.default(), 0)
    # the new admin governs, the old one no longer does
    env.ok(o.ix_trigger_market_clearing(new.pubkey()), new)
    before = env.snaps(env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_trigger_market_clearing(env.admin.pubkey()), env.admin),
                      OracleError.UnauthorizedCaller, before)


def test_authority_transfer_cancel(env):
    new = env.stranger()
    env.ok(o.ix_propose_authority_transfer(env.admin.pubkey(), new.pubkey()), env.admin)
    res = env.ok(o.ix_cancel_authority_transfer(env.admin.pubkey()), env.admin)
    assert env.events(res) == [{"authority": env.admin.pubkey(), "cancelled_pending": new.pubkey()}]
    adm = env.config().admin
    assert (adm.authority, adm.pending_authority, adm.pending_expires_at) == (env.admin.pubkey(), Pubkey.default(), 0)
    before = env.snaps(new.pubkey())
    h.assert_rejected(env.svm, env.send(o.ix_accept_authority_transfer(new.pubkey()), new),
                      CommonError.NoPendingTransfer, before)


def test_authority_transfer_errors(env):
    new, other = env.stranger(), env.stranger()
    a = env.admin.pubkey()
    snaps = lambda: env.snaps(a, new.pubkey(), other.pubkey())  # noqa: E731
    # propose: only the admin, never to itself or the default key
    h.assert_rejected(env.svm, env.send(o.ix_propose_authority_transfer(other.pubkey(), new.pubkey()), other),
                      CommonError.NotAuthority, snaps())
    for bad in (a, Pubkey.default()):
        h.assert_rejected(env.svm, env.send(o.ix_propose_authority_transfer(a, bad), env.admin),
                          CommonError.InvalidNewAuthority, snaps())
    # cancel / accept without a pending transfer
    h.assert_rejected(env.svm, env.send(o.ix_cancel_authority_transfer(a), env.admin),
                      CommonError.NoPendingTransfer, snaps())
    h.assert_rejected(env.svm, env.send(o.ix_accept_authority_transfer(new.pubkey()), new),
                      CommonError.NoPendingTransfer, snaps())
    env.ok(o.ix_propose_authority_transfer(a, new.pubkey()), env.admin)
    # accept by someone else, cancel by someone else, accept after expiry
    h.assert_rejected(env.svm, env.send(o.ix_accept_authority_transfer(other.pubkey()), other),
                      CommonError.NotPendingAuthority, snaps())
    h.assert_rejected(env.svm, env.send(o.ix_cancel_authority_transfer(other.pubkey()), other),
                      CommonError.NotAuthority, snaps())
    env.warp(T0 + gov.AUTHORITY_TRANSFER_TTL_SECONDS + 1)
    h.assert_rejected(env.svm, env.send(o.ix_accept_authority_transfer(new.pubkey()), new),
                      CommonError.TransferExpired, snaps())


@pytest.mark.parametrize("name", NAMES)
def test_signer_must_sign(env, oracles, name):
    ix, signers, signer, *_ = _all_instructions(env, oracles)[name]
    ix = patch(ix, signer, is_signer=False)
    before = env.snaps(signer)
    res = env.send(ix, *signers)
    code = OracleError.OracleNotSigner if name == "submit_meter_reading_consensus" else AE.AccountNotSigner.code
    h.assert_rejected(env.svm, res, code, before)


def test_initialize_oracle_signer_must_sign(bare):
    env = bare
    ix = patch(o.ix_initialize_oracle(env.admin.pubkey(), env.gateway.pubkey()), env.admin.pubkey(), is_signer=False)
    before = h.snapshots(env.svm, env.config_pda, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix), AE.AccountNotSigner.code, before)


@pytest.mark.parametrize("name", NAMES)
def test_config_must_be_the_oracle_config(env, oracles, name):
    ix, signers, *_ = _all_instructions(env, oracles)[name]
    fake = clone_account(env, env.config_pda)
    before = env.snaps(fake)
    h.assert_rejected(env.svm, env.send(patch(ix, env.config_pda, fake), *signers), AE.ConstraintAddress.code, before)


@pytest.mark.parametrize("name", WITH_GOVERNANCE + ["initialize_oracle"])
@pytest.mark.parametrize("fake_owner,code", [(gov.PROGRAM_ID, AE.ConstraintSeeds.code),
                                             (SYSTEM_PROGRAM_ID, AE.AccountOwnedByWrongProgram.code),
                                             (None, AE.AccountNotInitialized.code)],
                         ids=["governance-owned copy", "wrong owner", "missing"])
def test_governance_config_must_be_the_real_one(programs, name, fake_owner, code):
    env = make_env(programs, init_oracle=(name != "initialize_oracle"))
    gc = gov.governance_config_pda()[0]
    if name == "initialize_oracle":
        ix, signers = o.ix_initialize_oracle(env.admin.pubkey(), env.gateway.pubkey()), [env.admin]
    else:
        ix, signers, _ = _all_instructions(env, [Keypair()])[name]
    fake = Keypair().pubkey() if fake_owner is None else clone_account(env, gc, owner=fake_owner)
    before = env.snaps(fake, env.admin.pubkey()) if name != "initialize_oracle" else h.snapshots(
        env.svm, env.config_pda, fake, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(patch(ix, gc, fake), *signers), code, before)


def test_instructions_before_initialization(bare):
    """Every oracle instruction needs the config: before initialize_oracle they fail with AccountNotInitialized."""
    env = bare
    a, g = env.admin, env.gateway
    ixs = [
        (o.ix_update_oracle_config(a.pubkey(), o.params(g.pubkey())), [a]),
        (o.ix_initialize_meter_state(g.pubkey(), MID), [g]),
        (o.ix_trigger_market_clearing(a.pubkey()), [a]),
        (o.ix_propose_authority_transfer(a.pubkey(), Keypair().pubkey()), [a]),
        (o.ix_submit_meter_reading_consensus(MID, T0, []), []),
    ]
    for ix, signers in ixs:
        before = h.snapshots(env.svm, env.config_pda, env.state_pda, env.meter, g.pubkey(), a.pubkey())
        h.assert_rejected(env.svm, env.send(ix, *signers), AE.AccountNotInitialized.code, before)
    before = h.snapshots(env.svm, env.config_pda, env.state_pda, env.meter, g.pubkey())
    h.assert_rejected(env.svm, env.submit(1_000, 500, T0), AE.AccountNotInitialized.code, before, index=1)
