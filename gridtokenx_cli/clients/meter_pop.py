"""A meter key's proof of possession for the registry: the canonical messages the meter key signs to be
registered (``register_meter``) or to replace a meter's key (``rekey_meter``), and the Ed25519 precompile
instruction that carries the signature (programs: ``gridtokenx_common::ed25519``; docs/programs.md "registry").

LiteSVM-free (like ``signed_reading``) so the meter gateway can produce the signature on the device that holds
the key, on an rpc-only install.

    register: b"GTX-REGISTER-METER-v1" || registry_config (32) || owner (32) || meter_id (32) || capacity_w u64 LE
    rekey:    b"GTX-REKEY-METER-v1"    || registry_config (32) || owner (32) || meter_id (32) || current key (32)
"""
from __future__ import annotations

import struct

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx_cli.clients.signed_reading import ed25519_verify_instruction
from gridtokenx_cli.generated.registry.program_id import PROGRAM_ID

REGISTER_METER_DOMAIN = b"GTX-REGISTER-METER-v1"
REGISTER_METER_MESSAGE_LEN = 125
REKEY_METER_DOMAIN = b"GTX-REKEY-METER-v1"
REKEY_METER_MESSAGE_LEN = 146
#: crates/gridtokenx-common seeds::REGISTRY_CONFIG
REGISTRY_CONFIG_SEED = b"registry"
U64_MAX = 2**64 - 1


def registry_config_address(program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    """The registry's config PDA: part of every message, so a signature is bound to one registry deployment."""
    return Pubkey.find_program_address([REGISTRY_CONFIG_SEED], program_id)[0]


def _mid(mid: bytes) -> bytes:
    if len(mid) != 32:
        raise ValueError(f"meter_id must be 32 bytes, got {len(mid)}")
    return bytes(mid)


def register_meter_message(owner: Pubkey, mid: bytes, capacity_w: int, *,
                           registry_config: Pubkey | None = None) -> bytes:
    """What the meter key signs to be registered under ``owner`` as ``mid`` with rated ``capacity_w``."""
    if not 0 <= capacity_w <= U64_MAX:
        raise ValueError(f"capacity_w out of u64 range: {capacity_w}")
    msg = (REGISTER_METER_DOMAIN + bytes(registry_config or registry_config_address()) + bytes(owner) + _mid(mid)
           + struct.pack("<Q", capacity_w))
    assert len(msg) == REGISTER_METER_MESSAGE_LEN
    return msg


def rekey_meter_message(owner: Pubkey, mid: bytes, current_meter_pubkey: Pubkey, *,
                        registry_config: Pubkey | None = None) -> bytes:
    """What the *new* meter key signs to replace ``current_meter_pubkey`` on the owner's meter ``mid``."""
    msg = (REKEY_METER_DOMAIN + bytes(registry_config or registry_config_address()) + bytes(owner) + _mid(mid)
           + bytes(current_meter_pubkey))
    assert len(msg) == REKEY_METER_MESSAGE_LEN
    return msg


def sign_register_meter(meter: Keypair, owner: Pubkey, mid: bytes, capacity_w: int) -> Signature:
    """The meter key's registration signature (run where the key lives, e.g. on the gateway)."""
    return meter.sign_message(register_meter_message(owner, mid, capacity_w))


def sign_rekey_meter(new_meter: Keypair, owner: Pubkey, mid: bytes, current_meter_pubkey: Pubkey) -> Signature:
    return new_meter.sign_message(rekey_meter_message(owner, mid, current_meter_pubkey))


def register_pop_instruction(meter_pubkey: Pubkey, owner: Pubkey, mid: bytes, capacity_w: int,
                             signature: Signature | bytes) -> Instruction:
    """The Ed25519 precompile instruction that must come just before ``register_meter``."""
    return ed25519_verify_instruction(meter_pubkey, register_meter_message(owner, mid, capacity_w), signature)


def rekey_pop_instruction(new_meter_pubkey: Pubkey, owner: Pubkey, mid: bytes, current_meter_pubkey: Pubkey,
                          signature: Signature | bytes) -> Instruction:
    """The Ed25519 precompile instruction that must come just before ``rekey_meter``."""
    return ed25519_verify_instruction(new_meter_pubkey, rekey_meter_message(owner, mid, current_meter_pubkey),
                                      signature)


def verify_signature(pubkey: Pubkey, message: bytes, signature: Signature | bytes) -> bool:
    """Off-chain check of a pre-made signature (the CLI refuses a bad one before sending)."""
    sig = signature if isinstance(signature, Signature) else Signature.from_bytes(bytes(signature))
    return sig.verify(pubkey, message)
