"""The output folder of a benchmark run: results.json (every figure), report.md, PNG charts (matplotlib Agg)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

CHARTS = {
    "throughput": "throughput.png",
    "latency": "latency.png",
    "scaling_clients": "scaling_clients.png",
    "scaling_accounts": "scaling_accounts.png",
}
REQUIRED_RUN_KEYS = ("workload", "backend", "clients", "threads", "accounts", "scale", "requests", "ok", "failed",
                     "errors", "throughput_tps", "latency_ms", "by_type")


def validate_results(results: dict) -> list[str]:
    """Schema problems of a results document (empty when well-formed); compare and the tests rely on it."""
    problems = []
    for key in ("schema", "machine", "versions", "config", "runs", "trust_premium"):
        if key not in results:
            problems.append(f"missing top-level key {key!r}")
    for i, run in enumerate(results.get("runs", [])):
        for key in REQUIRED_RUN_KEYS:
            if key not in run:
                problems.append(f"runs[{i}] lacks {key!r}")
        for q in ("p50", "p95", "p99"):
            if q not in run.get("latency_ms", {}):
                problems.append(f"runs[{i}].latency_ms lacks {q}")
        if "limit" in run and "of_limit" not in run:
            problems.append(f"runs[{i}] has a limit but no of_limit")
    return problems


def _fmt(v, digits: int = 2) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _pct(v) -> str:
    return "–" if v is None else f"{100 * v:.0f}%"


def _label(run: dict) -> str:
    return f"{run['workload']} / {run['backend']}"


def headline_runs(results: dict) -> list[dict]:
    """One run per (workload, backend): the most clients at the first account count, for the bar charts."""
    best: dict[tuple, dict] = {}
    first_accounts = {}
    for r in results["runs"]:
        first_accounts.setdefault(r["workload"], r["accounts"])
    for r in results["runs"]:
        if r["accounts"] != first_accounts[r["workload"]]:
            continue
        key = (r["workload"], r["backend"])
        if key not in best or r["clients"] > best[key]["clients"]:
            best[key] = r
    return list(best.values())


def write_charts(results: dict, out: Path) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    from gridtokenx_cli.fpenv import restore_default

    restore_default()  # charts use NumPy, which reads the flags native code may have left set

    written = {}
    heads = headline_runs(results)
    backends = sorted({r["backend"] for r in results["runs"]})
    workloads = list(dict.fromkeys(r["workload"] for r in results["runs"]))
    colors = {b: c for b, c in zip(["embedded", "rpc", "postgres"], ["#1f77b4", "#ff7f0e", "#2ca02c"])}

    def save(fig, key: str) -> None:
        fig.tight_layout()
        written[key] = out / CHARTS[key]
        fig.savefig(written[key], dpi=110)
        plt.close(fig)

    # throughput by workload, bars per backend, the limit as a black tick
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(workloads) * max(1, len(backends))), 4.5))
    width = 0.8 / max(1, len(backends))
    for j, backend in enumerate(backends):
        for i, w in enumerate(workloads):
            run = next((r for r in heads if r["workload"] == w and r["backend"] == backend), None)
            if run is None:
                continue
            x = i + (j - (len(backends) - 1) / 2) * width
            ax.bar(x, run["throughput_tps"], width, color=colors.get(backend), label=backend if i == 0 else None)
            if "limit" in run:
                ax.plot([x - width / 2, x + width / 2], [run["limit"]["throughput_tps"]] * 2, color="black", lw=2,
                        label="limit (pre-signed)" if i == 0 and j == 0 else None)
    ax.set_xticks(range(len(workloads)), workloads, rotation=15)
    ax.set_ylabel("requests / s")
    ax.set_title("Throughput by workload (most clients measured)")
    ax.legend()
    save(fig, "throughput")

    # latency percentiles per workload/backend (log scale: µs to s in one chart)
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(heads)), 4.5))
    for k, q in enumerate(("p50", "p95", "p99")):
        ax.bar([i + (k - 1) * 0.27 for i in range(len(heads))], [max(r["latency_ms"][q], 1e-3) for r in heads],
               0.27, label=q)
    ax.set_xticks(range(len(heads)), [_label(r) for r in heads], rotation=20, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("latency per request (ms, log)")
    ax.set_title("Latency percentiles (measured per request)")
    ax.legend()
    save(fig, "latency")

    # scaling: throughput (left) and p50 latency (right) against clients, then against accounts
    for key, axis, title in (("scaling_clients", "clients", "Scaling with concurrency"),
                             ("scaling_accounts", "accounts", "Scaling with account count")):
        series: dict[tuple, list[dict]] = defaultdict(list)
        for r in results["runs"]:
            if r[axis] is None:
                continue
            other = "accounts" if axis == "clients" else "clients"
            series[(r["workload"], r["backend"], r[other])].append(r)
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
        for (w, b, other_value), rs in sorted(series.items(), key=lambda kv: str(kv[0])):
            rs = sorted(rs, key=lambda r: r[axis])
            xs = [r[axis] for r in rs]
            label = f"{w} / {b}" + (f" ({'accounts' if axis == 'clients' else 'clients'}={other_value})"
                                    if other_value is not None else "")
            left.plot(xs, [r["throughput_tps"] for r in rs], marker="o", label=label)
            right.plot(xs, [r["latency_ms"]["p50"] for r in rs], marker="o", label=label)
        ticks = sorted({r[axis] for rs in series.values() for r in rs})
        for a, ylabel in ((left, "requests / s"), (right, "p50 latency (ms)")):
            a.set_xscale("log", base=2 if axis == "clients" else 10)
            if ticks:
                a.set_xticks(ticks, [f"{t:,}" for t in ticks])
                a.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            a.set_xlabel(axis)
            a.set_ylabel(ylabel)
            a.grid(alpha=0.3)
        right.set_yscale("log")
        if series:
            left.legend(fontsize=7)
        else:
            left.text(0.5, 0.5, f"no run varied {axis}", ha="center", transform=left.transAxes)
        fig.suptitle(title)
        save(fig, key)
    return written


def markdown(results: dict) -> str:
    m, v, c = results["machine"], results["versions"], results["config"]
    lines = [
        "# GridTokenX benchmark report", "",
        f"Run {results.get('started', '')} → {results.get('finished', '')}.", "",
        "## Machine and software", "",
        f"- CPU: {m.get('cpu_model')} — {m.get('cpu_count')} cores ({m.get('cpus_usable')} usable), "
        f"{m.get('memory_gb')} GB RAM, load average at the end {m.get('load_average')}",
        f"- OS: {m.get('os')}, Python {m.get('python')}",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        "", "## Configuration", "",
        f"- workloads {', '.join(c['workloads'])}; backends {', '.join(c['backends'])}; clients "
        f"{', '.join(map(str, c['clients']))}; accounts {', '.join(str(a) if a else 'default' for a in c['accounts'])}",
        f"- {'%d requests' % c['ops'] if c.get('ops') else '%g s' % c['duration']} per measurement after "
        f"{c['warmup']} warm-up requests; seed {c['seed']}; rpc in-flight window {c['window']} per client",
        "", "## Results", "",
        "Latency is measured per request around `execute` (client work + submission + outcome). "
        "The limit submits pre-built, pre-signed requests of the same stream back to back with the same "
        "concurrency; 'of limit' is throughput ÷ limit throughput and limit latency ÷ measured latency. On rpc the "
        "validator's own limit is measured too: as many pre-signed system transfers, sent through the same "
        "pipeline with the same number in flight ('transfers/s', 'of transfers').", "",
        "| workload | backend | clients | accounts | req/s | p50 ms | p95 ms | p99 ms | ok | failed | limit req/s "
        "| of limit (tps) | of limit (p50) | transfers/s | of transfers |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["runs"]:
        lat, lim = r["latency_ms"], r.get("limit")
        lines.append(
            f"| {r['workload']} | {r['backend']} | {r['clients']} | {_fmt(r['accounts'] or r['scale'])} | "
            f"{_fmt(r['throughput_tps'], 1)} | {_fmt(lat['p50'], 3)} | {_fmt(lat['p95'], 3)} | {_fmt(lat['p99'], 3)} | "
            f"{r['ok']} | {r['failed']} | {_fmt(lim['throughput_tps'], 1) if lim else '–'} | "
            f"{_pct(r.get('of_limit', {}).get('throughput'))} | {_pct(r.get('of_limit', {}).get('p50'))} | "
            f"{_fmt(r['limit_transfers']['throughput_tps'], 1) if 'limit_transfers' in r else '–'} | "
            f"{_pct(r.get('of_limit_transfers', {}).get('throughput'))} |")
    failures = [(r, name, n) for r in results["runs"] for name, n in r["errors"].items()]
    if failures:
        lines += ["", "### Failures by error", "", "| workload | backend | clients | error | count |",
                  "|---|---|---:|---|---:|"]
        lines += [f"| {r['workload']} | {r['backend']} | {r['clients']} | {name} | {n} |" for r, name, n in failures]
    lines += ["", "### Per transaction type", "",
              "CU: compute units of the whole transaction as the runtime reports them (includes 150 CU for the "
              "ComputeBudget instruction that keeps requests distinct).", "",
              "| workload | backend | clients | type | requests | ok | p50 ms | p99 ms | CU mean | CU min | CU max |",
              "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results["runs"]:
        for kind, t in r["by_type"].items():
            cu = t["cu"] or {}
            lines.append(f"| {r['workload']} | {r['backend']} | {r['clients']} | {kind} | {t['requests']} | {t['ok']} | "
                         f"{_fmt(t['latency_ms']['p50'], 3)} | {_fmt(t['latency_ms']['p99'], 3)} | "
                         f"{_fmt(cu.get('mean'), 0)} | {_fmt(cu.get('min'))} | {_fmt(cu.get('max'))} |")
    if results["trust_premium"]:
        lines += ["", "## Trust premium", "",
                  "Blockchain latency ÷ PostgreSQL latency for the same workload, accounts and clients in this run "
                  "(> 1: the chain is slower). The embedded backend is LiteSVM in-process (no consensus, no network); "
                  "the rpc backend is a real validator.", "",
                  "| workload | backend | clients | accounts | p50 | p95 | p99 | mean | throughput chain/pg |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for t in results["trust_premium"]:
            lines.append(f"| {t['workload']} | {t['backend']} | {t['clients']} | {_fmt(t['accounts'])} | "
                         f"{_fmt(t['p50'])}× | {_fmt(t['p95'])}× | {_fmt(t['p99'])}× | {_fmt(t['mean'])}× | "
                         f"{_fmt(t['throughput_ratio'])} |")
    violations = [(r, msg) for r in results["runs"] for msg in r.get("consistency", [])]
    lines += ["", "## Consistency", ""]
    if violations:
        lines += [f"- **{r['workload']} / {r['backend']} / {r['clients']} clients**: {msg}" for r, msg in violations[:50]]
    else:
        checked = sum("consistency" in r for r in results["runs"])
        lines.append(f"Every workload invariant held after each of the {checked} checked runs.")
    if results.get("skipped"):
        lines += ["", "## Skipped", ""]
        lines += [f"- {s['workload']} {s.get('backend', '')}: {s['reason']}" for s in results["skipped"]]
    lines += ["", "## Charts", ""]
    lines += [f"![{key}]({name})" for key, name in CHARTS.items()]
    return "\n".join(lines) + "\n"


def write_results(results: dict, out_dir: Path) -> dict[str, Path]:
    """Write results.json, report.md and the charts into `out_dir`; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"results": out / "results.json", "report": out / "report.md"}
    paths["results"].write_text(json.dumps(results, indent=2, default=str))
    paths["report"].write_text(markdown(results))
    if results["runs"]:
        paths.update(write_charts(results, out))
    return paths


def load_results(path: Path) -> dict:
    data = json.loads(Path(path).read_text())
    problems = validate_results(data)
    if problems:
        raise ValueError(f"{path} is not a benchmark results file: {problems[0]}")
    return data
