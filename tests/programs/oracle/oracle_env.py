"""What the oracle tests and its attack suite share: constants, the environment and helpers (their pytest
fixtures are in conftest.py)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from gridtokenx_cli.testing import svm_lite as h
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.testing import oracle as o
from gridtokenx_cli.testing import registry as reg
from gridtokenx_cli.testing.oracle import OracleError, ReadingSource, RejectReason
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey


T0 = 1_750_000_000


#: the meters are registered this long before T0; a first reading may cover first_reading_max_interval (1 h) of
#: rated output, reaching back at most 1 h before registration
REGISTERED_AT = T0 - 900


#: MID's rated power: 100 kW; 60 s give 100,000 × 60 × 1.1 / 3,600 = 1,833 Wh (default margin 10 %)
CAPACITY_W = 100_000


MID = reg.meter_id("METER-0001")


MID2 = reg.meter_id("METER-0002")


DAY = 24 * 60 * 60


U64_MAX = 2**64 - 1


SYSTEM_ALREADY_IN_USE = 0  # system program: SystemError::AccountAlreadyInUse


ORACLE_ID = o.PROGRAM_ID


@dataclass
class Env:
    svm: object
    payer: Keypair
    admin: Keypair  # bootstrap key: admin of governance, registry and oracle
    gateway: Keypair
    owner: Keypair  # registered prosumer owning the meters
    meter_key: Keypair  # the meter's ed25519 key, registered as meter_pubkey of MID

    @property
    def config_pda(self) -> Pubkey:
        return o.oracle_config_pda()[0]

    @property
    def state_pda(self) -> Pubkey:
        return o.meter_state_pda(MID)[0]

    @property
    def meter(self) -> Pubkey:
        return reg.meter_pda(MID)[0]

    def send(self, ixs, *signers: Keypair) -> h.TxResult:
        return h.send(self.svm, ixs, self.payer, signers)

    def ok(self, ixs, *signers: Keypair):
        return h.expect_ok(self.send(ixs, *signers))

    def events(self, res, name: str | None = None) -> list[dict]:
        return h.events(res, o.ALL_EVENT_LAYOUTS, name)

    def config(self):
        return o.fetch_oracle_config(self.svm)

    def state(self, mid: bytes = MID):
        return o.fetch_meter_state(self.svm, mid)

    def registry_meter(self, mid: bytes = MID):
        return reg.fetch_meter(self.svm, reg.meter_pda(mid)[0])

    def now(self) -> int:
        return self.svm.get_clock().unix_timestamp

    def warp(self, t: int) -> None:
        c = self.svm.get_clock()
        c.unix_timestamp = t
        self.svm.set_clock(c)

    def stranger(self) -> Keypair:
        return h.funded_keypair(self.svm)

    def snaps(self, *extra: Pubkey) -> dict:
        return h.snapshots(self.svm, self.config_pda, self.state_pda, self.meter, self.gateway.pubkey(), *extra)

    def reading_ixs(self, p: int, c: int, ts: int, *, mid: bytes = MID, key: Keypair | None = None):
        return o.signed_reading_instructions(key or self.meter_key, self.gateway.pubkey(), mid, p, c, ts)

    def submit(self, p: int, c: int, ts: int, **kw) -> h.TxResult:
        return self.send(self.reading_ixs(p, c, ts, **kw), self.gateway)

    def accept(self, p: int, c: int, ts: int, **kw):
        res = h.expect_ok(self.submit(p, c, ts, **kw))
        assert self.events(res, "ReadingRejected") == [], "reading unexpectedly rejected"
        return res

    def update(self, **changes):
        """``update_oracle_config`` keeping every current value except ``changes``."""
        p = o.params_from_config(self.config(), **changes)
        return self.ok(o.ix_update_oracle_config(self.admin.pubkey(), p), self.admin)


def register_meter(env: Env, text_id: str, meter_type: str = "Solar", key: Keypair | None = None,
                   capacity_w: int = CAPACITY_W) -> Pubkey:
    """The registry's own ``register_meter`` (meter key signs the registration, capacity declared)."""
    return reg.register_user_and_meter(env.svm, env.owner, text_id, meter_type, key or Keypair(),
                                       capacity_w=capacity_w)


def make_env(programs, *, init_oracle: bool = True) -> Env:
    svm = h.new_svm(programs)
    env = Env(svm, h.funded_keypair(svm), h.funded_keypair(svm, keypair=gov.bootstrap_keypair()),
              h.funded_keypair(svm), h.funded_keypair(svm), Keypair())
    env.warp(REGISTERED_AT)
    gov.initialize_governance_for_tests(svm, Keypair().pubkey())
    reg.initialize_registry_for_tests(svm)
    register_meter(env, "METER-0001", "Solar", env.meter_key)
    env.warp(T0)
    if init_oracle:
        env.ok(o.ix_initialize_oracle(env.admin.pubkey(), env.gateway.pubkey()), env.admin)
        env.ok(o.ix_initialize_meter_state(env.gateway.pubkey(), MID), env.gateway)
    return env


def patch(ix: Instruction, old: Pubkey, new: Pubkey | None = None, *, is_signer: bool | None = None) -> Instruction:
    """``ix`` with every account ``old`` replaced by ``new`` and/or its signer flag changed."""
    metas = [AccountMeta(new if (new is not None and m.pubkey == old) else m.pubkey,
                         is_signer if (is_signer is not None and m.pubkey == old) else m.is_signer,
                         m.is_writable) for m in ix.accounts]
    return Instruction(ix.program_id, ix.data, metas)


def clone_account(env: Env, source: Pubkey, *, owner: Pubkey | None = None) -> Pubkey:
    """A copy of ``source``'s data at a fresh address (optionally with another owner)."""
    acc = env.svm.get_account(source)
    fake = Keypair().pubkey()
    h.set_account(env.svm, fake, bytes(acc.data), owner or acc.owner)
    return fake


def replace(obj, **changes):
    return dataclasses.replace(obj, **changes)


def assert_recorded_rejection(env: Env, res, reason: RejectReason, cfg_before, state_before, meter_snap,
                              p: int, c: int, ts: int, source: ReadingSource = ReadingSource.Gateway):
    """The transaction succeeded, only the counters moved, the registry meter is untouched, and exactly one
    ReadingRejected event with ``reason`` was logged."""
    h.expect_ok(res)
    evs = env.events(res)
    rejected = [e for name, e in h.decode_events(res, o.ALL_EVENT_LAYOUTS) if name == "ReadingRejected"]
    assert len(rejected) == 1 and not env.events(res, "MeterReadingAccepted") and not env.events(
        res, "MeterReadingUpdated"), evs
    total = state_before.total_readings + 1
    quality = o.quality_score(state_before.valid_readings, total)
    assert rejected[0] == {"meter_id": MID, "source": source, "reason": reason, "energy_produced": p,
                           "energy_consumed": c, "reading_timestamp": ts,
                           "rejected_readings": state_before.rejected_readings + 1, "total_readings": total,
                           "quality_score": quality}
    counter = o.REJECT_COUNTERS[reason]
    expected_cfg = replace(cfg_before, total_readings=cfg_before.total_readings + 1,
                           rejected_readings=cfg_before.rejected_readings + 1,
                           **{counter: getattr(cfg_before, counter) + 1})
    if source == ReadingSource.Consensus:
        expected_cfg = replace(expected_cfg, consensus_rounds=cfg_before.consensus_rounds + 1)
    assert env.config() == expected_cfg
    assert env.state() == replace(state_before, total_readings=total,
                                  rejected_readings=state_before.rejected_readings + 1, quality_score=quality)
    assert h.snapshot(env.svm, env.meter) == meter_snap


def _keys(n: int) -> list[Pubkey]:
    return [Keypair().pubkey() for _ in range(n)]


_K = _keys(11)


BAD_PARAMS = [
    ({"api_gateway": Pubkey.default()}, OracleError.InvalidApiGateway),
    ({"min_energy_value": 101, "max_energy_value": 100}, OracleError.InvalidEnergyRange),
    ({"max_production_ratio": 0}, OracleError.InvalidProductionRatio),
    ({"max_deviation_percent": 0}, OracleError.InvalidDeviationPercent),
    ({"min_reading_interval": DAY + 1}, OracleError.InvalidReadingInterval),
    ({"backup_oracles": _K, "consensus_threshold": 6}, OracleError.TooManyBackupOracles),
    ({"backup_oracles": [_K[0], Pubkey.default()], "consensus_threshold": 2}, OracleError.InvalidBackupOracle),
    ({"backup_oracles": [_K[0], _K[1], _K[0]], "consensus_threshold": 2}, OracleError.InvalidBackupOracle),
    ({"consensus_threshold": 0}, OracleError.InvalidConsensusThreshold),
    ({"backup_oracles": _K[:3], "consensus_threshold": 4}, OracleError.InvalidConsensusThreshold),
    ({"backup_oracles": _K[:4], "consensus_threshold": 2}, OracleError.InvalidConsensusThreshold),  # not a majority
    ({"backup_oracles": _K[:3], "consensus_threshold": 2}, OracleError.InvalidConsensusThreshold),  # even
    ({"backup_oracles": _K[:2], "consensus_threshold": 2}, OracleError.InvalidConsensusThreshold),  # n = 2
    ({"backup_oracles": _K[:2], "consensus_threshold": 1}, OracleError.InvalidConsensusThreshold),  # minority
    ({"backup_oracles": _K[:4], "consensus_threshold": 4}, OracleError.InvalidConsensusThreshold),  # even
    ({"backup_oracles": _K[:10], "consensus_threshold": 5}, OracleError.InvalidConsensusThreshold),  # < 2f + 1
    ({"type_ceiling_w": [0, 1, 1, 1]}, OracleError.InvalidTypeCeiling),
    ({"type_ceiling_w": [1, 1, 1, 0]}, OracleError.InvalidTypeCeiling),
    ({"type_ceiling_w": [1, 10**9 + 1, 1, 1]}, OracleError.InvalidTypeCeiling),
    ({"capacity_margin_percent": 101}, OracleError.InvalidCapacityMargin),
    ({"first_reading_max_interval": 0}, OracleError.InvalidFirstReadingInterval),
    ({"first_reading_max_interval": DAY + 1}, OracleError.InvalidFirstReadingInterval),
    ({"deviation_floor_percent": 101}, OracleError.InvalidDeviationFloor),
]


def _prior(env: Env, p: int = 1_000, c: int = 500):
    """An accepted reading at T0 - 60, clock back at T0."""
    env.warp(T0 - 60)
    env.accept(p, c, T0 - 60)
    env.warp(T0)


def _make_grid(env: Env):
    reg.set_meter_fields(env.svm, env.meter, meter_type=reg.METER_TYPES["Grid"])


REJECTIONS = [
    # (reason, setup, (produced, consumed, timestamp))
    (RejectReason.FutureTimestamp, None, (1_000, 500, T0 + 61)),
    (RejectReason.Backdated, _prior, (1_000, 500, T0 - 60)),
    (RejectReason.Backdated, _prior, (1_000, 500, T0 - 61)),
    (RejectReason.RateLimited, _prior, (1_000, 500, T0 - 1)),
    (RejectReason.OutOfRange, lambda e: e.update(min_energy_value=100, max_energy_value=10_000), (10_001, 5_000, T0)),
    (RejectReason.OutOfRange, lambda e: e.update(min_energy_value=100, max_energy_value=10_000), (500, 10_001, T0)),
    (RejectReason.OutOfRange, lambda e: e.update(min_energy_value=100, max_energy_value=10_000), (99, 500, T0)),
    (RejectReason.OutOfRange, lambda e: e.update(min_energy_value=100, max_energy_value=10_000), (500, 99, T0)),
    (RejectReason.RatioExceeded, None, (10_001, 1_000, T0)),
    (RejectReason.RatioExceeded, lambda e: e.update(max_production_ratio=1), (1_001, 1_000, T0)),
    (RejectReason.ExcessiveDeviation, _prior, (1_501, 500, T0)),
    (RejectReason.ExcessiveDeviation, _prior, (499, 500, T0)),
    (RejectReason.ExcessiveDeviation, _prior, (0, 500, T0)),
    (RejectReason.ExcessiveDeviation, lambda e: _prior(e, 0, 500), (459, 500, T0)),  # floor 458.3 Wh
    (RejectReason.ExcessiveDeviation, lambda e: _prior(e, 100, 500), (559, 500, T0)),
    (RejectReason.RatioExceeded, lambda e: _make_grid(e), (1, 0, T0)),  # a Grid meter: no production without import
    (RejectReason.CapacityExceeded, None, (110_001, 0, T0)),  # first reading: at most 1 h of rated output
    (RejectReason.CapacityExceeded, None, (0, 110_001, T0)),
    (RejectReason.CapacityExceeded, None, (55_001, 0, REGISTERED_AT - 1_800)),  # 1,800 s of the window
    (RejectReason.CapacityExceeded, None, (0, 1, REGISTERED_AT - 3_600)),  # the window's start: nothing
    (RejectReason.CapacityExceeded, lambda e: _prior(e, 1_300, 500), (1_834, 500, T0)),  # 60 s: 1,833.3 Wh
    (RejectReason.CapacityExceeded, lambda e: _prior(e, 1_300, 500), (1_300, 1_834, T0)),
]


def _precompile(data: bytes) -> Instruction:
    return Instruction(o.ED25519_PROGRAM_ID, data, [])


def _submit_with(env: Env, old: Pubkey, new: Pubkey) -> h.TxResult:
    ed, sub = env.reading_ixs(1_000, 500, T0)
    return env.send([ed, patch(sub, old, new)], env.gateway)


def consensus(env: Env, ts: int, entries: list[tuple[Keypair, int, int]], **kw) -> h.TxResult:
    ix = o.ix_submit_meter_reading_consensus(MID, ts, [(k.pubkey(), p, c) for k, p, c in entries], **kw)
    return env.send(ix, *[k for k, _, _ in entries])


def _all_instructions(env: Env, oracles: list[Keypair]) -> dict[str, tuple[Instruction, list[Keypair], Pubkey]]:
    """name -> (instruction, signers, the signer account the instruction checks)."""
    register_meter(env, "METER-0002", "Solar")
    new = Keypair()
    a, g = env.admin, env.gateway
    return {
        "update_oracle_config": (o.ix_update_oracle_config(a.pubkey(), o.params(g.pubkey())), [a], a.pubkey()),
        "initialize_meter_state": (o.ix_initialize_meter_state(g.pubkey(), MID2), [g], g.pubkey()),
        "trigger_market_clearing": (o.ix_trigger_market_clearing(a.pubkey()), [a], a.pubkey()),
        "propose_authority_transfer": (o.ix_propose_authority_transfer(a.pubkey(), new.pubkey()), [a], a.pubkey()),
        "cancel_authority_transfer": (o.ix_cancel_authority_transfer(a.pubkey()), [a], a.pubkey()),
        "accept_authority_transfer": (o.ix_accept_authority_transfer(new.pubkey()), [new], new.pubkey()),
        "submit_meter_reading_consensus": (
            o.ix_submit_meter_reading_consensus(MID, T0, [(k.pubkey(), 100, 50) for k in oracles]), oracles,
            oracles[0].pubkey()),
    }


NAMES = ["update_oracle_config", "initialize_meter_state", "trigger_market_clearing", "propose_authority_transfer",
         "cancel_authority_transfer", "accept_authority_transfer", "submit_meter_reading_consensus"]


WITH_GOVERNANCE = ["update_oracle_config", "initialize_meter_state", "trigger_market_clearing"]
