"""The meter's signature over a reading and the Ed25519 precompile instruction that carries it, from the
LiteSVM-free `gridtokenx_cli.clients.signed_reading` (the daemon never imports ``solders.litesvm``), plus the meter
keypair files."""
from __future__ import annotations


from solders.instruction import Instruction
from solders.keypair import Keypair

from gridtokenx_cli.keypairs import read_keypair, write_keypair
from solders.pubkey import Pubkey

from gridtokenx_cli.clients.signed_reading import (  # noqa: F401  (re-exported for the gateway's modules)
    ED25519_PROGRAM_ID, READING_DOMAIN, ed25519_verify_instruction, reading_message)


def sign_reading(meter_key: Keypair, meter_id: bytes, produced: int, consumed: int, reading_ts: int) -> bytes:
    """The meter's 64-byte ed25519 signature of the canonical message (deterministic)."""
    return bytes(meter_key.sign_message(reading_message(meter_id, produced, consumed, reading_ts)))


def ed25519_instruction(pubkey: Pubkey, message: bytes, signature: bytes) -> Instruction:
    """One-signature precompile instruction with key, signature and message inside its own data."""
    return ed25519_verify_instruction(pubkey, message, signature)


# keypair files: gridtokenx_cli.keypairs (the one reader / writer), under the names the gateway uses
load_keypair_file = read_keypair
write_keypair_file = write_keypair
