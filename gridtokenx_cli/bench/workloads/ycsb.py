"""YCSB (Cooper et al., SoCC'10): core workloads A–F, on-chain (programs/blockbench `ycsb_*`) and on PostgreSQL.

    python -m gridtokenx_cli.bench.workloads.ycsb [--json]     # compute units per transaction type

Client side, as YCSB's CoreWorkload defines it (no on-chain randomness):

- records of 10 fields × 100 bytes, keys 0…records-1 loaded in order (insertorder=ordered: the on-chain key is a u64
  and scans are key ranges), run-phase inserts continue the sequence;
- request distributions: `uniform`; `zipfian` (Gray et al.'s generator, constant 0.99, key 0 hottest);
  `scrambled_zipfian` (YCSB's `requestdistribution=zipfian`: the zipfian rank over 10^10 items with the
  precomputed zeta, FNV-hashed onto the key space so the hot keys are spread); `latest` (YCSB's
  SkewedLatestGenerator: zipfian distance back from the newest acknowledged insert);
- keys beyond the last acknowledged insert are redrawn (CoreWorkload.nextKeynum); a run-phase insert counts as
  acknowledged `ack_window` requests after it was issued (the requests a harness can have in flight);
- update and read-modify-write write one field chosen uniformly (writeallfields=false), read reads all fields,
  scan length is uniform in 1…max_scan_length.

On-chain adaptations: an insert carries a 64-bit value seed that the program expands into the 1000 bytes
(xorshift64 stream) because 1000 bytes plus signatures and keys exceed the 1232-byte transaction; update and
read-modify-write carry their 100-byte value. Scan lengths are capped at 25 (the records travel as accounts).
"""
from __future__ import annotations

import functools
import math
import random
import struct
import threading
import time
from collections import deque
from typing import Any, Iterator

from solders.instruction import AccountMeta
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli.bench.blockbench_cu import xorshift64
from gridtokenx_cli.bench.postgres_server import PgConnections
from gridtokenx_cli.bench.workload_api import Executor, Op, OpResult
from gridtokenx_cli.bench.onchain import outcome_result
from gridtokenx_cli.bench.workloads._onchain import ChainExecutor, format_cu_table, measure_cu
from gridtokenx_cli.generated.blockbench import instructions as bix
from gridtokenx_cli.generated.blockbench.accounts import YcsbRecord, YcsbTable
from gridtokenx_cli.generated.blockbench.program_id import PROGRAM_ID

NAME = "ycsb"
TX_TYPES = ("read", "update", "insert", "scan", "rmw")

FIELD_COUNT = 10
FIELD_LEN = 100
RECORD_LEN = FIELD_COUNT * FIELD_LEN
MAX_SCAN = 25  # state.rs YCSB_MAX_SCAN
TABLE_SEED = b"ycsb_table"
RECORD_SEED = b"ycsb_record"

ZIPFIAN_CONSTANT = 0.99
#: YCSB ScrambledZipfianGenerator: the zipfian rank is drawn over 10^10 items, whose zeta(10^10, 0.99) YCSB ships
#: precomputed (computing it takes 10^10 terms).
SCRAMBLED_ITEM_COUNT = 10_000_000_000
SCRAMBLED_ZETAN = 26.46902820178302

#: YCSB core workloads: operation proportions and request distribution (workloads/workload[a-f]).
WORKLOADS: dict[str, dict[str, Any]] = {
    "a": {"mix": {"read": 0.5, "update": 0.5}, "distribution": "scrambled_zipfian"},
    "b": {"mix": {"read": 0.95, "update": 0.05}, "distribution": "scrambled_zipfian"},
    "c": {"mix": {"read": 1.0}, "distribution": "scrambled_zipfian"},
    "d": {"mix": {"read": 0.95, "insert": 0.05}, "distribution": "latest"},
    "e": {"mix": {"scan": 0.95, "insert": 0.05}, "distribution": "scrambled_zipfian"},
    "f": {"mix": {"read": 0.5, "rmw": 0.5}, "distribution": "scrambled_zipfian"},
}
DISTRIBUTIONS = ("uniform", "zipfian", "scrambled_zipfian", "latest")

U64 = (1 << 64) - 1
FNV_OFFSET_BASIS_64 = 0xCBF29CE484222325
FNV_PRIME_64 = 1099511628211
CHECKSUM_PRIME = 0x0000_0100_0000_01B3


def default_scale() -> dict:
    return {"records": 1000}


# ----------------------------------------------------------------------------- values and checksums


def expand_seed(seed: int, length: int) -> bytes:
    """The program's fill_from_seed: little-endian xorshift64(seed) words, truncated to `length` bytes."""
    return b"".join(struct.pack("<Q", w) for w in xorshift64(seed, (length + 7) // 8))[:length]


def checksum_bytes(data: bytes, acc: int = FNV_OFFSET_BASIS_64) -> int:
    """The program's checksum_bytes: FNV-1a over little-endian u64 words (last word zero-padded)."""
    padded = data + bytes(-len(data) % 8)
    for (word,) in struct.iter_unpack("<Q", padded):
        acc = ((acc ^ word) * CHECKSUM_PRIME) & U64
    return acc


def load_value_seed(key: int) -> int:
    """Value seed of a loaded record (deterministic, so both backends load identical data)."""
    return (key * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) & U64


# ----------------------------------------------------------------------------- YCSB generators


def fnvhash64(value: int) -> int:
    """YCSB Utils.fnvhash64: FNV-1a over the 8 low-order-first octets, as Java's Math.abs of a signed long."""
    h = FNV_OFFSET_BASIS_64
    for _ in range(8):
        h ^= value & 0xFF
        value >>= 8
        h = (h * FNV_PRIME_64) & U64
    signed = h - (1 << 64) if h >> 63 else h
    return abs(signed)


def zeta(start: int, n: int, theta: float, initial: float = 0.0) -> float:
    """sum_{i=start+1}^{n} 1/i^theta + initial (YCSB's incremental zeta)."""
    return initial + math.fsum(1.0 / (i ** theta) for i in range(start + 1, n + 1))


class ZipfianGenerator:
    """Gray et al., "Quickly generating billion-record synthetic databases" (SIGMOD'94), as in YCSB: item `base` is
    the most popular, popularity falls as 1/rank^theta."""

    def __init__(self, lo: int, hi: int, theta: float = ZIPFIAN_CONSTANT, zetan: float | None = None):
        self.base = lo
        self.items = hi - lo + 1
        self.theta = theta
        self.alpha = 1.0 / (1.0 - theta)
        self.zeta2theta = zeta(0, 2, theta)
        self.count_for_zeta = self.items
        self.zetan = zetan if zetan is not None else zeta(0, self.items, theta)
        self.eta = self._eta(self.items)

    def _eta(self, items: int) -> float:
        return (1 - (2.0 / items) ** (1 - self.theta)) / (1 - self.zeta2theta / self.zetan)

    def next(self, rng: random.Random, items: int | None = None) -> int:
        items = self.items if items is None else items
        if items != self.count_for_zeta:  # the key space grew (latest): extend zeta incrementally
            if items > self.count_for_zeta:
                self.zetan = zeta(self.count_for_zeta, items, self.theta, self.zetan)
            else:
                self.zetan = zeta(0, items, self.theta)
            self.count_for_zeta = items
            self.eta = self._eta(items)
        u = rng.random()
        uz = u * self.zetan
        if uz < 1.0:
            return self.base
        if uz < 1.0 + 0.5 ** self.theta:
            return self.base + 1
        return self.base + int(items * (self.eta * u - self.eta + 1) ** self.alpha)


class ScrambledZipfianGenerator:
    """YCSB ScrambledZipfianGenerator: zipfian popularity, hot items scattered over [lo, hi] by FNV hashing."""

    def __init__(self, lo: int, hi: int):
        self.lo = lo
        self.item_count = hi - lo + 1
        self.zipf = ZipfianGenerator(0, SCRAMBLED_ITEM_COUNT, ZIPFIAN_CONSTANT, SCRAMBLED_ZETAN)

    def next(self, rng: random.Random) -> int:
        return self.lo + fnvhash64(self.zipf.next(rng)) % self.item_count


class SkewedLatestGenerator:
    """YCSB SkewedLatestGenerator: the newest key is the most popular (zipfian distance back from it)."""

    def __init__(self, last_value: int):
        self.zipf = ZipfianGenerator(0, max(last_value, 1) - 1)

    def next(self, rng: random.Random, last_value: int) -> int:
        return last_value - self.zipf.next(rng, max(last_value, 1))


def generate(scale: dict, seed: int, workload: str = "a", request_distribution: str | None = None,
             operation_count: int = 100_000, max_scan_length: int = MAX_SCAN, ack_window: int = 32,
             mix: dict[str, float] | None = None) -> Iterator[Op]:
    """The endless YCSB request stream of `workload` (a–f) over `scale["records"]` loaded records.

    `operation_count` only sizes the key space for expected inserts, as YCSB does
    (insertcount + operationcount × insertproportion × 2); `mix` overrides the proportions."""
    spec = WORKLOADS[workload.lower()]
    proportions = dict(mix or spec["mix"])
    distribution = request_distribution or spec["distribution"]
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"request_distribution must be one of {', '.join(DISTRIBUTIONS)}, not {distribution!r}")
    if not 1 <= max_scan_length <= MAX_SCAN:
        raise ValueError(f"max_scan_length must be 1..{MAX_SCAN} (records travel as transaction accounts)")
    records = int(scale["records"])
    if records < 2:
        raise ValueError("scale['records'] must be at least 2")
    rng = random.Random(seed)
    kinds = list(proportions)
    cumulative = list(_accumulate([proportions[k] for k in kinds]))

    expected_new_keys = int(operation_count * proportions.get("insert", 0.0) * 2.0)
    if distribution == "uniform":
        def choose(last: int) -> int:
            return rng.randint(0, records - 1)
    elif distribution == "zipfian":
        zipf = ZipfianGenerator(0, records + expected_new_keys)

        def choose(last: int) -> int:
            return zipf.next(rng)
    elif distribution == "scrambled_zipfian":
        scrambled = ScrambledZipfianGenerator(0, records + expected_new_keys)

        def choose(last: int) -> int:
            return scrambled.next(rng)
    else:
        latest = SkewedLatestGenerator(records - 1)

        def choose(last: int) -> int:
            return latest.next(rng, last)

    next_insert = records
    acknowledged = records - 1  # YCSB AcknowledgedCounterGenerator.lastValue()
    pending: deque[tuple[int, int]] = deque()  # (op seq at which the insert counts as acknowledged, key)
    seq = 0
    while True:
        while pending and pending[0][0] <= seq:
            acknowledged = max(acknowledged, pending.popleft()[1])
        u = rng.random()
        kind = next((k for k, c in zip(kinds, cumulative) if u < c), kinds[-1])
        if kind == "insert":
            key = next_insert
            next_insert += 1
            pending.append((seq + ack_window, key))
            yield Op("insert", {"key": key, "value_seed": rng.getrandbits(64)}, seq)
        else:
            key = choose(acknowledged)
            while key > acknowledged:  # CoreWorkload.nextKeynum: not inserted (yet)
                key = choose(acknowledged)
            if kind == "read":
                yield Op("read", {"key": key}, seq)
            elif kind == "scan":
                length = rng.randint(1, max_scan_length)
                yield Op("scan", {"start": key, "count": min(length, acknowledged - key + 1)}, seq)
            else:  # update / rmw
                yield Op(kind, {"key": key, "field": rng.randrange(FIELD_COUNT), "value_seed": rng.getrandbits(64)},
                         seq)
        seq += 1


def _accumulate(weights: list[float]) -> Iterator[float]:
    total = sum(weights)
    running = 0.0
    for w in weights:
        running += w / total
        yield running


# ----------------------------------------------------------------------------- consistency model


class YcsbModel:
    """What the records must hold after the applied writes. Concurrent writes to one field may land in either
    order, so a field may hold any write that no other write to it strictly followed (a later write started
    after it had completed)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.fields: dict[int, list[list[tuple[float, float, bytes]]]] = {}
        self.versions: dict[int, int] = {}

    def inserted(self, key: int, data: bytes, version: int = 0, started: float = 0.0, ended: float = 0.0) -> None:
        with self.lock:
            self.fields[key] = [[(started, ended, data[i * FIELD_LEN:(i + 1) * FIELD_LEN])]
                                for i in range(FIELD_COUNT)]
            self.versions[key] = version

    def wrote(self, key: int, field: int, value: bytes, started: float, ended: float) -> None:
        with self.lock:
            writes = self.fields[key][field]
            writes.append((started, ended, value))
            latest_start = max(w[0] for w in writes)
            writes[:] = [w for w in writes if w[1] >= latest_start]
            self.versions[key] += 1

    def check(self, stored: dict[int, tuple[int, bytes] | None]) -> list[str]:
        problems = []
        for key in sorted(self.fields):
            got = stored.get(key)
            if got is None:
                problems.append(f"key {key}: inserted but not readable")
                continue
            version, data = got
            if version != self.versions[key]:
                problems.append(f"key {key}: version {version}, expected {self.versions[key]}")
            for i, writes in enumerate(self.fields[key]):
                if data[i * FIELD_LEN:(i + 1) * FIELD_LEN] not in {w[2] for w in writes}:
                    problems.append(f"key {key} field {i}: not the value of its last write")
        return problems


def _write_value(op: Op) -> bytes:
    return expand_seed(op.args["value_seed"], FIELD_LEN)


# ----------------------------------------------------------------------------- on-chain executor


@functools.lru_cache(maxsize=None)
def table_pda(authority: Pubkey, table_id: int) -> Pubkey:
    return Pubkey.find_program_address([TABLE_SEED, bytes(authority), struct.pack("<I", table_id)], PROGRAM_ID)[0]


@functools.lru_cache(maxsize=1 << 20)
def record_pda(table: Pubkey, key: int) -> Pubkey:
    return Pubkey.find_program_address([RECORD_SEED, bytes(table), struct.pack("<Q", key)], PROGRAM_ID)[0]


#: ComputeBudget unit limits per transaction type: measured consumption (see docs/bench-ycsb-smallbank.md) plus
#: headroom; a scan grows with its length.
CU_LIMITS = {"read": 15_000, "update": 22_000, "insert": 40_000, "rmw": 28_000, "scan_base": 10_000,
             "scan_per_record": 8_000}
LOAD_BATCH = 5  # inserts per load transaction


class OnChainExecutor(ChainExecutor):
    """YCSB on programs/blockbench. The table's authority (deterministic per table id unless given) signs writes."""

    def __init__(self, chain, table_id: int = 1, authority: Keypair | None = None):
        super().__init__(chain)
        import hashlib

        self.authority = authority or Keypair.from_seed(
            hashlib.sha256(b"gridtokenx-bench-ycsb-authority" + struct.pack("<I", table_id)).digest())
        self.table_id = table_id
        self.table = table_pda(self.authority.pubkey(), table_id)
        self.model = YcsbModel()

    # ---- load ----
    def load(self, scale: dict) -> None:
        records = int(scale["records"])
        auth = self.authority.pubkey()
        chain = self.thread_chain()
        self.fund(auth, 10**9 + records * 10_000_000)  # rent of ~1 KiB records
        if chain.get_account(self.table) is None:
            self.send_setup([bix.ycsb_init_table({"table_id": self.table_id},
                                                 {"authority": auth, "table": self.table})], [self.authority])
        have = YcsbTable.decode(chain.account_data(self.table)).records
        for key in range(min(have, records)):  # existing state: the model starts from what is stored
            if key not in self.model.fields:
                version, data = self._stored(key)
                self.model.inserted(key, data, version)
        for start in range(have, records, LOAD_BATCH):
            keys = range(start, min(start + LOAD_BATCH, records))
            self.send_setup([self._insert_ix(k, load_value_seed(k)) for k in keys], [self.authority],
                            cu_limit=CU_LIMITS["insert"] * len(keys))
            for k in keys:
                self.model.inserted(k, expand_seed(load_value_seed(k), RECORD_LEN))

    def _insert_ix(self, key: int, value_seed: int):
        return bix.ycsb_insert({"key": key, "value_seed": value_seed},
                               {"authority": self.authority.pubkey(), "table": self.table,
                                "record": record_pda(self.table, key)})

    # ---- run ----
    def prepare(self, op: Op):
        a = op.args
        if op.kind == "read":
            ix = bix.ycsb_read({"key": a["key"]}, {"table": self.table, "record": record_pda(self.table, a["key"])})
            return self.sign("read", [ix], [], op.seq, CU_LIMITS["read"], self._done("YcsbReadDone"))
        if op.kind == "scan":
            count = a["count"]
            metas = [AccountMeta(record_pda(self.table, a["start"] + i), is_signer=False, is_writable=False)
                     for i in range(count)]
            ix = bix.ycsb_scan({"start_key": a["start"], "count": count}, {"table": self.table},
                               remaining_accounts=metas)
            limit = CU_LIMITS["scan_base"] + CU_LIMITS["scan_per_record"] * count
            return self.sign("scan", [ix], [], op.seq, limit, self._done("YcsbScanned"))
        if op.kind == "insert":
            ix = self._insert_ix(a["key"], a["value_seed"])
            data = expand_seed(a["value_seed"], RECORD_LEN)
            return self.sign("insert", [ix], [self.authority], op.seq, CU_LIMITS["insert"],
                             self._done("YcsbInserted", lambda s, e: self.model.inserted(a["key"], data, 0, s, e)))
        if op.kind in ("update", "rmw"):
            value = _write_value(op)
            accounts = {"authority": self.authority.pubkey(), "table": self.table,
                        "record": record_pda(self.table, a["key"])}
            args = {"key": a["key"], "field": a["field"], "value": list(value)}
            build, event = ((bix.ycsb_update, "YcsbUpdated") if op.kind == "update"
                            else (bix.ycsb_read_modify_write, "YcsbReadModifyWriteDone"))
            return self.sign(op.kind, [build(args, accounts)], [self.authority], op.seq, CU_LIMITS[op.kind],
                             self._done(event, lambda s, e: self.model.wrote(a["key"], a["field"], value, s, e)))
        raise ValueError(f"unknown YCSB op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")

    def _done(self, event: str, on_ok=None):
        def finish(outcome, started, ended) -> OpResult:
            result = outcome_result(outcome, event)
            if result.ok and on_ok is not None:
                on_ok(started, ended)
            return result
        return finish

    # ---- state ----
    def _stored(self, key: int) -> tuple[int, bytes] | None:
        raw = self.thread_chain().account_data(record_pda(self.table, key))
        if raw is None:
            return None
        record = YcsbRecord.decode(raw)
        return record.version, bytes(record.data)

    def stored_records(self) -> dict[int, tuple[int, bytes] | None]:
        return {key: self._stored(key) for key in sorted(self.model.fields)}

    def check_consistency(self) -> list[str]:
        problems = self.model.check(self.stored_records())
        raw = self.thread_chain().account_data(self.table)
        if raw is not None and YcsbTable.decode(raw).records != len(self.model.fields):
            problems.append(f"table counts {YcsbTable.decode(raw).records} records, "
                            f"{len(self.model.fields)} were inserted")
        return problems


# ----------------------------------------------------------------------------- PostgreSQL executor

FIELD_COLUMNS = ", ".join(f"field{i}" for i in range(FIELD_COUNT))


class PostgresExecutor(Executor):
    """The same usertable in PostgreSQL: one row per key, ten BYTEA fields and a version counter.

    One connection per client thread; every request is one transaction at READ COMMITTED. Single-statement
    requests (read, update, insert, scan) are atomic as they are; read-modify-write locks its row with
    SELECT … FOR UPDATE before writing, so it is atomic against concurrent writers of that row."""

    backend = "postgres"

    def __init__(self, dsn: str, table: str = "usertable"):
        self.dsn = dsn
        self.table = table
        self.conns = PgConnections(dsn)
        self.model = YcsbModel()

    def _conn(self):
        return self.conns.get()

    def load(self, scale: dict) -> None:
        records = int(scale["records"])
        conn = self._conn()
        with conn.transaction():
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (ycsb_key BIGINT PRIMARY KEY, "
                         f"version BIGINT NOT NULL, "
                         + ", ".join(f"field{i} BYTEA NOT NULL" for i in range(FIELD_COUNT)) + ")")
            have = {k for (k,) in conn.execute(f"SELECT ycsb_key FROM {self.table}")}
            rows = []
            for key in range(records):
                if key in have:
                    continue
                data = expand_seed(load_value_seed(key), RECORD_LEN)
                rows.append((key, 0, *(data[i * FIELD_LEN:(i + 1) * FIELD_LEN] for i in range(FIELD_COUNT))))
            if rows:
                with conn.cursor() as cur:
                    cur.executemany(f"INSERT INTO {self.table} (ycsb_key, version, {FIELD_COLUMNS}) VALUES "
                                    f"(%s, %s, {', '.join(['%s'] * FIELD_COUNT)})", rows)
        for key, stored in self.stored_records(range(records)).items():
            if key not in self.model.fields and stored is not None:
                self.model.inserted(key, stored[1], stored[0])

    def submit(self, op: Op) -> OpResult:
        import psycopg

        conn = self._conn()
        a = op.args
        started = time.monotonic()
        try:
            with conn.transaction():
                if op.kind == "read":
                    row = conn.execute(f"SELECT version, {FIELD_COLUMNS} FROM {self.table} WHERE ycsb_key = %s",
                                       (a["key"],)).fetchone()
                    if row is None:
                        return OpResult(False, error="RecordNotFound")
                    detail = {"key": a["key"], "version": row[0], "checksum": checksum_bytes(b"".join(row[1:]))}
                elif op.kind == "scan":
                    rows = conn.execute(f"SELECT {FIELD_COLUMNS} FROM {self.table} WHERE ycsb_key >= %s "
                                        f"ORDER BY ycsb_key LIMIT %s", (a["start"], a["count"])).fetchall()
                    acc = FNV_OFFSET_BASIS_64
                    for row in rows:
                        acc = checksum_bytes(b"".join(row), acc)
                    detail = {"start_key": a["start"], "count": len(rows), "checksum": acc}
                elif op.kind == "insert":
                    data = expand_seed(a["value_seed"], RECORD_LEN)
                    conn.execute(f"INSERT INTO {self.table} (ycsb_key, version, {FIELD_COLUMNS}) VALUES "
                                 f"(%s, 0, {', '.join(['%s'] * FIELD_COUNT)})",
                                 (a["key"], *(data[i * FIELD_LEN:(i + 1) * FIELD_LEN] for i in range(FIELD_COUNT))))
                    detail = {"key": a["key"], "checksum": checksum_bytes(data)}
                elif op.kind in ("update", "rmw"):
                    value = _write_value(op)
                    field = int(a["field"])
                    if not 0 <= field < FIELD_COUNT:
                        return OpResult(False, error="InvalidField")
                    before = None
                    if op.kind == "rmw":
                        row = conn.execute(f"SELECT {FIELD_COLUMNS} FROM {self.table} WHERE ycsb_key = %s "
                                           f"FOR UPDATE", (a["key"],)).fetchone()
                        if row is None:
                            return OpResult(False, error="RecordNotFound")
                        before = checksum_bytes(b"".join(row))
                    row = conn.execute(f"UPDATE {self.table} SET field{field} = %s, version = version + 1 "
                                       f"WHERE ycsb_key = %s RETURNING version, {FIELD_COLUMNS}",
                                       (value, a["key"])).fetchone()
                    if row is None:
                        return OpResult(False, error="RecordNotFound")
                    after = checksum_bytes(b"".join(row[1:]))
                    detail = {"key": a["key"], "field": field, "version": row[0]}
                    detail.update({"checksum": after} if before is None
                                  else {"checksum_before": before, "checksum_after": after})
                else:
                    raise ValueError(f"unknown YCSB op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")
        except psycopg.Error as e:
            return OpResult(False, error=type(e).__name__)
        ended = time.monotonic()
        if op.kind == "insert":
            self.model.inserted(a["key"], expand_seed(a["value_seed"], RECORD_LEN), 0, started, ended)
        elif op.kind in ("update", "rmw"):
            self.model.wrote(a["key"], a["field"], _write_value(op), started, ended)
        return OpResult(True, detail=detail)

    def stored_records(self, keys=None) -> dict[int, tuple[int, bytes] | None]:
        keys = sorted(self.model.fields) if keys is None else list(keys)
        conn = self._conn()
        with conn.transaction():
            rows = conn.execute(f"SELECT ycsb_key, version, {FIELD_COLUMNS} FROM {self.table} "
                                f"WHERE ycsb_key = ANY(%s)", (keys,)).fetchall()
        found = {r[0]: (r[1], b"".join(r[2:])) for r in rows}
        return {k: found.get(k) for k in keys}

    def check_consistency(self) -> list[str]:
        return self.model.check(self.stored_records())

    def close(self) -> None:
        self.conns.close()


# ----------------------------------------------------------------------------- compute units per type


def measure(chain=None) -> list[dict]:
    """One transaction of every YCSB type on the embedded chain (scans of 1, 10 and 25 records): compute units
    as the runtime reports them, including the two ComputeBudget instructions every request carries."""
    def setup(chain):
        ex = OnChainExecutor(chain, table_id=0xC0)
        ex.load({"records": MAX_SCAN + 1})
        return ex, [("insert", Op("insert", {"key": MAX_SCAN + 1, "value_seed": 7}, 1)),
                    ("read", Op("read", {"key": 3}, 2)),
                    ("update", Op("update", {"key": 3, "field": 4, "value_seed": 8}, 3)),
                    ("rmw", Op("rmw", {"key": 3, "field": 9, "value_seed": 9}, 4)),
                    ("scan (1 record)", Op("scan", {"start": 0, "count": 1}, 5)),
                    ("scan (10 records)", Op("scan", {"start": 0, "count": 10}, 6)),
                    (f"scan ({MAX_SCAN} records)", Op("scan", {"start": 0, "count": MAX_SCAN}, 7))]

    return measure_cu(NAME, "blockbench", chain, setup)


def format_table(rows: list[dict]) -> str:
    return format_cu_table("YCSB transaction", rows, 22)


if __name__ == "__main__":
    import sys

    from gridtokenx_cli.bench import run_main

    sys.exit(run_main("Compute units per YCSB transaction type (embedded chain)", measure, format_table))
