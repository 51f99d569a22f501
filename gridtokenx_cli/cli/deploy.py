"""`gtx deploy [PROGRAM…]`, `gtx upgrade PROGRAM`, `gtx upgrade-authority PROGRAM …`,
`gtx buffers list|close|write|set-authority`: the BPF Upgradeable Loader over RPC, resumable (buffer keypairs of
unfinished deploys are kept in --buffers-dir). The upgrade authority may be another key than the fee payer
(--upgrade-authority), or a multisig that applies a buffer written here (`buffers write` + `buffers set-authority`).
The global --priority-fee and --cu-limit apply to every transaction (chunk writes use one limit measured once)."""
from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gridtokenx_cli.chain.workspace import REPO_ROOT

from .common import Settings, emit, err_console, fail, kv_table, load_keypair, parse_pubkey, usage_error

DEFAULT_BUFFERS = REPO_ROOT / ".gtx" / "buffers"

BuffersDir = typer.Option(None, "--buffers-dir", envvar="GTX_BUFFERS_DIR",
                          help="where buffer keypairs of unfinished deploys are kept (default .gtx/buffers)")


def _deployer(settings: Settings, buffers_dir: Path | None = None):
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.deploy import Deployer

    payer = load_keypair(settings.keypair_path)
    chain = RpcChain(settings.url, **settings.rpc_send_options())
    return chain, Deployer(chain, payer, state_dir=buffers_dir or DEFAULT_BUFFERS)


def signer_or_pubkey(value: str, field_name: str):
    """A keypair (file, `stdin`, `prompt://`) or, when `value` is no such thing, a base58 public key."""
    from solders.pubkey import Pubkey

    from gridtokenx_cli.keypairs import is_file_source

    if not is_file_source(value) or Path(value).expanduser().is_file():
        return load_keypair(value, field_name)
    try:
        return Pubkey.from_string(value)
    except ValueError:
        usage_error(field_name, f"{value!r} is neither a keypair file nor a public key",
                    "give a keypair file (JSON list of 64 bytes), stdin, prompt:// or a base58 address")


def show_extend_cost(settings: Settings):
    """The `on_extend` callback: the rent of the extension, shown before the transaction that pays it."""
    def show(plan) -> None:
        if not settings.json:
            err_console.print(f"extending the program data account by {plan.additional_bytes:,} bytes "
                              f"({plan.capacity:,} -> {plan.new_len:,}): {plan.lamports:,} lamports "
                              f"({plan.lamports / 1e9:.9f} SOL) of rent, paid by {settings.keypair_path}")
    return show


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


def _check_names(chain, deployer, names: list[str], so: Path | None) -> None:
    unknown = [n for n in names if n not in deployer.ws.program_ids]
    if unknown:
        chain.close()
        usage_error("PROGRAM", f"unknown program(s) {', '.join(unknown)}",
                    f"use one of {', '.join(sorted(deployer.ws.program_ids))}")
    unbuilt = [n for n in names if so is None and not deployer.ws.so_path(n).exists()]
    if unbuilt:
        chain.close()
        usage_error("PROGRAM", f"{', '.join(unbuilt)} not built", f"run `gtx build {' '.join(unbuilt)}` first")


def rejection_text(e: Exception) -> str:
    """The error, and for an on-chain rejection the loader's or program's last log line (the reason in words)."""
    from gridtokenx_cli.chain import TransactionRejected

    if isinstance(e, TransactionRejected):
        reasons = [line for line in e.outcome.logs if not line.startswith("Program ") or "log:" in line]
        if reasons:
            return f"{e} ({reasons[-1]})"
    return str(e)


def _progress_bar(settings: Settings) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    disable=settings.json)


def _run(ctx: typer.Context, programs: list[str], upgrade_only: bool, buffers_dir: Path | None,
         close_buffers: bool, so: Path | None = None, **options) -> None:
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.deploy import DeployError

    settings: Settings = ctx.obj
    if options.get("buffer") is None:  # a buffer someone else wrote publishes nothing built or keyed here
        _refuse_committed_keys(settings, programs, so)
    chain, deployer = _deployer(settings, buffers_dir)
    names = programs or deployer.ws.deployable()
    _check_names(chain, deployer, names, so)
    rows = []
    try:
        with _progress_bar(settings) as bar:
            for name in names:
                task = bar.add_task(f"{name} chunks", total=None)

                def progress(done: int, total: int, task=task):
                    bar.update(task, completed=done, total=total)

                t0 = time.monotonic()
                if upgrade_only:
                    result = deployer.upgrade(name, so, progress, **options)
                else:
                    result = deployer.deploy(name, so, progress=progress, **options)
                rows.append(result.__dict__ | {"seconds": round(time.monotonic() - t0, 2)})
        closed = deployer.close_buffers() if close_buffers else []
    except (DeployError, ChainError, TransactionRejected) as e:
        fail(f"{rejection_text(e)} (interrupted deploys resume from their buffer: run the same command again)")
    finally:
        chain.close()
    columns = ("program", "program_id", "upgraded", "upgrade_authority", "chunks_total", "chunks_written",
               "extended_bytes", "seconds", "signature")
    table = Table(title="gtx deploy" + (f" (closed {len(closed)} leftover buffer(s))" if closed else ""))
    for col in columns:
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(r[c]) for c in columns))
    emit(settings, {"programs": rows, "closed_buffers": closed} if close_buffers else rows, table)


def deploy(ctx: typer.Context,
           programs: list[str] = typer.Argument(None, help="programs from Anchor.toml (default: all built)"),
           buffers_dir: Path = BuffersDir,
           close_buffers: bool = typer.Option(False, "--close-buffers",
                                              help="afterwards, close buffers left by interrupted deploys"),
           upgrade_authority: str = typer.Option(None, "--upgrade-authority", help="KEYPAIR (signs the deploy) or "
                                                 "PUBKEY (receives the authority in the deploy transaction); "
                                                 "default --keypair"),
           max_len: int = typer.Option(None, "--max-len", min=1, help="bytes allocated for the program (one "
                                       "program only; default its size: `gtx upgrade` extends when it grows)"),
           no_idl: bool = typer.Option(False, "--no-idl", help="skip writing each program's IDL on-chain (Program "
                                       "Metadata account; `gtx idl upload PROGRAM` does it later)")) -> None:
    """Deploy (or upgrade, when already deployed) through the BPF Upgradeable Loader; resumable. Then each
    program's IDL goes on-chain where Anchor 1.x looks for it (unless --no-idl)."""
    if max_len is not None and len(programs or []) != 1:
        usage_error("--max-len", "applies to one program", "name exactly one PROGRAM with --max-len")
    authority = signer_or_pubkey(upgrade_authority, "--upgrade-authority") if upgrade_authority else None
    _run(ctx, programs or [], False, buffers_dir, close_buffers, max_len=max_len, upgrade_authority=authority,
         on_extend=show_extend_cost(ctx.obj))
    if not no_idl:
        from .idl import upload_after_deploy

        upload_after_deploy(ctx.obj, programs or [], authority)


def upgrade(ctx: typer.Context, program: str = typer.Argument(..., help="program from Anchor.toml"),
            so: Path = typer.Option(None, "--so", help="the new binary (default target/deploy/<program>.so)"),
            buffers_dir: Path = BuffersDir,
            upgrade_authority: str = typer.Option(None, "--upgrade-authority", help="KEYPAIR of the upgrade "
                                                  "authority (file, stdin, prompt://); default --keypair"),
            buffer: str = typer.Option(None, "--buffer", help="apply this buffer (written by `gtx buffers write`, "
                                       "its authority handed to the upgrade authority) instead of writing one")) -> None:
    """Upgrade a deployed program from target/deploy/<program>.so (or --buffer), keeping its data accounts; the
    program data account is extended first when the new program is larger (its rent is shown before it is paid)."""
    if so is not None and not so.is_file():
        usage_error("--so", f"{so} does not exist", "give the path of a built .so")
    if so is not None and buffer is not None:
        usage_error("--buffer", "--so and --buffer both name the new program", "give one of them")
    authority = signer_or_pubkey(upgrade_authority, "--upgrade-authority") if upgrade_authority else None
    if authority is not None and not hasattr(authority, "pubkey"):  # a bare public key cannot sign
        usage_error("--upgrade-authority", f"{authority} is a public key, but an upgrade is signed by the upgrade "
                                           f"authority", f"give its keypair, or for an authority that signs elsewhere "
                                           f"(a multisig) run `gtx buffers write {program}` and `gtx buffers "
                                           f"set-authority BUFFER {authority}`")
    options = {"upgrade_authority": authority, "on_extend": show_extend_cost(ctx.obj)}
    if buffer is not None:
        options["buffer"] = parse_pubkey(buffer, "--buffer")
        so = Path("/dev/null")  # nothing to build or check: the buffer holds the program
    _run(ctx, [program], True, buffers_dir, False, so, **options)


def set_authority(ctx: typer.Context,
                  program: str = typer.Argument(..., help="program from Anchor.toml"),
                  new_authority: str = typer.Argument(None, help="the new upgrade authority (base58)"),
                  final: bool = typer.Option(False, "--final", help="remove the upgrade authority: the program "
                                                                      "becomes immutable (irreversible)")) -> None:
    """Transfer a program's upgrade authority (signed by --keypair, the current one), or make it immutable."""
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.deploy import DeployError

    settings: Settings = ctx.obj
    if final == (new_authority is not None):
        usage_error("NEW_AUTHORITY", "give either a new authority or --final",
                    "e.g. `gtx upgrade-authority trading <PUBKEY>` or `gtx upgrade-authority trading --final`")
    new = parse_pubkey(new_authority, "NEW_AUTHORITY") if new_authority else None
    chain, deployer = _deployer(settings)
    current = deployer.payer
    try:
        if program not in deployer.ws.program_ids:
            usage_error("PROGRAM", f"unknown program {program!r}",
                        f"use one of {', '.join(sorted(deployer.ws.program_ids))}")
        sig = deployer.set_upgrade_authority(program, new, current)
        _, now = deployer.upgrade_authority(program)
    except (DeployError, ChainError, TransactionRejected) as e:
        fail(rejection_text(e))
    finally:
        chain.close()
    data = {"program": program, "program_id": str(deployer.ws.program_id(program)),
            "previous_authority": str(current.pubkey()), "upgrade_authority": str(now) if now else None,
            "immutable": now is None, "signature": sig}
    emit(settings, data, kv_table("gtx upgrade-authority", data))


buffers_app = typer.Typer(help="Buffers: those kept by interrupted deploys, and those written for an upgrade "
                               "signed elsewhere", no_args_is_help=True)


@buffers_app.command("list")
def buffers_list(ctx: typer.Context, buffers_dir: Path = BuffersDir) -> None:
    """Buffers of unfinished deploys and the lamports they hold."""
    settings: Settings = ctx.obj
    chain, deployer = _deployer(settings, buffers_dir)
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
    chain, deployer = _deployer(settings, buffers_dir)
    try:
        closed = deployer.close_buffers()
    except (ChainError, TransactionRejected) as e:
        fail(str(e))
    finally:
        chain.close()
    emit(settings, {"closed": closed}, kv_table("buffers closed", {"count": len(closed), **{
        f"buffer {i}": b for i, b in enumerate(closed)}}))


@buffers_app.command("write")
def buffers_write(ctx: typer.Context, program: str = typer.Argument(..., help="program from Anchor.toml"),
                  so: Path = typer.Option(None, "--so", help="the binary (default target/deploy/<program>.so)"),
                  buffers_dir: Path = BuffersDir) -> None:
    """Write PROGRAM's .so into a buffer for an upgrade signed elsewhere (a multisig): hand the buffer to the
    upgrade authority with `gtx buffers set-authority BUFFER NEW`, then it applies it (`gtx upgrade PROGRAM
    --buffer BUFFER`, or its multisig's upgrade). Resumable; --keypair pays and holds the buffer until then."""
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.deploy import DeployError, trimmed_sha256

    settings: Settings = ctx.obj
    if so is not None and not so.is_file():
        usage_error("--so", f"{so} does not exist", "give the path of a built .so")
    _refuse_committed_keys(settings, [program], so)
    chain, deployer = _deployer(settings, buffers_dir)
    _check_names(chain, deployer, [program], so)
    so_path = so or deployer.ws.so_path(program)
    try:
        with _progress_bar(settings) as bar:
            task = bar.add_task(f"{program} chunks", total=None)
            buffer, total, written = deployer.write_upgrade_buffer(
                program, so_path, lambda done, n: bar.update(task, completed=done, total=n))
    except (DeployError, ChainError, TransactionRejected) as e:
        fail(f"{rejection_text(e)} (an interrupted write resumes: run the same command again)")
    finally:
        chain.close()
    data = {"program": program, "buffer": str(buffer), "authority": str(deployer.payer.pubkey()),
            "chunks_total": total, "chunks_written": written, "sha256": trimmed_sha256(so_path.read_bytes()),
            "next": f"gtx buffers set-authority {buffer} <UPGRADE AUTHORITY>"}
    emit(settings, data, kv_table("gtx buffers write", data))


@buffers_app.command("set-authority")
def buffers_set_authority(ctx: typer.Context, buffer: str = typer.Argument(..., help="buffer address"),
                          new_authority: str = typer.Argument(..., help="PUBKEY, or a KEYPAIR that co-signs "
                                                              "(SetAuthorityChecked: a mistyped key cannot "
                                                              "receive it)")) -> None:
    """Hand a buffer to another authority (signed by --keypair, its current one): the upgrade authority must hold
    a buffer to upgrade from it."""
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.deploy import DeployError

    settings: Settings = ctx.obj
    address = parse_pubkey(buffer, "BUFFER")
    new = signer_or_pubkey(new_authority, "NEW_AUTHORITY")
    chain, deployer = _deployer(settings)
    try:
        sig = deployer.set_buffer_authority(address, new, deployer.payer)
    except (DeployError, ChainError, TransactionRejected) as e:
        fail(rejection_text(e))
    finally:
        chain.close()
    new_key = new if not hasattr(new, "pubkey") else new.pubkey()
    data = {"buffer": buffer, "previous_authority": str(deployer.payer.pubkey()), "authority": str(new_key),
            "signature": sig}
    emit(settings, data, kv_table("gtx buffers set-authority", data))
