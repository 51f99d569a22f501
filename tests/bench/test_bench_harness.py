"""The benchmark harness (gridtokenx_cli/bench/harness.py) on real backends: the BLOCKBENCH workload on LiteSVM,
a throw-away PostgreSQL and (when built) solana-test-validator; percentiles on known inputs; results.json schema,
report and charts; `gtx bench compare`; a smoke run of every workload module present. No timing assertions."""
from __future__ import annotations

import copy
import itertools
import json
import traceback

import pytest
from typer.testing import CliRunner

from gridtokenx_cli.bench import blockbench_cu as bb
from gridtokenx_cli.bench import compare, harness, report, stats
from gridtokenx_cli.bench.workload_api import Op
from gridtokenx_cli.bench.workloads import blockbench as bbw
from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.testing.validator import needs_validator

runner = CliRunner()

try:
    from gridtokenx_cli.bench.postgres_server import _bin_dir

    _bin_dir()
    HAVE_POSTGRES = True
except RuntimeError:
    HAVE_POSTGRES = False
needs_postgres = pytest.mark.skipif(not HAVE_POSTGRES, reason="no PostgreSQL server binaries: run scripts/setup.sh")


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options(list(args)))


@pytest.fixture(scope="module")
def pg():
    if not HAVE_POSTGRES:
        pytest.skip("no PostgreSQL server binaries: run scripts/setup.sh")
    from gridtokenx_cli.bench.postgres_server import PostgresServer

    with PostgresServer() as server:
        yield server


@pytest.fixture
def pg_executor(pg):
    import psycopg

    with psycopg.connect(pg.dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bb_kv, bb_store")
    ex = bbw.PostgresExecutor(pg.dsn)
    ex.load({"accounts": 4})
    yield ex
    ex.close()


@pytest.fixture
def chain_executor():
    from gridtokenx_cli.chain.embedded import EmbeddedChain

    ex = bbw.OnChainExecutor(EmbeddedChain(programs=["blockbench"]))
    ex.load({"accounts": 4})
    return ex


# ----------------------------------------------------------------------------- statistics


def test_percentile_on_known_inputs():
    ten = list(range(1, 11))
    assert stats.percentile(ten, 50) == 5.5
    assert stats.percentile(ten, 0) == 1 and stats.percentile(ten, 100) == 10
    assert stats.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert stats.percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert stats.percentile([7.0], 99) == 7.0
    assert stats.percentile([10, 1, 4, 3], 50) == 3.5  # input order does not matter
    with pytest.raises(ValueError):
        stats.percentile([], 50)
    with pytest.raises(ValueError):
        stats.percentile([1, 2], 101)


def test_summary_is_in_milliseconds_per_request():
    s = stats.summarize([0.001, 0.002, 0.003, 0.010])
    assert s["count"] == 4
    assert s["min"] == pytest.approx(1.0) and s["max"] == pytest.approx(10.0)
    assert s["mean"] == pytest.approx(4.0)
    assert s["p50"] == pytest.approx(2.5)
    assert s["p99"] == pytest.approx(3.0 + 0.97 * 7.0)
    assert stats.summarize([])["count"] == 0


# ----------------------------------------------------------------------------- the BLOCKBENCH workload


def test_request_stream_is_deterministic_and_honours_the_mix():
    first = list(itertools.islice(bbw.generate({"accounts": 8}, 7), 200))
    again = list(itertools.islice(bbw.generate({"accounts": 8}, 7), 200))
    other = list(itertools.islice(bbw.generate({"accounts": 8}, 8), 200))
    assert first == again and first != other
    assert {op.kind for op in first} == set(bbw.TX_TYPES)
    assert [op.seq for op in first] == list(range(200))
    assert all(0 <= op.args["store"] < 8 and op.args["start"] + op.args["count"] <= bb.SLOTS
               for op in first if op.kind.startswith("io_"))
    cpu = list(itertools.islice(bbw.generate({"accounts": 1}, 1, mix="cpu_heavy", cpu_n=256), 20))
    assert {op.kind for op in cpu} == {"cpu_heavy"} and {op.args["n"] for op in cpu} == {256}
    with pytest.raises(ValueError, match="unknown blockbench transaction type"):
        next(bbw.generate({"accounts": 1}, 1, mix="do_everything"))
    with pytest.raises(ValueError, match="cpu_n"):
        next(bbw.generate({"accounts": 1}, 1, cpu_n=bb.MAX_SORT + 1))


@needs_postgres
@pytest.mark.parametrize("n,seed", [(1, 0), (64, 42), (bb.MAX_SORT, 2**64 - 1)])
def test_postgres_cpu_heavy_computes_what_the_program_computes(pg_executor, chain_executor, n, seed):
    expected = bb.cpu_heavy_expected(n, seed)
    sql = pg_executor.execute(Op("cpu_heavy", {"n": n, "seed": seed}))
    assert sql.ok and sql.detail == {"checksum": expected["checksum"], "digest": expected["digest"]}
    ix, signers = chain_executor._instruction(Op("cpu_heavy", {"n": n, "seed": seed}))
    event = chain_executor.chain.send([ix], chain_executor.payers.mine(), signers).event("CpuHeavyDone")
    assert event.data["checksum"] == expected["checksum"] and bytes(event.data["digest"]) == expected["digest"]


@needs_postgres
def test_postgres_io_matches_the_program_model(pg_executor):
    assert pg_executor.execute(Op("io_write", {"store": 1, "start": 3, "count": 5, "value_seed": 1234})).ok
    read = pg_executor.execute(Op("io_read", {"store": 1, "start": 0, "count": 10}))
    assert read.detail["checksum"] == bb.checksum([0, 0, 0] + bb.xorshift64(1234, 5) + [0, 0])
    missing = pg_executor.execute(Op("io_write", {"store": 99, "start": 0, "count": 1, "value_seed": 1}))
    assert (missing.ok, missing.error) == (False, "StoreNotFound")
    assert pg_executor.check_consistency() == []


@needs_postgres
def test_consistency_check_catches_a_tampered_postgres_store(pg_executor):
    assert pg_executor.execute(Op("io_write", {"store": 2, "start": 0, "count": 4, "value_seed": 9})).ok
    assert pg_executor.check_consistency() == []
    import psycopg

    with psycopg.connect(pg_executor.dsn, autocommit=True) as conn:
        conn.execute("UPDATE bb_kv SET value = 12345 WHERE store_id = 2 AND slot = 1")
        conn.execute("UPDATE bb_store SET writes = writes + 1 WHERE store_id = 3")
    found = pg_executor.check_consistency()
    assert any("store 2 slot 1: value 12345" in v for v in found)
    assert any("store 3: write counter 1, expected 0" in v for v in found)


def test_consistency_check_catches_a_tampered_chain_store(chain_executor):
    ex = chain_executor
    assert ex.execute(Op("io_write", {"store": 0, "start": 0, "count": 8, "value_seed": 5}, seq=1)).ok
    assert ex.check_consistency() == []
    from solders.account import Account

    address, bump = bb.store_pda(ex.authority.pubkey(), 0)
    values = bb.xorshift64(5, 8) + [0] * (bb.SLOTS - 8)
    values[2] = 777
    acc = ex.chain.get_account(address)
    ex.chain.set_account(address, Account(acc.lamports, bb.encode_store(ex.authority.pubkey(), 0, bump, 8, values),
                                          acc.owner, acc.executable, acc.rent_epoch))
    assert ex.check_consistency() == ["store 0 slot 2: value 777 was never written there"]


def test_rejections_are_counted_by_error_name(chain_executor):
    ops = [Op("io_write", {"store": 0, "start": 0, "count": 2, "value_seed": 1}),
           Op("io_write", {"store": 50, "start": 0, "count": 2, "value_seed": 1}),  # never initialised
           Op("cpu_heavy", {"n": 16, "seed": 3}), Op("io_read", {"store": 60, "start": 0, "count": 1})]
    source = harness.OpSource(iter(ops), itertools.count(100))
    with harness.ClientPool(2) as pool:
        samples, wall = harness.run_stream(chain_executor, source, pool, ops=len(ops))
    fig = harness.figures(samples, wall)
    assert (fig["requests"], fig["ok"], fig["failed"]) == (4, 2, 2)
    assert fig["errors"] == {"AccountNotInitialized": 2}
    assert fig["by_type"]["io_write"]["ok"] == 1 and fig["by_type"]["io_read"]["ok"] == 0
    assert fig["by_type"]["cpu_heavy"]["cu"]["count"] == 1
    assert chain_executor.check_consistency() == []  # the rejected write changed nothing


def test_pre_signed_batch_submits_distinct_transactions(chain_executor):
    """Two identical requests in one pre-signed batch must both run (the nonce keeps them distinct)."""
    ops = [Op("do_nothing", {}, seq=1), Op("do_nothing", {}, seq=2),
           Op("io_read", {"store": 0, "start": 0, "count": 4}, seq=3),
           Op("io_read", {"store": 0, "start": 0, "count": 4}, seq=4)]
    prepared = chain_executor.prepare_many(ops)
    assert len({bytes(p.tx.signatures[0]) for _, p in prepared}) == 4
    results = [chain_executor.submit(p) for p in prepared]
    assert [r.ok for r in results] == [True] * 4, [r.error for r in results]
    resubmitted = chain_executor.submit(prepared[0])  # the very same bytes again: a duplicate
    assert (resubmitted.ok, resubmitted.error) == (False, "AlreadyProcessed")


# ----------------------------------------------------------------------------- the harness


def _config(**kw) -> harness.BenchConfig:
    base = dict(workloads=["blockbench"], backends=["embedded", "postgres"] if HAVE_POSTGRES else ["embedded"],
                clients=[1, 3], ops=40, warmup=5, seed=3)
    base.update(kw)
    return harness.BenchConfig(**base)


@pytest.fixture(scope="module")
def results():
    return harness.run_benchmark(_config())


def test_run_on_embedded_and_postgres(results):
    assert results["schema"] == harness.SCHEMA
    expected = {(b, c) for b in _config().backends for c in (1, 3)}
    assert {(r["backend"], r["clients"]) for r in results["runs"]} == expected
    for run in results["runs"]:
        assert (run["requests"], run["ok"], run["failed"], run["errors"]) == (40, 40, 0, {})
        assert run["latency_ms"]["count"] == 40  # one sample per request
        assert run["latency_ms"]["p50"] <= run["latency_ms"]["p95"] <= run["latency_ms"]["p99"] <= run["latency_ms"]["max"]
        assert set(run["by_type"]) <= set(bbw.TX_TYPES)
        assert sum(t["requests"] for t in run["by_type"].values()) == 40
        assert run["consistency"] == []
        assert run["threads"] == run["clients"]
        limit = run["limit"]
        assert (limit["requests"], limit["ok"]) == (40, 40)
        assert run["of_limit"]["throughput"] == pytest.approx(run["throughput_tps"] / limit["throughput_tps"])
        assert run["of_limit"]["p50"] == pytest.approx(limit["latency_ms"]["p50"] / run["latency_ms"]["p50"])
        if run["backend"] == "embedded":
            do_nothing = run["by_type"]["do_nothing"]["cu"]
            assert do_nothing["min"] == do_nothing["max"] > bb_onchain_nonce_cu()  # no work beyond the nonce + dispatch
            cpu = run["by_type"]["cpu_heavy"]["cu"]
            assert cpu["min"] > do_nothing["max"]
        else:
            assert all(t["cu"] is None for t in run["by_type"].values())


def bb_onchain_nonce_cu() -> int:
    from gridtokenx_cli.bench.onchain import COMPUTE_BUDGET_IX_CU

    return COMPUTE_BUDGET_IX_CU


@needs_postgres
def test_trust_premium_is_chain_latency_over_postgres_latency(results):
    premium = results["trust_premium"]
    assert {(t["backend"], t["clients"]) for t in premium} == {("embedded", 1), ("embedded", 3)}
    for t in premium:
        chain = next(r for r in results["runs"] if r["backend"] == "embedded" and r["clients"] == t["clients"])
        base = next(r for r in results["runs"] if r["backend"] == "postgres" and r["clients"] == t["clients"])
        for q in ("p50", "p95", "p99"):
            assert t[q] == pytest.approx(chain["latency_ms"][q] / base["latency_ms"][q])


def test_results_report_and_charts_are_written(results, tmp_path):
    paths = report.write_results(results, tmp_path)
    data = json.loads(paths["results"].read_text())
    assert report.validate_results(data) == []
    assert {"cpu_count", "cpus_usable", "cpu_model", "memory_gb"} <= set(data["machine"])
    assert data["versions"]["solders"] and data["config"]["ops"] == 40
    md = paths["report"].read_text()
    for heading in ("## Machine and software", "## Results", "### Per transaction type", "## Consistency"):
        assert heading in md
    assert md.count("| blockbench | embedded |") >= 2
    for key, name in report.CHARTS.items():
        png = tmp_path / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", key
        assert f"]({name})" in md


def test_results_schema_rejects_a_foreign_file(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"runs": [{"workload": "x"}]}))
    with pytest.raises(ValueError, match="not a benchmark results file"):
        report.load_results(path)
    assert "missing top-level key 'schema'" in report.validate_results({"runs": []})


def test_duration_mode_and_account_scale():
    res = harness.run_benchmark(_config(backends=["embedded"], clients=[2], ops=None, duration=0.3, warmup=0,
                                        accounts=[10, 30], limit=False))
    assert [(r["accounts"], r["scale"]) for r in res["runs"]] == [(10, {"accounts": 10}), (30, {"accounts": 30})]
    assert all(r["requests"] > 0 and "limit" not in r and r["consistency"] == [] for r in res["runs"])
    stores = {op.args["store"] for op in itertools.islice(bbw.generate({"accounts": 30}, 1), 500) if "store" in op.args}
    assert max(stores) >= 10  # the larger scale really uses the extra accounts


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError, match="unknown backend"):
        harness.run_benchmark(_config(backends=["oracle-db"]))
    with pytest.raises(ValueError, match="unknown workload"):
        harness.run_benchmark(_config(workloads=["nosuch"]))
    with pytest.raises(ValueError, match="exactly one of ops or duration"):
        harness.run_benchmark(_config(ops=10, duration=1.0))
    assert harness.WorkloadSpec.parse("blockbench:mix=cpu_heavy,cpu_n=256").options == (("mix", "cpu_heavy"),
                                                                                         ("cpu_n", 256))
    with pytest.raises(ValueError, match="not key=value"):
        harness.WorkloadSpec.parse("blockbench:cpu_n")


# ----------------------------------------------------------------------------- compare and CLI


def test_compare_reports_the_change(results, tmp_path):
    later = copy.deepcopy(results)
    run = later["runs"][0]
    run["throughput_tps"] = results["runs"][0]["throughput_tps"] * 1.5
    run["latency_ms"]["p99"] = results["runs"][0]["latency_ms"]["p99"] * 2
    later["runs"].pop()
    diff = compare.compare(results, later)
    first = diff["rows"][0]["figures"]
    assert first["throughput_tps"]["change"] == pytest.approx(0.5) and first["throughput_tps"]["better"] is True
    assert first["p99_ms"]["change"] == pytest.approx(1.0) and first["p99_ms"]["better"] is False
    assert len(diff["rows"]) == len(results["runs"]) - 1 and len(diff["only_a"]) == 1

    a, b = tmp_path / "a", tmp_path / "b"
    report.write_results(results, a)
    report.write_results(later, b)
    out = gtx("bench", "compare", str(a / "results.json"), str(b), "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["rows"][0]["figures"]["throughput_tps"]["change"] == pytest.approx(0.5)
    table = gtx("bench", "compare", str(a), str(b))
    assert table.exit_code == 0 and "+50%" in table.stdout and "only in A" in table.stdout
    missing = gtx("bench", "compare", str(tmp_path / "nope.json"), str(b))
    assert missing.exit_code == 2 and "A:" in missing.output and "does not exist" in missing.output


def test_cli_run_writes_the_output_folder(tmp_path):
    out = gtx("bench", "run", "blockbench:mix=do_nothing+io_write", "--backend-list", "embedded", "--clients", "1,2",
              "--ops", "20", "--warmup", "0", "--out", str(tmp_path), "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [(r["workload"], r["clients"]) for r in data["runs"]] == [("blockbench:mix=do_nothing+io_write", 1),
                                                                      ("blockbench:mix=do_nothing+io_write", 2)]
    assert set(data["runs"][0]["by_type"]) <= {"do_nothing", "io_write"}
    assert (tmp_path / "results.json").exists() and (tmp_path / "throughput.png").exists()


@pytest.mark.parametrize("args,names", [
    (["--backend-list", "embedded,mysql"], "--backend-list"),
    (["--clients", "1,two"], "--clients"),
    (["--clients", "0"], "--clients"),
    (["--ops", "10", "--duration", "5"], "--ops/--duration"),
    (["--window", "0"], "--window"),
])
def test_cli_run_usage_errors(args, names, tmp_path):
    out = gtx("bench", "run", "blockbench", *args, "--out", str(tmp_path))
    assert out.exit_code == 2, out.output
    assert names in out.output
    assert not (tmp_path / "results.json").exists()


def test_cli_unknown_workload_names_the_choices():
    out = gtx("bench", "run", "nosuch")
    assert out.exit_code == 2 and "unknown workload 'nosuch'" in out.output and "blockbench" in out.output


def test_cli_lists_workloads():
    out = gtx("bench", "workloads", "--json")
    assert out.exit_code == 0
    names = {w["name"] for w in json.loads(out.stdout)["workloads"]}
    assert "blockbench" in names


# ----------------------------------------------------------------------------- every workload module present

WORKLOAD_MODULES = sorted(harness.discover_workloads()) if not harness.import_errors() else sorted(
    set(harness.import_errors()) | set(harness.discover_workloads()))


def test_every_workload_module_imports():
    assert harness.import_errors() == {}


@pytest.mark.parametrize("name", WORKLOAD_MODULES)
def test_workload_smoke(name):
    module = harness.discover_workloads().get(name)
    assert module is not None, f"{name} does not provide the workload contract"
    assert module.TX_TYPES and isinstance(module.default_scale(), dict)
    backends = ["embedded"] + (["postgres"] if HAVE_POSTGRES and hasattr(module, "PostgresExecutor") else [])
    res = harness.run_benchmark(harness.BenchConfig(workloads=[name], backends=backends, clients=[2], ops=20,
                                                    warmup=2, seed=11, limit_ops=10))
    assert [r["backend"] for r in res["runs"]] == backends
    for run in res["runs"]:
        assert run["requests"] == 20 and run["ok"] > 0, run["errors"]
        assert set(run["by_type"]) <= set(module.TX_TYPES)
        assert run["limit"]["requests"] == 10
        assert run["consistency"] == [], run["consistency"]


# ----------------------------------------------------------------------------- rpc (solana-test-validator)


@needs_validator
def test_run_on_a_validator():
    res = harness.run_benchmark(_config(backends=["rpc"], clients=[2], ops=16, warmup=2, window=2, rpc_port=19540,
                                        limit_ops=8))
    [run] = res["runs"]
    assert (run["backend"], run["threads"], run["window"]) == ("rpc", 4, 2)
    assert (run["requests"], run["ok"]) == (16, 16), run["errors"]
    assert run["limit"]["ok"] == 8
    # the validator's own limit in the same run: as many pre-signed transfers, the same number in flight
    assert (run["limit_transfers"]["requests"], run["limit_transfers"]["ok"]) == (8, 8)
    assert run["of_limit_transfers"]["throughput"] > 0
    assert all(t["cu"]["min"] > 0 for t in run["by_type"].values())
    assert run["consistency"] == []
    assert res["versions"]["solana-test-validator"].startswith("4.2")


@needs_validator
def test_oracle_ingest_on_a_validator_books_every_accepted_reading_once():
    """Meter-signed readings over the pipeline, several meters' readings in flight, each meter's in order: all
    accepted (none Backdated: the per-meter turns hold), and the registry booked exactly those."""
    res = harness.run_benchmark(_config(workloads=["oracle_ingest"], backends=["rpc"], clients=[1], ops=48, warmup=8,
                                        window=8, rpc_port=19540, accounts=[6], limit_ops=24))
    [run] = res["runs"]
    assert (run["requests"], run["ok"]) == (48, 48), run["errors"]
    assert run["limit"]["ok"] == 24 and run["limit_transfers"]["ok"] == 24
    assert run["consistency"] == []
    assert 15_000 < run["by_type"]["reading"]["cu"]["min"] < 60_000


def test_a_failing_run_is_reported_as_skipped_and_the_rest_runs():
    """Zero accounts: loading works, but the request stream cannot pick a store, so each run fails; the harness
    records why and still runs the next workload."""
    res = harness.run_benchmark(_config(workloads=["blockbench", "blockbench:mix=do_nothing"], backends=["embedded"],
                                        clients=[1], ops=10, warmup=0, limit=False, accounts=[0]))
    assert [r["workload"] for r in res["runs"]] == ["blockbench:mix=do_nothing"]
    [skipped] = res["skipped"]
    assert (skipped["workload"], skipped["backend"], skipped["clients"]) == ("blockbench", "embedded", 1)
    assert skipped["reason"].startswith("run failed: ValueError")


def test_cli_scale_runs_both_sweeps_into_one_report(tmp_path):
    out = gtx("bench", "scale", "blockbench", "--backend-list", "embedded", "--ops", "10", "--warmup", "0",
              "--clients-sweep", "1,2", "--accounts-sweep", "10,20", "--accounts-clients", "1", "--no-limit",
              "--out", str(tmp_path), "--json")
    assert out.exit_code == 0, out.output + "".join(traceback.format_exception(out.exception) if out.exception else [])
    runs = json.loads(out.stdout)["runs"]
    assert [(r["clients"], r["accounts"]) for r in runs] == [(1, None), (2, None), (1, 10), (1, 20)]
    assert report.validate_results(json.loads((tmp_path / "results.json").read_text())) == []
    assert (tmp_path / "scaling_accounts.png").exists()
    both = gtx("bench", "scale", "blockbench", "--skip-clients", "--skip-accounts")
    assert both.exit_code == 2 and "--skip-clients/--skip-accounts" in both.output
