"""The demo's outputs: report.json (canonical, sorted keys), Rich tables and a PNG chart (matplotlib, Agg)."""
from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

QUOTE = 10**6


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json(report: dict, out_dir: Path) -> Path:
    path = out_dir / "report.json"
    path.write_text(to_json(report))
    return path


def _price(p: int | None) -> str:
    return "—" if p is None else f"{p / QUOTE:.4f}"


def write_chart(report: dict, out_dir: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gridtokenx_cli.fpenv import restore_default

    restore_default()  # NumPy reads the floating-point flags LiteSVM may have left set (gridtokenx_cli/fpenv.py)
    iv = report["intervals"]
    x = list(range(len(iv)))
    labels = [r["time"] for r in iv]
    fig, ax1 = plt.subplots(figsize=(11, 4.5), dpi=100)
    ax1.bar(x, [r["traded_wh"] / 1000 for r in iv], color="#8fbc8f", label="traded (kWh)")
    ax1.plot(x, [r["produced_wh"] / 1000 for r in iv], color="#e6a817", lw=1.2, label="produced (kWh)")
    ax1.plot(x, [r["consumed_wh"] / 1000 for r in iv], color="#7f7f7f", lw=1.2, ls="--", label="consumed (kWh)")
    ax1.set_ylabel("energy per 15 min (kWh)")
    ax2 = ax1.twinx()
    px = [i for i, r in enumerate(iv) if r["clearing_price"] is not None]
    ax2.plot(px, [iv[i]["clearing_price"] / QUOTE for i in px], "o-", color="#1f4e9c", ms=3,
             label="clearing price")
    ax2.set_ylabel("clearing price (quote / kWh)")
    step = max(1, len(iv) // 12)
    ax1.set_xticks(x[::step], labels[::step], rotation=45, ha="right", fontsize=8)
    cfg = report["config"]
    ax1.set_title(f"GridTokenX community: {cfg['meters']} meters, {cfg['hours']} h, seed {cfg['seed']}")
    h1, l1 = ax1.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax1.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=8)
    fig.tight_layout()
    path = out_dir / "chart.png"
    fig.savefig(path, metadata={"Software": None})  # no version / date in the file
    plt.close(fig)
    return path


def print_tables(report: dict, console: Console) -> None:
    e, g, c = report["energy"], report["grx"], report["config"]
    t = Table(title=f"Community ({c['prosumers']} prosumers, {c['consumers']} consumers, "
                    f"{c['intervals']} × 15 min from {c['start']})", show_header=False)
    t.add_column("figure", style="bold")
    t.add_column("value", justify="right")
    for k, v in [("energy produced (Wh)", e["produced_wh"]), ("energy consumed (Wh)", e["consumed_wh"]),
                 ("net generation settled (Wh)", e["settled_wh"]), ("energy traded (Wh)", e["traded_wh"]),
                 ("quote volume (base units)", e["quote_volume"]), ("fees unclaimed in the market", e["fees_unclaimed"]),
                 ("GRX supply (base units)", g["supply"]), ("GRX minted (base units)", g["minted"]),
                 ("settled Wh × 1,000,000", g["settled_wh_x_grx_per_wh"]),
                 ("GRX conserved", "yes" if g["conserved"] else "[red]NO[/red]"),
                 ("ERCs issued / energy (Wh)", f"{report['ercs']['issued']} / {report['ercs']['energy_wh']:,}"),
                 ("pause: order rejected", f"{report['pause'].get('error')} at {report['pause'].get('time')}"),
                 ("pause: raw Token-2022 transfer", "rejected (account frozen)"
                  if report["pause"].get("raw_transfer_rejected") else "[red]went through[/red]")]:
        t.add_row(k, f"{v:,}" if isinstance(v, int) else str(v))
    console.print(t)

    r = report["readings"]
    t = Table(title=f"Readings: {r['oracle_valid']:,} accepted, {r['oracle_rejected']} rejected by the oracle")
    t.add_column("rejection reason")
    t.add_column("count", justify="right")
    for reason, n in r["rejected_by_reason"].items():
        t.add_row(reason + (" (transaction failed)" if reason == "SignerKeyMismatch" else ""), str(n))
    console.print(t)

    t = Table(title="Clearing per interval (prices in quote tokens per kWh)")
    for col in ("time", "bids", "asks", "max bid", "min ask", "rounds", "traded Wh", "price"):
        t.add_column(col, justify="left" if col == "time" else "right")
    for iv in report["intervals"]:
        if not iv["rounds"]:
            continue
        t.add_row(iv["time"], str(iv["buy_orders"]), str(iv["sell_orders"]), _price(iv["max_bid"]),
                  _price(iv["min_ask"]), str(len(iv["rounds"])), f"{iv['traded_wh']:,}", _price(iv["clearing_price"]))
    console.print(t)

    t = Table(title="Compute units per instruction")
    for col in ("instruction", "count", "min", "mean", "max"):
        t.add_column(col, justify="left" if col == "instruction" else "right")
    for name, s in report["compute_units"].items():
        t.add_row(name, f"{s['count']:,}", f"{s['min']:,}", f"{s['mean']:,}", f"{s['max']:,}")
    console.print(t)
    if report["failures"]:
        console.print(f"[red]{len(report['failures'])} unexpected failure(s):[/red] {report['failures'][:5]}")
