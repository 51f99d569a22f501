"""`gtx idl fetch|upload PROGRAM`: the IDL on-chain, where Anchor tooling looks for it.

Anchor 1.0.3 (our anchor-lang) no longer generates IDL instructions inside programs: anchor-lang-1.0.3/src/idl.rs
says "Legacy IDL instruction support has been removed in favor of Program Metadata", and anchor-syn-1.0.3's
dispatcher (codegen/program/dispatch.rs) injects none. `anchor idl init` in 1.x writes the IDL through the
Program Metadata program (ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S), which agave 4.2.2's test validator does
not bundle (solana-program-binaries-4.2.2 ships SPL token/2022/memo/ATA and core BPF programs only) and which is not
available offline here. So:

* `fetch` reads the legacy Anchor IDL account (programs built with Anchor <= 0.31 on any cluster:
  create_with_seed(find_program_address([], program), "anchor:idl", program), 8-byte discriminator, authority,
  u32 length, zlib-compressed JSON) and says clearly when a cluster has neither that nor the Program Metadata
  program; the IDL in idl/ is what our clients use.
* `upload` checks the cluster for the Program Metadata program and stops with that reason when it is absent
  (exit 1); our programs cannot hold the legacy account because they have no instruction to create it.
"""
from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import typer

from .common import Settings, emit, fail, kv_table, usage_error

app = typer.Typer(help="The program IDL on-chain (Anchor's locations)", no_args_is_help=True)

PROGRAM_METADATA_ID = "ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S"
LEGACY_IDL_SEED = "anchor:idl"
LEGACY_HEADER = 8 + 32 + 4  # discriminator, authority, compressed length


def legacy_idl_address(program_id):
    from solders.pubkey import Pubkey

    base = Pubkey.find_program_address([], program_id)[0]
    return Pubkey.create_with_seed(base, LEGACY_IDL_SEED, program_id)


def decode_legacy_idl_account(data: bytes) -> tuple[str, dict]:
    """(authority, IDL JSON) from a legacy Anchor IDL account's data."""
    from solders.pubkey import Pubkey

    if len(data) < LEGACY_HEADER:
        raise ValueError(f"account too short for an Anchor IDL account ({len(data)} bytes)")
    (length,) = struct.unpack_from("<I", data, 40)
    if LEGACY_HEADER + length > len(data):
        raise ValueError(f"IDL length {length} runs past the account's {len(data)} bytes")
    return str(Pubkey.from_bytes(data[8:40])), json.loads(zlib.decompress(data[LEGACY_HEADER:LEGACY_HEADER + length]))


def _program_id(settings: Settings, program: str):
    from gridtokenx_cli.chain.workspace import Workspace
    from .common import parse_pubkey

    ws = Workspace.load()
    if program in ws.program_ids:
        return ws.program_id(program)
    if len(program) < 32:
        usage_error("PROGRAM", f"unknown program {program!r}",
                    f"give a program of Anchor.toml ({', '.join(sorted(ws.program_ids))}) or a base58 program id")
    return parse_pubkey(program, "PROGRAM")


def _program_metadata_present(chain) -> bool:
    from solders.pubkey import Pubkey

    acc = chain.get_account(Pubkey.from_string(PROGRAM_METADATA_ID))
    return bool(acc and acc.executable)


@app.command("fetch")
def fetch(ctx: typer.Context, program: str = typer.Argument(..., help="program name (Anchor.toml) or program id"),
          out: Path = typer.Option(None, "--out", "-o", help="write the IDL JSON here instead of printing it")) -> None:
    """Read a program's IDL from the chain (legacy Anchor IDL account)."""
    from gridtokenx_cli.chain import ChainError
    from gridtokenx_cli.chain.rpc import RpcChain

    settings: Settings = ctx.obj
    program_id = _program_id(settings, program)
    address = legacy_idl_address(program_id)
    chain = RpcChain(settings.url, reconnect_timeout=5.0)
    try:
        acc = chain.get_account(address)
        pmp = _program_metadata_present(chain) if acc is None else False
    except ChainError as e:
        fail(str(e))
    finally:
        chain.close()
    if acc is None:
        where = ("the Program Metadata program is deployed there, but reading its accounts is not implemented"
                 if pmp else "and the Program Metadata program (where Anchor >= 1.0 puts IDLs) is not deployed")
        fail(f"no Anchor IDL account for {program} at {address} on {settings.url}, {where}; "
             f"the IDL of this workspace's programs is in idl/<program>.json")
    try:
        authority, idl = decode_legacy_idl_account(bytes(acc.data))
    except (ValueError, zlib.error) as e:
        fail(f"{address} is not a readable Anchor IDL account: {e}")
    if out:
        out.write_text(json.dumps(idl, indent=2) + "\n")
    data = {"program": program, "program_id": str(program_id), "idl_account": str(address),
            "authority": authority, "name": idl.get("metadata", {}).get("name") or idl.get("name"),
            "instructions": len(idl.get("instructions", []))}
    if settings.json or out:
        emit(settings, data | ({"out": str(out)} if out else {"idl": idl}), kv_table("gtx idl fetch", data))
    else:
        print(json.dumps(idl, indent=2))


@app.command("upload")
def upload(ctx: typer.Context, program: str = typer.Argument(..., help="program name (Anchor.toml)"),
           idl_file: Path = typer.Option(None, "--idl", help="IDL JSON (default idl/<program>.json)")) -> None:
    """Store the IDL on-chain through the Program Metadata program (what Anchor 1.x uses)."""
    from gridtokenx_cli.chain import ChainError
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.chain.workspace import Workspace

    settings: Settings = ctx.obj
    ws = Workspace.load()
    if program not in ws.program_ids:
        usage_error("PROGRAM", f"unknown program {program!r}", f"use one of {', '.join(sorted(ws.program_ids))}")
    path = idl_file or ws.idl_path(program)
    if not path.exists():
        usage_error("--idl", f"{path} does not exist", f"run `gtx build {program}` (it writes idl/{program}.json)")
    chain = RpcChain(settings.url, reconnect_timeout=5.0)
    try:
        present = _program_metadata_present(chain)
    except ChainError as e:
        fail(str(e))
    finally:
        chain.close()
    if not present:
        fail(f"the Program Metadata program {PROGRAM_METADATA_ID} is not deployed on {settings.url}; Anchor 1.0.3 "
             f"programs carry no IDL instructions, so an on-chain IDL needs that program (the local validator "
             f"does not bundle it); the IDL stays in {path.relative_to(ws.root) if path.is_relative_to(ws.root) else path}")
    fail("writing through the Program Metadata program is not implemented yet (it was never available to test "
         "against here); use its own CLI for this cluster")
