"""The meter's signature over a reading and the Ed25519 precompile instruction that carries it, from the
LiteSVM-free `gridtokenx_cli.clients.signed_reading` (the daemon never imports ``solders.litesvm``), plus the meter
keypair files."""
from __future__ import annotations

import json
import os
from pathlib import Path

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli.clients.signed_reading import (  # noqa: F401  (re-exported for the gateway's modules)
    ED25519_PROGRAM_ID, READING_DOMAIN, ed25519_verify_instruction, reading_message)


def sign_reading(meter_key: Keypair, meter_id: bytes, produced: int, consumed: int, reading_ts: int) -> bytes:
    """The meter's 64-byte ed25519 signature of the canonical message (deterministic)."""
    return bytes(meter_key.sign_message(reading_message(meter_id, produced, consumed, reading_ts)))


def ed25519_instruction(pubkey: Pubkey, message: bytes, signature: bytes) -> Instruction:
    """One-signature precompile instruction with key, signature and message inside its own data."""
    return ed25519_verify_instruction(pubkey, message, signature)


def load_keypair_file(path: Path) -> Keypair:
    return Keypair.from_bytes(bytes(json.loads(Path(path).read_text())))


def write_keypair_file(path: Path, keypair: Keypair) -> None:
    """Atomic write with mode 0600 from the first byte (a meter key is a secret)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(list(bytes(keypair)), f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
