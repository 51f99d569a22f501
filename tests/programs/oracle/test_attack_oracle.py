"""Attacks on the oracle (issue #11 "Trust"), each written as the attacker would try it, against the real
oracle, registry and governance programs in LiteSVM.

Plausibility: a reading is recorded as rejected (the transaction succeeds, a ``ReadingRejected`` event names
the reason, the reason's counter moves) and the registry's meter account — the totals GRX and ERCs are
minted from — does not change. Consensus: a round a minority could steer either cannot be configured or is
refused with a named error and changes no account; where it is accepted, the value is the honest one.

Fixtures and helpers come from conftest.py and oracle_env.py next to this file (meters registered at ``T0 − 900``
by default; the
oracle with its ``initialize_oracle`` defaults: Solar ceiling 1 MW, margin 10 %, first reading ≤ 1 h of rated
output and no reading reaching back more than 1 h before registration, deviation floor 25 % of the capacity
bound).
"""
from __future__ import annotations



from solders.keypair import Keypair  # noqa: E402

from gridtokenx_cli.testing import svm_lite as h  # noqa: E402
from gridtokenx_cli.testing import oracle as o  # noqa: E402
from gridtokenx_cli.testing import registry as reg  # noqa: E402
from gridtokenx_cli.testing.oracle import OracleError, RejectReason  # noqa: E402
from oracle_env import *  # noqa: F403

HOUSEHOLD_W = 5_000  # a 5 kW rooftop array
QUARTER = 900


# ----------------------------------------------------------------------------- helpers


def household(env: Env, text_id: str, meter_type: str = "Solar", capacity_w: int = HOUSEHOLD_W,
              registered_at: int | None = None) -> tuple[bytes, Keypair]:
    """A meter registered (meter key signs, capacity declared) at ``registered_at`` (default: now) with its
    oracle state; the clock is put back afterwards."""
    now = env.now()
    if registered_at is not None:
        env.warp(registered_at)
    key = Keypair()
    register_meter(env, text_id, meter_type, key, capacity_w=capacity_w)
    mid = reg.meter_id(text_id)
    env.ok(o.ix_initialize_meter_state(env.gateway.pubkey(), mid), env.gateway)
    env.warp(now)
    return mid, key


def submit(env: Env, mid: bytes, key: Keypair, p: int, c: int, ts: int):
    return env.submit(p, c, ts, mid=mid, key=key)


def accept(env: Env, mid: bytes, key: Keypair, p: int, c: int, ts: int):
    res = h.expect_ok(submit(env, mid, key, p, c, ts))
    assert env.events(res, "ReadingRejected") == [], env.events(res)
    return res


def assert_recorded(env: Env, mid: bytes, attempt, reason: RejectReason):
    """Runs ``attempt()``: it succeeds with exactly one ``ReadingRejected(reason)``, the reason's counter and
    the totals move by one, the registry meter account is byte-for-byte unchanged and the oracle's baseline
    (last accepted reading) did not move."""
    meter = reg.meter_pda(mid)[0]
    cfg, state, meter_snap = env.config(), env.state(mid), h.snapshot(env.svm, meter)
    res = h.expect_ok(attempt())
    rejected = env.events(res, "ReadingRejected")
    assert [e["reason"] for e in rejected] == [reason], env.events(res)
    assert env.events(res, "MeterReadingAccepted") == [] and env.events(res, "MeterReadingUpdated") == []
    counter = o.REJECT_COUNTERS[reason]
    after = env.config()
    assert getattr(after, counter) == getattr(cfg, counter) + 1
    assert (after.rejected_readings, after.valid_readings) == (cfg.rejected_readings + 1, cfg.valid_readings)
    s = env.state(mid)
    assert (s.last_reading_timestamp, s.last_energy_produced, s.last_energy_consumed, s.valid_readings) == (
        state.last_reading_timestamp, state.last_energy_produced, state.last_energy_consumed, state.valid_readings)
    assert h.snapshot(env.svm, meter) == meter_snap
    return res


def oracle_set(env: Env, n: int, threshold: int) -> list[Keypair]:
    kps = [Keypair() for _ in range(n)]
    env.update(backup_oracles=[k.pubkey() for k in kps], consensus_threshold=threshold)
    return kps


# ----------------------------------------------------------------------------- plausibility


def test_absurd_first_reading_of_a_household_meter(env):
    """The review finding: a household meter's first reading of 900 MWh was accepted (range 0–10⁹ Wh, no
    previous value, so no deviation check). Now its first interval is bounded by its 5 kW rating."""
    mid, key = household(env, "HOUSE-1", registered_at=T0 - QUARTER)
    for p, c in [(900_000_000, 90_000_000), (1_000, 900_000_000)]:  # 10:1 keeps the ratio check quiet
        assert_recorded(env, mid, lambda: submit(env, mid, key, p, c, T0), RejectReason.CapacityExceeded)
    # the most a first reading may claim: one hour of rated output, 5 kW × 3,600 s × 1.1 = 5,500 Wh, exactly
    assert_recorded(env, mid, lambda: submit(env, mid, key, 5_501, 1_000, T0), RejectReason.CapacityExceeded)
    accept(env, mid, key, 5_500, 5_500, T0)
    m = env.registry_meter(mid)
    assert (m.total_generation, m.total_consumption) == (5_500, 5_500)


def test_first_reading_long_after_registration_gets_at_most_one_hour(env):
    """A meter registered 30 days ago claims its whole life as the opening reading: only
    first_reading_max_interval (1 h) of rated output counts."""
    mid, key = household(env, "HOUSE-OLD", registered_at=T0 - 30 * DAY)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 5_501, 0, T0), RejectReason.CapacityExceeded)
    accept(env, mid, key, 5_500, 0, T0)  # 5 kW × 3,600 s × 1.1


def test_backfill_from_before_registration(env):
    """A meter registered now tries to be credited for the days before: a zero first reading stamped two days
    back (zeros are always plausible) to set a baseline, then 24-hour steps (the registry's largest gap), each
    claiming a day of rated output. Only the hour before registration (first_reading_max_interval: readings a
    gateway queued while the registration was pending) can count."""
    mid, key = household(env, "HOUSE-BACKFILL")  # registered at T0
    accept(env, mid, key, 0, 0, T0 - 2 * DAY)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 0, 1, T0 - DAY), RejectReason.CapacityExceeded)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 0, 1, T0 - 3_600), RejectReason.CapacityExceeded)
    accept(env, mid, key, 0, 0, T0 - DAY)
    # the next step: from T0 − 1 day, but counted from T0 − 1 h only: 5 kW × 3,600 s × 1.1 = 5,500 Wh
    assert_recorded(env, mid, lambda: submit(env, mid, key, 0, 5_501, T0), RejectReason.CapacityExceeded)
    # and production after the zero baseline is held to the deviation floor, 25 % of that bound
    assert_recorded(env, mid, lambda: submit(env, mid, key, 1_376, 0, T0), RejectReason.ExcessiveDeviation)
    accept(env, mid, key, 1_375, 5_500, T0)
    m = env.registry_meter(mid)
    assert (m.total_generation, m.total_consumption) == (1_375, 5_500)


def test_one_second_after_the_previous_reading(env):
    """A minimal interval (rate limit set to 0 by the admin) grants a minimal energy: 1 kW × 1 s × 1.1 < 1 Wh."""
    env.update(min_reading_interval=0)
    mid, key = household(env, "HOUSE-1KW", capacity_w=1_000, registered_at=T0 - QUARTER)
    accept(env, mid, key, 0, 200, T0)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 0, 1, T0 + 1), RejectReason.CapacityExceeded)
    accept(env, mid, key, 0, 0, T0 + 1)


def test_reading_after_a_zero_production_interval(env):
    """The old deviation check was skipped when the previous production was 0: after a night of zeros the
    attacker reports the array's full quarter-hour. The floor allows 25 % of the capacity bound."""
    mid, key = household(env, "HOUSE-NIGHT", registered_at=T0 - 2 * QUARTER)
    accept(env, mid, key, 0, 300, T0 - QUARTER)
    # 15 min: bound 1,375 Wh, floor 343.75 Wh
    assert_recorded(env, mid, lambda: submit(env, mid, key, 1_375, 300, T0), RejectReason.ExcessiveDeviation)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 344, 300, T0), RejectReason.ExcessiveDeviation)
    accept(env, mid, key, 343, 300, T0)


def test_huge_production_with_zero_consumption(env):
    """consumed = 0 used to skip the ratio check: a pure producer's reading was bounded only by the range."""
    mid, key = household(env, "HOUSE-PURE", registered_at=T0 - QUARTER)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 999_999_999, 0, T0), RejectReason.CapacityExceeded)
    accept(env, mid, key, 5_500, 0, T0)  # a generation-only Solar meter is legitimate up to its rating
    # a Grid (connection) meter cannot export with zero import: the ratio is infinite
    gmid, gkey = household(env, "GRID-1", "Grid", capacity_w=10_000, registered_at=T0 - QUARTER)
    assert_recorded(env, gmid, lambda: submit(env, gmid, gkey, 1, 0, T0), RejectReason.RatioExceeded)
    accept(env, gmid, gkey, 0, 2_000, T0)


def test_capacity_declared_above_the_type_ceiling(env):
    """The owner declares a 10 GW 'rooftop': the Solar ceiling (1 MW) bounds it, not the declaration."""
    mid, key = household(env, "HOUSE-10GW", capacity_w=10_000_000_000, registered_at=T0 - QUARTER)
    # first reading: 1 MW × 3,600 s × 1.1 = 1,100,000 Wh (ratio 10:1 needs 110,001 Wh consumed)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 1_100_001, 200_000, T0), RejectReason.CapacityExceeded)
    accept(env, mid, key, 1_100_000, 200_000, T0)
    # the admin lowers the Solar ceiling to 10 kW: the next quarter is bounded by 10 kW × 900 s × 1.1 = 2,750
    env.update(type_ceiling_w={"Solar": 10_000}, max_deviation_percent=1_000)
    env.warp(T0 + QUARTER)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 2_751, 2_000, T0 + QUARTER),
                    RejectReason.CapacityExceeded)


def test_energy_of_a_resumed_gap_is_not_invented(env):
    """After an outage the registry admin resumes the meter; the gateway then reports the outage's energy in
    the first reading: only the time since the resume counts."""
    mid, key = household(env, "HOUSE-GAP", registered_at=T0 - QUARTER)
    accept(env, mid, key, 1_000, 500, T0)
    resume_at = T0 + 3 * DAY
    env.warp(resume_at + QUARTER)
    env.ok(reg.ix_resume_meter(env.admin.pubkey(), reg.meter_pda(mid)[0], resume_at), env.admin)
    assert_recorded(env, mid, lambda: submit(env, mid, key, 1_376, 500, resume_at + QUARTER),
                    RejectReason.CapacityExceeded)
    accept(env, mid, key, 1_375, 500, resume_at + QUARTER)


# ----------------------------------------------------------------------------- consensus


def test_config_letting_a_minority_decide_is_refused(env):
    """2-of-3 (the spec's own table), 2-of-4, 1-of-2 and 5-of-10 would each let a minority (or half) of the
    configured oracles decide: update_oracle_config refuses them and the config does not change."""
    for n, t in [(3, 2), (4, 2), (2, 1), (2, 2), (3, 1), (10, 5), (10, 6), (6, 3)]:
        p = o.params_from_config(env.config(), backup_oracles=[Keypair().pubkey() for _ in range(n)],
                                 consensus_threshold=t)
        before = env.snaps(env.admin.pubkey())
        h.assert_rejected(env.svm, env.send(o.ix_update_oracle_config(env.admin.pubkey(), p), env.admin),
                          OracleError.InvalidConsensusThreshold, before)


def test_minority_of_three_cannot_pull_consumption_to_zero(env):
    """n = 3 (only t = 3 is allowed): one faulty oracle reports consumption 0 to inflate net generation.
    The median pair is the honest one and is taken whole from an honest signer."""
    a, b, c = oracle_set(env, 3, 3)
    res = h.expect_ok(consensus(env, T0, [(a, 5_000, 2_000), (c, 5_000, 0), (b, 5_000, 2_000)]))
    ev = env.events(res, "ConsensusReached")[0]
    assert (ev["oracle"], ev["median_produced"], ev["median_consumed"]) == (a.pubkey(), 5_000, 2_000)
    m = env.registry_meter()
    assert (m.total_generation, m.total_consumption) == (5_000, 2_000)


def test_minority_of_three_signing_alone_is_not_enough(env):
    """The old 2-of-3: the faulty oracle and one honest one submit; lower median of consumption [0, 2000]
    was 0. Now two signatures are below the threshold (and an even count)."""
    a, _, c = oracle_set(env, 3, 3)
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(a, 5_000, 2_000), (c, 5_000, 0)]),
                      OracleError.InsufficientConsensus, before)


def test_minority_of_four_cannot_pull_consumption_to_zero(env):
    """n = 4, t = 3: one faulty oracle among the three signers."""
    kps = oracle_set(env, 4, 3)
    res = h.expect_ok(consensus(env, T0, [(kps[3], 5_000, 0), (kps[0], 5_000, 2_000), (kps[1], 5_000, 2_000)]))
    ev = env.events(res, "ConsensusReached")[0]
    assert (ev["oracle"], ev["median_consumed"]) == (kps[0].pubkey(), 2_000)
    assert env.registry_meter().total_consumption == 2_000


def test_even_signer_count_is_refused(env):
    """n = 4, t = 3, all four sign, two of them (faulty) report consumption 0: with an even count the old
    lower median took the faulty value. An even count is refused."""
    kps = oracle_set(env, 4, 3)
    entries = [(kps[0], 5_000, 2_000), (kps[1], 5_000, 2_000), (kps[2], 5_000, 0), (kps[3], 5_000, 0)]
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, entries), OracleError.EvenOracleCount, before)


def test_faulty_reading_between_honest_ones_cannot_choose_consumption(env):
    """Honest oracles read slightly different values; the faulty one places its produced value between
    them (so it is the middle reading by produced) with consumption 0. Taking the middle-by-produced reading
    whole would set consumption to 0; the medians (101, 50) were reported by nobody: refused."""
    a, b, c = oracle_set(env, 3, 3)
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(a, 5_000, 2_000), (c, 5_050, 0), (b, 5_100, 2_100)]),
                      OracleError.ConsensusDisagreement, before)


def test_duplicate_signer_cannot_reach_the_threshold(env):
    """The faulty oracle signs twice (same key in two slots) to reach 3 with one honest partner."""
    a, _, c = oracle_set(env, 3, 3)
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(c, 5_000, 0), (a, 5_000, 2_000), (c, 5_000, 0)]),
                      OracleError.DuplicateOracle, before)


def test_outsider_cannot_join_a_round(env):
    a, b, _ = oracle_set(env, 3, 3)
    before = env.snaps()
    h.assert_rejected(env.svm, consensus(env, T0, [(a, 5_000, 2_000), (b, 5_000, 2_000), (Keypair(), 5_000, 0)]),
                      OracleError.UnauthorizedOracle, before)


def test_two_faulty_of_five_cannot_steer_either_field(env):
    """n = 5, t = 5 (f = 1 tolerated by the rule; here even two faulty among five signers lose): one faulty
    pushes production up, one pulls consumption down; three honest agree."""
    kps = oracle_set(env, 5, 5)
    entries = [(kps[0], 9_000, 0), (kps[1], 5_000, 2_000), (kps[2], 0, 9_000), (kps[3], 5_000, 2_000),
               (kps[4], 5_000, 2_000)]
    res = h.expect_ok(consensus(env, T0, entries))
    ev = env.events(res, "ConsensusReached")[0]
    assert (ev["oracle"], ev["median_produced"], ev["median_consumed"]) == (kps[1].pubkey(), 5_000, 2_000)


def test_consensus_value_still_faces_the_capacity_bound(env):
    """Even a unanimous consensus cannot report more than the meter can produce (MID: 100 kW, a first
    reading: 1 h of rated output, 110,000 Wh)."""
    kps = oracle_set(env, 3, 3)
    meter = reg.meter_pda(MID)[0]
    snap = h.snapshot(env.svm, meter)
    res = h.expect_ok(consensus(env, T0, [(k, 110_001, 20_000) for k in kps]))
    assert [e["reason"] for e in env.events(res, "ReadingRejected")] == [RejectReason.CapacityExceeded]
    assert h.snapshot(env.svm, meter) == snap and env.config().rejected_capacity == 1


def test_unapproved_meter_readings_are_refused(env):
    """A meter the registry admin has not approved cannot feed readings, not even rejected ones."""
    reg.set_meter_fields(env.svm, env.meter, approved=False)
    kps = oracle_set(env, 3, 3)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(1_000, 500, T0), OracleError.MeterNotApproved, before, index=1)
    h.assert_rejected(env.svm, consensus(env, T0, [(k, 1_000, 500) for k in kps]), OracleError.MeterNotApproved,
                      before)
