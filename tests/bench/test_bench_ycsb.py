"""YCSB: the `ycsb_*` instructions of programs/blockbench in LiteSVM (results against the Python mirror of the value
expansion and checksum, every error with its code and unchanged state), the client-side generators (mix,
distributions, determinism), the same request stream on the embedded chain and on PostgreSQL ending in the same
records, and smoke runs of workloads A–F. No timing assertions."""
from __future__ import annotations

import collections
import itertools
import struct

import pytest
from solders.account import Account
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair

from gridtokenx_cli.testing.bench import check_cu_table, loaded, reject, run_threaded, snapshot
from gridtokenx_cli.bench.workload_api import Op
from gridtokenx_cli.bench.workloads import ycsb
from gridtokenx_cli.generated.blockbench import instructions as bix
from gridtokenx_cli.generated.blockbench.accounts import YcsbRecord, YcsbTable

# programs/blockbench/src/error.rs (6000 + declaration order) and the Anchor framework errors
ARITHMETIC_OVERFLOW, INVALID_FIELD, INVALID_SCAN_LENGTH, SCAN_ACCOUNT_COUNT_MISMATCH, SCAN_RECORD_MISMATCH = (
    6005, 6006, 6007, 6008, 6009)
CONSTRAINT_HAS_ONE, CONSTRAINT_SEEDS, DISCRIMINATOR_MISMATCH, NOT_SIGNER, NOT_INITIALIZED = 2001, 2006, 3002, 3010, 3012

U64_MAX = 2**64 - 1


@pytest.fixture
def ex(chain):
    executor = ycsb.OnChainExecutor(chain)
    executor.load({"records": 30})
    return executor


def record(chain, ex, key) -> YcsbRecord:
    return YcsbRecord.decode(chain.account_data(ycsb.record_pda(ex.table, key)))


def value_ix(build, ex, key, field, value=bytes(100), authority=None):
    return build({"key": key, "field": field, "value": list(value)},
                 {"authority": (authority or ex.authority).pubkey(), "table": ex.table,
                  "record": ycsb.record_pda(ex.table, key)})


# ----------------------------------------------------------------------------- instructions


def test_init_table_and_load(chain, ex):
    table = YcsbTable.decode(chain.account_data(ex.table))
    assert (table.authority, table.table_id, table.records) == (ex.authority.pubkey(), 1, 30)
    rec = record(chain, ex, 7)
    assert (rec.table, rec.key, rec.version) == (ex.table, 7, 0)
    assert bytes(rec.data) == ycsb.expand_seed(ycsb.load_value_seed(7), 1000)
    ex.load({"records": 30})  # idempotent
    assert YcsbTable.decode(chain.account_data(ex.table)).records == 30


def test_insert(chain, ex):
    res = ex.execute(Op("insert", {"key": 30, "value_seed": 1234}, 1))
    assert res.ok, res.error
    data = ycsb.expand_seed(1234, 1000)
    assert res.detail == {"table": ex.table, "key": 30, "checksum": ycsb.checksum_bytes(data), "records": 31}
    assert bytes(record(chain, ex, 30).data) == data


def test_insert_of_an_existing_key_is_rejected(chain, ex, payer):
    ix = ex._insert_ix(5, 99)
    before = snapshot(chain, ex.table, ycsb.record_pda(ex.table, 5))
    out = chain.send(ix, payer, [ex.authority])
    assert not out.ok and "already in use" in " ".join(out.logs)
    assert snapshot(chain, ex.table, ycsb.record_pda(ex.table, 5)) == before


def test_insert_by_another_authority_is_rejected(chain, ex, payer):
    intruder = Keypair()
    chain.airdrop(intruder.pubkey(), 10**9)
    ix = bix.ycsb_insert({"key": 40, "value_seed": 1}, {"authority": intruder.pubkey(), "table": ex.table,
                                                       "record": ycsb.record_pda(ex.table, 40)})
    reject(chain, payer, ix, [intruder], CONSTRAINT_HAS_ONE, [ex.table, ycsb.record_pda(ex.table, 40)])


def test_read(chain, ex):
    res = ex.execute(Op("read", {"key": 3}, 1))
    assert res.ok
    assert res.detail == {"key": 3, "version": 0,
                          "checksum": ycsb.checksum_bytes(ycsb.expand_seed(ycsb.load_value_seed(3), 1000))}


def test_read_of_a_missing_key_is_rejected(chain, ex):
    res = ex.execute(Op("read", {"key": 999}, 1))
    assert (res.ok, res.error) == (False, "AccountNotInitialized")


def test_read_with_another_keys_record_is_rejected(chain, ex, payer):
    ix = bix.ycsb_read({"key": 4}, {"table": ex.table, "record": ycsb.record_pda(ex.table, 5)})
    reject(chain, payer, ix, [], CONSTRAINT_SEEDS, [ycsb.record_pda(ex.table, 5)])


def test_update_writes_one_field(chain, ex):
    before = bytes(record(chain, ex, 3).data)
    res = ex.execute(Op("update", {"key": 3, "field": 4, "value_seed": 77}, 1))
    assert res.ok, res.error
    value = ycsb.expand_seed(77, 100)
    expected = before[:400] + value + before[500:]
    rec = record(chain, ex, 3)
    assert (bytes(rec.data), rec.version) == (expected, 1)
    assert res.detail == {"key": 3, "field": 4, "version": 1, "checksum": ycsb.checksum_bytes(expected)}


@pytest.mark.parametrize("build", [bix.ycsb_update, bix.ycsb_read_modify_write])
def test_write_of_an_invalid_field_is_rejected(chain, ex, payer, build):
    reject(chain, payer, value_ix(build, ex, 3, 10), [ex.authority], INVALID_FIELD, [ycsb.record_pda(ex.table, 3)])


@pytest.mark.parametrize("build", [bix.ycsb_update, bix.ycsb_read_modify_write])
def test_write_by_another_authority_is_rejected(chain, ex, payer, build):
    intruder = Keypair()
    reject(chain, payer, value_ix(build, ex, 3, 0, authority=intruder), [intruder], CONSTRAINT_HAS_ONE,
           [ycsb.record_pda(ex.table, 3)])


def test_update_without_the_authoritys_signature_is_rejected(chain, ex, payer):
    ix = value_ix(bix.ycsb_update, ex, 3, 0)
    metas = [AccountMeta(m.pubkey, False, m.is_writable) for m in ix.accounts]
    reject(chain, payer, Instruction(ix.program_id, ix.data, metas), [], NOT_SIGNER, [ycsb.record_pda(ex.table, 3)])


def test_update_version_overflow_is_rejected(chain, ex, payer):
    address = ycsb.record_pda(ex.table, 3)
    acc = chain.get_account(address)
    data = bytearray(acc.data)
    struct.pack_into("<Q", data, 8 + 32 + 8 + 1, U64_MAX)  # discriminator, table, key, bump | version
    chain.set_account(address, Account(acc.lamports, bytes(data), acc.owner, acc.executable, acc.rent_epoch))
    reject(chain, payer, value_ix(bix.ycsb_update, ex, 3, 0), [ex.authority], ARITHMETIC_OVERFLOW, [address])


def test_read_modify_write(chain, ex):
    before = bytes(record(chain, ex, 8).data)
    res = ex.execute(Op("rmw", {"key": 8, "field": 9, "value_seed": 5}, 1))
    assert res.ok, res.error
    after = before[:900] + ycsb.expand_seed(5, 100)
    assert res.detail == {"key": 8, "field": 9, "version": 1, "checksum_before": ycsb.checksum_bytes(before),
                          "checksum_after": ycsb.checksum_bytes(after)}
    assert bytes(record(chain, ex, 8).data) == after


@pytest.mark.parametrize("start,count", [(0, 1), (4, 10), (5, ycsb.MAX_SCAN)])
def test_scan(chain, ex, start, count):
    res = ex.execute(Op("scan", {"start": start, "count": count}, 1))
    assert res.ok, res.error
    acc = ycsb.FNV_OFFSET_BASIS_64
    for key in range(start, start + count):
        acc = ycsb.checksum_bytes(ycsb.expand_seed(ycsb.load_value_seed(key), 1000), acc)
    assert res.detail == {"start_key": start, "count": count, "checksum": acc}


def scan_ix(ex, start, count, keys):
    metas = [AccountMeta(ycsb.record_pda(ex.table, k), False, False) for k in keys]
    return bix.ycsb_scan({"start_key": start, "count": count}, {"table": ex.table}, remaining_accounts=metas)


@pytest.mark.parametrize("count", [0, ycsb.MAX_SCAN + 1])
def test_scan_length_out_of_bounds_is_rejected(chain, ex, payer, count):
    reject(chain, payer, scan_ix(ex, 0, count, range(min(count, 29))), [], INVALID_SCAN_LENGTH, [ex.table])


def test_scan_with_too_few_accounts_is_rejected(chain, ex, payer):
    reject(chain, payer, scan_ix(ex, 0, 3, [0, 1]), [], SCAN_ACCOUNT_COUNT_MISMATCH, [ex.table])


@pytest.mark.parametrize("keys", [[0, 2, 1], [1, 2, 3]])
def test_scan_out_of_order_or_offset_records_are_rejected(chain, ex, payer, keys):
    reject(chain, payer, scan_ix(ex, 0, 3, keys), [], SCAN_RECORD_MISMATCH, [ex.table])


def test_scan_of_another_tables_records_is_rejected(chain, ex, payer):
    other = ycsb.OnChainExecutor(chain, table_id=2)
    other.load({"records": 3})
    metas = [AccountMeta(ycsb.record_pda(other.table, k), False, False) for k in range(3)]
    ix = bix.ycsb_scan({"start_key": 0, "count": 3}, {"table": ex.table}, remaining_accounts=metas)
    reject(chain, payer, ix, [], SCAN_RECORD_MISMATCH, [ex.table])


def test_scan_of_a_non_record_account_is_rejected(chain, ex, payer):
    metas = [AccountMeta(ex.table, False, False)]
    ix = bix.ycsb_scan({"start_key": 0, "count": 1}, {"table": ex.table}, remaining_accounts=metas)
    reject(chain, payer, ix, [], DISCRIMINATOR_MISMATCH, [ex.table])


# ----------------------------------------------------------------------------- generators


def take(n, **options):
    return list(itertools.islice(ycsb.generate({"records": 1000}, options.pop("seed", 7), **options), n))


def test_generation_is_deterministic_per_seed():
    assert take(3000, workload="a") == take(3000, workload="a")
    assert take(3000, workload="a") != take(3000, workload="a", seed=8)
    assert [op.seq for op in take(100, workload="e")] == list(range(100))


@pytest.mark.parametrize("workload", list(ycsb.WORKLOADS))
def test_mix_proportions(workload):
    ops = take(20_000, workload=workload)
    counts = collections.Counter(op.kind for op in ops)
    assert set(counts) <= set(ycsb.WORKLOADS[workload]["mix"])
    for kind, share in ycsb.WORKLOADS[workload]["mix"].items():
        assert abs(counts[kind] / len(ops) - share) < 0.015, (kind, counts)


def test_zipfian_generator_matches_the_distribution():
    import random

    n, theta = 1000, ycsb.ZIPFIAN_CONSTANT
    gen = ycsb.ZipfianGenerator(0, n - 1)
    rng = random.Random(1)
    draws = collections.Counter(gen.next(rng) for _ in range(50_000))
    zetan = sum(1 / i**theta for i in range(1, n + 1))
    for rank in (0, 1):  # the exact branches of the generator: p(i) = 1 / ((i+1)^theta * zeta(n))
        assert abs(draws[rank] / 50_000 - 1 / ((rank + 1) ** theta * zetan)) < 0.01
    assert min(draws) >= 0 and max(draws) < n
    assert draws[0] > draws[5] > draws[100]  # rank-ordered popularity


def test_scrambled_zipfian_is_skewed_but_spread():
    ops = take(20_000, workload="c")
    counts = collections.Counter(op.args["key"] for op in ops)
    # the hottest key carries rank 0 of the zipfian over 10^10 items: p = 1 / ZETAN ≈ 3.8 % (uniform: 0.1 %)
    assert abs(counts.most_common(1)[0][1] / len(ops) - 1 / ycsb.SCRAMBLED_ZETAN) < 0.008
    assert sum(c for _, c in counts.most_common(10)) / len(ops) > 0.1  # uniform would give 1 %
    hottest = [k for k, _ in counts.most_common(10)]
    assert hottest != list(range(10)) and max(hottest) > 100  # hot keys scattered by the FNV hash
    assert all(0 <= k < 1000 for k in counts)


def test_uniform_distribution_is_flat():
    ops = take(50_000, workload="c", request_distribution="uniform")
    counts = collections.Counter(op.args["key"] for op in ops)
    assert len(counts) == 1000
    assert max(counts.values()) < 2 * 50 and min(counts.values()) > 50 / 2


def test_latest_reads_favour_recent_inserts():
    ops = take(20_000, workload="d", ack_window=0)
    inserted = 999
    recent = reads = 0
    for op in ops:
        if op.kind == "insert":
            assert op.args["key"] == inserted + 1  # ordered inserts continue the loaded keys
            inserted = op.args["key"]
        else:
            assert op.args["key"] <= inserted
            reads += 1
            recent += op.args["key"] > inserted - 10
    assert recent / reads > 0.3


def test_requests_only_reach_acknowledged_keys():
    for op in take(5000, workload="e", ack_window=32):
        if op.kind == "scan":
            assert 1 <= op.args["count"] <= ycsb.MAX_SCAN
    issued = {}
    for op in take(5000, workload="d", ack_window=32):
        if op.kind == "insert":
            issued[op.args["key"]] = op.seq
        elif op.args["key"] >= 1000:
            assert op.seq - issued[op.args["key"]] >= 32


def test_bad_options_are_rejected():
    with pytest.raises(ValueError, match="request_distribution"):
        next(ycsb.generate({"records": 100}, 1, request_distribution="pareto"))
    with pytest.raises(ValueError, match="max_scan_length"):
        next(ycsb.generate({"records": 100}, 1, workload="e", max_scan_length=100))


# ----------------------------------------------------------------------------- runs and PostgreSQL


@pytest.mark.parametrize("workload", list(ycsb.WORKLOADS))
def test_smoke_run_is_consistent(chain, workload):
    ex = ycsb.OnChainExecutor(chain)
    ex.load({"records": 60})
    ops = list(itertools.islice(ycsb.generate({"records": 60}, 3, workload=workload, ack_window=1), 80))
    results = [ex.execute(op) for op in ops[:40]] + [ex.submit(p) for p in ex.prepare_many(ops[40:])]
    assert all(r.ok for r in results), collections.Counter(r.error for r in results)
    assert all(r.compute_units for r in results)
    assert ex.check_consistency() == []


def test_consistency_check_catches_a_tampered_record(chain, ex):
    assert ex.execute(Op("update", {"key": 2, "field": 1, "value_seed": 3}, 1)).ok
    address = ycsb.record_pda(ex.table, 2)
    acc = chain.get_account(address)
    data = bytearray(acc.data)
    data[-1] ^= 0xFF
    chain.set_account(address, Account(acc.lamports, bytes(data), acc.owner, acc.executable, acc.rent_epoch))
    assert ex.check_consistency() == ["key 2 field 9: not the value of its last write"]


def test_same_stream_on_chain_and_postgres_ends_in_the_same_records(chain, pg):
    scale = {"records": 50}
    mix = {"read": 0.3, "update": 0.25, "rmw": 0.2, "insert": 0.1, "scan": 0.15}
    ops = list(itertools.islice(ycsb.generate(scale, 21, mix=mix, ack_window=1), 300))
    on_chain = ycsb.OnChainExecutor(chain)
    sql = ycsb.PostgresExecutor(pg.dsn, table="usertable_equivalence")
    try:
        on_chain.load(scale)
        sql.load(scale)
        for op in ops:
            a, b = on_chain.execute(op), sql.execute(op)
            assert a.ok and b.ok, (op, a.error, b.error)
            assert b.detail and {k: a.detail.get(k) for k in b.detail} == b.detail, op  # same results
        keys = range(50 + sum(op.kind == "insert" for op in ops))
        assert on_chain.stored_records() == sql.stored_records(keys)
        assert on_chain.check_consistency() == [] and sql.check_consistency() == []
    finally:
        sql.close()


def test_postgres_rejections_leave_the_row_unchanged(pg):
    with loaded(ycsb.PostgresExecutor(pg.dsn, table="usertable_rejections"), {"records": 5}) as sql:
        before = sql.stored_records(range(5))
        assert sql.execute(Op("insert", {"key": 2, "value_seed": 1}, 1)).error == "UniqueViolation"
        assert sql.execute(Op("update", {"key": 2, "field": 10, "value_seed": 1}, 2)).error == "InvalidField"
        assert sql.execute(Op("rmw", {"key": 99, "field": 1, "value_seed": 1}, 3)).error == "RecordNotFound"
        assert sql.stored_records(range(5)) == before


def test_postgres_smoke_run_from_threads(pg):
    with loaded(ycsb.PostgresExecutor(pg.dsn, table="usertable_threads"), {"records": 100}) as sql:
        ops = list(itertools.islice(ycsb.generate({"records": 100}, 5, workload="f"), 400))
        assert all(r.ok for r in run_threaded(sql, ops, 4))


def test_cu_table_lists_every_type():
    check_cu_table(ycsb)
