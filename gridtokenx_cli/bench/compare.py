"""`gtx bench compare A.json B.json`: the change of every figure between two runs, matched by
(workload, backend, clients, accounts)."""
from __future__ import annotations

FIGURES = (  # (name, path in a run, higher is better)
    ("throughput_tps", ("throughput_tps",), True),
    ("p50_ms", ("latency_ms", "p50"), False),
    ("p95_ms", ("latency_ms", "p95"), False),
    ("p99_ms", ("latency_ms", "p99"), False),
    ("failed", ("failed",), False),
    ("limit_tps", ("limit", "throughput_tps"), True),
)


def _key(run: dict) -> tuple:
    return (run["workload"], run["backend"], run["clients"], run["accounts"])


def _get(run: dict, path: tuple):
    value = run
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def compare(a: dict, b: dict) -> dict:
    """{rows: [{workload, backend, clients, accounts, figures: {name: {a, b, change, better}}}], only_a, only_b}.
    `change` is (b - a) / a; `better` says whether the change is an improvement."""
    runs_a = {_key(r): r for r in a["runs"]}
    runs_b = {_key(r): r for r in b["runs"]}
    rows = []
    for key in [k for k in runs_a if k in runs_b]:
        ra, rb = runs_a[key], runs_b[key]
        figures = {}
        for name, path, higher_better in FIGURES:
            va, vb = _get(ra, path), _get(rb, path)
            if va is None and vb is None:
                continue
            change = (vb - va) / va if va not in (None, 0) and vb is not None else None
            better = None
            if va is not None and vb is not None and va != vb:
                better = (vb > va) == higher_better
            figures[name] = {"a": va, "b": vb, "change": change, "better": better}
        rows.append({"workload": key[0], "backend": key[1], "clients": key[2], "accounts": key[3],
                     "figures": figures})
    return {
        "a": {"started": a.get("started"), "commit": a.get("versions", {}).get("git_commit")},
        "b": {"started": b.get("started"), "commit": b.get("versions", {}).get("git_commit")},
        "rows": rows,
        "only_a": [list(k) for k in runs_a if k not in runs_b],
        "only_b": [list(k) for k in runs_b if k not in runs_a],
    }


def rich_table(diff: dict):
    """One line per run and figure (narrow enough for an 80-column terminal)."""
    from rich.table import Table

    table = Table(title="Benchmark comparison (B vs A)")
    for col, right in (("run", False), ("figure", False), ("A", True), ("B", True), ("change", True)):
        table.add_column(col, justify="right" if right else "left", no_wrap=col != "run")
    for row in diff["rows"]:
        run = f"{row['workload']} / {row['backend']} / {row['clients']} cl / {row['accounts'] or 'default'} acc"
        for i, (name, _, _) in enumerate(FIGURES):
            f = row["figures"].get(name)
            if f is None:
                continue
            change = "–"
            if f["change"] is not None:
                colour = "green" if f["better"] else "red" if f["better"] is False else "white"
                change = f"[{colour}]{f['change']:+.0%}[/{colour}]"
            table.add_row(run if i == 0 else "", name, _num(f["a"]), _num(f["b"]), change)
        table.add_section()
    return table


def _num(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.3f}" if v < 10 else f"{v:,.0f}"
    return f"{v:,}"
