"""`gtx keys …`: keypair files (Solana CLI format, a JSON list of 64 bytes), created with mode 0600."""
from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from .common import Settings, emit, kv_table, load_keypair, usage_error

app = typer.Typer(help="Create and show keypairs", no_args_is_help=True)


def write_keypair(path: Path, keypair) -> None:
    """Write atomically with 0600 from the start: a secret key is never world-readable, even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(list(bytes(keypair)), f)
    os.replace(tmp, path)


@app.command("new")
def new(ctx: typer.Context, path: Path = typer.Argument(..., help="where to write the keypair file"),
        force: bool = typer.Option(False, "--force", help="overwrite an existing file")) -> None:
    """Create a keypair file (mode 0600)."""
    from solders.keypair import Keypair

    path = path.expanduser()
    if path.exists() and not force:
        usage_error("PATH", f"{path} already exists", "pass --force to overwrite it (the old key is lost)")
    keypair = Keypair()
    write_keypair(path, keypair)
    emit(ctx.obj, {"path": str(path), "pubkey": str(keypair.pubkey())},
         kv_table("new keypair", {"path": path, "pubkey": keypair.pubkey()}))


@app.command("show")
def show(ctx: typer.Context, path: Path = typer.Argument(None, help="keypair file (default: --keypair)")) -> None:
    """Show the public key of a keypair file and warn about loose permissions."""
    settings: Settings = ctx.obj
    path = (path or settings.keypair_path).expanduser()
    keypair = load_keypair(path, "PATH")
    mode = path.stat().st_mode & 0o777
    data = {"path": str(path), "pubkey": str(keypair.pubkey()), "mode": oct(mode), "private": mode & 0o077 == 0}
    emit(settings, data, kv_table("keypair", data))
