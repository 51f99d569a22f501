"""`gtx localnet …`: a solana-test-validator on loopback for the rpc backend and CI."""
from __future__ import annotations

import os
import time
from pathlib import Path

import typer

from .common import Settings, emit, fail, kv_table, load_keypair, parse_pubkey, usage_error

app = typer.Typer(help="Local solana-test-validator (loopback, ledger in .gtx/localnet)", no_args_is_help=True)


def _localnet():
    """The default validator, or another one: GTX_LOCALNET_DIR (state directory) and GTX_LOCALNET_PORT (RPC port)
    let tests and a second checkout run their own next to it."""
    from gridtokenx_cli.localnet import DEFAULT_RPC_PORT, Localnet

    net = Localnet(rpc_port=int(os.environ.get("GTX_LOCALNET_PORT") or DEFAULT_RPC_PORT))
    if os.environ.get("GTX_LOCALNET_DIR"):
        net.root = Path(os.environ["GTX_LOCALNET_DIR"])
    return net


@app.command("up")
def up(ctx: typer.Context,
       reset: bool = typer.Option(False, "--reset", help="start from an empty ledger"),
       load_programs: bool = typer.Option(False, "--load-programs",
                                          help="put every built program (target/deploy/*.so) into the genesis "
                                               "as an upgradeable program: no deploy needed"),
       upgrade_authority: str = typer.Option(None, "--upgrade-authority",
                                             help="upgrade authority of the loaded programs (default: the "
                                                  "--keypair pubkey)"),
       deactivate_feature: list[str] = typer.Option(
           None, "--deactivate-feature", metavar="FEATURE_ID",
           help="start a new genesis without this feature (repeatable); e.g. the SIMD-0500 gate "
                "B8JJXCy5amZyWG9r7EnUYLwzXSXTxG7GZ1qZ1qggo83g to deploy programs built with --sbpf v0"),
       timeout: float = typer.Option(120.0, "--timeout", help="seconds to wait for health")) -> None:
    """Start the validator (every feature active, as solana-test-validator does) and wait until it is healthy
    (no-op when it already runs)."""
    from gridtokenx_cli.chain.workspace import Workspace
    from gridtokenx_cli.localnet import LocalnetError

    settings: Settings = ctx.obj
    net = _localnet()
    genesis = None
    features = [str(parse_pubkey(f, "--deactivate-feature")) for f in deactivate_feature or []]
    if features and net.ledger.exists() and not reset:
        usage_error("--deactivate-feature", "features are fixed at genesis and the ledger exists",
                    "add --reset to start from a new genesis")
    if upgrade_authority and not load_programs:
        usage_error("--upgrade-authority", "only applies to programs loaded at genesis", "add --load-programs")
    if load_programs:
        if net.ledger.exists() and not reset and net.pid() is None:
            usage_error("--load-programs", f"the ledger {net.ledger} exists and its genesis is not rebuilt",
                        "add --reset to start from a new genesis with the programs")
        authority = (parse_pubkey(upgrade_authority, "--upgrade-authority") if upgrade_authority
                     else load_keypair(settings.keypair_path).pubkey())
        ws = Workspace.load()
        names = ws.deployable()
        if not names:
            usage_error("--load-programs", "no program is built", "run `gtx build` first")
        genesis = {name: (ws.so_path(name), str(authority)) for name in names}
    t0 = time.monotonic()
    try:
        pid = net.up(reset=reset, timeout=timeout, genesis_programs=genesis, deactivate_features=features)
    except LocalnetError as e:
        fail(str(e))
    data = {"pid": pid, "url": net.url, "seconds": round(time.monotonic() - t0, 2),
            "loaded_programs": sorted(genesis or {})}
    emit(settings, data, kv_table("localnet up", data))


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
