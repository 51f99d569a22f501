"""`gtx demo`: the platform's main job on the embedded chain (simulation in gridtokenx_cli.demo)."""
from __future__ import annotations

from pathlib import Path

import typer

from .common import Settings, console, err_console, usage_error


def demo(
    ctx: typer.Context,
    meters: int = typer.Option(20, "--meters", help="households, each with one meter (60 % prosumers)"),
    hours: int = typer.Option(24, "--hours", help="simulated hours (15-minute intervals)"),
    seed: int = typer.Option(1, "--seed", help="seed of the profiles, prices, keys and bad readings"),
    out: Path = typer.Option(None, "--out", help="output folder (default out/demo-<seed>)"),
    start_hour: int = typer.Option(8, "--start-hour", help="local hour at which the simulation starts"),
) -> None:
    """Simulate a prosumer/consumer community on LiteSVM: signed readings, settlement, ERCs, batch auctions."""
    if meters < 1 or meters > 500:
        usage_error("--meters", f"{meters} is out of range", "give 1 to 500 meters")
    if hours < 1 or hours > 168:
        usage_error("--hours", f"{hours} is out of range", "give 1 to 168 hours")
    if seed < 0:
        usage_error("--seed", f"{seed} is negative", "give a seed ≥ 0")
    if not 0 <= start_hour <= 23:
        usage_error("--start-hour", f"{start_hour} is not an hour of the day", "give 0 to 23")
    from gridtokenx_cli.demo import report as rep
    from gridtokenx_cli.demo.simulation import DemoConfig, run_demo

    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
    out_dir = Path(out if out is not None else f"out/demo-{seed}")
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = DemoConfig(meters=meters, hours=hours, seed=seed, start_hour=start_hour)

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]demo[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, disable=settings.json, transient=False) as bar:
        task = bar.add_task("starting", total=cfg.intervals)

        def progress(i: int, rec: dict) -> None:
            price = "—" if rec["clearing_price"] is None else f"{rec['clearing_price'] / 1e6:.3f}"
            bar.update(task, advance=1, description=f"{rec['time']} traded {rec['traded_wh']:>6,} Wh @ {price}")

        report = run_demo(cfg, progress)
    json_path = rep.write_json(report, out_dir)
    chart = rep.write_chart(report, out_dir)
    if settings.json:
        print(json_path.read_text(), end="")
    else:
        rep.print_tables(report, console)
        console.print(f"report: {json_path}\nchart:  {chart}\noutput folder: {out_dir.resolve()}")
    if report["failures"] or not report["grx"]["conserved"]:
        raise typer.Exit(1)
