"""`gtx program show|dump|close|list` and `gtx verify PROGRAM`: programs of the BPF Upgradeable Loader as the
cluster holds them (over RPC, whatever --backend says). PROGRAM is a program of Anchor.toml or any address."""
from __future__ import annotations

from pathlib import Path

import typer

from .common import Settings, emit, fail, kv_table, parse_pubkey, usage_error
from .deploy import _deployer, rejection_text

app = typer.Typer(help="Programs on the cluster: show, dump, close, list (the upgradeable loader's view)",
                  no_args_is_help=True)


def _address(value: str, field_name: str = "PROGRAM"):
    """A program name of Anchor.toml -> its id; otherwise a base58 address."""
    from gridtokenx_cli.chain.workspace import Workspace

    ws = Workspace.load()
    if value in ws.program_ids:
        return ws.program_ids[value]
    try:
        from solders.pubkey import Pubkey

        return Pubkey.from_string(value)
    except ValueError:
        usage_error(field_name, f"{value!r} is neither a program of Anchor.toml nor an address",
                    f"give one of {', '.join(sorted(ws.program_ids))} or a base58 address")


def _row(info) -> dict:
    return {"address": info.address, "kind": info.kind, "owner": info.owner, "program_id": info.program_id,
            "programdata": info.programdata, "upgrade_authority": info.authority,
            "immutable": info.immutable, "last_deploy_slot": info.last_deploy_slot, "data_len": info.data_len,
            "lamports": info.lamports, "sol": info.lamports / 1e9}


@app.command("show")
def show(ctx: typer.Context, program: str = typer.Argument(..., help="program name or address (a buffer too)")) -> None:
    """The loader's record of an address: authority, data length, last deploy slot, balance (program + data)."""
    from gridtokenx_cli.chain import ChainError
    from gridtokenx_cli.deploy import read_program

    settings: Settings = ctx.obj
    address = _address(program)
    chain, _ = _deployer(settings)
    try:
        info = read_program(chain, address)
    except ChainError as e:
        fail(str(e))
    finally:
        chain.close()
    if info is None:
        fail(f"no account at {address} on {chain.url}")
    data = _row(info)
    emit(settings, data, kv_table(f"gtx program show {program}", data))


def _onchain_bytes(settings: Settings, address) -> bytes:
    """The program data payload of the program at `address` (ELF + zero padding), or a one-line failure."""
    from gridtokenx_cli.chain import ChainError
    from gridtokenx_cli.deploy import DeployError, onchain_program_bytes

    chain, _ = _deployer(settings)
    try:
        return onchain_program_bytes(chain, address)
    except (DeployError, ChainError) as e:
        fail(str(e))
    finally:
        chain.close()


@app.command("dump")
def dump(ctx: typer.Context, program: str = typer.Argument(..., help="program name or address"),
         out: Path = typer.Argument(..., help="file to write the program data to")) -> None:
    """Write the program data account's payload (the ELF and the zero padding of its allocation) to OUT."""
    from gridtokenx_cli.deploy import trimmed_sha256

    settings: Settings = ctx.obj
    address = _address(program)
    elf = _onchain_bytes(settings, address)
    out.write_bytes(elf)
    data = {"program_id": str(address), "file": str(out), "bytes": len(elf),
            "bytes_trimmed": len(elf.rstrip(b"\0")), "sha256": trimmed_sha256(elf)}
    emit(settings, data, kv_table("gtx program dump", data))


@app.command("close")
def close(ctx: typer.Context, program: str = typer.Argument(..., help="program name, program or buffer address"),
          recipient: str = typer.Option(None, "--recipient", help="who gets the lamports (default --keypair)"),
          yes: bool = typer.Option(False, "--yes", help="confirm: closing a program is irreversible"),
          bypass_warning: bool = typer.Option(False, "--bypass-warning", help="close even a program of this "
                                              "workspace's Anchor.toml (the platform stops working)")) -> None:
    """Close a program (signed by its upgrade authority, --keypair) or a buffer, reclaiming its lamports. A closed
    program stops for good: its id can NEVER be deployed again. Needs --yes, and --bypass-warning for a program
    of this workspace."""
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.chain.workspace import Workspace
    from gridtokenx_cli.deploy import DeployError, read_program

    settings: Settings = ctx.obj
    address = _address(program)
    to = parse_pubkey(recipient, "--recipient") if recipient else None
    ours = {pid: name for name, pid in Workspace.load().program_ids.items()}
    chain, deployer = _deployer(settings)
    try:
        info = read_program(chain, address)
        if info is None:
            fail(f"no account at {address} on {chain.url}")
        if info.kind == "buffer":
            lamports = deployer.close_buffer(address, deployer.payer, to)
        elif info.kind == "program":
            if not yes:
                usage_error("--yes", f"closing program {address} is irreversible: it stops, and its id can never be "
                                     f"deployed again", "add --yes if that is what you want")
            if address in ours and not bypass_warning:
                usage_error("--bypass-warning", f"{address} is `{ours[address]}` of this workspace's Anchor.toml, "
                                                f"which the platform still uses",
                            "add --bypass-warning to close it anyway")
            lamports = deployer.close_program(address, deployer.payer, to)
        else:
            fail(f"{address} is not a program or buffer that can be closed (it is {info.kind.replace('-', ' ')})")
    except (DeployError, ChainError, TransactionRejected) as e:
        fail(rejection_text(e))
    finally:
        chain.close()
    data = {"closed": str(address), "kind": info.kind, "lamports": lamports,
            "recipient": str(to or deployer.payer.pubkey())}
    emit(settings, data, kv_table("gtx program close", data))


@app.command("list")
def list_programs(ctx: typer.Context,
                  authority: str = typer.Option(None, "--authority", help="upgrade authority to list the programs "
                                                "of (default --keypair's)"),
                  all_programs: bool = typer.Option(False, "--all", help="every program of the loader (a local "
                                                    "validator; public RPCs may refuse so large a query)")) -> None:
    """Deployed upgradeable programs whose upgrade authority is --authority (default --keypair), or --all."""
    from rich.table import Table

    from gridtokenx_cli.chain import ChainError

    settings: Settings = ctx.obj
    if authority and all_programs:
        usage_error("--all", "--all and --authority both select the programs", "give one of them")
    chain, deployer = _deployer(settings)
    key = None if all_programs else (parse_pubkey(authority, "--authority") if authority else deployer.payer.pubkey())
    try:
        infos = deployer.list_programs(key)
    except ChainError as e:
        fail(str(e))
    finally:
        chain.close()
    rows = [_row(i) for i in infos]
    table = Table(title=f"programs of {key}" if key else "all upgradeable programs")
    for col in ("program_id", "upgrade_authority", "last_deploy_slot", "data_len", "sol"):
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(r[c]) for c in ("program_id", "upgrade_authority", "last_deploy_slot", "data_len", "sol")))
    emit(settings, rows, table)


def verify(ctx: typer.Context, program: str = typer.Argument(..., help="program name or address"),
           so: Path = typer.Option(None, "--so", help="the local build (default target/deploy/<program>.so)")) -> None:
    """Is the program on chain the one built here? Compares the sha256 of the on-chain program data with the
    local .so's, trailing zeroes trimmed from both (the allocation is zero-padded). Exit 0 match, 1 differ."""
    from gridtokenx_cli.chain.workspace import Workspace
    from gridtokenx_cli.deploy import trimmed_sha256

    settings: Settings = ctx.obj
    address = _address(program)
    ws = Workspace.load()
    if so is None:
        if program not in ws.program_ids:
            usage_error("--so", f"{program} is an address, not a program of Anchor.toml", "give the local build: --so")
        so = ws.so_path(program)
    if not so.is_file():
        usage_error("--so", f"{so} does not exist", f"run `gtx build {program}` or give --so")
    local = so.read_bytes()
    onchain = _onchain_bytes(settings, address)
    data = {"program_id": str(address), "local": str(so), "onchain_sha256": trimmed_sha256(onchain),
            "local_sha256": trimmed_sha256(local), "onchain_len": len(onchain.rstrip(b"\0")),
            "local_len": len(local.rstrip(b"\0"))}
    data["result"] = "match" if data["onchain_sha256"] == data["local_sha256"] else "differ"
    emit(settings, data, kv_table(f"gtx verify {program}: {data['result']}", data))
    if data["result"] != "match":
        raise typer.Exit(1)
