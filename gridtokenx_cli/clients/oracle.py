"""Helpers for the oracle program: PDA derivation (one function per seed scheme), the canonical signed-reading
message, the Ed25519 precompile instruction, instruction builders on top of the generated AnchorPy client
(``gridtokenx_cli.generated.oracle``), event layouts, decoding and LiteSVM fixtures.

A gateway reading is a two-instruction transaction: ``ed25519_verify_instruction(meter_pubkey, message,
signature)`` immediately followed by ``submit_meter_reading`` (see :func:`signed_reading_instructions`).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from enum import IntEnum

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey

from gridtokenx_cli import svm_lite
from gridtokenx_cli.clients import energy_token as et
from gridtokenx_cli.clients import governance as gov
from gridtokenx_cli.clients import registry as reg
from gridtokenx_cli.clients.signed_reading import (  # noqa: F401  (re-exported: tests and callers use orc.*)
    ED25519_PROGRAM_ID, OWN_INSTRUCTION, READING_DOMAIN, READING_MESSAGE_LEN, ed25519_instruction_data,
    ed25519_verify_instruction, reading_message, sign_reading)
from gridtokenx_cli.generated.oracle import instructions as oix
from gridtokenx_cli.generated.oracle import types as otypes
from gridtokenx_cli.generated.oracle.accounts import MeterState, OracleConfig
from gridtokenx_cli.generated.oracle.program_id import PROGRAM_ID

PROGRAM_NAME = "oracle"

# Seeds (crates/gridtokenx-common/src/seeds.rs)
ORACLE_CONFIG_SEED = b"oracle_config"
ORACLE_AUTHORITY_SEED = b"oracle_authority"
METER_STATE_SEED = b"meter_state"

#: solana_sdk_ids::sysvar::instructions::ID
INSTRUCTIONS_SYSVAR_ID = Pubkey.from_string("Sysvar1nstructions1111111111111111111111111")

# programs/oracle/src/state.rs
MAX_BACKUP_ORACLES = 10
MAX_FUTURE_SKEW_SECONDS = 60
MAX_MIN_READING_INTERVAL = 24 * 60 * 60
DEFAULT_MIN_ENERGY_VALUE = 0
DEFAULT_MAX_ENERGY_VALUE = 1_000_000_000
DEFAULT_MAX_PRODUCTION_RATIO = 10
DEFAULT_MAX_DEVIATION_PERCENT = 50
DEFAULT_MIN_READING_INTERVAL = 60


class OracleError(IntEnum):
    """programs/oracle/src/error.rs (6000 + declaration order)."""

    UnauthorizedGateway = 6000
    UnauthorizedCaller = 6001
    MissingSignatureInstruction = 6002
    InvalidSignatureInstruction = 6003
    SignerKeyMismatch = 6004
    SignedMessageMismatch = 6005
    MeterInactive = 6006
    InvalidEnergyRange = 6007
    InvalidProductionRatio = 6008
    InvalidDeviationPercent = 6009
    InvalidReadingInterval = 6010
    TooManyBackupOracles = 6011
    InvalidBackupOracle = 6012
    InvalidConsensusThreshold = 6013
    InvalidApiGateway = 6014
    InsufficientConsensus = 6015
    OracleCountMismatch = 6016
    UnauthorizedOracle = 6017
    OracleNotSigner = 6018
    DuplicateOracle = 6019
    ArithmeticOverflow = 6020


class RejectReason(IntEnum):
    """``state::RejectReason`` borsh discriminants, in the order the checks run."""

    FutureTimestamp = 0
    Backdated = 1
    RateLimited = 2
    OutOfRange = 3
    RatioExceeded = 4
    ExcessiveDeviation = 5


#: OracleConfig counter of each rejection reason.
REJECT_COUNTERS = {
    RejectReason.FutureTimestamp: "rejected_future",
    RejectReason.Backdated: "rejected_backdated",
    RejectReason.RateLimited: "rejected_rate_limited",
    RejectReason.OutOfRange: "rejected_out_of_range",
    RejectReason.RatioExceeded: "rejected_ratio",
    RejectReason.ExcessiveDeviation: "rejected_deviation",
}


class ReadingSource(IntEnum):
    Gateway = 0
    Consensus = 1


B = svm_lite.Borsh
#: Borsh layouts of programs/oracle/src/events.rs (unit enums as their u8 discriminant).
EVENT_LAYOUTS: dict[str, svm_lite.Borsh] = {
    "OracleInitialized": B([("admin", "pubkey"), ("api_gateway", "pubkey"), ("timestamp", "i64")]),
    "OracleConfigUpdated": B([
        ("admin", "pubkey"), ("api_gateway", "pubkey"), ("min_energy_value", "u64"), ("max_energy_value", "u64"),
        ("max_production_ratio", "u64"), ("max_deviation_percent", "u16"), ("min_reading_interval", "u64"),
        ("backup_oracle_count", "u8"), ("consensus_threshold", "u8"), ("timestamp", "i64")]),
    "MeterStateInitialized": B([("meter_id", "[u8;32]"), ("meter_state", "pubkey"), ("initialized_by", "pubkey"),
                                ("timestamp", "i64")]),
    "MeterReadingAccepted": B([
        ("meter_id", "[u8;32]"), ("source", "u8"), ("energy_produced", "u64"), ("energy_consumed", "u64"),
        ("reading_timestamp", "i64"), ("average_reading_interval", "u64"), ("valid_readings", "u64"),
        ("total_readings", "u64"), ("quality_score", "u8")]),
    "ReadingRejected": B([
        ("meter_id", "[u8;32]"), ("source", "u8"), ("reason", "u8"), ("energy_produced", "u64"),
        ("energy_consumed", "u64"), ("reading_timestamp", "i64"), ("rejected_readings", "u64"),
        ("total_readings", "u64"), ("quality_score", "u8")]),
    "ConsensusReached": B([("meter_id", "[u8;32]"), ("oracle_count", "u8"), ("median_produced", "u64"),
                           ("median_consumed", "u64"), ("reading_timestamp", "i64")]),
    "MarketClearingTriggered": B([("triggered_by", "pubkey"), ("timestamp", "i64"), ("previous_clearing_at", "i64"),
                                  ("clearing_count", "u64")]),
    "AuthorityTransferProposed": B([("authority", "pubkey"), ("pending_authority", "pubkey"), ("expires_at", "i64")]),
    "AuthorityTransferAccepted": B([("previous_authority", "pubkey"), ("new_authority", "pubkey")]),
    "AuthorityTransferCancelled": B([("authority", "pubkey"), ("cancelled_pending", "pubkey")]),
}
#: Oracle events plus the registry's (an accepted reading also logs the CPI's MeterReadingUpdated).
ALL_EVENT_LAYOUTS: dict[str, svm_lite.Borsh] = {**reg.EVENT_LAYOUTS, **EVENT_LAYOUTS}


# ----------------------------------------------------------------------------- PDAs


def oracle_config_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"oracle_config"]`` -> OracleConfig."""
    return Pubkey.find_program_address([ORACLE_CONFIG_SEED], program_id)


def oracle_authority_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"oracle_authority"]`` -> the oracle's signer PDA for its CPI into the registry."""
    return Pubkey.find_program_address([ORACLE_AUTHORITY_SEED], program_id)


def meter_state_pda(mid: bytes, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"meter_state", meter_id (32 bytes)]`` -> MeterState."""
    if len(mid) != 32:
        raise ValueError(f"meter_id must be 32 bytes, got {len(mid)}")
    return Pubkey.find_program_address([METER_STATE_SEED, bytes(mid)], program_id)


# ----------------------------------------------------------------------------- instructions


def _gc(governance_config: Pubkey | None) -> Pubkey:
    return governance_config or gov.governance_config_pda()[0]


def params(api_gateway: Pubkey, *, min_energy_value: int = DEFAULT_MIN_ENERGY_VALUE,
           max_energy_value: int = DEFAULT_MAX_ENERGY_VALUE,
           max_production_ratio: int = DEFAULT_MAX_PRODUCTION_RATIO,
           max_deviation_percent: int = DEFAULT_MAX_DEVIATION_PERCENT,
           min_reading_interval: int = DEFAULT_MIN_READING_INTERVAL,
           backup_oracles: Sequence[Pubkey] = (), consensus_threshold: int = 1) -> otypes.OracleParams:
    """An ``OracleParams`` value (defaults = what ``initialize_oracle`` sets)."""
    return otypes.OracleParams(
        api_gateway=api_gateway, min_energy_value=min_energy_value, max_energy_value=max_energy_value,
        max_production_ratio=max_production_ratio, max_deviation_percent=max_deviation_percent,
        min_reading_interval=min_reading_interval, backup_oracles=list(backup_oracles),
        consensus_threshold=consensus_threshold)


def ix_initialize_oracle(authority: Pubkey, api_gateway: Pubkey, *,
                         governance_config: Pubkey | None = None) -> Instruction:
    return oix.initialize_oracle({"api_gateway": api_gateway}, {
        "authority": authority, "oracle_config": oracle_config_pda()[0],
        "governance_config": _gc(governance_config)})


def ix_update_oracle_config(authority: Pubkey, p: otypes.OracleParams, *,
                            governance_config: Pubkey | None = None) -> Instruction:
    return oix.update_oracle_config({"params": p}, {
        "authority": authority, "oracle_config": oracle_config_pda()[0],
        "governance_config": _gc(governance_config)})


def ix_initialize_meter_state(authority: Pubkey, mid: bytes, *, meter: Pubkey | None = None,
                              governance_config: Pubkey | None = None) -> Instruction:
    return oix.initialize_meter_state({"meter_id": list(mid)}, {
        "authority": authority, "oracle_config": oracle_config_pda()[0], "meter": meter or reg.meter_pda(mid)[0],
        "meter_state": meter_state_pda(mid)[0], "governance_config": _gc(governance_config)})


def ix_submit_meter_reading(api_gateway: Pubkey, mid: bytes, energy_produced: int, energy_consumed: int,
                            reading_timestamp: int, *, governance_config: Pubkey | None = None) -> Instruction:
    return oix.submit_meter_reading(
        {"meter_id": list(mid), "energy_produced": energy_produced, "energy_consumed": energy_consumed,
         "reading_timestamp": reading_timestamp},
        {"oracle_config": oracle_config_pda()[0], "api_gateway": api_gateway, "meter_state": meter_state_pda(mid)[0],
         "meter": reg.meter_pda(mid)[0], "oracle_authority": oracle_authority_pda()[0],
         "instructions_sysvar": INSTRUCTIONS_SYSVAR_ID, "governance_config": _gc(governance_config),
         "registry_program": reg.PROGRAM_ID})


def signed_reading_instructions(meter: Keypair, api_gateway: Pubkey, mid: bytes, energy_produced: int,
                                energy_consumed: int, reading_timestamp: int) -> list[Instruction]:
    """``[Ed25519 precompile (meter's signature), submit_meter_reading]`` — one gateway reading."""
    return [sign_reading(meter, mid, energy_produced, energy_consumed, reading_timestamp),
            ix_submit_meter_reading(api_gateway, mid, energy_produced, energy_consumed, reading_timestamp)]


def ix_submit_meter_reading_consensus(mid: bytes, reading_timestamp: int,
                                      readings: Sequence[tuple[Pubkey, int, int]], *,
                                      governance_config: Pubkey | None = None) -> Instruction:
    """``readings``: ``(oracle, energy_produced, energy_consumed)``; each oracle is a signer remaining account."""
    values = [otypes.OracleValues(energy_produced=p, energy_consumed=c) for _, p, c in readings]
    return oix.submit_meter_reading_consensus(
        {"meter_id": list(mid), "reading_timestamp": reading_timestamp, "readings": values},
        {"oracle_config": oracle_config_pda()[0], "meter_state": meter_state_pda(mid)[0],
         "meter": reg.meter_pda(mid)[0], "oracle_authority": oracle_authority_pda()[0],
         "governance_config": _gc(governance_config), "registry_program": reg.PROGRAM_ID},
        remaining_accounts=[AccountMeta(o, is_signer=True, is_writable=False) for o, _, _ in readings])


def ix_trigger_market_clearing(authority: Pubkey, *, governance_config: Pubkey | None = None) -> Instruction:
    return oix.trigger_market_clearing({"authority": authority, "oracle_config": oracle_config_pda()[0],
                                        "governance_config": _gc(governance_config)})


def ix_propose_authority_transfer(authority: Pubkey, new_authority: Pubkey) -> Instruction:
    return oix.propose_authority_transfer({"new_authority": new_authority},
                                          {"authority": authority, "oracle_config": oracle_config_pda()[0]})


def ix_accept_authority_transfer(new_authority: Pubkey) -> Instruction:
    return oix.accept_authority_transfer({"new_authority": new_authority, "oracle_config": oracle_config_pda()[0]})


def ix_cancel_authority_transfer(authority: Pubkey) -> Instruction:
    return oix.cancel_authority_transfer({"authority": authority, "oracle_config": oracle_config_pda()[0]})


# ----------------------------------------------------------------------------- decoding


def decode_oracle_config(data: bytes) -> OracleConfig:
    return OracleConfig.decode(bytes(data))


def decode_meter_state(data: bytes) -> MeterState:
    return MeterState.decode(bytes(data))


def fetch_oracle_config(svm: LiteSVM) -> OracleConfig:
    return decode_oracle_config(bytes(svm.get_account(oracle_config_pda()[0]).data))


def fetch_meter_state(svm: LiteSVM, mid: bytes) -> MeterState:
    return decode_meter_state(bytes(svm.get_account(meter_state_pda(mid)[0]).data))


def encode_oracle_config(cfg: OracleConfig) -> bytes:
    """Account bytes (discriminator + borsh) of an OracleConfig, e.g. to set counters in tests."""
    fields = {f: getattr(cfg, f) for f in cfg.__dataclass_fields__}
    fields["admin"] = cfg.admin.to_encodable()
    return OracleConfig.discriminator + OracleConfig.layout.build(fields)


def set_oracle_config_fields(svm: LiteSVM, **fields) -> OracleConfig:
    """Rewrite the OracleConfig with some fields changed (test setup, e.g. counters near ``u64::MAX``)."""
    address = oracle_config_pda()[0]
    acc = svm.get_account(address)
    updated = dataclasses.replace(decode_oracle_config(bytes(acc.data)), **fields)
    data = encode_oracle_config(updated)
    assert len(data) == len(acc.data)
    svm_lite.set_account(svm, address, data, acc.owner, acc.lamports)
    return updated


def quality_score(valid: int, total: int) -> int:
    """``valid × 100 // total`` (0 without readings), as the program computes it."""
    return 0 if total == 0 else valid * 100 // total


def moving_average(average: int, interval: int) -> int:
    """``(4 × average + interval) // 5``, or ``interval`` when there is no average yet."""
    return interval if average == 0 else (4 * average + interval) // 5


def lower_median(values: Sequence[int]) -> int:
    """``sorted(values)[(n - 1) // 2]``: the median, the lower middle value for an even count."""
    return sorted(values)[(len(values) - 1) // 2]


# ----------------------------------------------------------------------------- LiteSVM fixtures


def ensure_program_loaded(svm: LiteSVM) -> None:
    """Load target/deploy/oracle.so into ``svm`` unless it is already there (builds it if needed)."""
    acc = svm.get_account(PROGRAM_ID)
    if acc is None or not acc.executable:
        svm.add_program_from_file(PROGRAM_ID, svm_lite.program_so(PROGRAM_NAME))


def initialize_oracle_for_tests(svm: LiteSVM, api_gateway: Pubkey) -> Keypair:
    """Load the program and run the real ``initialize_oracle(api_gateway)`` signed by the bootstrap key (the
    admin; governance must be initialised). Returns the admin keypair."""
    ensure_program_loaded(svm)
    admin = et.funded_bootstrap(svm)
    svm_lite.expect_ok(svm_lite.send(svm, ix_initialize_oracle(admin.pubkey(), api_gateway), admin))
    return admin
