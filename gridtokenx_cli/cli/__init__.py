"""`gtx`: the GridTokenX operator CLI (Typer + Rich). Global options may stand anywhere on the command line."""
from __future__ import annotations

from pathlib import Path

import typer

from . import bench, build, demo, deploy, keys, localnet, platform_cmds
from .common import Settings, run, settings_from

app = typer.Typer(help="GridTokenX operator toolkit", no_args_is_help=True, add_completion=True,
                  pretty_exceptions_enable=False)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"gtx {version('gridtokenx-cli')}")
        except PackageNotFoundError:  # run from a checkout that was never pip-installed
            typer.echo("gtx (not installed)")
        raise typer.Exit(0)


def _use_program_ids(path: Path) -> None:
    """Check the file now (exit 2 naming the key) and hand it to every Workspace.load() of this process."""
    import os

    from gridtokenx_cli import idls

    from .common import usage_error

    if not path.is_file():
        usage_error("--program-ids", f"{path} does not exist", "give a TOML file with a [programs] table")
    try:
        idls.program_ids(path)
    except Exception as e:  # noqa: BLE001 - TOML syntax or a bad key: both are the file's fault
        usage_error("--program-ids", str(e), 'write one `<program> = "<base58 id>"` line per program under '
                                              "[programs]")
    os.environ["GTX_PROGRAM_IDS"] = str(path.resolve())


@app.callback()
def main_options(
    ctx: typer.Context,
    url: str = typer.Option(None, "--url", "-u", help="RPC URL or moniker (localnet, devnet), or several nodes of "
                                                       "one cluster separated by commas (rpc: fails over to the "
                                                       "next on a connection error or a stalled node); default "
                                                       "from the Solana CLI config, else localnet"),
    keypair: Path = typer.Option(None, "--keypair", "-k", help="signer keypair file; default from the Solana CLI "
                                                               "config, else ~/.config/solana/id.json"),
    backend: str = typer.Option("embedded", "--backend", help="embedded (LiteSVM in-process) or rpc"),
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
    program_ids: Path = typer.Option(None, "--program-ids", help="TOML file with a \\[programs] table of program "
                                                                 "ids (a deployment with its own ids; also "
                                                                 "$GTX_PROGRAM_IDS)"),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="print the version and exit"),
    priority_fee: str = typer.Option("0", "--priority-fee", help="rpc: micro-lamports per compute unit on every "
                                     "transaction, or 'auto' (75th percentile of the recent fees of its writable "
                                     "accounts); the embedded backend ignores it"),
    cu_limit: str = typer.Option("simulate", "--cu-limit", help="rpc: compute-unit limit of every transaction: "
                                 "'simulate' (units of a simulation x 1.1 + 1,000; a failing one is not sent), a "
                                 "number, or 'none' (the runtime default); the embedded backend ignores it"),
) -> None:
    if program_ids is not None:
        _use_program_ids(program_ids)
    ctx.obj = settings_from(url, keypair, backend, as_json)
    if (priority_fee, cu_limit) != ("0", "simulate"):  # the defaults are Settings'; checking imports solana-py
        ctx.obj.priority_fee, ctx.obj.compute_unit_limit = _send_options(priority_fee, cu_limit)


def _send_options(priority_fee: str, cu_limit: str) -> tuple[int | str, int | str | None]:
    from gridtokenx_cli.chain.rpc import check_compute_unit_limit, check_priority_fee

    from .common import usage_error

    try:
        fee = check_priority_fee(priority_fee)
    except ValueError as e:
        usage_error("--priority-fee", str(e), "give micro-lamports per compute unit (e.g. 1000) or auto")
    try:
        limit = None if cu_limit == "none" else check_compute_unit_limit(cu_limit)
    except ValueError as e:
        usage_error("--cu-limit", str(e), "give simulate, none or a number of compute units up to 1400000")
    return fee, limit


app.command("build")(build.build)
app.command("demo")(demo.demo)
app.add_typer(bench.app, name="bench")
app.add_typer(keys.app, name="keys")
app.add_typer(localnet.app, name="localnet")
from . import cluster as cluster_cli  # noqa: E402

app.add_typer(cluster_cli.app, name="cluster")
app.command("init")(platform_cmds.init)
app.command("status")(platform_cmds.status)
app.command("deploy")(deploy.deploy)
app.command("upgrade")(deploy.upgrade)
app.command("upgrade-authority")(deploy.set_authority)
app.add_typer(deploy.buffers_app, name="buffers")
from . import program as program_cli  # noqa: E402

app.add_typer(program_cli.app, name="program")
app.command("verify")(program_cli.verify)
from . import idl as idl_cli  # noqa: E402

app.add_typer(idl_cli.app, name="idl")
# per-program command groups (every instruction of registry, energy_token, trading, oracle, governance)
from . import governance as governance_cli, oracle as oracle_cli, registry as registry_cli  # noqa: E402
from . import token as token_cli, trade as trade_cli  # noqa: E402

app.add_typer(registry_cli.app, name="registry")
app.add_typer(token_cli.app, name="token")
app.add_typer(trade_cli.app, name="trade")
app.add_typer(oracle_cli.app, name="oracle")
app.add_typer(governance_cli.app, name="governance")
from . import meter as meter_cli  # noqa: E402

app.add_typer(meter_cli.app, name="meter")


def main() -> None:
    run(app)


__all__ = ["app", "main", "Settings"]
