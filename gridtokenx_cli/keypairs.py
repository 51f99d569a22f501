"""Keypairs as the Solana CLI stores and accepts them — the one place the SDK, the CLI and the gateway read and
write them. A keypair file is a JSON list of the 64 secret-key bytes; writes are atomic with mode 0600 from the
first byte (a key is never world-readable, even briefly). ``read_keypair`` also takes the Solana CLI's
``stdin`` (the JSON list or a base58 secret on standard input) and ``prompt://`` (a base58 secret typed on the
terminal, not echoed)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from solders.keypair import Keypair
from solders.pubkey import Pubkey

PROMPT = "prompt://"
STDIN = "stdin"


class KeypairError(ValueError):
    """The source does not hold a keypair (message says what it holds instead)."""


def keypair_from_text(text: str, source: str = "keypair") -> Keypair:
    """A keypair from a JSON list of 64 bytes or a base58-encoded 64-byte secret."""
    text = text.strip()
    try:
        if text.startswith("["):
            return Keypair.from_bytes(bytes(json.loads(text)))
        return Keypair.from_base58_string(text)
    except (ValueError, TypeError) as e:
        raise KeypairError(f"{source} is not a Solana keypair (a JSON list of 64 bytes or a base58 secret): "
                           f"{e}") from None


def _is_prompt(text: str) -> bool:
    # a pathlib.Path collapses "prompt://" to "prompt:"
    return text.startswith(PROMPT) or text.rstrip("/") == "prompt:"


def read_keypair(source: str | Path) -> Keypair:
    """The keypair of a file path, ``stdin`` or ``prompt://``."""
    text = str(source)
    if text == STDIN:
        return keypair_from_text(sys.stdin.read(), "standard input")
    if _is_prompt(text):
        import getpass

        return keypair_from_text(getpass.getpass("keypair (base58 secret or JSON list): "), "the prompt")
    path = Path(text).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"keypair file {path} does not exist")
    return keypair_from_text(path.read_text(), str(path))


def is_file_source(source: str | Path) -> bool:
    text = str(source)
    return text != STDIN and not _is_prompt(text)


def keypair_pubkey(path: str | Path) -> Pubkey:
    return read_keypair(path).pubkey()


def write_keypair(path: str | Path, keypair: Keypair) -> None:
    """Atomic write, mode 0600 from the first byte."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(list(bytes(keypair)), f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
