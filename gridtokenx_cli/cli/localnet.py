"""`gtx localnet …`: a solana-test-validator on loopback for the rpc backend and CI."""
from __future__ import annotations

import typer

from .common import Settings, emit, fail, kv_table

app = typer.Typer(help="Local solana-test-validator (loopback, ledger in .gtx/localnet)", no_args_is_help=True)


def _localnet():
    from gridtokenx_cli.localnet import Localnet

    return Localnet()


@app.command("up")
def up(ctx: typer.Context,
       reset: bool = typer.Option(False, "--reset", help="start from an empty ledger"),
       timeout: float = typer.Option(120.0, "--timeout", help="seconds to wait for health")) -> None:
    """Start the validator and wait until it is healthy (no-op when it already runs)."""
    from gridtokenx_cli.localnet import LocalnetError

    net = _localnet()
    try:
        pid = net.up(reset=reset, timeout=timeout)
    except LocalnetError as e:
        fail(str(e))
    emit(ctx.obj, {"pid": pid, "url": net.url}, kv_table("localnet up", {"pid": pid, "url": net.url}))


@app.command("down")
def down(ctx: typer.Context) -> None:
    """Stop the validator."""
    stopped = _localnet().down()
    emit(ctx.obj, {"stopped": stopped}, kv_table("localnet down", {"stopped": stopped}))


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Health, slot, version and which programs are deployed."""
    info = _localnet().status()
    rows = {k: v for k, v in info.items() if k != "programs"}
    for name, deployed in info.get("programs", {}).items():
        rows[f"program {name}"] = "deployed" if deployed else "-"
    emit(ctx.obj, info, kv_table("localnet", rows))
    if not info["healthy"]:
        raise typer.Exit(1)


@app.command("logs")
def logs(lines: int = typer.Option(50, "--lines", "-n", help="how many lines")) -> None:
    """The last lines of the validator log."""
    print(_localnet().tail(lines))


@app.command("reset")
def reset(ctx: typer.Context) -> None:
    """Stop the validator and delete its ledger."""
    _localnet().reset()
    settings: Settings = ctx.obj
    emit(settings, {"reset": True}, kv_table("localnet reset", {"ledger": "deleted"}))
