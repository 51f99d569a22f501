"""`gtx deploy [PROGRAM…]`, `gtx upgrade PROGRAM`, `gtx upgrade-authority PROGRAM …`, `gtx buffers list|close`:
the BPF Upgradeable Loader over RPC, resumable (buffer keypairs of unfinished deploys are kept in --buffers-dir)."""
from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gridtokenx_cli.chain.workspace import REPO_ROOT

from .common import Settings, emit, fail, kv_table, load_keypair, parse_pubkey, usage_error

DEFAULT_BUFFERS = REPO_ROOT / ".gtx" / "buffers"

BuffersDir = typer.Option(None, "--buffers-dir", envvar="GTX_BUFFERS_DIR",
                          help="where buffer keypairs of unfinished deploys are kept (default .gtx/buffers)")
PriorityFee = typer.Option(0, "--priority-fee", min=0, help="micro-lamports per compute unit, on every transaction")


def _deployer(settings: Settings, priority_fee: int = 0, buffers_dir: Path | None = None):
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.deploy import Deployer

    chain = RpcChain(settings.url, priority_fee_micro_lamports=priority_fee)
    return chain, Deployer(chain, load_keypair(settings.keypair_path), state_dir=buffers_dir or DEFAULT_BUFFERS)


def _refuse_committed_keys(settings: Settings, programs: list[str], so: Path | None) -> None:
    """On a cluster that is not this machine, nothing built with or owned by a key committed in keys/ goes out
    (checked before any connection is made)."""
    from gridtokenx_cli.chain.workspace import Workspace
    from gridtokenx_cli.deployment_keys import DeploymentKeyError, check_cluster_deploy

    ws = Workspace.load()
    names = [n for n in (programs or ws.deployable()) if n in ws.program_ids]
    try:
        check_cluster_deploy(settings.url, {n: (so or ws.so_path(n), ws.keypair_path(n)) for n in names})
    except DeploymentKeyError as e:
        fail(str(e))


def _run(ctx: typer.Context, programs: list[str], priority_fee: int, upgrade_only: bool,
         buffers_dir: Path | None, close_buffers: bool, so: Path | None = None) -> None:
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.deploy import DeployError

    settings: Settings = ctx.obj
    _refuse_committed_keys(settings, programs, so)
    chain, deployer = _deployer(settings, priority_fee, buffers_dir)
    names = programs or deployer.ws.deployable()
    unknown = [n for n in names if n not in deployer.ws.program_ids]
    if unknown:
        chain.close()
        usage_error("PROGRAM", f"unknown program(s) {', '.join(unknown)}",
                    f"use one of {', '.join(sorted(deployer.ws.program_ids))}")
    unbuilt = [n for n in names if so is None and not deployer.ws.so_path(n).exists()]
    if unbuilt:
        chain.close()
        usage_error("PROGRAM", f"{', '.join(unbuilt)} not built", f"run `gtx build {' '.join(unbuilt)}` first")
    rows = []
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      disable=settings.json) as bar:
            for name in names:
                task = bar.add_task(f"{name} chunks", total=None)

                def progress(done: int, total: int, task=task):
                    bar.update(task, completed=done, total=total)

                op = deployer.upgrade if upgrade_only else deployer.deploy
                t0 = time.monotonic()
                result = op(name, so, progress=progress)
                rows.append(result.__dict__ | {"seconds": round(time.monotonic() - t0, 2)})
        closed = deployer.close_buffers() if close_buffers else []
    except (DeployError, ChainError, TransactionRejected) as e:
        fail(f"{e} (interrupted deploys resume from their buffer: run the same command again)")
    finally:
        chain.close()
    columns = ("program", "program_id", "upgraded", "chunks_total", "chunks_written", "seconds", "signature")
    table = Table(title="gtx deploy" + (f" (closed {len(closed)} leftover buffer(s))" if closed else ""))
    for col in columns:
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(r[c]) for c in columns))
    emit(settings, {"programs": rows, "closed_buffers": closed} if close_buffers else rows, table)


def deploy(ctx: typer.Context,
           programs: list[str] = typer.Argument(None, help="programs from Anchor.toml (default: all built)"),
           priority_fee: int = PriorityFee,
           buffers_dir: Path = BuffersDir,
           close_buffers: bool = typer.Option(False, "--close-buffers",
                                              help="afterwards, close buffers left by interrupted deploys")) -> None:
    """Deploy (or upgrade, when already deployed) through the BPF Upgradeable Loader; resumable."""
    _run(ctx, programs or [], priority_fee, False, buffers_dir, close_buffers)


def upgrade(ctx: typer.Context, program: str = typer.Argument(..., help="program from Anchor.toml"),
            so: Path = typer.Option(None, "--so", help="the new binary (default target/deploy/<program>.so)"),
            priority_fee: int = PriorityFee, buffers_dir: Path = BuffersDir) -> None:
    """Upgrade a deployed program from target/deploy/<program>.so, keeping its data accounts."""
    if so is not None and not so.is_file():
        usage_error("--so", f"{so} does not exist", "give the path of a built .so")
    _run(ctx, [program], priority_fee, True, buffers_dir, False, so)


def set_authority(ctx: typer.Context,
                  program: str = typer.Argument(..., help="program from Anchor.toml"),
                  new_authority: str = typer.Argument(None, help="the new upgrade authority (base58)"),
                  final: bool = typer.Option(False, "--final", help="remove the upgrade authority: the program "
                                                                      "becomes immutable (irreversible)"),
                  priority_fee: int = PriorityFee) -> None:
    """Transfer a program's upgrade authority (signed by --keypair, the current one), or make it immutable."""
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.deploy import DeployError

    settings: Settings = ctx.obj
    if final == (new_authority is not None):
        usage_error("NEW_AUTHORITY", "give either a new authority or --final",
                    "e.g. `gtx upgrade-authority trading <PUBKEY>` or `gtx upgrade-authority trading --final`")
    new = parse_pubkey(new_authority, "NEW_AUTHORITY") if new_authority else None
    current = load_keypair(settings.keypair_path)
    chain, deployer = _deployer(settings, priority_fee)
    try:
        if program not in deployer.ws.program_ids:
            usage_error("PROGRAM", f"unknown program {program!r}",
                        f"use one of {', '.join(sorted(deployer.ws.program_ids))}")
        sig = deployer.set_upgrade_authority(program, new, current)
        _, now = deployer.upgrade_authority(program)
    except (DeployError, ChainError, TransactionRejected) as e:
        fail(str(e))
    finally:
        chain.close()
    data = {"program": program, "program_id": str(deployer.ws.program_id(program)),
            "previous_authority": str(current.pubkey()), "upgrade_authority": str(now) if now else None,
            "immutable": now is None, "signature": sig}
    emit(settings, data, kv_table("gtx upgrade-authority", data))


buffers_app = typer.Typer(help="Buffers kept by interrupted deploys", no_args_is_help=True)


@buffers_app.command("list")
def buffers_list(ctx: typer.Context, buffers_dir: Path = BuffersDir) -> None:
    """Buffers of unfinished deploys and the lamports they hold."""
    settings: Settings = ctx.obj
    chain, deployer = _deployer(settings, 0, buffers_dir)
    try:
        rows = deployer.pending_buffers()
    finally:
        chain.close()
    table = Table(title="deploy buffers")
    for col in ("program", "buffer", "lamports"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["program"], r["buffer"], str(r["lamports"]))
    emit(settings, rows, table)


@buffers_app.command("close")
def buffers_close(ctx: typer.Context, buffers_dir: Path = BuffersDir) -> None:
    """Close the buffers of unfinished deploys; their rent goes back to --keypair."""
    from gridtokenx_cli.chain import ChainError, TransactionRejected

    settings: Settings = ctx.obj
    chain, deployer = _deployer(settings, 0, buffers_dir)
    try:
        closed = deployer.close_buffers()
    except (ChainError, TransactionRejected) as e:
        fail(str(e))
    finally:
        chain.close()
    emit(settings, {"closed": closed}, kv_table("buffers closed", {"count": len(closed), **{
        f"buffer {i}": b for i, b in enumerate(closed)}}))
