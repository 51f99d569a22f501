"""`gtx build`: the offline SBF build (gridtokenx_cli.toolchain.build) with a Rich report."""
from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from .common import Settings, console, err_console, fail, parse_pubkey, usage_error


def build(
    ctx: typer.Context,
    programs: list[str] = typer.Argument(None, help="program crates under programs/ (default: all)"),
    no_idl: bool = typer.Option(False, "--no-idl", help="skip IDL generation"),
    bootstrap_authority: str = typer.Option(
        None, "--bootstrap-authority", metavar="PUBKEY",
        help="the only key the programs' initialize* instructions accept (default: the localnet key in keys/, "
             "which gtx deploy refuses to put on a real cluster; see docs/deployment.md)"),
    out_dir: Path = typer.Option(None, "--out-dir", help="where the .so files go (default target/deploy)"),
    sbpf: str = typer.Option("v3", "--sbpf", help="SBPF version of <out-dir>/<name>.so: v3 (clusters with "
                             "SIMD-0500) or v0 (clusters without SBPF v3); <out-dir>/sbpf-v0/<name>.so, what the "
                             "embedded chain runs, is always v0"),
    sizes: int = typer.Option(0, "--sizes", metavar="N", help="after the build, print where each program's bytes go: "
                              "per crate and its N largest symbols"),
) -> None:
    """Build programs/* offline into target/deploy/<name>.so (+ sbpf-v0/<name>.so) and write idl/<name>.json."""
    from gridtokenx_cli.toolchain.build import (LAMPORTS_PER_SOL, SBPF_CHOICES, BuildError, build_programs,
                                                format_parts)

    as_json = isinstance(ctx.obj, Settings) and ctx.obj.json
    if bootstrap_authority is not None:
        parse_pubkey(bootstrap_authority, "--bootstrap-authority")
    if sbpf not in SBPF_CHOICES:
        usage_error("--sbpf", f"{sbpf!r} is not an SBPF version this build emits", "give v3 or v0")
    timings: dict[str, float] = {}
    try:
        status = console.status("building SBF programs (cold: several minutes)", spinner="dots")
        with status if not as_json else nullcontext():
            results = build_programs(programs or None, idl=not no_idl, log=lambda m: err_console.print(f"[dim]{m}[/dim]"),
                                     timings=timings, bootstrap_authority=bootstrap_authority, out_dir=out_dir,
                                     sbpf=sbpf)
    except BuildError as e:
        fail(str(e))
    if as_json:
        print(json.dumps({"programs": [asdict(r) | {"cache_hit": r.cache_hit} for r in results],
                          "parts_seconds": {k: round(v, 2) for k, v in timings.items()}}, indent=2))
        return
    table = Table(title="gtx build")
    # deploy rent: what a deploy locks up in the program and program-data accounts (1x allocation, default rent)
    for col, justify in [("program", "left"), ("SBPF", "right"), (".so bytes", "right"), ("instructions", "right"),
                         ("deploy rent (SOL)", "right"), ("seconds", "right"), ("cache", "left"), ("IDL", "left")]:
        table.add_column(col, justify=justify)
    for r in results:
        cache = "hit" if r.cache_hit else ("cargo fresh, relinked" if r.cargo_fresh else "miss")
        table.add_row(r.name, f"v{r.sbpf_version}", f"{r.size:,}", f"{r.insns:,}",
                      f"{r.rent_exempt_lamports / LAMPORTS_PER_SOL:.4f}", f"{r.seconds:.1f}", cache, r.idl_path or "-")
    if len(results) > 1:
        table.add_row("total", "", f"{sum(r.size for r in results):,}", "",
                      f"{sum(r.rent_exempt_lamports for r in results) / LAMPORTS_PER_SOL:.4f}", "", "", "")
    console.print(table)
    if sizes:
        from gridtokenx_cli.toolchain.sizes import report

        for r in results:
            console.print(f"[bold]{r.name}[/bold]")
            console.print(report(r.so_path, top=sizes), markup=False, highlight=False)
    # where a cold build's time goes (std, tools, build-std, programs, IDL, clients): the CI budget's SBF part
    console.print(format_parts(timings))
