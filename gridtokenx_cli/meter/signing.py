"""The meter's signature over a reading and the Ed25519 precompile instruction that carries it.

Same bytes as ``gridtokenx_cli.clients.oracle`` (a test checks it), written here without that module's LiteSVM
fixtures so the daemon never imports ``solders.litesvm`` (aarch64 wheels lack it).
"""
from __future__ import annotations

import json
import os
import struct
from pathlib import Path

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

READING_DOMAIN = b"GTX-READING-v1"
READING_MESSAGE_LEN = 70
ED25519_PROGRAM_ID = Pubkey.from_string("Ed25519SigVerify111111111111111111111111111")
#: precompile offsets' instruction index meaning "this instruction"
OWN_INSTRUCTION = 0xFFFF


def reading_message(meter_id: bytes, produced: int, consumed: int, reading_ts: int) -> bytes:
    """``b"GTX-READING-v1" || meter_id (32) || produced u64 LE || consumed u64 LE || timestamp i64 LE``."""
    if len(meter_id) != 32:
        raise ValueError(f"meter_id must be 32 bytes, got {len(meter_id)}")
    return READING_DOMAIN + bytes(meter_id) + struct.pack("<QQq", produced, consumed, reading_ts)


def sign_reading(meter_key: Keypair, meter_id: bytes, produced: int, consumed: int, reading_ts: int) -> bytes:
    """The meter's 64-byte ed25519 signature of the canonical message (deterministic)."""
    return bytes(meter_key.sign_message(reading_message(meter_id, produced, consumed, reading_ts)))


def ed25519_instruction(pubkey: Pubkey, message: bytes, signature: bytes) -> Instruction:
    """One-signature precompile instruction with key, signature and message inside its own data."""
    pk, sig = bytes(pubkey), bytes(signature)
    if len(pk) != 32 or len(sig) != 64:
        raise ValueError("public key must be 32 bytes and signature 64 bytes")
    header = 2 + 14
    pk_off, sig_off = header, header + 32
    msg_off = sig_off + 64
    offsets = struct.pack("<7H", sig_off, OWN_INSTRUCTION, pk_off, OWN_INSTRUCTION, msg_off, len(message),
                          OWN_INSTRUCTION)
    return Instruction(ED25519_PROGRAM_ID, bytes([1, 0]) + offsets + pk + sig + bytes(message), [])


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
