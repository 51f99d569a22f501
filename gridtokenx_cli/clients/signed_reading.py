"""The canonical reading message a meter signs and the Ed25519 precompile instruction that carries the signature.

Kept free of LiteSVM (like every client module) so the meter gateway
daemon can use it on an rpc-only install: solders wheels for aarch64 below 0.28 have no `solders.litesvm`.
"""
from __future__ import annotations

import struct

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

#: solana_sdk_ids::ed25519_program::ID
ED25519_PROGRAM_ID = Pubkey.from_string("Ed25519SigVerify111111111111111111111111111")
READING_DOMAIN = b"GTX-READING-v1"
READING_MESSAGE_LEN = 70
#: Ed25519 precompile: an offset's instruction index meaning "this instruction".
OWN_INSTRUCTION = 0xFFFF


def reading_message(mid: bytes, energy_produced: int, energy_consumed: int, reading_timestamp: int) -> bytes:
    """Canonical 70-byte message a meter signs: ``b"GTX-READING-v1" || meter_id (32) || produced u64 LE ||
    consumed u64 LE || timestamp i64 LE`` (docs/programs.md)."""
    if len(mid) != 32:
        raise ValueError(f"meter_id must be 32 bytes, got {len(mid)}")
    msg = READING_DOMAIN + bytes(mid) + struct.pack("<QQq", energy_produced, energy_consumed, reading_timestamp)
    assert len(msg) == READING_MESSAGE_LEN
    return msg


def ed25519_instruction_data(pubkey: Pubkey | bytes, message: bytes, signature: Signature | bytes, *,
                             instruction_indices: tuple[int, int, int] = (OWN_INSTRUCTION,) * 3,
                             num_signatures: int = 1) -> bytes:
    """Ed25519 precompile data for one signature: ``u8 num_signatures, u8 padding``, one offsets record
    ``(u16 signature_offset, u16 signature_instruction_index, u16 public_key_offset,
    u16 public_key_instruction_index, u16 message_data_offset, u16 message_data_size,
    u16 message_instruction_index)``, then public key (32), signature (64) and message.

    ``instruction_indices`` (signature, public key, message) default to ``u16::MAX`` = "this instruction";
    ``num_signatures`` other than 1 is only for negative tests (the records are not repeated)."""
    pk, sig = bytes(pubkey), bytes(signature)
    if len(pk) != 32 or len(sig) != 64:
        raise ValueError("public key must be 32 bytes and signature 64 bytes")
    header = 2 + 14
    pk_off, sig_off = header, header + 32
    msg_off = sig_off + 64
    sig_ix, pk_ix, msg_ix = instruction_indices
    offsets = struct.pack("<7H", sig_off, sig_ix, pk_off, pk_ix, msg_off, len(message), msg_ix)
    return bytes([num_signatures, 0]) + offsets + pk + sig + bytes(message)


def ed25519_verify_instruction(pubkey: Pubkey | bytes, message: bytes, signature: Signature | bytes) -> Instruction:
    """Ed25519 precompile instruction verifying ``signature`` of ``message`` under ``pubkey``, all data
    inside the instruction itself (solders has no helper for it)."""
    return Instruction(ED25519_PROGRAM_ID, ed25519_instruction_data(pubkey, message, signature), [])


def sign_reading(meter: Keypair, mid: bytes, energy_produced: int, energy_consumed: int,
                 reading_timestamp: int) -> Instruction:
    """The meter signs the canonical message; returns the matching Ed25519 precompile instruction."""
    msg = reading_message(mid, energy_produced, energy_consumed, reading_timestamp)
    return ed25519_verify_instruction(meter.pubkey(), msg, meter.sign_message(msg))
