"""`gtx idl upload|fetch PROGRAM`: the program IDL on-chain, where Anchor 1.x tooling looks for it.

Anchor 1.0.3 programs carry no IDL instructions; `anchor idl init` writes the IDL through the Program Metadata
program (ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S) into the canonical account [program, "idl"]: zlib-compressed
JSON, written by the program's upgrade authority. Clusters that run that program are used as they are; the local
validator and LiteSVM get ours (programs/program_metadata, same interface, loaded at the same address at genesis).
`fetch` falls back to the legacy Anchor IDL account (Anchor <= 0.31 programs).
"""
from __future__ import annotations

import json
from pathlib import Path

import typer

from .common import Settings, emit, fail, kv_table, load_keypair, usage_error

app = typer.Typer(help="The program IDL on-chain (Program Metadata, where Anchor 1.x keeps it)", no_args_is_help=True)


def _program_id(program: str):
    from gridtokenx_cli.chain.workspace import Workspace
    from .common import parse_pubkey

    ws = Workspace.load()
    if program in ws.program_ids:
        return ws.program_id(program)
    if len(program) < 32:
        usage_error("PROGRAM", f"unknown program {program!r}",
                    f"give a program of Anchor.toml ({', '.join(sorted(ws.program_ids))}) or a base58 program id")
    return parse_pubkey(program, "PROGRAM")


def _fetch_any(chain, program_id):
    """(where, authority, IDL dict): the Program Metadata account, else the legacy Anchor account; None if neither."""
    from gridtokenx_cli import onchain_idl

    fetched = onchain_idl.fetch_idl(chain, program_id)
    if fetched is not None:
        return str(fetched.address), "Program Metadata", fetched.header, json.loads(fetched.content)
    address = onchain_idl.legacy_idl_address(program_id)
    acc = chain.get_account(address)
    if acc is None:
        return None
    authority, idl = onchain_idl.decode_legacy_idl_account(bytes(acc.data))
    return str(address), "legacy Anchor IDL account", authority, idl


@app.command("fetch")
def fetch(ctx: typer.Context, program: str = typer.Argument(..., help="program name (Anchor.toml) or program id"),
          out: Path = typer.Option(None, "--out", "-o", help="write the IDL JSON here instead of printing it")) -> None:
    """Read a program's IDL from the chain (Program Metadata account, else the legacy Anchor IDL account)."""
    from gridtokenx_cli.chain import ChainError
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.clients import program_metadata as pm

    settings: Settings = ctx.obj
    program_id = _program_id(program)
    chain = RpcChain(settings.url, reconnect_timeout=5.0)
    try:
        found = _fetch_any(chain, program_id)
    except ChainError as e:
        fail(str(e))
    except ValueError as e:
        fail(f"the IDL of {program_id} on {settings.url} is not readable: {e}")
    finally:
        chain.close()
    if found is None:
        fail(f"no IDL for {program} on {settings.url}: neither the Program Metadata account "
             f"{pm.canonical_address(program_id)} nor a legacy Anchor IDL account exists; upload it with "
             f"`gtx idl upload {program}` (signed by the upgrade authority)")
    address, kind, header_or_authority, idl = found
    if out:
        out.write_text(json.dumps(idl, indent=2) + "\n")
    data = {"program": program, "program_id": str(program_id), "idl_account": address, "account_kind": kind,
            "name": idl.get("metadata", {}).get("name") or idl.get("name"),
            "instructions": len(idl.get("instructions", []))}
    if isinstance(header_or_authority, pm.MetadataHeader):
        h = header_or_authority
        data |= {"canonical": h.canonical, "mutable": h.mutable, "authority": str(h.authority) if h.authority else None,
                 "encoding": h.encoding.name.lower(), "compression": h.compression.name.lower(),
                 "format": h.format.name.lower(), "stored_bytes": h.data_length}
    else:
        data["authority"] = header_or_authority
    if settings.json or out:
        emit(settings, data | ({"out": str(out)} if out else {"idl": idl}), kv_table("gtx idl fetch", data))
    else:
        print(json.dumps(idl, indent=2))


def read_idl_file(path: Path, program: str) -> bytes:
    """The IDL file's bytes, checked to be JSON (usage errors name --idl and the fix)."""
    if not path.exists():
        usage_error("--idl", f"{path} does not exist", f"run `gtx build {program}` (it writes idl/{program}.json)")
    raw = path.read_bytes()
    try:
        json.loads(raw)
    except ValueError as e:
        usage_error("--idl", f"{path} is not JSON ({e})", "give the IDL file `gtx build` wrote (idl/<program>.json)")
    return raw


@app.command("upload")
def upload(ctx: typer.Context, program: str = typer.Argument(..., help="program name (Anchor.toml) or program id"),
           idl_file: Path = typer.Option(None, "--idl", help="IDL JSON (default idl/<program>.json)"),
           authority_path: str = typer.Option(None, "--authority", help="KEYPAIR of the program's upgrade authority "
                                              "(file, stdin, prompt://); default --keypair")) -> None:
    """Store the IDL on-chain in the Program Metadata layout (created, replaced, or left as it is when equal)."""
    from gridtokenx_cli.chain import ChainError
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.chain.workspace import Workspace
    from gridtokenx_cli.onchain_idl import IdlUploadError, upload_idl

    settings: Settings = ctx.obj
    ws = Workspace.load()
    program_id = _program_id(program)
    if idl_file is None and program not in ws.program_ids:
        usage_error("--idl", f"no default IDL for the program id {program}", "give the IDL file with --idl FILE")
    raw = read_idl_file(idl_file or ws.idl_path(program), program)
    payer = load_keypair(settings.keypair_path)
    authority = load_keypair(authority_path, "--authority") if authority_path else payer
    chain = RpcChain(settings.url, **settings.rpc_send_options())
    try:
        result = upload_idl(chain, payer, authority, program_id, raw)
    except (IdlUploadError, ChainError) as e:
        fail(str(e))
    finally:
        chain.close()
    data = {"program": program} | {k: v for k, v in result.__dict__.items() if k != "signatures"}
    emit(settings, data | {"signatures": result.signatures}, kv_table("gtx idl upload", data))


def upload_after_deploy(settings: Settings, programs: list[str], authority) -> None:
    """`gtx deploy`'s last step: each deployed program's IDL into its Program Metadata account, signed by the
    upgrade authority (`authority`: a Keypair, a Pubkey that cannot sign here, or None = the payer). One line per
    program on stderr, so `--json` stdout stays the deploy's rows."""
    from solders.keypair import Keypair

    from gridtokenx_cli.chain import ChainError
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.chain.workspace import Workspace
    from gridtokenx_cli.clients import program_metadata as pm
    from gridtokenx_cli.onchain_idl import IdlUploadError, upload_idl

    from .common import err_console

    ws = Workspace.load()
    names = programs or ws.deployable()
    payer = load_keypair(settings.keypair_path)
    signer = payer if authority is None else authority
    if not isinstance(signer, Keypair):
        err_console.print(f"IDL not written: the upgrade authority {signer} does not sign here; run `gtx idl upload "
                          f"PROGRAM --authority KEYPAIR` with its keypair (or deploy with --no-idl)", soft_wrap=True)
        return
    chain = RpcChain(settings.url, **settings.rpc_send_options())
    try:
        present = chain.get_account(pm.PROGRAM_METADATA_ID)
        if present is None or not present.executable:
            err_console.print(f"IDL not written: the Program Metadata program {pm.PROGRAM_METADATA_ID} is not "
                              f"deployed on {settings.url} (deploy with --no-idl to skip this step)", soft_wrap=True)
            return
        for name in names:
            path = ws.idl_path(name)
            if not path.exists():
                err_console.print(f"IDL {name}: skipped, {path} does not exist (`gtx build {name}` writes it)")
                continue
            try:
                r = upload_idl(chain, payer, signer, ws.program_id(name), path.read_bytes())
            except (IdlUploadError, ChainError) as e:
                fail(f"{name} is deployed, but its IDL was not written: {e}; retry with `gtx idl upload {name}`")
            err_console.print(f"IDL {name}: {r.action} at {r.address} ({r.stored_bytes:,} bytes stored, "
                              f"{r.transactions} transactions)", soft_wrap=True)
    finally:
        chain.close()
