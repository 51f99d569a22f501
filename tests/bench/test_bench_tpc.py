"""The TPC-C, TPC-E and TPC-H workloads: generator properties (NURand, mix, spec rules, determinism), the same op
stream on the embedded chain and on a real PostgreSQL leaving equal, consistent state (TPC-C conditions 1–4 on
both), TPC-H query results equal between chain and SQL, concurrent smoke runs, and the CU-per-type functions.
No timing assertions."""
from __future__ import annotations

import itertools
import json
import struct
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

try:
    import gridtokenx_cli  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover
    pass


from solders.account import Account

from gridtokenx_cli.bench.postgres_server import PostgresServer
from gridtokenx_cli.bench.workloads import tpc_common as tc
from gridtokenx_cli.bench.workloads import tpce, tpch, tpcc
from gridtokenx_cli.chain import open_chain

TPCC_SCALE = {"warehouses": 2, "customers_per_district": 30, "items": 1000}


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        yield server


def fresh_db(pg, name: str) -> str:
    import psycopg

    with psycopg.connect(pg.dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return pg.dsn.replace("dbname=postgres", f"dbname={name}")


def take(gen, n):
    return list(itertools.islice(gen, n))


# ----------------------------------------------------------------------------- generator properties


def test_nurand_range_skew_and_scaled_constants():
    rng = __import__("random").Random(5)
    values = [tpcc.nurand(rng, 255, 0, 999, 123) for _ in range(50_000)]
    assert min(values) >= 0 and max(values) <= 999
    counts = Counter(values)
    # non-uniform: the most frequent value is far above the uniform expectation of 50 per value
    assert counts.most_common(1)[0][1] > 3 * 50
    # the spec's own A for the spec's own ranges
    assert tpcc.scaled_a(1023, 3000, 3000) == 1023
    assert tpcc.scaled_a(8191, 100_000, 100_000) == 8191
    assert tpcc.scaled_a(255, 1000, 1000) == 255
    assert tpcc.nurand_constants(TPCC_SCALE) == {"c_id": 7, "i_id": 63, "c_last": 1}


def test_last_names_from_the_syllable_table():
    assert tpcc.last_name(0) == "BARBARBAR"
    assert tpcc.last_name(371) == "PRICALLYOUGHT"  # the spec's example
    assert tpcc.last_name(999) == "EINGEINGEING"


def test_mix_and_spec_rules():
    ops = take(tpcc.generate(TPCC_SCALE, 42), 20_000)
    kinds = Counter(op.kind for op in ops)
    for kind, pct in zip(tpcc.TX_TYPES, tpcc.MIX):
        assert abs(kinds[kind] / len(ops) * 100 - pct) < 1.5, (kind, kinds[kind])
    new_orders = [op for op in ops if op.kind == "new_order"]
    assert all(5 <= len(op.args["lines"]) <= 15 for op in new_orders)
    rollbacks = [op for op in new_orders if op.args["lines"][-1][0] == TPCC_SCALE["items"] + 1]
    assert 0.5 < len(rollbacks) / len(new_orders) * 100 < 1.6
    assert all(i <= TPCC_SCALE["items"] for op in new_orders for i, _, _ in op.args["lines"][:-1])
    lines = [ln for op in new_orders for ln in op.args["lines"]]
    remote = sum(1 for op in new_orders for _, s, _ in op.args["lines"] if s != op.args["w_id"])
    assert 0.5 < remote / len(lines) * 100 < 1.5
    assert all(1 <= q <= 10 for _, _, q in lines)
    payments = [op.args for op in ops if op.kind == "payment"]
    by_name = sum(a["by_name"] for a in payments) / len(payments)
    remote_pay = sum(a["c_w_id"] != a["w_id"] for a in payments) / len(payments)
    assert 0.57 < by_name < 0.63 and 0.13 < remote_pay < 0.17
    assert all(100 <= a["amount_cents"] <= 500_000 for a in payments)
    assert all(0 <= a["c_last"] < tpcc.last_names(TPCC_SCALE) for a in payments if a["by_name"])
    assert all(1 <= a["carrier_id"] <= 10 for op in ops if op.kind == "delivery" for a in [op.args])
    assert all(10 <= op.args["threshold"] <= 20 for op in ops if op.kind == "stock_level")
    # one warehouse: nothing is remote
    single = take(tpcc.generate({**TPCC_SCALE, "warehouses": 1}, 42), 3000)
    assert all(s == 1 for op in single if op.kind == "new_order" for _, s, _ in op.args["lines"])


@pytest.mark.parametrize("module, scale", [(tpcc, TPCC_SCALE), (tpce, tpce.default_scale()),
                                           (tpch, tpch.default_scale())])
def test_generators_are_deterministic_and_json(module, scale):
    a, b = take(module.generate(scale, 9), 500), take(module.generate(scale, 9), 500)
    assert a == b and a != take(module.generate(scale, 10), 500)
    assert [op.seq for op in a] == list(range(1, 501))
    assert json.loads(json.dumps([op.args for op in a])) == [op.args for op in a]
    assert set(op.kind for op in a) <= set(module.TX_TYPES)


def test_tpce_and_tpch_mixes():
    ops = take(tpce.generate(tpce.default_scale(), 1), 20_000)
    kinds = Counter(op.kind for op in ops)
    total = sum(tpce.MIX)
    for kind, weight in zip(tpce.TX_TYPES, tpce.MIX):
        assert abs(kinds[kind] / len(ops) - weight / total) < 0.015
    hops = take(tpch.generate({"orders": 100}, 1), 2000)
    deleted = [op.args["orderkey"] for op in hops if op.kind == "rf2"]
    inserted = [op.args["orderkey"] for op in hops if op.kind == "rf1"]
    assert deleted == list(range(1, len(deleted) + 1)) and inserted == list(range(101, 101 + len(inserted)))
    assert all(60 <= op.args["delta"] <= 120 for op in hops if op.kind == "q1")


# ----------------------------------------------------------------------------- chain vs PostgreSQL


def run_both(chain_ex, pg_ex, ops):
    """Apply the ops in order on both backends; returns the ops whose outcomes differ."""
    diffs = []
    for op in ops:
        a, b = chain_ex.execute(op), pg_ex.execute(op)
        if a.ok != b.ok or a.detail.get("rolled_back") != b.detail.get("rolled_back"):
            diffs.append((op, a, b))
    return diffs


def test_tpcc_same_stream_same_consistent_state(pg):
    chain = open_chain("embedded", programs=["tpc"])
    ex, px = tpcc.OnChainExecutor(chain), tpcc.PostgresExecutor(fresh_db(pg, "tpcc_same"))
    ex.load(TPCC_SCALE)
    px.load(TPCC_SCALE)
    assert ex.snapshot() == px.snapshot()
    ops = take(tpcc.generate(TPCC_SCALE, 2024), 600)
    results = []
    for op in ops:
        a, b = ex.execute(op), px.execute(op)
        results.append((op, a, b))
    assert [(op.kind, a.ok) for op, a, _ in results] == [(op.kind, True) for op, _, _ in results]
    assert [(op.kind, b.ok) for op, _, b in results] == [(op.kind, True) for op, _, _ in results]
    for op, a, b in results:
        assert a.detail.get("rolled_back") == b.detail.get("rolled_back"), op
        for key in ("c_id", "balance_cents", "o_id", "total_cents", "low_stock", "o_ids", "brand_generic"):
            if key in a.detail and key in b.detail:
                assert a.detail[key] == b.detail[key], (op, key)
    assert sum(1 for _, a, _ in results if a.detail.get("rolled_back")) >= 1
    assert ex.check_consistency() == [] and px.check_consistency() == []
    assert ex.snapshot() == px.snapshot()
    px.close()
    chain.close()


def test_consistency_checks_detect_violations(pg):
    chain = open_chain("embedded", programs=["tpc"])
    ex, px = tpcc.OnChainExecutor(chain), tpcc.PostgresExecutor(fresh_db(pg, "tpcc_broken"))
    scale = {"warehouses": 1, "customers_per_district": 30, "items": 1000}
    ex.load(scale)
    px.load(scale)
    # chain: one district's YTD off by a cent, another's queue head moved past an undelivered order
    address = tc.table_pda(tc.K_DISTRICT, 1, 3)
    acc = chain.get_account(address)
    raw = bytearray(acc.data)
    struct.pack_into("<Q", raw, tc.D_YTD, tc.u64(raw, tc.D_YTD) + 1)
    chain.set_account(address, Account(acc.lamports, bytes(raw), acc.owner, acc.executable, acc.rent_epoch))
    address = tc.table_pda(tc.K_DISTRICT, 1, 4)
    acc = chain.get_account(address)
    raw = bytearray(acc.data)
    struct.pack_into("<I", raw, tc.D_NO_HEAD, tc.u32(raw, tc.D_NO_HEAD) + 1)
    chain.set_account(address, Account(acc.lamports, bytes(raw), acc.owner, acc.executable, acc.rent_epoch))
    problems = ex.check_consistency()
    assert any(p.startswith("condition 1, w 1") for p in problems)
    assert any(p.startswith("condition 3, w 1 d 4") for p in problems)
    # PostgreSQL: a lost order-line and a duplicated new-order gap
    conn = px.conns.get()
    with conn.transaction():
        conn.execute("DELETE FROM order_line WHERE ol_w_id = 1 AND ol_d_id = 2 AND ol_o_id = 1 AND ol_number = 1")
        conn.execute("DELETE FROM new_order WHERE no_w_id = 1 AND no_d_id = 5 AND no_o_id = "
                     "(SELECT min(no_o_id) + 1 FROM new_order WHERE no_w_id = 1 AND no_d_id = 5)")
        conn.execute("UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = 1 AND d_id = 6")
    problems = px.check_consistency()
    assert any(p.startswith("condition 4, w 1 d 2") for p in problems)
    assert any(p.startswith("condition 3, w 1 d 5") for p in problems)
    assert any(p.startswith("condition 2, w 1 d 6") for p in problems)
    px.close()
    chain.close()


def test_tpce_same_stream_same_state(pg):
    chain = open_chain("embedded", programs=["tpc"])
    scale = {"customers": 32}
    ex, px = tpce.OnChainExecutor(chain), tpce.PostgresExecutor(fresh_db(pg, "tpce_same"))
    ex.load(scale)
    px.load(scale)
    ops = take(tpce.generate(scale, 77), 500)
    assert run_both(ex, px, ops) == []
    assert ex.snapshot() == px.snapshot()
    assert ex.check_consistency() == [] and px.check_consistency() == []
    assert ex.snapshot()["head"] > 0  # trades were settled
    px.close()
    chain.close()


def test_tpch_queries_equal_between_chain_and_sql(pg):
    chain = open_chain("embedded", programs=["tpc"])
    scale = {"orders": 900}
    ex, px = tpch.OnChainExecutor(chain), tpch.PostgresExecutor(fresh_db(pg, "tpch_same"))
    ex.load(scale)
    px.load(scale)
    assert ex.stored() == px.stored()
    ops = take(tpch.generate(scale, 5), 60)
    assert {op.kind for op in ops} == set(tpch.TX_TYPES)
    for op in ops:
        a, b = ex.execute(op), px.execute(op)
        assert a.ok and b.ok, (op, a, b)
        if op.kind == "q1":
            assert a.detail["groups"] == b.detail["groups"] and len(a.detail["groups"]) == 4
        elif op.kind == "q6":
            assert (a.detail["revenue"], a.detail["rows"]) == (b.detail["revenue"], b.detail["rows"])
            assert a.detail["rows"] > 0
    assert ex.stored() == px.stored()
    assert ex.check_consistency() == [] and px.check_consistency() == []
    px.close()
    chain.close()


# ----------------------------------------------------------------------------- smoke runs


def test_concurrent_smoke_runs_stay_consistent(pg):
    """Four client threads on each backend (interleaving differs, so only the invariants are compared), plus the
    'limit' path: a pre-signed batch from prepare_many submitted afterwards."""
    chain = open_chain("embedded", programs=["tpc"])
    scale = {"warehouses": 1, "customers_per_district": 30, "items": 1000}
    ex, px = tpcc.OnChainExecutor(chain), tpcc.PostgresExecutor(fresh_db(pg, "tpcc_smoke"))
    ex.load(scale)
    px.load(scale)
    ops = take(tpcc.generate(scale, 11), 400)
    for executor in (ex, px):
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(executor.execute, ops[:300]))
        assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
        assert executor.check_consistency() == []
    batch = ex.prepare_many(ops[300:])
    assert all(ex.submit(p).ok for p in batch)
    assert ex.check_consistency() == []
    e_ex = tpce.OnChainExecutor(chain)
    e_ex.load({"customers": 16})
    prepared = e_ex.prepare_many(take(tpce.generate({"customers": 16}, 3), 200))
    with ThreadPoolExecutor(4) as pool:
        assert all(r.ok for r in pool.map(e_ex.submit, prepared))
    assert e_ex.check_consistency() == []
    px.close()
    chain.close()


def test_compute_units_per_type():
    chain = open_chain("embedded", programs=["tpc"])
    rows = tpcc.measure(chain) + tpce.measure(chain) + tpch.measure(chain)
    assert all(r["ok"] for r in rows), rows
    assert all(r["compute_units"] > 0 for r in rows)
    labels = {r["tx_type"].split(" ")[0] for r in rows}
    assert set(tpcc.TX_TYPES) | set(tpce.TX_TYPES) | set(tpch.TX_TYPES) <= labels
    by_label = {r["tx_type"]: r["compute_units"] for r in rows}
    assert by_label["new_order (15 lines)"] > by_label["new_order (5 lines)"]
    chain.close()
