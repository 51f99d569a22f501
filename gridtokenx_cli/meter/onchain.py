"""The few chain facts the gateway needs — PDAs, the ``submit_meter_reading`` instruction, the registry meter
and the oracle config — built on the generated AnchorPy clients only (no LiteSVM fixtures), so the daemon
runs on an rpc-only install."""
from __future__ import annotations

import functools
import struct
from dataclasses import dataclass

from solders.instruction import Instruction
from solders.pubkey import Pubkey

from gridtokenx_cli.generated.governance.program_id import PROGRAM_ID as GOVERNANCE_ID
from gridtokenx_cli.generated.oracle import instructions as oix
from gridtokenx_cli.generated.oracle.accounts import MeterState, OracleConfig
from gridtokenx_cli.generated.oracle.program_id import PROGRAM_ID as ORACLE_ID
from gridtokenx_cli.generated.registry.accounts import MeterAccount
from gridtokenx_cli.generated.registry.program_id import PROGRAM_ID as REGISTRY_ID

from .signing import ed25519_instruction, reading_message

INSTRUCTIONS_SYSVAR_ID = Pubkey.from_string("Sysvar1nstructions1111111111111111111111111")
CLOCK_SYSVAR_ID = Pubkey.from_string("SysvarC1ock11111111111111111111111111111111")
# crates/gridtokenx-common/src/seeds.rs
GOVERNANCE_CONFIG_SEED = b"poa_config"
METER_SEED = b"meter"
ORACLE_CONFIG_SEED = b"oracle_config"
ORACLE_AUTHORITY_SEED = b"oracle_authority"
METER_STATE_SEED = b"meter_state"


@functools.cache
def governance_config() -> Pubkey:
    return Pubkey.find_program_address([GOVERNANCE_CONFIG_SEED], GOVERNANCE_ID)[0]


@functools.cache
def oracle_config() -> Pubkey:
    return Pubkey.find_program_address([ORACLE_CONFIG_SEED], ORACLE_ID)[0]


@functools.cache
def oracle_authority() -> Pubkey:
    return Pubkey.find_program_address([ORACLE_AUTHORITY_SEED], ORACLE_ID)[0]


@functools.lru_cache(maxsize=4096)
def meter_account(meter_id: bytes) -> Pubkey:
    return Pubkey.find_program_address([METER_SEED, meter_id], REGISTRY_ID)[0]


@functools.lru_cache(maxsize=4096)
def meter_state(meter_id: bytes) -> Pubkey:
    return Pubkey.find_program_address([METER_STATE_SEED, meter_id], ORACLE_ID)[0]


def submit_instructions(api_gateway: Pubkey, meter_pubkey: Pubkey, meter_id: bytes, produced: int, consumed: int,
                        reading_ts: int, meter_signature: bytes) -> list[Instruction]:
    """``[Ed25519 precompile (the meter's signature), oracle.submit_meter_reading]``."""
    msg = reading_message(meter_id, produced, consumed, reading_ts)
    submit = oix.submit_meter_reading(
        {"meter_id": list(meter_id), "energy_produced": produced, "energy_consumed": consumed,
         "reading_timestamp": reading_ts},
        {"oracle_config": oracle_config(), "api_gateway": api_gateway, "meter_state": meter_state(meter_id),
         "meter": meter_account(meter_id), "oracle_authority": oracle_authority(),
         "instructions_sysvar": INSTRUCTIONS_SYSVAR_ID, "governance_config": governance_config(),
         "registry_program": REGISTRY_ID})
    return [ed25519_instruction(meter_pubkey, msg, meter_signature), submit]


@dataclass(frozen=True)
class MeterOnChain:
    """What the gateway reads of a registered meter before sending its next reading."""

    registered: bool
    state_initialised: bool
    active: bool = False
    meter_pubkey: Pubkey | None = None
    last_reading_at: int = 0
    total_generation: int = 0
    total_consumption: int = 0
    reading_count: int = 0
    #: registry approval (readings of an unapproved meter fail MeterNotApproved) and retirement (for good)
    approved: bool = False
    retired: bool = False


def decode_meter(meter_data: bytes | None, state_data: bytes | None) -> MeterOnChain:
    if meter_data is None:
        return MeterOnChain(False, state_data is not None)
    m = MeterAccount.decode(meter_data)
    return MeterOnChain(True, state_data is not None, m.active, m.meter_pubkey, m.last_reading_at,
                        m.total_generation, m.total_consumption, m.reading_count, m.approved, m.retired)


def decode_reading_counters(state_data: bytes | None) -> tuple[int, int] | None:
    """``(total_readings, valid_readings)`` of an oracle ``MeterState`` (None: no such account)."""
    if state_data is None:
        return None
    state = MeterState.decode(state_data)
    return state.total_readings, state.valid_readings


def decode_oracle_config(data: bytes | None) -> OracleConfig | None:
    return None if data is None else OracleConfig.decode(data)


def decode_clock_timestamp(data: bytes | None) -> int | None:
    """``unix_timestamp`` of the Clock sysvar (slot u64, epoch_start_timestamp i64, epoch u64,
    leader_schedule_epoch u64, unix_timestamp i64)."""
    if data is None or len(data) < 40:
        return None
    return struct.unpack_from("<q", data, 32)[0]
