"""Store-and-forward queue: every reading is durable in SQLite (WAL, synchronous=FULL) before any network call.

A reading's life: ``queued`` (cut from two samples and signed by the meter key) → ``sending`` (the exact signed
transaction, its signature and the last block height its blockhash is valid for are committed *before* it is
broadcast) → ``delivered`` or ``rejected`` (final; a rejection keeps the on-chain name). The submitter only ever
works on each meter's oldest unresolved readings (its *head* and up to a few consecutive ones after it, sent in
one transaction), so per-meter order is preserved.

One transaction may carry several consecutive readings of one meter: each of its rows holds the same
``tx_signature`` and ``tx_bytes`` and ``attempt_size`` = how many readings that transaction carries. The readings
of an attempt are always a prefix of the meter's unresolved readings (recorded together, requeued together).

The reading and the meter's new baseline (the cumulative sample it was cut at) are written in one transaction,
so after a crash the next interval starts exactly where the last queued one ended: no energy is counted twice or
lost between readings.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .sources.base import MeterSample

QUEUED, SENDING, DELIVERED, REJECTED = "queued", "sending", "delivered", "rejected"
UNRESOLVED = (QUEUED, SENDING)

SCHEMA = """
CREATE TABLE IF NOT EXISTS readings (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    meter             TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    reading_ts        INTEGER NOT NULL,
    produced          INTEGER NOT NULL CHECK (produced >= 0),
    consumed          INTEGER NOT NULL CHECK (consumed >= 0),
    import_wh         INTEGER NOT NULL,
    export_wh         INTEGER NOT NULL,
    meter_signature   BLOB    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'delivered', 'rejected')),
    tx_signature      TEXT,
    tx_bytes          BLOB,
    last_valid_height INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 0,
    attempt_size      INTEGER,
    outcome           TEXT,
    created_at        REAL    NOT NULL,
    resolved_at       REAL,
    UNIQUE (meter, seq),
    UNIQUE (meter, reading_ts)
);
CREATE INDEX IF NOT EXISTS readings_unresolved ON readings (meter, seq) WHERE state IN ('queued', 'sending');
CREATE TABLE IF NOT EXISTS baselines (
    meter     TEXT PRIMARY KEY,
    import_wh INTEGER NOT NULL,
    export_wh INTEGER NOT NULL,
    read_at   INTEGER NOT NULL,
    first_import_wh INTEGER NOT NULL,
    first_export_wh INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    meter  TEXT NOT NULL,
    at     REAL NOT NULL,
    kind   TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
#: ``PRAGMA user_version`` of the schema above. 1: one reading per transaction (no ``attempt_size``);
#: 2: ``attempt_size`` and the lookup of an attempt's readings by signature.
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Reading:
    id: int
    meter: str
    seq: int
    reading_ts: int
    produced: int
    consumed: int
    import_wh: int
    export_wh: int
    meter_signature: bytes
    state: str
    tx_signature: str | None
    tx_bytes: bytes | None
    last_valid_height: int | None
    attempts: int
    outcome: str | None
    created_at: float
    resolved_at: float | None
    #: readings carried by the recorded transaction (None while none is recorded)
    attempt_size: int | None = None


@dataclass(frozen=True)
class Baseline:
    import_wh: int
    export_wh: int
    read_at: int
    first_import_wh: int
    first_export_wh: int


@dataclass(frozen=True)
class CutResult:
    """What one sample did: ``baseline`` (first sample of a meter), ``reading`` (a reading was queued),
    ``wait`` (too soon after the last cut: the energy rolls into the next reading) or ``reset`` (a register went
    backwards — meter replaced or reset — so the baseline restarts there)."""

    kind: str
    reading: Reading | None = None


Signer = Callable[[int, int, int], bytes]  # (produced, consumed, reading_ts) -> meter signature


class ReadingQueue:
    """One connection per thread (SQLite connections are not shared across threads)."""

    def __init__(self, path: Path | str, *, busy_timeout: float = 30.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        self._open_transactions = 0
        self.db.row_factory = sqlite3.Row
        mode = self.db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise RuntimeError(f"{self.path}: SQLite refused WAL mode ({mode})")
        # FULL: a committed reading survives power loss, not just a process crash
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        with self.transaction():
            for stmt in SCHEMA.split(";"):
                if stmt.strip():
                    self.db.execute(stmt)
            self._migrate()

    def _migrate(self) -> None:
        """Bring a queue written by an older gateway to ``SCHEMA_VERSION`` (inside the opening transaction)."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(readings)")}
        if "attempt_size" not in columns:
            self.db.execute("ALTER TABLE readings ADD COLUMN attempt_size INTEGER")
            # an older gateway sent one reading per transaction: its in-flight attempts carry one reading each
            self.db.execute("UPDATE readings SET attempt_size = 1 WHERE state = 'sending'")
        self.db.execute("CREATE INDEX IF NOT EXISTS readings_by_attempt ON readings (tx_signature) "
                        "WHERE state IN ('queued', 'sending')")
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (the write lock is taken up front, so no deadlock on upgrade). Inside
        another ``transaction()`` it joins it: everything commits (one fsync) or rolls back together."""
        if self._open_transactions:
            self._open_transactions += 1
            try:
                yield self.db
            finally:
                self._open_transactions -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._open_transactions = 1
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        finally:
            self._open_transactions = 0
        self.db.execute("COMMIT")

    # ------------------------------------------------------------------ producing readings
    def baseline(self, meter: str) -> Baseline | None:
        row = self.db.execute("SELECT import_wh, export_wh, read_at, first_import_wh, first_export_wh "
                              "FROM baselines WHERE meter = ?", (meter,)).fetchone()
        return Baseline(*row) if row else None

    def record_sample(self, meter: str, sample: MeterSample, sign: Signer, *, min_gap: int = 0) -> CutResult:
        """Turn a cumulative sample into an interval reading against the stored baseline (atomically with the
        baseline update). ``min_gap``: the on-chain minimum reading interval — a reading is cut only when the
        sample is at least that many seconds after the last cut, so the oracle never rate-limits it."""
        with self.transaction() as db:
            base = self.baseline(meter)
            if base is None:
                db.execute("INSERT INTO baselines VALUES (?, ?, ?, ?, ?, ?)",
                           (meter, sample.import_wh, sample.export_wh, sample.read_at, sample.import_wh,
                            sample.export_wh))
                return CutResult("baseline")
            if sample.import_wh < base.import_wh or sample.export_wh < base.export_wh:
                db.execute("UPDATE baselines SET import_wh = ?, export_wh = ?, read_at = MAX(read_at, ?) "
                           "WHERE meter = ?", (sample.import_wh, sample.export_wh, sample.read_at, meter))
                self._event(meter, "register_reset",
                            f"import {base.import_wh}->{sample.import_wh} export {base.export_wh}->{sample.export_wh}")
                return CutResult("reset")
            # the chain needs strictly increasing timestamps, and no closer than its minimum interval
            if sample.read_at <= base.read_at or sample.read_at - base.read_at < min_gap:
                return CutResult("wait")
            produced = sample.export_wh - base.export_wh
            consumed = sample.import_wh - base.import_wh
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM readings WHERE meter = ?", (meter,)).fetchone()[0]
            signature = sign(produced, consumed, sample.read_at)
            cur = db.execute(
                "INSERT INTO readings (meter, seq, reading_ts, produced, consumed, import_wh, export_wh, "
                "meter_signature, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)",
                (meter, seq, sample.read_at, produced, consumed, sample.import_wh, sample.export_wh, signature,
                 time.time()))
            db.execute("UPDATE baselines SET import_wh = ?, export_wh = ?, read_at = ? WHERE meter = ?",
                       (sample.import_wh, sample.export_wh, sample.read_at, meter))
            assert cur.lastrowid is not None  # an INSERT just ran
            return CutResult("reading", self.get(cur.lastrowid))

    # ------------------------------------------------------------------ submitting
    def get(self, reading_id: int) -> Reading:
        row = self.db.execute("SELECT * FROM readings WHERE id = ?", (reading_id,)).fetchone()
        return Reading(**dict(row))

    def heads(self) -> list[Reading]:
        """Each meter's oldest unresolved reading: the only one the submitter may work on."""
        rows = self.db.execute(
            "SELECT r.* FROM readings r JOIN (SELECT meter, MIN(seq) AS seq FROM readings "
            "WHERE state IN ('queued', 'sending') GROUP BY meter) h ON r.meter = h.meter AND r.seq = h.seq "
            "ORDER BY r.meter").fetchall()
        return [Reading(**dict(r)) for r in rows]

    def runs(self, limit: int) -> dict[str, list[Reading]]:
        """Each meter's ``limit`` oldest unresolved readings in order (the head first)."""
        rows = self.db.execute(
            "SELECT * FROM (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY meter ORDER BY seq) AS rank "
            "FROM readings r WHERE state IN ('queued', 'sending')) WHERE rank <= ? ORDER BY meter, seq",
            (limit,)).fetchall()
        out: dict[str, list[Reading]] = {}
        for row in rows:
            fields = dict(row)
            del fields["rank"]
            out.setdefault(fields["meter"], []).append(Reading(**fields))
        return out

    def attempt_readings(self, tx_signature: str) -> list[Reading]:
        """The unresolved readings recorded under one transaction signature, in order."""
        rows = self.db.execute("SELECT * FROM readings WHERE tx_signature = ? AND state IN ('queued', 'sending') "
                               "ORDER BY seq", (tx_signature,)).fetchall()
        return [Reading(**dict(r)) for r in rows]

    def begin_attempts(self, attempts: list[tuple[int | Sequence[int], str, bytes, int | None]]) -> None:
        """``(reading id or ids, tx signature, signed tx bytes, last valid block height)`` for each transaction
        about to be broadcast, committed before the first byte leaves: a crash after the broadcast finds the
        signature. Every reading a transaction carries is linked to its signature."""
        with self.transaction() as db:
            for ids, sig, raw, last_valid in attempts:
                reading_ids = [ids] if isinstance(ids, int) else list(ids)
                for reading_id in reading_ids:
                    n = db.execute("UPDATE readings SET state = 'sending', tx_signature = ?, tx_bytes = ?, "
                                   "last_valid_height = ?, attempt_size = ?, attempts = attempts + 1 "
                                   "WHERE id = ? AND state IN ('queued', 'sending')",
                                   (sig, raw, last_valid, len(reading_ids), reading_id)).rowcount
                    if n != 1:
                        raise RuntimeError(f"reading {reading_id} is not unresolved")

    def _resolve(self, reading_id: int, state: str, outcome: str, tx_signature: str | None) -> bool:
        return self.resolve_many([(reading_id, state, outcome, tx_signature)])[0]

    def resolve_many(self, resolutions: Sequence[tuple[int, str, str, str | None]]) -> list[bool]:
        """``(reading id, DELIVERED or REJECTED, outcome, tx signature)`` in one SQLite transaction (the outcome
        of one multi-reading transaction is applied at once). False for a reading that was already final."""
        done = []
        with self.transaction() as db:
            for reading_id, state, outcome, tx_signature in resolutions:
                if state not in (DELIVERED, REJECTED):
                    raise ValueError(f"{state!r} is not a final state")
                n = db.execute("UPDATE readings SET state = ?, outcome = ?, resolved_at = ?, "
                               "tx_signature = COALESCE(?, tx_signature), tx_bytes = NULL "
                               "WHERE id = ? AND state IN ('queued', 'sending')",
                               (state, outcome, time.time(), tx_signature, reading_id)).rowcount
                done.append(n == 1)
        return done

    def mark_delivered(self, reading_id: int, how: str, tx_signature: str | None = None) -> bool:
        """``how``: ``confirmed`` (our transaction's outcome) or ``on-chain`` (the meter's last reading time on
        chain already covers it: an attempt landed but its confirmation was lost). False if already final."""
        return self._resolve(reading_id, DELIVERED, how, tx_signature)

    def mark_rejected(self, reading_id: int, reason: str, tx_signature: str | None = None) -> bool:
        """Final: the chain's name for the rejection (``ReadingRejected:OutOfRange``, ``MeterInactive``…)."""
        return self._resolve(reading_id, REJECTED, reason, tx_signature)

    def requeue(self, reading_id: int | Sequence[int]) -> None:
        """Back to ``queued`` after an attempt that provably did not land (expired blockhash, or a failure that
        changed nothing, e.g. SystemPaused): the next attempt is a new transaction. All the readings of one
        attempt are requeued together (one SQLite transaction)."""
        ids = [reading_id] if isinstance(reading_id, int) else list(reading_id)
        with self.transaction() as db:
            for one in ids:
                db.execute("UPDATE readings SET state = 'queued', tx_signature = NULL, tx_bytes = NULL, "
                           "last_valid_height = NULL, attempt_size = NULL "
                           "WHERE id = ? AND state IN ('queued', 'sending')", (one,))

    # ------------------------------------------------------------------ meta, events, stats
    def _event(self, meter: str, kind: str, detail: str) -> None:
        self.db.execute("INSERT INTO events (meter, at, kind, detail) VALUES (?, ?, ?, ?)",
                        (meter, time.time(), kind, detail))

    def record_event(self, meter: str, kind: str, detail: str) -> None:
        with self.transaction():
            self._event(meter, kind, detail)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       (key, value))

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def depth(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM readings WHERE state IN ('queued', 'sending')").fetchone()[0]

    def readings(self, meter: str | None = None) -> list[Reading]:
        if meter is None:
            rows = self.db.execute("SELECT * FROM readings ORDER BY meter, seq").fetchall()
        else:
            rows = self.db.execute("SELECT * FROM readings WHERE meter = ? ORDER BY seq", (meter,)).fetchall()
        return [Reading(**dict(r)) for r in rows]

    def stats(self) -> dict[str, dict]:
        """Per meter: counts by state, delivered energy, last delivery, last rejection, baseline."""
        out: dict[str, dict] = {}
        for meter, state, n, produced, consumed, last_resolved in self.db.execute(
                "SELECT meter, state, COUNT(*), SUM(produced), SUM(consumed), MAX(resolved_at) FROM readings "
                "GROUP BY meter, state"):
            m = out.setdefault(meter, {"queued": 0, "sending": 0, "delivered": 0, "rejected": 0,
                                       "delivered_produced_wh": 0, "delivered_consumed_wh": 0,
                                       "last_delivered_at": None, "last_rejection": None})
            m[state] = n
            if state == DELIVERED:
                m["delivered_produced_wh"], m["delivered_consumed_wh"] = produced, consumed
                m["last_delivered_at"] = last_resolved
        for meter, outcome in self.db.execute(
                "SELECT meter, outcome FROM readings WHERE id IN "
                "(SELECT MAX(id) FROM readings WHERE state = 'rejected' GROUP BY meter)"):
            out[meter]["last_rejection"] = outcome
        for meter, imp, exp, read_at, fimp, fexp in self.db.execute("SELECT * FROM baselines"):
            m = out.setdefault(meter, {"queued": 0, "sending": 0, "delivered": 0, "rejected": 0,
                                       "delivered_produced_wh": 0, "delivered_consumed_wh": 0,
                                       "last_delivered_at": None, "last_rejection": None})
            m.update(baseline_import_wh=imp, baseline_export_wh=exp, baseline_at=read_at,
                     first_import_wh=fimp, first_export_wh=fexp)
        return out
