"""`gtx bench …`: compute-unit benchmarks of the programs, and the workload harness (run, scale, compare)."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from .common import Settings, console

app = typer.Typer(help="Benchmarks: CU per instruction, workloads on embedded/rpc/PostgreSQL, scalability, comparison",
                  no_args_is_help=True)


@app.command("blockbench")
def bench_blockbench(ctx: typer.Context) -> None:
    """Compute units of every BLOCKBENCH instruction in LiteSVM."""
    from gridtokenx_cli.bench import blockbench_cu

    rows = blockbench_cu.measure()
    if isinstance(ctx.obj, Settings) and ctx.obj.json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="BLOCKBENCH compute units (LiteSVM)")
    def numeric(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    for col in rows[0]:
        table.add_column(str(col), justify="right" if numeric(rows[0][col]) else "left")
    for row in rows:
        table.add_row(*(f"{v:,}" if numeric(v) else ("yes" if v is True else "no" if v is False else str(v))
                        for v in row.values()))
    console.print(table)


@app.command("programs")
def bench_programs(ctx: typer.Context) -> None:
    """Compute units of every instruction of the five GridTokenX programs on a fresh platform in LiteSVM."""
    from gridtokenx_cli.bench import book_cu, programs_cu

    rows = programs_cu.measure()
    book_rows = book_cu.measure()
    failed = [r for r in rows + book_rows if not r["ok"]]
    if isinstance(ctx.obj, Settings) and ctx.obj.json:
        print(json.dumps({"instructions": rows, "order_book": book_rows}, indent=2))
    else:
        table = Table(title="GridTokenX programs: compute units per instruction (LiteSVM)")
        table.add_column("instruction", no_wrap=True)
        table.add_column("CU", justify="right", no_wrap=True)
        table.add_column("in CPIs", justify="right", no_wrap=True)
        table.add_column("ref. CU", justify="right", no_wrap=True)
        table.add_column("ok", no_wrap=True)
        table.add_column("note")
        program = None
        for r in rows:
            if r["program"] != program:
                if program is not None:
                    table.add_section()
                program = r["program"]
                table.add_row(f"[bold]{program}[/bold]")
            ref = f"{r['reference_cu']:,}" if r["reference_cu"] else ""
            ok = "yes" if r["ok"] else "[red]no[/red]"
            note = r["note"] if r["ok"] else f"[red]{r.get('error', '')}[/red]"
            table.add_row(f"  {r['instruction']}", f"{r['cu']:,}", f"{r['cpi_cu']:,}", ref, ok, note)
        console.print(table)
        console.print("ref. CU: published figures of another implementation (issue_erc ≈ 68,000). "
                      "'in CPIs': the part of CU spent in invoked programs.")
        book = Table(title="The order book at full capacity (512 orders per side): compute units and targets")
        for col in ("scenario", "instruction", "CU", "target", "verdict"):
            book.add_column(col, justify="right" if col in ("CU", "target") else "left")
        for r in book_rows:
            verdict = "" if r["within_target"] is None else (
                "within target" if r["within_target"] else "[red]over target[/red]")
            if not r["ok"]:
                verdict = f"[red]failed {r.get('error', '')}[/red]"
            book.add_row(r["scenario"], r["instruction"], f"{r['cu']:,}",
                         f"≤ {r['target_cu']:,}" if r["target_cu"] else "", verdict)
        console.print(book)
    if failed:
        raise typer.Exit(1)


# ----------------------------------------------------------------------------- workload harness
# Option names avoid the global --backend (the chain backend of every command): backends here are a list.

def _int_list(text: str, option: str) -> list[int]:
    from .common import usage_error

    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        usage_error(option, f"{text!r} is not a comma-separated list of whole numbers", f"e.g. {option} 1,2,4")
    if not values or any(v < 1 for v in values):
        usage_error(option, f"{text!r} must list positive numbers", f"e.g. {option} 1,2,4")
    return values


def _backend_list(text: str) -> list[str]:
    from gridtokenx_cli.bench.harness import BACKENDS

    from .common import usage_error

    values = [v.strip() for v in text.split(",") if v.strip()]
    bad = [v for v in values if v not in BACKENDS]
    if bad or not values:
        usage_error("--backend-list", f"unknown backend(s) {', '.join(bad) or '(none)'}",
                    f"give a comma-separated subset of {','.join(BACKENDS)}")
    return values


def _workloads(names: list[str]) -> list[str]:
    from gridtokenx_cli.bench.harness import WorkloadSpec, discover_workloads, import_errors

    from .common import usage_error

    available = discover_workloads()
    if not names or names == ["all"]:
        if not available:
            usage_error("WORKLOAD", "no workload module found", "add one to gridtokenx_cli/bench/workloads/")
        return sorted(available)
    for name in names:
        try:
            spec = WorkloadSpec.parse(name)
        except ValueError as e:
            usage_error("WORKLOAD", str(e), "write options as name:key=value,key=value")
        if spec.name not in available:
            broken = import_errors().get(spec.name)
            usage_error("WORKLOAD", f"unknown workload {spec.name!r}" + (f" ({broken})" if broken else ""),
                        f"choose from {', '.join(sorted(available))} or all")
    return names


def _default_out(kind: str) -> Path:
    from datetime import datetime

    return Path("bench-results") / f"{kind}-{datetime.now():%Y%m%d-%H%M%S}"


def _ops_or_duration(ops: int | None, duration: float | None, default_ops: int | None) -> tuple[int | None, float | None]:
    from .common import usage_error

    if ops is not None and duration is not None:
        usage_error("--ops/--duration", "both given", "give either a request count or a duration")
    if ops is not None and ops < 1:
        usage_error("--ops", f"{ops} is not positive", "give at least 1 request")
    if duration is not None and duration <= 0:
        usage_error("--duration", f"{duration} is not positive", "give a number of seconds above 0")
    if ops is None and duration is None:
        return default_ops, None if default_ops else 60.0
    return ops, duration


def _execute(ctx: typer.Context, configs, out: Path, title: str) -> None:
    from gridtokenx_cli.bench import harness, report

    from .common import err_console, fail

    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
    log = (lambda msg: err_console.print(f"[dim]{msg}[/dim]")) if not settings.json else (lambda msg: None)
    merged = None

    def terminated(signum, frame):
        raise SystemExit(128 + signum)  # unwinds through Backends.close: no validator or PostgreSQL left behind

    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminated)
    try:
        with harness.Backends(configs[0], log) as backends:
            for config in configs:
                results = harness.run_benchmark(config, log=log, backends=backends)
                if merged is None:
                    merged = results
                else:
                    merged["runs"] += results["runs"]
                    merged["skipped"] += results["skipped"]
                    merged["finished"] = results["finished"]
                    merged["config"]["accounts"] = list(dict.fromkeys(merged["config"]["accounts"]
                                                                      + results["config"]["accounts"]))
                    merged["config"]["clients"] = sorted(set(merged["config"]["clients"] + results["config"]["clients"]))
                    merged["config"]["sweeps"] = [c.__dict__ for c in configs]
            merged["versions"].update(backends.versions)
    except ValueError as e:
        fail(str(e), 2)
    merged["trust_premium"] = harness.trust_premium(merged["runs"])
    paths = report.write_results(merged, out)
    violations = [msg for r in merged["runs"] for msg in r.get("consistency", [])]
    if settings.json:
        print(json.dumps({"out": str(out), "files": {k: str(p) for k, p in paths.items()}, **merged},
                         indent=2, default=str))
    else:
        console.print(_runs_table(merged, title))
        if merged["trust_premium"]:
            console.print(_premium_table(merged))
        for s in merged["skipped"]:
            console.print(f"[yellow]skipped[/yellow] {s['workload']} {s.get('backend', '')}: {s['reason']}")
        console.print(f"results: {paths['results']}  report: {paths['report']}")
    if violations:
        fail(f"{len(violations)} consistency violation(s), first: {violations[0]}")


def _runs_table(results: dict, title: str) -> Table:
    table = Table(title=title)
    for col, right in (("workload", False), ("backend", False), ("clients", True), ("accounts", True),
                       ("req/s", True), ("p50 ms", True), ("p95 ms", True), ("p99 ms", True), ("ok", True),
                       ("failed", True), ("limit req/s", True), ("of limit", True), ("transfers/s", True),
                       ("of transfers", True), ("errors", False)):
        table.add_column(col, justify="right" if right else "left", no_wrap=col != "errors")
    for r in results["runs"]:
        lat, lim = r["latency_ms"], r.get("limit")
        frac = r.get("of_limit", {}).get("throughput")
        transfers = r.get("limit_transfers")
        of_transfers = r.get("of_limit_transfers", {}).get("throughput")
        table.add_row(r["workload"], r["backend"], str(r["clients"]), str(r["accounts"] or "default"),
                      f"{r['throughput_tps']:,.1f}", f"{lat['p50']:.3f}", f"{lat['p95']:.3f}", f"{lat['p99']:.3f}",
                      f"{r['ok']:,}", f"{r['failed']:,}", f"{lim['throughput_tps']:,.1f}" if lim else "–",
                      f"{frac:.0%}" if frac is not None else "–",
                      f"{transfers['throughput_tps']:,.1f}" if transfers else "–",
                      f"{of_transfers:.0%}" if of_transfers is not None else "–",
                      ", ".join(f"{k}×{v}" for k, v in r["errors"].items()))
    return table


def _premium_table(results: dict) -> Table:
    table = Table(title="Trust premium: chain latency ÷ PostgreSQL latency (same workload, clients, accounts)")
    for col in ("workload", "backend", "clients", "accounts", "p50", "p95", "p99"):
        table.add_column(col, justify="right" if col not in ("workload", "backend") else "left")
    for t in results["trust_premium"]:
        table.add_row(t["workload"], t["backend"], str(t["clients"]), str(t["accounts"] or "default"),
                      *(f"{t[q]:.2f}×" if t[q] is not None else "–" for q in ("p50", "p95", "p99")))
    return table


@app.command("workloads")
def bench_workloads(ctx: typer.Context) -> None:
    """The workload modules found in gridtokenx_cli/bench/workloads/ (and any that fail to import)."""
    from gridtokenx_cli.bench.harness import discover_workloads, import_errors

    found = discover_workloads()
    rows = [{"name": name, "tx_types": list(getattr(m, "TX_TYPES", ())), "default_scale": m.default_scale(),
             "postgres": hasattr(m, "PostgresExecutor")} for name, m in sorted(found.items())]
    broken = import_errors()
    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
    if settings.json:
        print(json.dumps({"workloads": rows, "broken": broken}, indent=2))
        return
    table = Table(title="Benchmark workloads")
    for col in ("name", "transaction types", "default scale", "PostgreSQL baseline"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], ", ".join(r["tx_types"]), json.dumps(r["default_scale"]),
                      "yes" if r["postgres"] else "no")
    console.print(table)
    for name, err in broken.items():
        console.print(f"[red]{name}[/red] does not import: {err}")


@app.command("run")
def bench_run(
    ctx: typer.Context,
    workloads: list[str] = typer.Argument(None, help="workload names (or all); options as name:key=value,…"),
    backend_list: str = typer.Option("embedded,postgres", "--backend-list", help="comma-separated: embedded,rpc,postgres"),
    clients: str = typer.Option("1", "--clients", help="client counts to run, e.g. 1,2,4"),
    ops: int = typer.Option(None, "--ops", help="requests per measurement (default 1000)"),
    duration: float = typer.Option(None, "--duration", help="seconds per measurement instead of --ops"),
    warmup: int = typer.Option(50, "--warmup", help="requests run before each measurement, not recorded"),
    seed: int = typer.Option(42, "--seed", help="seed of the request stream"),
    accounts: str = typer.Option(None, "--accounts", help="account counts, e.g. 10,1000 (default: workload default)"),
    window: int = typer.Option(4, "--window", help="rpc: requests in flight per client"),
    no_limit: bool = typer.Option(False, "--no-limit", help="skip the pre-signed limit measurement"),
    limit_ops: int = typer.Option(None, "--limit-ops", help="requests in the limit batch (default: as measured, ≤5000)"),
    rpc_url: str = typer.Option(None, "--rpc-url", help="use this validator (programs deployed) instead of starting one"),
    rpc_port: int = typer.Option(19580, "--rpc-port", help="RPC port of the validator the run starts"),
    out: Path = typer.Option(None, "--out", help="output folder (default bench-results/run-<time>)"),
) -> None:
    """Run workloads on backends: throughput, per-request latency p50/p95/p99, failures by error, CU per
    transaction type, the pre-signed limit and the trust premium; writes results.json, report.md and charts."""
    from gridtokenx_cli.bench.harness import BenchConfig

    from .common import usage_error

    names = _workloads(workloads or [])
    ops, duration = _ops_or_duration(ops, duration, 1000)
    if window < 1:
        usage_error("--window", f"{window} is below 1", "give at least 1 request in flight")
    if warmup < 0:
        usage_error("--warmup", f"{warmup} is negative", "give 0 or more requests")
    config = BenchConfig(workloads=names, backends=_backend_list(backend_list), clients=_int_list(clients, "--clients"),
                         ops=ops, duration=duration, warmup=warmup, seed=seed,
                         accounts=_int_list(accounts, "--accounts") if accounts else [None], window=window,
                         limit=not no_limit, limit_ops=limit_ops, rpc_url=rpc_url, rpc_port=rpc_port)
    _execute(ctx, [config], out or _default_out("run"), "Benchmark run")


@app.command("scale")
def bench_scale(
    ctx: typer.Context,
    workloads: list[str] = typer.Argument(None, help="workload names (or all)"),
    backend_list: str = typer.Option("embedded,postgres", "--backend-list", help="comma-separated: embedded,rpc,postgres"),
    clients_sweep: str = typer.Option("1,2,4,8,16,32", "--clients-sweep", help="client counts of the concurrency sweep"),
    accounts_sweep: str = typer.Option("10,100,1000,10000", "--accounts-sweep", help="account counts of the account sweep"),
    accounts_clients: int = typer.Option(4, "--accounts-clients", help="clients during the account sweep"),
    duration: float = typer.Option(None, "--duration", help="seconds per point (default 60: sustained runs)"),
    ops: int = typer.Option(None, "--ops", help="requests per point instead of --duration"),
    warmup: int = typer.Option(50, "--warmup", help="requests run before each point, not recorded"),
    seed: int = typer.Option(42, "--seed"),
    window: int = typer.Option(4, "--window", help="rpc: requests in flight per client"),
    skip_clients: bool = typer.Option(False, "--skip-clients", help="only the account sweep"),
    skip_accounts: bool = typer.Option(False, "--skip-accounts", help="only the concurrency sweep"),
    no_limit: bool = typer.Option(False, "--no-limit", help="skip the pre-signed limit at each point"),
    rpc_url: str = typer.Option(None, "--rpc-url"),
    rpc_port: int = typer.Option(19580, "--rpc-port"),
    out: Path = typer.Option(None, "--out", help="output folder (default bench-results/scale-<time>)"),
) -> None:
    """Scalability sweeps: sustained runs at 1→32 clients, then 10→10,000 accounts; one report with both."""
    from gridtokenx_cli.bench.harness import BenchConfig

    from .common import usage_error

    if skip_clients and skip_accounts:
        usage_error("--skip-clients/--skip-accounts", "both sweeps skipped", "drop one of the two options")
    names = _workloads(workloads or [])
    ops, duration = _ops_or_duration(ops, duration, None)
    common = dict(workloads=names, backends=_backend_list(backend_list), ops=ops, duration=duration, warmup=warmup,
                  seed=seed, window=window, limit=not no_limit, rpc_url=rpc_url, rpc_port=rpc_port)
    configs = []
    if not skip_clients:
        configs.append(BenchConfig(clients=_int_list(clients_sweep, "--clients-sweep"), accounts=[None], **common))
    if not skip_accounts:
        if accounts_clients < 1:
            usage_error("--accounts-clients", f"{accounts_clients} is below 1", "give at least 1 client")
        configs.append(BenchConfig(clients=[accounts_clients],
                                   accounts=_int_list(accounts_sweep, "--accounts-sweep"), **common))
    _execute(ctx, configs, out or _default_out("scale"), "Scalability sweeps")


@app.command("compare")
def bench_compare(
    ctx: typer.Context,
    a: Path = typer.Argument(..., help="results.json of the earlier run (or its folder)"),
    b: Path = typer.Argument(..., help="results.json of the later run (or its folder)"),
) -> None:
    """The change of every figure between two runs (matched by workload, backend, clients, accounts)."""
    from gridtokenx_cli.bench import compare, report

    from .common import usage_error

    loaded = []
    for name, path in (("A", a), ("B", b)):
        path = path / "results.json" if path.is_dir() else path
        if not path.exists():
            usage_error(name, f"{path} does not exist", "give a results.json written by `gtx bench run`")
        try:
            loaded.append(report.load_results(path))
        except ValueError as e:
            usage_error(name, str(e), "give a results.json written by `gtx bench run`")
    diff = compare.compare(*loaded)
    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
    if settings.json:
        print(json.dumps(diff, indent=2, default=str))
        return
    console.print(compare.rich_table(diff))
    for side in ("only_a", "only_b"):
        for key in diff[side]:
            console.print(f"[yellow]only in {side[-1].upper()}[/yellow]: {' / '.join(map(str, key))}")
