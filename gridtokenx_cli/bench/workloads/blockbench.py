"""BLOCKBENCH micro-benchmarks (Dinh et al., SIGMOD'17) over programs/blockbench.

Transaction types:

- `do_nothing`: a transaction that touches no state: the request path (signature check, scheduling, consensus,
  confirmation) with no execution work.
- `cpu_heavy`: sort `n` xorshift64 values, FNV checksum and SHA-256 of the sorted array (`n` = option `cpu_n`).
- `io_write` / `io_read`: IOHeavy over a key/value store of 64 u64 slots per store account; the stores are the
  workload's accounts (scale `accounts`), requests pick a store uniformly and a range of `io_count` slots.

Options of `generate`: `mix` (comma-separated transaction types, uniform; default all four), `cpu_n` (default 64),
`io_count` (default 8).

PostgreSQL baseline (same requests, same results):

- `do_nothing` → `SELECT 1`: one round trip that reads and writes nothing, the database's request-path floor.
- `cpu_heavy` → the same computation in PL/pgSQL on the server (`bb_cpu_heavy(n, seed)`), returning the same
  checksum and SHA-256 digest as the program's CpuHeavyDone event (the tests compare them).
- `io_write` / `io_read` → table `bb_kv(store_id, slot, value)` + `bb_store(store_id, writes)`; a write locks the
  store's row first (as Solana write-locks the store account), writes the xorshift values generated on the server
  and bumps `writes`; a read returns the FNV checksum of the range, computed on the server.
"""
from __future__ import annotations

import hashlib
import random
import threading
from collections import defaultdict
from typing import Any, Iterator

from solders.keypair import Keypair

from gridtokenx_cli.bench import blockbench_cu as bb
from gridtokenx_cli.bench.postgres_server import PgConnections
from gridtokenx_cli.bench.workload_api import Executor, Op, OpResult

NAME = "blockbench"
TX_TYPES = ("do_nothing", "cpu_heavy", "io_write", "io_read")
SLOTS = bb.SLOTS
AUTHORITY_SEED = hashlib.sha256(b"gtx-bench-blockbench-authority").digest()


def default_scale() -> dict:
    return {"accounts": 16}


def scale_for_accounts(accounts: int) -> dict:
    return {"accounts": accounts}


def generate(scale: dict, seed: int, *, mix: str | tuple[str, ...] = TX_TYPES, cpu_n: int = 64,
             io_count: int = 8) -> Iterator[Op]:
    kinds = [k.strip() for k in mix.replace("+", ",").split(",")] if isinstance(mix, str) else list(mix)
    unknown = [k for k in kinds if k not in TX_TYPES]
    if unknown:
        raise ValueError(f"unknown blockbench transaction type(s) {unknown}; choose from {', '.join(TX_TYPES)}")
    cpu_n, io_count = int(cpu_n), int(io_count)
    if not 1 <= cpu_n <= bb.MAX_SORT:
        raise ValueError(f"cpu_n must be 1…{bb.MAX_SORT}")
    if not 1 <= io_count <= SLOTS:
        raise ValueError(f"io_count must be 1…{SLOTS}")
    stores = int(scale["accounts"])
    rng = random.Random(seed)
    seq = 0
    while True:
        kind = rng.choice(kinds)
        if kind == "do_nothing":
            args: dict[str, Any] = {}
        elif kind == "cpu_heavy":
            args = {"n": cpu_n, "seed": rng.getrandbits(64)}
        else:
            args = {"store": rng.randrange(stores), "start": rng.randrange(SLOTS - io_count + 1), "count": io_count}
            if kind == "io_write":
                args["value_seed"] = rng.getrandbits(64)
        yield Op(kind, args, seq)
        seq += 1


class _WriteLog:
    """What successful writes may have left in each slot, for the consistency check (order-free, so it holds
    with any number of concurrent clients): every slot holds 0 or a value one of them wrote there, and each
    store's write counter equals the number of slots written."""

    def __init__(self):
        self.lock = threading.Lock()
        self.possible: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.writes: dict[int, int] = defaultdict(int)

    def record(self, store: int, start: int, count: int, value_seed: int) -> None:
        values = bb.xorshift64(value_seed, count)
        with self.lock:
            for i, v in enumerate(values):
                self.possible[(store, start + i)].add(v)
            self.writes[store] += count

    def violations(self, stores: dict[int, tuple[int, list[int]]], base_writes: dict[int, int]) -> list[str]:
        found = []
        for store_id, (writes, values) in stores.items():
            expected = base_writes.get(store_id, 0) + self.writes.get(store_id, 0)
            if writes != expected:
                found.append(f"store {store_id}: write counter {writes}, expected {expected}")
            for slot, v in enumerate(values):
                allowed = self.possible.get((store_id, slot))
                if v != 0 and (allowed is None or v not in allowed):
                    found.append(f"store {store_id} slot {slot}: value {v} was never written there")
        return found


# ----------------------------------------------------------------------------- on-chain


class OnChainExecutor(Executor):
    """programs/blockbench through the generated client, on the embedded or rpc chain backend. Stores belong to
    one authority (a read-only signer, shared without contention); each client thread pays from its own payer."""

    def __init__(self, chain):
        from gridtokenx_cli.bench.onchain import PayerPool

        self.chain = chain
        self.backend = getattr(chain, "name", "embedded")
        self.authority = Keypair.from_seed(AUTHORITY_SEED)
        self.payers = PayerPool(chain)
        self.log = _WriteLog()
        self.base_writes: dict[int, int] = {}
        self.stores = 0

    def _store(self, store_id: int):
        return bb.store_pda(self.authority.pubkey(), store_id)[0]

    def load(self, scale: dict) -> None:
        from gridtokenx_cli.bench.onchain import send_many
        from gridtokenx_cli.generated.blockbench import instructions as gen

        auth = self.authority.pubkey()
        needed = int(scale["accounts"])
        if self.chain.get_balance(auth) < needed * 2_000_000 + 10**9:
            self.chain.airdrop(auth, needed * 2_000_000 + 10 * 10**9)
        missing = [i for i in range(needed) if self.chain.get_account(self._store(i)) is None]
        batch = 8  # init_store instructions per transaction (each well under the CU and size limits)
        txs = []
        for k in range(0, len(missing), batch):
            ixs = [gen.init_store({"store_id": i}, {"authority": auth, "store": self._store(i)})
                   for i in missing[k:k + batch]]
            txs.append((ixs, self.authority, []))
        for outcome in send_many(self.chain, txs):
            if not outcome.ok:
                raise RuntimeError(f"init_store failed: {outcome.error or outcome.raw_error}")
        self.stores = max(self.stores, needed)
        for i in range(needed):  # writes made before this run count as the baseline
            if i not in self.base_writes:
                self.base_writes[i] = self._read_store(i)[0]

    def _read_store(self, store_id: int) -> tuple[int, list[int]]:
        state = bb.decode_store(self.chain.account_data(self._store(store_id)))
        return state["writes"], state["values"]

    def _instruction(self, op: Op):
        from gridtokenx_cli.generated.blockbench import instructions as gen

        a = op.args
        if op.kind == "do_nothing":
            return gen.do_nothing({"signer": self.authority.pubkey()}), [self.authority]
        if op.kind == "cpu_heavy":
            return gen.cpu_heavy({"n": a["n"], "seed": a["seed"]}, {"signer": self.authority.pubkey()}), [self.authority]
        store = self._store(a["store"])
        if op.kind == "io_write":
            return (gen.io_write({"start": a["start"], "count": a["count"], "value_seed": a["value_seed"]},
                                 {"authority": self.authority.pubkey(), "store": store}), [self.authority])
        if op.kind == "io_read":
            return gen.io_read({"start": a["start"], "count": a["count"]}, {"store": store}), []
        raise ValueError(f"unknown op kind {op.kind!r}")

    def prepare(self, op: Op):
        from gridtokenx_cli.bench.onchain import build_signed, nonce_instruction

        ix, signers = self._instruction(op)
        return op, build_signed(self.chain, [ix], self.payers.mine(), signers, budget=[nonce_instruction(op.seq)],
                                kind=op.kind)

    def prepare_many(self, ops) -> list:
        from gridtokenx_cli.bench.onchain import build_signed, nonce_instruction

        blockhash = self.chain.latest_blockhash()  # one blockhash for the batch: no RPC round trip per op
        out = []
        for i, op in enumerate(ops):
            ix, signers = self._instruction(op)
            payer = self.payers.payers[i % len(self.payers.payers)]
            out.append((op, build_signed(self.chain, [ix], payer, signers, budget=[nonce_instruction(op.seq)],
                                         kind=op.kind, blockhash=blockhash)))
        return out

    def submit(self, prepared) -> OpResult:
        from gridtokenx_cli.bench.onchain import outcome_result, submit_prepared

        op, tx = prepared
        outcome = submit_prepared(self.chain, tx)
        result = outcome_result(outcome)
        if result.ok and op.kind == "io_write":
            self.log.record(op.args["store"], op.args["start"], op.args["count"], op.args["value_seed"])
        return result

    def check_consistency(self) -> list[str]:
        return self.log.violations({i: self._read_store(i) for i in range(self.stores)}, self.base_writes)


# ----------------------------------------------------------------------------- PostgreSQL

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS bb_store (store_id integer PRIMARY KEY, writes bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS bb_kv (store_id integer NOT NULL REFERENCES bb_store, slot integer NOT NULL,
                                  value bigint NOT NULL DEFAULT 0, PRIMARY KEY (store_id, slot));

-- xorshift64 on bigint (same bits as u64; >> is arithmetic in SQL, so mask to make it logical)
CREATE OR REPLACE FUNCTION bb_xorshift(seed bigint, n integer) RETURNS SETOF bigint
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE x bigint := CASE WHEN seed = 0 THEN {bb.XORSHIFT_ZERO_SEED - (1 << 64)} ELSE seed END;
BEGIN
  FOR i IN 1..n LOOP
    x := x # (x << 13);
    x := x # ((x >> 7) & {(1 << 57) - 1});
    x := x # (x << 17);
    RETURN NEXT x;
  END LOOP;
END $$;

-- FNV-1a over u64 words (multiplication modulo 2^64 in numeric: bigint multiplication checks overflow)
CREATE OR REPLACE FUNCTION bb_checksum(vals bigint[]) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE acc bigint := {bb.CHECKSUM_INIT - (1 << 64)}; u numeric; v bigint;
BEGIN
  FOREACH v IN ARRAY coalesce(vals, '{{}}') LOOP
    acc := acc # v;
    u := ((CASE WHEN acc < 0 THEN acc + 18446744073709551616 ELSE acc END)::numeric * {bb.CHECKSUM_PRIME})
         % 18446744073709551616;
    acc := (CASE WHEN u >= 9223372036854775808 THEN u - 18446744073709551616 ELSE u END)::bigint;
  END LOOP;
  RETURN acc;
END $$;

-- the u64 as 8 little-endian bytes (int8send is big-endian)
CREATE OR REPLACE FUNCTION bb_le(v bigint) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT decode(substr(h, 15, 2) || substr(h, 13, 2) || substr(h, 11, 2) || substr(h, 9, 2) ||
                substr(h, 7, 2) || substr(h, 5, 2) || substr(h, 3, 2) || substr(h, 1, 2), 'hex')
  FROM (SELECT lpad(to_hex(v), 16, '0') AS h) AS t $$;

-- cpu_heavy: sort n xorshift values as unsigned (XOR the sign bit maps unsigned order onto signed order)
CREATE OR REPLACE FUNCTION bb_cpu_heavy(n integer, seed bigint, OUT checksum bigint, OUT digest bytea)
LANGUAGE plpgsql AS $$
DECLARE sorted bigint[];
BEGIN
  SELECT array_agg(x ORDER BY x # (-9223372036854775807 - 1)) INTO sorted FROM bb_xorshift(seed, n) AS x;
  checksum := bb_checksum(sorted);
  SELECT sha256(string_agg(bb_le(v), ''::bytea ORDER BY i)) INTO digest
  FROM unnest(sorted) WITH ORDINALITY AS u(v, i);
END $$;
"""


def _signed(u64: int) -> int:
    return u64 - (1 << 64) if u64 >= 1 << 63 else u64


def _unsigned(i64: int) -> int:
    return i64 + (1 << 64) if i64 < 0 else i64


class PostgresExecutor(Executor):
    """The same requests in SQL; one connection per client thread."""

    backend = "postgres"

    def __init__(self, dsn: str):
        import psycopg

        self.dsn = dsn
        self.conns = PgConnections(dsn, autocommit=True)
        self.log = _WriteLog()
        self.base_writes: dict[int, int] = {}
        self.stores = 0
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(_SCHEMA)

    def _conn(self):
        return self.conns.get()

    def load(self, scale: dict) -> None:
        needed = int(scale["accounts"])
        conn = self._conn()
        with conn.transaction():
            conn.execute("INSERT INTO bb_store (store_id) SELECT g FROM generate_series(0, %s - 1) g "
                         "ON CONFLICT DO NOTHING", (needed,))
            conn.execute("INSERT INTO bb_kv (store_id, slot) SELECT s, k FROM generate_series(0, %s - 1) s, "
                         "generate_series(0, %s - 1) k ON CONFLICT DO NOTHING", (needed, SLOTS))
        self.stores = max(self.stores, needed)
        for store_id, writes in conn.execute("SELECT store_id, writes FROM bb_store WHERE store_id < %s",
                                             (needed,)).fetchall():
            self.base_writes.setdefault(store_id, writes)

    def submit(self, op: Op) -> OpResult:
        import psycopg

        conn, a = self._conn(), op.args
        try:
            if op.kind == "do_nothing":
                conn.execute("SELECT 1").fetchone()
                return OpResult(True)
            if op.kind == "cpu_heavy":
                checksum, digest = conn.execute("SELECT * FROM bb_cpu_heavy(%s, %s)",
                                                (a["n"], _signed(a["seed"]))).fetchone()
                return OpResult(True, detail={"checksum": _unsigned(checksum), "digest": bytes(digest)})
            if op.kind == "io_write":
                with conn.transaction():
                    if conn.execute("UPDATE bb_store SET writes = writes + %s WHERE store_id = %s RETURNING writes",
                                    (a["count"], a["store"])).fetchone() is None:
                        return OpResult(False, error="StoreNotFound")
                    conn.execute(
                        "UPDATE bb_kv SET value = w.v FROM (SELECT v, %s + ord - 1 AS slot FROM "
                        "bb_xorshift(%s, %s) WITH ORDINALITY AS x(v, ord)) AS w "
                        "WHERE bb_kv.store_id = %s AND bb_kv.slot = w.slot",
                        (a["start"], _signed(a["value_seed"]), a["count"], a["store"]))
                self.log.record(a["store"], a["start"], a["count"], a["value_seed"])
                return OpResult(True)
            if op.kind == "io_read":
                (checksum,) = conn.execute(
                    "SELECT bb_checksum(array_agg(value ORDER BY slot)) FROM bb_kv "
                    "WHERE store_id = %s AND slot >= %s AND slot < %s",
                    (a["store"], a["start"], a["start"] + a["count"])).fetchone()
                return OpResult(True, detail={"checksum": _unsigned(checksum)})
        except psycopg.Error as e:
            return OpResult(False, error=type(e).__name__, detail={"message": str(e)})
        raise ValueError(f"unknown op kind {op.kind!r}")

    def check_consistency(self) -> list[str]:
        conn = self._conn()
        stores = {}
        for store_id, writes in conn.execute("SELECT store_id, writes FROM bb_store WHERE store_id < %s",
                                             (self.stores,)).fetchall():
            values = [_unsigned(v) for (v,) in conn.execute(
                "SELECT value FROM bb_kv WHERE store_id = %s ORDER BY slot", (store_id,)).fetchall()]
            stores[store_id] = (writes, values)
        return self.log.violations(stores, self.base_writes)

    def close(self) -> None:
        self.conns.close()
