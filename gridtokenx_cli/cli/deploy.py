"""`gtx deploy [PROGRAM…]`, `gtx upgrade PROGRAM`: the BPF Upgradeable Loader over RPC, resumable."""
from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from .common import Settings, emit, fail, load_keypair


def _deployer(settings: Settings, priority_fee: int):
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.deploy import Deployer

    chain = RpcChain(settings.url, priority_fee_micro_lamports=priority_fee)
    return chain, Deployer(chain, load_keypair(settings.keypair_path))


def _run(ctx: typer.Context, programs: list[str], priority_fee: int, upgrade_only: bool) -> None:
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.deploy import DeployError

    settings: Settings = ctx.obj
    chain, deployer = _deployer(settings, priority_fee)
    names = programs or deployer.ws.deployable()
    unknown = [n for n in names if n not in deployer.ws.program_ids]
    if unknown:
        fail(f"unknown program(s) {', '.join(unknown)}; Anchor.toml has {', '.join(sorted(deployer.ws.program_ids))}", 2)
    results = []
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      disable=settings.json) as bar:
            for name in names:
                task = bar.add_task(f"{name} chunks", total=None)

                def progress(done: int, total: int, task=task):
                    bar.update(task, completed=done, total=total)

                op = deployer.upgrade if upgrade_only else deployer.deploy
                results.append(op(name, progress=progress))
    except (DeployError, ChainError, TransactionRejected) as e:
        fail(f"{e} (interrupted deploys resume from their buffer: run the same command again)")
    finally:
        chain.close()
    rows = [r.__dict__ for r in results]
    from rich.table import Table

    table = Table(title="gtx deploy")
    for col in ("program", "program_id", "upgraded", "chunks_total", "chunks_written", "signature"):
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(r[c]) for c in ("program", "program_id", "upgraded", "chunks_total", "chunks_written",
                                            "signature")))
    emit(settings, rows, table)


def deploy(ctx: typer.Context,
           programs: list[str] = typer.Argument(None, help="programs from Anchor.toml (default: all built)"),
           priority_fee: int = typer.Option(0, "--priority-fee", help="micro-lamports per compute unit")) -> None:
    """Deploy (or upgrade, when already deployed) through the BPF Upgradeable Loader; resumable."""
    _run(ctx, programs or [], priority_fee, upgrade_only=False)


def upgrade(ctx: typer.Context, program: str = typer.Argument(..., help="program from Anchor.toml"),
            priority_fee: int = typer.Option(0, "--priority-fee", help="micro-lamports per compute unit")) -> None:
    """Upgrade a deployed program from target/deploy/<program>.so, keeping its data accounts."""
    _run(ctx, [program], priority_fee, upgrade_only=True)
