"""The benchmark harness behind `gtx bench run` and `gtx bench scale`.

For every workload × backend × account count × client count it runs, with N client threads sharing one request
stream (the workload's `generate`):

1. warm-up: `warmup` requests, not recorded;
2. the measurement: `ops` requests or `duration` seconds; each request's latency is timed around
   `Executor.execute` (client work + submission + waiting for the outcome), one sample per request;
3. the limit: the next requests of the same stream are pre-built and pre-signed with `prepare_many` (not timed),
   then submitted back to back with the same concurrency; this is the same system with no client work;
4. the workload's consistency check.

Backends: `embedded` (LiteSVM in-process, every built program loaded; a fresh chain per workload and scale),
`rpc` (solana-test-validator with every built program loaded at genesis, or `rpc_url`), `postgres` (a throw-away
PostgreSQL on loopback, one database per workload and scale). On rpc each client keeps `window` requests in flight.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import itertools
import json
import os
import pkgutil
import platform
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

from . import stats
from .workload_api import Executor, Op, OpResult

SCHEMA = "gridtokenx-bench/1"
BACKENDS = ("embedded", "rpc", "postgres")
CHAIN_BACKENDS = ("embedded", "rpc")
DEFAULT_RPC_PORT = 19580  # clear of 8899 and of the 19500 block other benchmarks use (rpc+3…+32, faucet +1001)
LIMIT_OPS_CAP = 5000


# ----------------------------------------------------------------------------- workloads


def discover_workloads() -> dict[str, ModuleType]:
    """Every module in gridtokenx_cli/bench/workloads/ that provides the workload contract, by NAME."""
    from . import workloads

    found = {}
    for info in pkgutil.iter_modules(workloads.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{workloads.__name__}.{info.name}")
        if all(hasattr(module, attr) for attr in ("NAME", "generate", "default_scale", "OnChainExecutor")):
            found[module.NAME] = module
    return found


def import_errors() -> dict[str, str]:
    """Workload modules that fail to import (a half-written module must not hide the others)."""
    from . import workloads

    errors = {}
    for info in pkgutil.iter_modules(workloads.__path__):
        if info.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"{workloads.__name__}.{info.name}")
        except Exception as e:  # noqa: BLE001 - reported, not raised
            errors[info.name] = f"{type(e).__name__}: {e}"
    return errors


def _option_value(text: str) -> Any:
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d*", text):
        return float(text)
    return {"true": True, "false": False}.get(text.lower(), text)


@dataclass(frozen=True)
class WorkloadSpec:
    """`name` or `name:key=value,key=value` (options passed to the workload's `generate`)."""

    name: str
    options: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def parse(cls, text: str) -> "WorkloadSpec":
        name, _, rest = text.partition(":")
        options = []
        for part in filter(None, rest.split(",")):
            key, sep, value = part.partition("=")
            if not sep or not key:
                raise ValueError(f"workload option {part!r} of {text!r} is not key=value")
            options.append((key.strip(), _option_value(value.strip())))
        return cls(name.strip(), tuple(options))

    @property
    def label(self) -> str:
        return self.name + (":" + ",".join(f"{k}={v}" for k, v in self.options) if self.options else "")


def scale_for(module: ModuleType, accounts: int | None) -> dict | None:
    """The workload's scale for `accounts` accounts (None: its default); None when it has no account dimension."""
    scale = dict(module.default_scale())
    if accounts is None:
        return scale
    if hasattr(module, "scale_for_accounts"):
        return {**scale, **module.scale_for_accounts(accounts)}
    for key in ("accounts", "records", "customers"):
        if key in scale:
            return {**scale, key: accounts}
    return None


# ----------------------------------------------------------------------------- configuration


@dataclass
class BenchConfig:
    workloads: list[str]
    backends: list[str] = field(default_factory=lambda: ["embedded", "postgres"])
    clients: list[int] = field(default_factory=lambda: [1])
    ops: int | None = 1000
    duration: float | None = None
    warmup: int = 50
    seed: int = 42
    accounts: list[int | None] = field(default_factory=lambda: [None])
    window: int = 4
    limit: bool = True
    limit_ops: int | None = None
    rpc_url: str | None = None
    rpc_port: int = DEFAULT_RPC_PORT
    consistency: bool = True

    def validate(self) -> None:
        bad = [b for b in self.backends if b not in BACKENDS]
        if bad:
            raise ValueError(f"unknown backend(s) {bad}; choose from {', '.join(BACKENDS)}")
        if not self.workloads:
            raise ValueError("no workload given")
        if any(c < 1 for c in self.clients):
            raise ValueError("client counts must be ≥ 1")
        if (self.ops is None) == (self.duration is None):
            raise ValueError("give exactly one of ops or duration")
        if self.ops is not None and self.ops < 1 or self.duration is not None and self.duration <= 0:
            raise ValueError("ops/duration must be positive")
        if self.window < 1 or self.warmup < 0:
            raise ValueError("window must be ≥ 1 and warmup ≥ 0")


# ----------------------------------------------------------------------------- backends


class Backends:
    """Opens each backend once, on first use, and closes what it opened."""

    def __init__(self, config: BenchConfig, log: Callable[[str], None] = lambda _: None):
        self.config = config
        self.log = log
        self._pg = None
        self._rpc_chain = None
        self._localnet = None
        self._tmp = None
        self.versions: dict[str, str] = {}

    # -- postgres: one database per (workload, scale), so schemas of different workloads never meet
    def postgres_dsn(self, database: str) -> str:
        import psycopg

        from .postgres_server import PostgresServer

        if self._pg is None:
            self.log("starting PostgreSQL")
            self._pg = PostgresServer().start()
            with psycopg.connect(self._pg.dsn, autocommit=True) as conn:
                self.versions["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
        with psycopg.connect(self._pg.dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
        return self._pg.dsn.replace("dbname=postgres", f"dbname={database}")

    def embedded_chain(self):
        from gridtokenx_cli.chain.embedded import EmbeddedChain

        return EmbeddedChain()  # every program built in target/deploy

    def rpc_chain(self):
        if self._rpc_chain is None:
            from .onchain import ThreadSafeRpcChain

            url = self.config.rpc_url
            if url is None:
                url = self._start_validator()
            self._rpc_chain = ThreadSafeRpcChain(url, poll_interval=0.05)
            from gridtokenx_cli.localnet import rpc_call

            try:
                self.versions["solana-test-validator"] = rpc_call(self._rpc_chain.url, "getVersion")["solana-core"]
            except Exception:  # noqa: BLE001 - a version is informative only
                pass
        return self._rpc_chain

    def _start_validator(self) -> str:
        from solders.keypair import Keypair

        from gridtokenx_cli.chain.workspace import Workspace
        from gridtokenx_cli.localnet import Localnet

        ws = Workspace.load()
        self._tmp = tempfile.mkdtemp(prefix="gtx-bench-validator-")
        self._localnet = Localnet(root=Path(self._tmp), rpc_port=self.config.rpc_port)
        upgrade_authority = str(Keypair().pubkey())
        programs = {name: (ws.so_path(name), upgrade_authority) for name in ws.deployable()}
        self.log(f"starting solana-test-validator on port {self.config.rpc_port} with {', '.join(programs)}")
        self._localnet.up(genesis_programs=programs, reset=True)
        return self._localnet.url

    def close(self) -> None:
        try:
            if self._rpc_chain is not None:
                self._rpc_chain.close()
        finally:
            try:
                if self._localnet is not None:
                    self._localnet.down()
                if self._tmp:
                    shutil.rmtree(self._tmp, ignore_errors=True)
            finally:
                if self._pg is not None:
                    self._pg.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ----------------------------------------------------------------------------- running


class OpSource:
    """The shared request stream: thread-safe, renumbered so `seq` stays unique for the executor's lifetime,
    stopped by a request budget or a deadline."""

    def __init__(self, stream: Iterator[Op], counter: Iterator[int]):
        self._stream = stream
        self._counter = counter
        self._lock = threading.Lock()
        self._left: int | None = None
        self._deadline: float | None = None

    def arm(self, ops: int | None = None, duration: float | None = None) -> None:
        self._left = ops
        self._deadline = time.perf_counter() + duration if duration is not None else None

    def take(self) -> Op | None:
        with self._lock:
            if self._left is not None:
                if self._left <= 0:
                    return None
                self._left -= 1
            if self._deadline is not None and time.perf_counter() >= self._deadline:
                return None
            return dataclasses.replace(next(self._stream), seq=next(self._counter))

    def take_many(self, n: int) -> list[Op]:
        with self._lock:
            return [dataclasses.replace(next(self._stream), seq=next(self._counter)) for _ in range(n)]


@dataclass
class Sample:
    kind: str
    seconds: float
    result: OpResult


class ClientPool:
    """N client threads that live through every phase of one measurement (warm-up, measured run, limit), so
    per-thread state an executor builds on first use (a connection, a funded payer) is built during the warm-up."""

    def __init__(self, threads: int):
        import queue

        self.size = threads
        self._inboxes = [queue.Queue() for _ in range(threads)]
        self._done: "queue.Queue" = queue.Queue()
        self._threads = [threading.Thread(target=self._serve, args=(i,), daemon=True, name=f"bench-client-{i}")
                         for i in range(threads)]
        for t in self._threads:
            t.start()

    def _serve(self, i: int) -> None:
        while True:
            job = self._inboxes[i].get()
            if job is None:
                return
            work, gate = job
            samples: list[Sample] = []
            error = None
            gate.wait()
            try:
                work(samples)
            except BaseException as e:  # noqa: BLE001 - re-raised on the calling thread
                error = e
            self._done.put((samples, error))

    def run(self, work: Callable[[list[Sample]], None]) -> tuple[list[Sample], float]:
        """Run `work` on every thread at once; every sample, and the wall time from the common start to the
        last finish."""
        # the clock starts when the barrier trips (its action runs before any thread is released): read after
        # gate.wait(), the main thread could be scheduled only once the workers had done all the work
        started: list[float] = []
        gate = threading.Barrier(self.size + 1, action=lambda: started.append(time.perf_counter()))
        for inbox in self._inboxes:
            inbox.put((work, gate))
        gate.wait()
        t0 = started[0]
        results = [self._done.get() for _ in range(self.size)]
        wall = time.perf_counter() - t0
        errors = [e for _, e in results if e is not None]
        if errors:
            raise errors[0]
        return [s for samples, _ in results for s in samples], wall

    def close(self) -> None:
        for inbox in self._inboxes:
            inbox.put(None)
        for t in self._threads:
            t.join(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _timed(kind: str, call: Callable[[], OpResult]) -> Sample:
    t0 = time.perf_counter()
    try:
        result = call()
    except Exception as e:  # noqa: BLE001 - a transport failure is a failed request, counted by name
        result = OpResult(False, error=type(e).__name__, detail={"message": str(e)[:300]})
    return Sample(kind, time.perf_counter() - t0, result)


def run_stream(executor: Executor, source: OpSource, pool: ClientPool, *, ops: int | None = None,
               duration: float | None = None) -> tuple[list[Sample], float]:
    source.arm(ops, duration)

    def work(samples: list[Sample]) -> None:
        while (op := source.take()) is not None:
            samples.append(_timed(op.kind, lambda: executor.execute(op)))

    return pool.run(work)


def run_prepared(executor: Executor, ops: list[Op], prepared: list, pool: ClientPool) -> tuple[list[Sample], float]:
    index = itertools.count()
    lock = threading.Lock()

    def work(samples: list[Sample]) -> None:
        while True:
            with lock:
                i = next(index)
            if i >= len(prepared):
                return
            samples.append(_timed(ops[i].kind, lambda: executor.submit(prepared[i])))

    return pool.run(work)


def figures(samples: list[Sample], wall: float) -> dict:
    """Throughput, latency percentiles, failures by error name, CU and latency per transaction type."""
    ok = [s for s in samples if s.result.ok]
    errors: dict[str, int] = {}
    for s in samples:
        if not s.result.ok:
            name = s.result.error or "unknown"
            errors[name] = errors.get(name, 0) + 1
    by_type = {}
    for kind in sorted({s.kind for s in samples}):
        mine = [s for s in samples if s.kind == kind]
        by_type[kind] = {
            "requests": len(mine),
            "ok": sum(s.result.ok for s in mine),
            "latency_ms": stats.summarize([s.seconds for s in mine]),
            "cu": stats.cu_summary([s.result.compute_units for s in mine
                                    if s.result.ok and s.result.compute_units is not None]),
        }
    return {
        "requests": len(samples),
        "ok": len(ok),
        "failed": len(samples) - len(ok),
        "errors": dict(sorted(errors.items(), key=lambda kv: -kv[1])),
        "wall_s": wall,
        # every request counts towards throughput (a rejection is an answer); ok_tps counts only successes
        "throughput_tps": len(samples) / wall if wall else 0.0,
        "ok_tps": len(ok) / wall if wall else 0.0,
        "latency_ms": stats.summarize([s.seconds for s in samples]),
        "by_type": by_type,
    }


def transfer_limit(chain, n: int, *, window: int) -> dict:
    """The validator's own limit in this run: `n` pre-signed system transfers (one per new address, payers
    round-robin) through the same pipeline with the same number in flight as the measured run; figures as for a
    measurement (latency from hand-over to confirmed outcome)."""
    from .onchain import PayerPool, outcome_result, presigned_transfers

    payers = getattr(chain, "_limit_payers", None)
    if payers is None:
        payers = PayerPool(chain, size=32, seed=b"gtx-bench-limit-payer").payers
        chain._limit_payers = payers
    t0 = time.perf_counter()
    jobs = presigned_transfers(payers, n, chain.latest_blockhash())
    prepare_s = time.perf_counter() - t0
    samples: list[Sample] = []

    def record(_index, job, outcome) -> None:
        # named like the measured requests' failures: the error's name, or the transport failure's type
        result = (OpResult(False, error=type(outcome).__name__) if isinstance(outcome, Exception)
                  else outcome_result(outcome))
        samples.append(Sample("transfer", time.monotonic() - job.launched, result))

    t0 = time.perf_counter()
    chain.pipeline.run(jobs, window=window, on_result=record)
    out = figures(samples, time.perf_counter() - t0)
    out["prepare_s"] = prepare_s
    return out


def fraction_of_limit(measured: dict, limit: dict) -> dict:
    """Throughput as a fraction of the limit's; latency as limit latency / measured latency (1.0 = the client
    adds nothing; 0.25 = three quarters of each request's time is client work or queueing)."""
    out = {"throughput": stats.ratio(measured["throughput_tps"], limit["throughput_tps"])}
    for q in ("p50", "p95", "p99", "mean"):
        out[q] = stats.ratio(limit["latency_ms"][q], measured["latency_ms"][q])
    return out


class _ExecutorSlot:
    """One executor per (workload spec, backend, scale), reused across client counts."""

    def __init__(self, executor: Executor, source: OpSource, chain=None, note: str = ""):
        self.executor = executor
        self.source = source
        self.chain = chain
        self.note = note


def _fresh_blockhash(chain) -> None:
    """Embedded: a new blockhash per phase, so transactions of different phases never collide as duplicates."""
    svm = getattr(chain, "svm", None)
    if svm is not None:
        svm.expire_blockhash()


def run_benchmark(config: BenchConfig, log: Callable[[str], None] = lambda _: None,
                  backends: Backends | None = None) -> dict:
    """Run every combination of the configuration; returns the results document (see `report.write_results`)."""
    config.validate()
    available = discover_workloads()
    specs = [WorkloadSpec.parse(w) for w in config.workloads]
    unknown = [s.name for s in specs if s.name not in available]
    if unknown:
        raise ValueError(f"unknown workload(s) {unknown}; available: {', '.join(sorted(available)) or 'none'}")
    started = datetime.now(timezone.utc)
    runs, skipped = [], []
    own_backends = backends is None
    backends = backends or Backends(config, log)
    try:
        for spec in specs:
            module = available[spec.name]
            for accounts in config.accounts:
                scale = scale_for(module, accounts)
                if scale is None:
                    skipped.append({"workload": spec.label, "accounts": accounts,
                                    "reason": "the workload has no account-count scale"})
                    continue
                for backend in config.backends:
                    try:
                        slot = _open_executor(module, spec, backend, scale, config, backends, log)
                    except Exception as e:  # noqa: BLE001 - one broken workload/backend must not end the run
                        slot = f"setup failed: {type(e).__name__}: {e}"
                    if isinstance(slot, str):
                        log(f"skipping {spec.label} on {backend}: {slot}")
                        skipped.append({"workload": spec.label, "backend": backend, "accounts": accounts,
                                        "reason": slot})
                        continue
                    try:
                        for clients in config.clients:
                            log(f"{spec.label} on {backend}: {clients} client(s), scale {scale}")
                            try:
                                runs.append(_run_one(slot, spec, backend, scale, accounts, clients, config))
                            except Exception as e:  # noqa: BLE001 - reported, the other runs go on
                                reason = f"run failed: {type(e).__name__}: {e}"
                                log(f"{spec.label} on {backend} with {clients} client(s): {reason}")
                                skipped.append({"workload": spec.label, "backend": backend, "accounts": accounts,
                                                "clients": clients, "reason": reason})
                    finally:
                        slot.executor.close()
    finally:
        if own_backends:
            versions = backends.versions
            backends.close()
        else:
            versions = backends.versions
    return {
        "schema": SCHEMA,
        "started": started.isoformat(),
        "finished": datetime.now(timezone.utc).isoformat(),
        "machine": machine_facts(),
        "versions": {**software_versions(), **versions},
        "config": {**dataclasses.asdict(config), "workload_modules": sorted(available)},
        "runs": runs,
        "skipped": skipped,
        "trust_premium": trust_premium(runs),
    }


def _open_executor(module, spec: WorkloadSpec, backend: str, scale: dict, config: BenchConfig,
                   backends: Backends, log) -> _ExecutorSlot | str:
    chain = None
    if backend == "postgres":
        if not hasattr(module, "PostgresExecutor"):
            return "the workload has no PostgreSQL executor"
        digest = hashlib.sha256(f"{spec.label}|{sorted(scale.items())}".encode()).hexdigest()[:10]
        db = re.sub(r"[^a-z0-9_]", "_", f"bench_{spec.name.lower()}_{digest}")
        executor = module.PostgresExecutor(backends.postgres_dsn(db))
    elif backend == "embedded":
        chain = backends.embedded_chain()
        executor = module.OnChainExecutor(chain)
    else:
        chain = backends.rpc_chain()
        executor = module.OnChainExecutor(chain)
    executor.backend = backend
    log(f"loading {spec.label} on {backend} ({scale})")
    t0 = time.perf_counter()
    executor.load(scale)
    log(f"  loaded in {time.perf_counter() - t0:.1f} s")
    stream = module.generate(scale, config.seed, **dict(spec.options))
    return _ExecutorSlot(executor, OpSource(stream, itertools.count()), chain)


def _run_one(slot: _ExecutorSlot, spec: WorkloadSpec, backend: str, scale: dict, accounts: int | None,
             clients: int, config: BenchConfig) -> dict:
    threads = clients * (config.window if backend == "rpc" else 1)
    with ClientPool(threads) as pool:
        return _run_phases(slot, spec, backend, scale, accounts, clients, config, pool)


def _run_phases(slot: _ExecutorSlot, spec: WorkloadSpec, backend: str, scale: dict, accounts: int | None,
                clients: int, config: BenchConfig, pool: ClientPool) -> dict:
    threads = pool.size
    executor, source = slot.executor, slot.source
    if config.warmup:
        _fresh_blockhash(slot.chain)
        run_stream(executor, source, pool, ops=config.warmup)
    _fresh_blockhash(slot.chain)
    samples, wall = run_stream(executor, source, pool, ops=config.ops, duration=config.duration)
    run = {
        "workload": spec.label,
        "backend": backend,
        "clients": clients,
        "threads": threads,
        "window": config.window if backend == "rpc" else 1,
        "accounts": accounts,
        "scale": scale,
        "seed": config.seed,
        **figures(samples, wall),
    }
    if config.limit:
        n = config.limit_ops or min(max(len(samples), 1), LIMIT_OPS_CAP)
        ops = source.take_many(n)
        _fresh_blockhash(slot.chain)
        t0 = time.perf_counter()
        prepared = executor.prepare_many(ops)
        prepare_s = time.perf_counter() - t0
        limit_samples, limit_wall = run_prepared(executor, ops, prepared, pool)
        limit = figures(limit_samples, limit_wall)
        limit["prepare_s"] = prepare_s
        run["limit"] = limit
        run["of_limit"] = fraction_of_limit(run, limit)
        if backend == "rpc":
            transfers = transfer_limit(slot.chain, n, window=threads)
            run["limit_transfers"] = transfers
            run["of_limit_transfers"] = fraction_of_limit(run, transfers)
    if config.consistency:
        try:
            run["consistency"] = executor.check_consistency()
        except Exception as e:  # noqa: BLE001 - reported with the run
            run["consistency"] = [f"check failed: {type(e).__name__}: {e}"]
    return run


# ----------------------------------------------------------------------------- derived figures


def trust_premium(runs: list[dict]) -> list[dict]:
    """Blockchain latency / PostgreSQL latency for the same workload, scale and clients in the same run."""
    pg = {(r["workload"], r["accounts"], r["clients"]): r for r in runs if r["backend"] == "postgres"}
    out = []
    for r in runs:
        base = pg.get((r["workload"], r["accounts"], r["clients"]))
        if r["backend"] not in CHAIN_BACKENDS or base is None:
            continue
        out.append({
            "workload": r["workload"], "backend": r["backend"], "accounts": r["accounts"], "clients": r["clients"],
            **{q: stats.ratio(r["latency_ms"][q], base["latency_ms"][q]) for q in ("p50", "p95", "p99", "mean")},
            "throughput_ratio": stats.ratio(r["throughput_tps"], base["throughput_tps"]),
        })
    return out


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_facts() -> dict:
    cpuinfo = _read("/proc/cpuinfo")
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mem = re.search(r"MemTotal:\s*(\d+) kB", _read("/proc/meminfo"))
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "hostname": platform.node(),
        "os": platform.platform(),
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "memory_gb": round(int(mem.group(1)) / 1024**2, 1) if mem else None,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
    }


def software_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("solders", "solana", "anchorpy", "psycopg", "matplotlib"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    from gridtokenx_cli.chain.workspace import REPO_ROOT

    try:
        out["git_commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                                           text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        out["git_dirty"] = bool(dirty)
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def dumps(results: dict) -> str:
    return json.dumps(results, indent=2, default=str)
