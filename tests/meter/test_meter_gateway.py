"""Meter gateway: config, signing, the SQLite store-and-forward queue and the submitter against the real oracle and
registry programs on the embedded chain (LiteSVM). Samples come from a scripted MeterSource (a test double of the
source *interface* only); the end-to-end tests with the real emulator and sources are in
test_meter_gateway_e2e.py."""
from __future__ import annotations

import sqlite3
import time

import pytest
from solders.keypair import Keypair

from gridtokenx_cli.chain.embedded import EmbeddedChain
from gridtokenx_cli.testing import oracle as orc
from gridtokenx_cli.testing import registry as reg
from gridtokenx_cli.meter import onchain
from gridtokenx_cli.meter.config import ConfigError, load_config, parse_config
from gridtokenx_cli.meter.provision import provision, set_oracle_limits
from gridtokenx_cli.meter.queue import DELIVERED, QUEUED, REJECTED, SENDING, ReadingQueue
from gridtokenx_cli.meter.signing import ed25519_instruction, reading_message, sign_reading
from gridtokenx_cli.meter.sources.base import MeterSample, MeterSource
from gridtokenx_cli.meter.submitter import Backoff, MeterIdentity, Submitter, Transport
from gridtokenx_cli.platform import PROGRAMS
from gridtokenx_cli.testing.svm_lite import program_so


class ScriptedSource(MeterSource):
    """Returns the given cumulative (import, export) registers in turn, stamped one `step` apart."""

    def __init__(self, registers, start: int, step: int = 1):
        self.registers, self.t, self.step = list(registers), start, step

    def read(self) -> MeterSample:
        imp, exp = self.registers.pop(0)
        self.t += self.step
        return MeterSample(import_wh=imp, export_wh=exp, read_at=self.t)


def signer(key: Keypair, text_id: str):
    mid = reg.meter_id(text_id)
    return lambda p, c, ts: sign_reading(key, mid, p, c, ts)


# ----------------------------------------------------------------------------- config


def test_config_resolves_paths_and_names_bad_keys(tmp_path):
    cfg_file = tmp_path / "gateway.toml"
    cfg_file.write_text('[gateway]\nrpc_url = "localnet"\nkeypair = "gw.json"\nlisten = "127.0.0.1:9555"\n'
                        '[[meter]]\nid = "m-1"\nkeypair = "keys/m1.json"\ninterval = 2\n'
                        'source = { kind = "modbus-tcp", host = "127.0.0.1", port = 5020 }\n')
    cfg = load_config(cfg_file)
    assert cfg.keypair == tmp_path / "gw.json" and cfg.queue == tmp_path / "gateway-queue.sqlite"
    assert (cfg.listen_host, cfg.listen_port) == ("127.0.0.1", 9555)
    m = cfg.meters[0]
    assert m.keypair == tmp_path / "keys/m1.json" and m.interval == 2.0 and m.meter_id == b"m-1".ljust(32, b"\0")

    base = {"gateway": {"rpc_url": "localnet", "keypair": "k"},
            "meter": [{"id": "a", "keypair": "k", "source": {"kind": "modbus-tcp"}}]}
    bad = [({"meter": base["meter"]}, "[gateway]"),
           ({**base, "gateway": {"keypair": "k"}}, "gateway.rpc_url"),
           ({**base, "meter": []}, "[[meter]]"),
           ({**base, "meter": [{"id": "x" * 33, "keypair": "k", "source": {"kind": "x"}}]}, "meter[0].id"),
           ({**base, "meter": base["meter"] * 2}, "meter[1].id"),
           ({**base, "meter": [{"id": "a", "keypair": "k", "source": {}}]}, "meter[0].source"),
           ({**base, "meter": [{"id": "a", "keypair": "k", "interval": "5", "source": {"kind": "modbus-tcp"}}]},
            "meter[0].interval"),
           ({**base, "gateway": {**base["gateway"], "listen": "nowhere"}}, "gateway.listen"),
           # a typo or an unknown kind is refused at load (it used to crash-loop the daemon at open time)
           ({**base, "gateway": {**base["gateway"], "rpc_ulr": "x"}}, "gateway.rpc_ulr"),
           ({**base, "meters": []}, "meters"),
           ({**base, "meter": [{**base["meter"][0], "intervall": 5}]}, "meter[0].intervall"),
           ({**base, "meter": [{"id": "a", "keypair": "k", "source": {"kind": "sdm120-tcp"}}]}, "meter[0].source.kind"),
           ({**base, "meter": [{"id": "a", "keypair": "k", "source": {"kind": "modbus-rtu"}}]}, "meter[0].source.port")]
    for data, key in bad:
        with pytest.raises(ConfigError) as e:
            parse_config(data)
        assert e.value.key == key, (key, e.value)
    with pytest.raises(ConfigError) as e:
        parse_config({**base, "meter": [{"id": "a", "keypair": "k", "source": {"kind": "sdm120-tcp"}}]})
    assert "modbus-tcp, modbus-rtu, iec62056" in e.value.fix
    assert parse_config(base).meters[0].interval == 60.0


def test_signed_reading_bytes_match_the_oracle_client():
    key = Keypair()
    mid = reg.meter_id("meter-x")
    assert reading_message(mid, 7, 3, 1_700_000_000) == orc.reading_message(mid, 7, 3, 1_700_000_000)
    msg = reading_message(mid, 7, 3, 1_700_000_000)
    ours = ed25519_instruction(key.pubkey(), msg, sign_reading(key, mid, 7, 3, 1_700_000_000))
    assert ours == orc.sign_reading(key, mid, 7, 3, 1_700_000_000)
    ix = onchain.submit_instructions(Keypair().pubkey(), key.pubkey(), mid, 7, 3, 5, bytes(64))[1]
    assert ix.program_id == orc.PROGRAM_ID and ix.accounts[2].pubkey == orc.meter_state_pda(mid)[0]
    assert ix.accounts[3].pubkey == reg.meter_pda(mid)[0]


# ----------------------------------------------------------------------------- queue


def test_queue_is_wal_with_full_sync_and_cuts_intervals_from_cumulative_samples(tmp_path):
    q = ReadingQueue(tmp_path / "q.sqlite")
    assert q.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert q.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    sign = signer(Keypair(), "m")
    assert q.record_sample("m", MeterSample(1000, 500, 100), sign).kind == "baseline"
    r1 = q.record_sample("m", MeterSample(1010, 530, 101), sign).reading
    assert (r1.seq, r1.consumed, r1.produced, r1.reading_ts, r1.state) == (1, 10, 30, 101, QUEUED)
    # same second, and too soon for the chain's minimum interval: nothing cut, the energy rolls forward
    assert q.record_sample("m", MeterSample(1011, 531, 101), sign).kind == "wait"
    assert q.record_sample("m", MeterSample(1012, 532, 102), sign, min_gap=5).kind == "wait"
    r2 = q.record_sample("m", MeterSample(1020, 560, 106), sign, min_gap=5).reading
    assert (r2.seq, r2.consumed, r2.produced) == (2, 10, 30)
    # a register going backwards (meter swapped): re-baseline, no negative reading, event recorded
    assert q.record_sample("m", MeterSample(5, 0, 107), sign).kind == "reset"
    assert q.db.execute("SELECT kind FROM events").fetchall()[0][0] == "register_reset"
    r3 = q.record_sample("m", MeterSample(8, 4, 108), sign).reading
    assert (r3.consumed, r3.produced) == (3, 4)
    q.close()
    # durable: a new connection (a restarted daemon) sees the readings and continues from the baseline
    q2 = ReadingQueue(tmp_path / "q.sqlite")
    assert [r.seq for r in q2.readings("m")] == [1, 2, 3]
    r4 = q2.record_sample("m", MeterSample(9, 6, 109), sign).reading
    assert (r4.seq, r4.consumed, r4.produced) == (4, 1, 2)
    assert q2.stats()["m"]["first_import_wh"] == 1000


def test_queue_heads_are_the_oldest_unresolved_reading_of_each_meter(tmp_path):
    q = ReadingQueue(tmp_path / "q.sqlite")
    for meter in ("a", "b"):
        sign = signer(Keypair(), meter)
        for i in range(4):
            q.record_sample(meter, MeterSample(i * 10, i * 5, 100 + i), sign)
    assert [(h.meter, h.seq) for h in q.heads()] == [("a", 1), ("b", 1)]
    a1, a2 = q.readings("a")[:2]
    q.begin_attempts([(a1.id, "sig1", b"raw", 99)])
    assert q.get(a1.id).state == SENDING and q.get(a1.id).attempts == 1
    assert [(h.meter, h.seq, h.state) for h in q.heads()][0] == ("a", 1, SENDING)
    assert q.mark_delivered(a1.id, "confirmed")
    assert not q.mark_delivered(a1.id, "confirmed")  # final states are final
    assert not q.mark_rejected(a1.id, "X")
    assert q.get(a1.id).tx_bytes is None  # the signed bytes are dropped once resolved
    assert q.mark_rejected(a2.id, "ReadingRejected:OutOfRange")
    assert [(h.meter, h.seq) for h in q.heads()] == [("a", 3), ("b", 1)]
    assert q.depth() == 4
    with pytest.raises(RuntimeError):
        q.begin_attempts([(a1.id, "sig2", b"raw", 1)])  # a resolved reading is never sent again
    st = q.stats()["a"]
    assert (st["delivered"], st["rejected"], st["queued"], st["last_rejection"]) == (1, 1, 1, "ReadingRejected:OutOfRange")


def test_queue_rejects_a_duplicate_timestamp_at_the_schema_level(tmp_path):
    q = ReadingQueue(tmp_path / "q.sqlite")
    sign = signer(Keypair(), "m")
    q.record_sample("m", MeterSample(0, 0, 100), sign)
    r = q.record_sample("m", MeterSample(1, 1, 101), sign).reading
    with pytest.raises(sqlite3.IntegrityError):
        with q.transaction() as db:
            db.execute("INSERT INTO readings (meter, seq, reading_ts, produced, consumed, import_wh, export_wh, "
                       "meter_signature, state, created_at) VALUES ('m', 9, ?, 0, 0, 0, 0, x'00', 'queued', 0)",
                       (r.reading_ts,))
    assert len(q.readings("m")) == 1


def test_backoff_doubles_with_jitter_caps_and_resets():
    b = Backoff(0.5, 8.0)
    ceilings = []
    for _ in range(7):
        ceilings.append(b.ceiling())
        d = b.next_delay()
        assert ceilings[-1] * 0.5 <= d <= ceilings[-1]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    b.reset()
    assert b.ceiling() == 0.5


# ----------------------------------------------------------------------------- submitter on the embedded chain


@pytest.fixture(scope="module")
def binaries():
    for name in PROGRAMS:
        program_so(name)


@pytest.fixture()
def env(binaries, tmp_path):
    chain = EmbeddedChain(programs=list(PROGRAMS))
    chain.set_unix_timestamp(int(time.time()))
    keys = {"m-a": Keypair(), "m-b": Keypair()}
    platform = provision(chain, list(keys.items()), min_reading_interval=0, lenient=True)
    q = ReadingQueue(tmp_path / "q.sqlite")
    idents = [MeterIdentity(t, reg.meter_id(t), k) for t, k in keys.items()]
    sub = Submitter(q, Transport(chain), platform.api_gateway, idents, confirm_timeout=1,
                    hold_backoff=Backoff(0.01, 0.02))
    yield chain, platform, q, sub, keys
    chain.close()


def fetch_meter(chain, text_id):
    return onchain.decode_meter(chain.account_data(onchain.meter_account(reg.meter_id(text_id))), b"")


def oracle_totals(platform):
    cfg = platform.fetch_oracle_config()
    return cfg.total_readings, cfg.valid_readings, cfg.rejected_readings


def queue_samples(q, text_id, key, registers, start):
    sign = signer(key, text_id)
    src = ScriptedSource(registers, start)
    for _ in range(len(registers)):
        q.record_sample(text_id, src.read(), sign)


def test_readings_reach_the_registry_in_order_with_exact_totals(env):
    chain, platform, q, sub, keys = env
    now = int(time.time()) - 100
    regs_a = [(1000 + 7 * i, 2000 + 11 * i * i) for i in range(12)]
    regs_b = [(50 * i, 3 * i) for i in range(6)]
    queue_samples(q, "m-a", keys["m-a"], regs_a, now)
    queue_samples(q, "m-b", keys["m-b"], regs_b, now)
    assert q.depth() == 11 + 5
    sub.drain(timeout=60)
    a, b = fetch_meter(chain, "m-a"), fetch_meter(chain, "m-b")
    assert (a.total_consumption, a.total_generation) == (regs_a[-1][0] - regs_a[0][0], regs_a[-1][1] - regs_a[0][1])
    assert (b.total_consumption, b.total_generation) == (regs_b[-1][0] - regs_b[0][0], regs_b[-1][1] - regs_b[0][1])
    assert (a.reading_count, b.reading_count) == (11, 5)
    assert a.last_reading_at == now + 12
    assert all(r.state == DELIVERED and r.outcome == "confirmed" for r in q.readings())
    assert oracle_totals(platform) == (16, 16, 0)  # nothing sent twice


def test_a_landed_attempt_whose_mark_was_lost_is_recognised_not_resent(env):
    """The crash between broadcast and mark: the transaction landed, SQLite still says `sending`."""
    chain, platform, q, sub, keys = env
    queue_samples(q, "m-a", keys["m-a"], [(0, 0), (10, 20), (15, 45)], int(time.time()) - 50)
    head = q.heads()[0]
    blockhash, last_valid = sub.transport.blockhash()
    tx = sub._build([head], blockhash)
    q.begin_attempts([(head.id, str(tx.signatures[0]), bytes(tx), last_valid)])
    Transport(chain).broadcast(tx)  # lands through another transport: this submitter never saw it
    before = oracle_totals(platform)
    assert before == (1, 1, 0)
    sub.drain(timeout=30)
    first, second = q.readings("m-a")
    assert (first.state, first.outcome, second.state) == (DELIVERED, "on-chain", DELIVERED)
    assert oracle_totals(platform) == (2, 2, 0)  # only the second was sent
    assert fetch_meter(chain, "m-a").total_generation == 45


def test_an_attempt_recorded_but_never_broadcast_is_sent_once(env):
    """The crash between commit and broadcast."""
    chain, platform, q, sub, keys = env
    queue_samples(q, "m-b", keys["m-b"], [(0, 0), (10, 20)], int(time.time()) - 50)
    head = q.heads()[0]
    blockhash, last_valid = sub.transport.blockhash()
    tx = sub._build([head], blockhash)
    q.begin_attempts([(head.id, str(tx.signatures[0]), bytes(tx), last_valid)])
    sub.drain(timeout=30)
    r = q.get(head.id)
    assert (r.state, r.attempts) == (DELIVERED, 2)
    assert oracle_totals(platform) == (1, 1, 0)
    assert fetch_meter(chain, "m-b").total_consumption == 10


def test_a_validation_rejection_is_recorded_once_and_never_retried(env):
    chain, platform, q, sub, keys = env
    set_oracle_limits(platform, max_energy_value=100)
    queue_samples(q, "m-a", keys["m-a"], [(0, 0), (10, 20), (10, 520), (15, 530)], int(time.time()) - 50)
    sub.drain(timeout=30)
    r1, r2, r3 = q.readings("m-a")
    assert (r1.state, r2.state, r3.state) == (DELIVERED, REJECTED, DELIVERED)
    assert r2.outcome == "ReadingRejected:OutOfRange" and r2.tx_signature
    assert oracle_totals(platform) == (3, 2, 1)
    assert platform.fetch_oracle_config().rejected_out_of_range == 1
    for _ in range(3):
        sub.run_round()
    assert oracle_totals(platform) == (3, 2, 1)
    m = fetch_meter(chain, "m-a")
    assert (m.total_generation, m.total_consumption, m.reading_count) == (30, 15, 2)


def test_a_capacity_rejection_is_recorded_by_name(env):
    """A reason appended to the oracle's RejectReason (CapacityExceeded) is recorded by its name."""
    chain, platform, q, sub, keys = env
    set_oracle_limits(platform, type_ceiling_w={"Solar": 1})  # 1 W × 2 (margin) for at most a day: < 48 Wh
    queue_samples(q, "m-a", keys["m-a"], [(0, 0), (100, 200), (100, 200)], int(time.time()) - 50)
    sub.drain(timeout=30)
    r1, r2 = q.readings("m-a")
    assert (r1.state, r1.outcome) == (REJECTED, "ReadingRejected:CapacityExceeded")
    assert (r2.state, platform.fetch_oracle_config().rejected_capacity) == (DELIVERED, 1)  # (0, 0) is possible
    assert fetch_meter(chain, "m-a").reading_count == 1


def test_an_unapproved_meter_is_held_not_rejected(env):
    """MeterNotApproved changes nothing and passes once the registry admin approves: the reading waits."""
    chain, platform, q, sub, keys = env
    address = onchain.meter_account(reg.meter_id("m-b"))
    reg.set_meter_fields(chain.svm, address, approved=False)
    queue_samples(q, "m-b", keys["m-b"], [(0, 0), (10, 20)], int(time.time()) - 50)
    report = sub.run_round()
    assert set(report.held) == {"m-b"} and not report.rejected
    assert [r.state for r in q.readings("m-b")] == [QUEUED]
    reg.set_meter_fields(chain.svm, address, approved=True)
    sub.holds.clear()
    sub.drain(timeout=30)
    assert [r.state for r in q.readings("m-b")] == [DELIVERED]


def test_a_hard_failure_is_recorded_with_its_anchor_name_and_state_is_unchanged(env):
    chain, platform, q, sub, keys = env
    owner = platform.participants[0]
    queue_samples(q, "m-b", keys["m-b"], [(0, 0), (10, 20)], int(time.time()) - 50)
    platform.send(reg.ix_deactivate_meter(owner.pubkey, onchain.meter_account(reg.meter_id("m-b"))), owner.keypair)
    before = fetch_meter(chain, "m-b")
    sub.drain(timeout=30)
    (r,) = q.readings("m-b")
    assert (r.state, r.outcome) == (REJECTED, "MeterInactive")
    assert fetch_meter(chain, "m-b") == before
    assert oracle_totals(platform) == (0, 0, 0)
    sub.run_round()
    assert q.get(r.id).attempts == 1


def test_pause_holds_the_meter_and_the_reading_goes_through_after_unpause(env):
    chain, platform, q, sub, keys = env
    queue_samples(q, "m-a", keys["m-a"], [(0, 0), (10, 20), (12, 30)], int(time.time()) - 50)
    platform.pause()
    report = sub.run_round()
    assert report.held == {"m-a": "SystemPaused"}
    assert [r.state for r in q.readings("m-a")] == [QUEUED, QUEUED]
    assert sub.meter_status["m-a"] == "held: SystemPaused"
    platform.unpause()
    sub.drain(timeout=30)
    assert [r.state for r in q.readings("m-a")] == [DELIVERED, DELIVERED]
    assert fetch_meter(chain, "m-a").total_generation == 30


def test_an_unregistered_meter_is_held_without_sending(env, tmp_path):
    chain, platform, q, sub, keys = env
    stranger = Keypair()
    sub.meters["m-new"] = MeterIdentity("m-new", reg.meter_id("m-new"), stranger)
    queue_samples(q, "m-new", stranger, [(0, 0), (1, 1)], int(time.time()) - 50)
    report = sub.run_round()
    assert report.held == {"m-new": "meter not registered"} and report.sent == 0
    assert q.readings("m-new")[0].attempts == 0
    # registered later: the held reading goes through (readings may reach back first_reading_max_interval
    # before the registration)
    platform.register_meter(platform.participants[0], "m-new", "Solar", stranger)
    sub.holds.clear()
    sub.drain(timeout=30)
    assert q.readings("m-new")[0].state == DELIVERED


@pytest.mark.parametrize("status", ["unapproved", "retired"])
def test_an_unapproved_or_retired_meter_is_held_without_sending(env, status):
    """Like an unregistered meter: the registry would refuse the reading, so nothing is sent and the reading
    stays queued (approval releases it; a retired meter's readings wait for the operator)."""
    chain, platform, q, sub, keys = env
    address = onchain.meter_account(reg.meter_id("m-b"))
    if status == "retired":
        platform.send(reg.ix_retire_meter(platform.bootstrap.pubkey(), address))
    else:
        reg.set_meter_fields(chain.svm, address, approved=False)
    queue_samples(q, "m-b", keys["m-b"], [(0, 0), (10, 20)], int(time.time()) - 50)
    report = sub.run_round()
    reason = "meter retired" if status == "retired" else "meter not approved by the registry admin"
    assert report.held == {"m-b": reason} and report.sent == 0 and not report.rejected
    (r,) = q.readings("m-b")
    assert (r.state, r.attempts) == (QUEUED, 0)
    assert oracle_totals(platform) == (0, 0, 0)
    if status == "unapproved":
        platform.send(reg.ix_approve_meter(platform.bootstrap.pubkey(), address))
        sub.holds.clear()
        sub.drain(timeout=30)
        assert q.get(r.id).state == DELIVERED


def test_a_meter_key_that_is_not_the_registered_one_is_held(env):
    chain, platform, q, sub, keys = env
    wrong = Keypair()
    sub.meters["m-a"] = MeterIdentity("m-a", reg.meter_id("m-a"), wrong)
    queue_samples(q, "m-a", wrong, [(0, 0), (1, 1)], int(time.time()) - 50)
    report = sub.run_round()
    assert "is not the registered" in report.held["m-a"] and report.sent == 0
    assert oracle_totals(platform) == (0, 0, 0)


def test_a_reading_from_the_chains_future_waits_instead_of_being_rejected(env):
    """After a validator restart the chain clock lags the wall clock; FutureTimestamp would lose the energy."""
    chain, platform, q, sub, keys = env
    sub.transport.follow_wall_clock = False
    now = int(time.time())
    chain.set_unix_timestamp(now - 300)
    queue_samples(q, "m-b", keys["m-b"], [(0, 0), (10, 20)], now - 10)
    report = sub.run_round()
    assert report.sent == 0 and "chain clock" in report.held["m-b"]
    assert oracle_totals(platform) == (0, 0, 0) and q.readings("m-b")[0].state == QUEUED
    chain.set_unix_timestamp(now)
    sub.holds.clear()
    sub.drain(timeout=30)
    assert q.readings("m-b")[0].state == DELIVERED and oracle_totals(platform) == (1, 1, 0)


# ----------------------------------------------------------------------------- several readings per transaction

OLD_READINGS_TABLE = """CREATE TABLE readings (
    id INTEGER PRIMARY KEY AUTOINCREMENT, meter TEXT NOT NULL, seq INTEGER NOT NULL, reading_ts INTEGER NOT NULL,
    produced INTEGER NOT NULL CHECK (produced >= 0), consumed INTEGER NOT NULL CHECK (consumed >= 0),
    import_wh INTEGER NOT NULL, export_wh INTEGER NOT NULL, meter_signature BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'delivered', 'rejected')), tx_signature TEXT,
    tx_bytes BLOB, last_valid_height INTEGER, attempts INTEGER NOT NULL DEFAULT 0, outcome TEXT,
    created_at REAL NOT NULL, resolved_at REAL, UNIQUE (meter, seq), UNIQUE (meter, reading_ts))"""


def test_a_queue_from_a_one_reading_per_transaction_gateway_is_migrated(tmp_path):
    """A database written before multi-reading attempts: its in-flight attempt carried one reading."""
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute(OLD_READINGS_TABLE)
    row = ("INSERT INTO readings (meter, seq, reading_ts, produced, consumed, import_wh, export_wh, meter_signature, "
           "state, tx_signature, tx_bytes, last_valid_height, created_at) "
           "VALUES ('m', ?, ?, 1, 1, 0, 0, x'00', ?, ?, ?, ?, 0)")
    db.execute(row, (1, 101, "sending", "sigA", b"raw", 77))
    db.execute(row, (2, 102, "queued", None, None, None))
    db.commit()
    db.close()
    q = ReadingQueue(path)
    assert q.db.execute("PRAGMA user_version").fetchone()[0] == 2
    sending, queued = q.readings("m")
    assert (sending.state, sending.attempt_size, sending.tx_signature) == (SENDING, 1, "sigA")
    assert (queued.state, queued.attempt_size) == (QUEUED, None)
    assert [r.seq for r in q.attempt_readings("sigA")] == [1]
    q.close()
    again = ReadingQueue(path)  # opening a migrated queue changes nothing
    assert [(r.seq, r.state, r.attempt_size) for r in again.readings("m")] == [(1, SENDING, 1), (2, QUEUED, None)]


def test_every_reading_of_a_multi_reading_attempt_is_linked_to_its_signature(tmp_path):
    q = ReadingQueue(tmp_path / "q.sqlite")
    sign = signer(Keypair(), "a")
    for i in range(5):
        q.record_sample("a", MeterSample(i * 10, i * 5, 100 + i), sign)
    run = q.runs(3)["a"]
    assert [r.seq for r in run] == [1, 2, 3]
    q.begin_attempts([([r.id for r in run], "sigX", b"raw", 50)])
    linked = q.attempt_readings("sigX")
    assert [(r.seq, r.state, r.attempt_size, r.tx_bytes) for r in linked] == [(s, SENDING, 3, b"raw") for s in (1, 2, 3)]
    assert [r.state for r in q.runs(5)["a"]] == [SENDING] * 3 + [QUEUED]
    q.requeue([r.id for r in run])  # an attempt that did not land is requeued whole
    assert [(r.state, r.tx_signature, r.attempt_size) for r in q.readings("a")[:3]] == [(QUEUED, None, None)] * 3
    q.begin_attempts([([r.id for r in run], "sigY", b"raw", 60)])
    assert q.resolve_many([(run[0].id, DELIVERED, "confirmed", "sigY"), (run[1].id, REJECTED, "ReadingRejected:X",
                                                                          "sigY")]) == [True, True]
    assert q.attempt_readings("sigY") == [q.get(run[2].id)]
    with pytest.raises(ValueError):
        q.resolve_many([(run[2].id, QUEUED, "x", None)])
    assert q.get(run[2].id).state == SENDING
    with pytest.raises(RuntimeError):
        q.begin_attempts([([run[2].id, run[0].id], "sigZ", b"raw", 1)])  # one resolved reading: nothing recorded
    assert q.get(run[2].id).tx_signature == "sigY"


def test_a_backlog_goes_three_readings_per_transaction_in_order(env):
    chain, platform, q, sub, keys = env
    queue_samples(q, "m-a", keys["m-a"], [(10 * i, 20 * i) for i in range(8)], int(time.time()) - 100)
    report = sub.run_round()
    assert report.sent == 1 and [r.seq for r in report.delivered] == [1, 2, 3]
    sub.drain(timeout=30)
    readings = q.readings("m-a")
    assert all(r.state == DELIVERED and r.outcome == "confirmed" for r in readings)
    groups = [[r.seq for r in readings if r.tx_signature == sig]
              for sig in dict.fromkeys(r.tx_signature for r in readings)]
    assert groups == [[1, 2, 3], [4, 5, 6], [7]]
    m = fetch_meter(chain, "m-a")
    assert (m.reading_count, m.total_consumption, m.total_generation) == (7, 70, 140)
    assert oracle_totals(platform) == (7, 7, 0)


def test_a_rejection_inside_a_multi_reading_transaction_is_applied_to_its_own_reading(env):
    chain, platform, q, sub, keys = env
    set_oracle_limits(platform, max_energy_value=100)
    queue_samples(q, "m-a", keys["m-a"], [(0, 0), (10, 20), (10, 520), (15, 530)], int(time.time()) - 50)
    report = sub.run_round()
    assert report.sent == 1
    r1, r2, r3 = q.readings("m-a")
    assert r1.tx_signature == r2.tx_signature == r3.tx_signature
    assert [(r.state, r.outcome) for r in (r1, r2, r3)] == [
        (DELIVERED, "confirmed"), (REJECTED, "ReadingRejected:OutOfRange"), (DELIVERED, "confirmed")]
    assert oracle_totals(platform) == (3, 2, 1)


def test_a_failed_multi_reading_transaction_falls_back_to_one_reading_each(env):
    """One reading of three carries a signature that does not verify (e.g. made with an old key): the whole
    transaction fails, nothing is rejected for it; sent one by one, only that reading is rejected."""
    chain, platform, q, sub, keys = env
    events = []
    sub.on_event = lambda kind, **kw: events.append((kind, kw))
    queue_samples(q, "m-a", keys["m-a"], [(0, 0), (10, 20), (15, 45), (20, 60)], int(time.time()) - 50)
    bad = q.readings("m-a")[1]
    with q.transaction() as db:
        db.execute("UPDATE readings SET meter_signature = ? WHERE id = ?", (bytes(64), bad.id))
    report = sub.run_round()
    # the Ed25519 precompile's own error (InvalidSignature, custom code 2), named by the chain's decoder
    assert report.split == {"m-a": "Custom2"}
    assert not report.rejected and not report.delivered
    assert [(r.state, r.attempt_size) for r in q.readings("m-a")] == [(QUEUED, None)] * 3
    assert oracle_totals(platform) == (0, 0, 0) and fetch_meter(chain, "m-a").reading_count == 0
    assert [k for k, _ in events] == ["batch_failed"] and events[0][1]["seqs"] == [1, 2, 3]
    sub.drain(timeout=30)
    r1, r2, r3 = q.readings("m-a")
    assert (r1.state, r3.state) == (DELIVERED, DELIVERED)
    assert (r2.state, r2.outcome) == (REJECTED, "Custom2")
    assert len({r1.tx_signature, r2.tx_signature, r3.tx_signature}) == 3  # one reading per transaction
    m = fetch_meter(chain, "m-a")
    assert (m.reading_count, m.total_consumption, m.total_generation) == (2, 15, 35)  # r1 + r3
    assert oracle_totals(platform) == (2, 2, 0)


def test_a_failed_multi_reading_transaction_with_a_named_error_splits_and_keeps_the_good_reading(env):
    """The registry refuses a reading more than 24 h after the last one (StaleReading): in a batch behind a good
    reading it fails the batch; one by one, the good reading lands and each stale one is rejected by name."""
    chain, platform, q, sub, keys = env
    now = int(time.time())
    sign = signer(keys["m-a"], "m-a")
    q.record_sample("m-a", MeterSample(0, 0, now - 100), sign)
    q.record_sample("m-a", MeterSample(10, 20, now - 50), sign)
    later = now + 25 * 3600
    q.record_sample("m-a", MeterSample(20, 40, later), sign)
    q.record_sample("m-a", MeterSample(30, 60, later + 10), sign)
    chain.set_unix_timestamp(later + 20)
    report = sub.run_round()
    assert report.split == {"m-a": "StaleReading"} and oracle_totals(platform) == (0, 0, 0)
    sub.drain(timeout=30)
    assert [(r.state, r.outcome) for r in q.readings("m-a")] == [
        (DELIVERED, "confirmed"), (REJECTED, "StaleReading"), (REJECTED, "StaleReading")]
    assert fetch_meter(chain, "m-a").reading_count == 1


def test_a_landed_multi_reading_attempt_whose_outcome_is_lost_is_recognised_by_last_reading_at(env):
    """A crash between broadcast and mark, and the outcome is gone too: the chain's last reading time covers the
    attempt's readings; the readings behind it are sent once."""
    chain, platform, q, sub, keys = env
    queue_samples(q, "m-b", keys["m-b"], [(10 * i, 20 * i) for i in range(6)], int(time.time()) - 100)
    run = q.runs(3)["m-b"]
    blockhash, last_valid = sub.transport.blockhash()
    tx = sub._build(run, blockhash)
    q.begin_attempts([([r.id for r in run], str(tx.signatures[0]), bytes(tx), last_valid)])
    assert chain.submit(tx, None).ok  # lands without the submitter's transport ever seeing an outcome
    assert oracle_totals(platform) == (3, 3, 0)
    sub.drain(timeout=30)
    readings = q.readings("m-b")
    assert [(r.seq, r.state, r.outcome) for r in readings] == [
        (1, DELIVERED, "on-chain"), (2, DELIVERED, "on-chain"), (3, DELIVERED, "on-chain"),
        (4, DELIVERED, "confirmed"), (5, DELIVERED, "confirmed")]
    assert oracle_totals(platform) == (5, 5, 0)  # nothing twice: a replay would be counted as Backdated
    assert fetch_meter(chain, "m-b").total_generation == 100


def test_a_recorded_multi_reading_attempt_that_never_went_out_is_sent_once(env):
    """A crash between commit and broadcast with three readings in the attempt."""
    chain, platform, q, sub, keys = env
    queue_samples(q, "m-b", keys["m-b"], [(10 * i, 20 * i) for i in range(4)], int(time.time()) - 100)
    run = q.runs(3)["m-b"]
    blockhash, last_valid = sub.transport.blockhash()
    tx = sub._build(run, blockhash)
    q.begin_attempts([([r.id for r in run], str(tx.signatures[0]), bytes(tx), last_valid)])
    sub.drain(timeout=30)
    assert [(r.state, r.attempts) for r in q.readings("m-b")] == [(DELIVERED, 2)] * 3
    assert oracle_totals(platform) == (3, 3, 0)


def test_readings_per_transaction_is_bounded_by_the_transaction_size(env):
    chain, platform, q, sub, keys = env
    with pytest.raises(ValueError, match="readings_per_tx must be 1 to 3"):
        Submitter(q, Transport(chain), platform.api_gateway, [], readings_per_tx=4)
    queue_samples(q, "m-a", keys["m-a"], [(10 * i, 20 * i) for i in range(4)], int(time.time()) - 100)
    blockhash, _ = sub.transport.blockhash()
    assert len(bytes(sub._build(q.runs(3)["m-a"], blockhash))) <= 1232


def test_a_nested_queue_transaction_commits_or_rolls_back_with_the_outer_one(tmp_path):
    """The submitter applies the outcomes of one poll in one SQLite transaction: a crash half-way applies none
    (the readings stay `sending` and the next round resolves them again)."""
    q = ReadingQueue(tmp_path / "q.sqlite")
    sign = signer(Keypair(), "m")
    for i in range(3):
        q.record_sample("m", MeterSample(i, i, 100 + i), sign)
    r1, r2 = q.readings("m")
    with pytest.raises(RuntimeError, match="crash mid-poll"):
        with q.transaction():
            assert q.mark_delivered(r1.id, "confirmed")
            raise RuntimeError("crash mid-poll")
    assert [r.state for r in q.readings("m")] == [QUEUED, QUEUED]
    with q.transaction():
        assert q.mark_delivered(r1.id, "confirmed") and q.mark_rejected(r2.id, "ReadingRejected:OutOfRange")
    q.close()
    q = ReadingQueue(tmp_path / "q.sqlite")  # committed: durable across a reopen
    assert [r.state for r in q.readings("m")] == [DELIVERED, REJECTED]
