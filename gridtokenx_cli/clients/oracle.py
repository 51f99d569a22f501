"""Helpers for the oracle program: PDA derivation (one function per seed scheme), the canonical signed-reading
message, the Ed25519 precompile instruction, instruction builders on top of the generated AnchorPy client
(``gridtokenx_cli.generated.oracle``), event layouts and decoding (LiteSVM fixtures: gridtokenx_cli.testing.oracle).

A gateway reading is a two-instruction transaction: ``ed25519_verify_instruction(meter_pubkey, message,
signature)`` immediately followed by ``submit_meter_reading`` (see :func:`signed_reading_instructions`).
"""
from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli import idls
from gridtokenx_cli.codec import Borsh, event_layouts
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
MAX_READING_GAP_SECONDS = 24 * 60 * 60
#: ``type_ceiling_w`` order = the registry's ``MeterType`` order
METER_TYPES = ("Solar", "Wind", "Battery", "Grid")
MAX_TYPE_CEILING_W = 1_000_000_000
MAX_CAPACITY_MARGIN_PERCENT = 100
MAX_DEVIATION_FLOOR_PERCENT = 100
DEFAULT_TYPE_CEILING_W = (1_000_000, 5_000_000, 1_000_000, 1_000_000)
DEFAULT_CAPACITY_MARGIN_PERCENT = 10
DEFAULT_FIRST_READING_MAX_INTERVAL = 60 * 60
DEFAULT_DEVIATION_FLOOR_PERCENT = 25


OracleError = idls.error_enum("OracleError", idls.program_errors('oracle'))
"""programs/oracle/src/error.rs, from the IDL."""

class RejectReason(IntEnum):
    """``state::RejectReason`` borsh discriminants, in the order the checks run."""

    FutureTimestamp = 0
    Backdated = 1
    RateLimited = 2
    OutOfRange = 3
    RatioExceeded = 4
    ExcessiveDeviation = 5
    CapacityExceeded = 6


#: OracleConfig counter of each rejection reason.
REJECT_COUNTERS = {
    RejectReason.FutureTimestamp: "rejected_future",
    RejectReason.Backdated: "rejected_backdated",
    RejectReason.RateLimited: "rejected_rate_limited",
    RejectReason.OutOfRange: "rejected_out_of_range",
    RejectReason.RatioExceeded: "rejected_ratio",
    RejectReason.ExcessiveDeviation: "rejected_deviation",
    RejectReason.CapacityExceeded: "rejected_capacity",
}

#: The ``OracleParams`` field each ``update_oracle_config`` error is about.
PARAM_ERRORS = {
    OracleError.InvalidApiGateway: "api_gateway",
    OracleError.InvalidEnergyRange: "min_energy_value",
    OracleError.InvalidProductionRatio: "max_production_ratio",
    OracleError.InvalidDeviationPercent: "max_deviation_percent",
    OracleError.InvalidReadingInterval: "min_reading_interval",
    OracleError.InvalidTypeCeiling: "type_ceiling_w",
    OracleError.InvalidCapacityMargin: "capacity_margin_percent",
    OracleError.InvalidFirstReadingInterval: "first_reading_max_interval",
    OracleError.InvalidDeviationFloor: "deviation_floor_percent",
    OracleError.TooManyBackupOracles: "backup_oracles",
    OracleError.InvalidBackupOracle: "backup_oracles",
    OracleError.InvalidConsensusThreshold: "consensus_threshold",
}

#: ``OracleParams`` fields in declaration order (every one ``update_oracle_config`` replaces).
PARAM_FIELDS = ("api_gateway", "min_energy_value", "max_energy_value", "max_production_ratio",
                "max_deviation_percent", "min_reading_interval", "type_ceiling_w", "capacity_margin_percent",
                "first_reading_max_interval", "deviation_floor_percent", "backup_oracles", "consensus_threshold")


class ReadingSource(IntEnum):
    Gateway = 0
    Consensus = 1


#: every event of oracle, generated from its IDL (gridtokenx_cli.codec.event_layouts)
EVENT_LAYOUTS: dict[str, Borsh] = event_layouts("oracle")
#: Oracle events plus the registry's (an accepted reading also logs the CPI's MeterReadingUpdated).
ALL_EVENT_LAYOUTS: dict[str, Borsh] = {**reg.EVENT_LAYOUTS, **EVENT_LAYOUTS}


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
           type_ceiling_w: Sequence[int] = DEFAULT_TYPE_CEILING_W,
           capacity_margin_percent: int = DEFAULT_CAPACITY_MARGIN_PERCENT,
           first_reading_max_interval: int = DEFAULT_FIRST_READING_MAX_INTERVAL,
           deviation_floor_percent: int = DEFAULT_DEVIATION_FLOOR_PERCENT,
           backup_oracles: Sequence[Pubkey] = (), consensus_threshold: int = 1) -> otypes.OracleParams:
    """An ``OracleParams`` value (defaults = what ``initialize_oracle`` sets). ``type_ceiling_w`` may also be a
    mapping ``{"Solar": W, …}`` of the types to change (the others keep their default)."""
    return otypes.OracleParams(
        api_gateway=api_gateway, min_energy_value=min_energy_value, max_energy_value=max_energy_value,
        max_production_ratio=max_production_ratio, max_deviation_percent=max_deviation_percent,
        min_reading_interval=min_reading_interval,
        type_ceiling_w=type_ceilings(type_ceiling_w, DEFAULT_TYPE_CEILING_W),
        capacity_margin_percent=capacity_margin_percent, first_reading_max_interval=first_reading_max_interval,
        deviation_floor_percent=deviation_floor_percent, backup_oracles=list(backup_oracles),
        consensus_threshold=consensus_threshold)


def type_ceilings(value, base: Sequence[int]) -> list[int]:
    """Four ceilings (W, MeterType order) from a sequence of four or a ``{type name: W}`` mapping over ``base``."""
    if isinstance(value, dict):
        unknown = set(value) - set(METER_TYPES)
        if unknown:
            raise ValueError(f"type_ceiling_w: unknown meter type(s) {sorted(unknown)}, expected {METER_TYPES}")
        return [int(value.get(name, base[i])) for i, name in enumerate(METER_TYPES)]
    out = [int(v) for v in value]
    if len(out) != len(METER_TYPES):
        raise ValueError(f"type_ceiling_w: {len(out)} values, expected 4 ({', '.join(METER_TYPES)})")
    return out


def current_params(cfg: OracleConfig) -> dict:
    """Every ``OracleParams`` field of a decoded ``OracleConfig`` (for read-modify-write updates)."""
    out = {name: getattr(cfg, name) for name in PARAM_FIELDS if name != "backup_oracles"}
    out["type_ceiling_w"] = list(cfg.type_ceiling_w)
    out["backup_oracles"] = list(cfg.backup_oracles[:cfg.backup_oracle_count])
    return out


def params_from_config(cfg: OracleConfig, **changes) -> otypes.OracleParams:
    """``OracleParams`` keeping every value of ``cfg`` except ``changes`` (``type_ceiling_w`` may be a partial
    ``{type name: W}`` mapping)."""
    unknown = set(changes) - set(PARAM_FIELDS)
    if unknown:
        raise TypeError(f"unknown OracleParams field(s): {sorted(unknown)}")
    current = current_params(cfg)
    if isinstance(changes.get("type_ceiling_w"), dict):
        changes = {**changes, "type_ceiling_w": type_ceilings(changes["type_ceiling_w"], current["type_ceiling_w"])}
    current.update(changes)
    return params(**current)


def check_params(p: otypes.OracleParams) -> None:
    """The checks ``update_oracle_config`` makes, in its order, client-side, raising ``ValueError("field: …")``
    (so the CLI can say which option is wrong before sending)."""
    if p.api_gateway == Pubkey.default():
        raise ValueError("api_gateway: must not be the default key")
    if p.min_energy_value > p.max_energy_value:
        raise ValueError("min_energy_value: must not exceed max_energy_value")
    if p.max_production_ratio < 1:
        raise ValueError("max_production_ratio: must be at least 1")
    if p.max_deviation_percent < 1:
        raise ValueError("max_deviation_percent: must be at least 1")
    if p.min_reading_interval > MAX_MIN_READING_INTERVAL:
        raise ValueError(f"min_reading_interval: must not exceed {MAX_MIN_READING_INTERVAL} s")
    for name, c in zip(METER_TYPES, p.type_ceiling_w):
        if not 1 <= c <= MAX_TYPE_CEILING_W:
            raise ValueError(f"type_ceiling_w: the {name} ceiling must be 1 to {MAX_TYPE_CEILING_W:,} W, got {c}")
    if p.capacity_margin_percent > MAX_CAPACITY_MARGIN_PERCENT:
        raise ValueError(f"capacity_margin_percent: must not exceed {MAX_CAPACITY_MARGIN_PERCENT}")
    if not 1 <= p.first_reading_max_interval <= MAX_READING_GAP_SECONDS:
        raise ValueError(f"first_reading_max_interval: must be 1 to {MAX_READING_GAP_SECONDS} s")
    if p.deviation_floor_percent > MAX_DEVIATION_FLOOR_PERCENT:
        raise ValueError(f"deviation_floor_percent: must not exceed {MAX_DEVIATION_FLOOR_PERCENT}")
    if len(p.backup_oracles) > MAX_BACKUP_ORACLES:
        raise ValueError(f"backup_oracles: at most {MAX_BACKUP_ORACLES}, got {len(p.backup_oracles)}")
    for i, k in enumerate(p.backup_oracles):
        if k == Pubkey.default() or k in p.backup_oracles[:i]:
            raise ValueError(f"backup_oracles: {k} is the default key or listed twice")
    if not consensus_threshold_is_safe(len(p.backup_oracles), p.consensus_threshold):
        raise ValueError(f"consensus_threshold: {p.consensus_threshold} is not safe for {len(p.backup_oracles)} "
                         f"backup oracles (valid: {valid_thresholds(len(p.backup_oracles))})")


def consensus_threshold_is_safe(n: int, t: int) -> bool:
    """``update_oracle_config``'s threshold rule: n = 0 → t ≥ 1; else with f = (n − 1) // 3: t odd, t ≤ n,
    2t > n and t ≥ 2f + 1."""
    if n == 0:
        return t >= 1
    f = (n - 1) // 3
    return t >= 2 * f + 1 and 2 * t > n and t % 2 == 1 and t <= n


def valid_thresholds(n: int) -> list[int]:
    return [t for t in range(1, max(n, 1) + 1) if consensus_threshold_is_safe(n, t)]


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


def encode_oracle_config(cfg: OracleConfig) -> bytes:
    """Account bytes (discriminator + borsh) of an OracleConfig, e.g. to set counters in tests."""
    fields = {f: getattr(cfg, f) for f in cfg.__dataclass_fields__}
    fields["admin"] = cfg.admin.to_encodable()
    return OracleConfig.discriminator + OracleConfig.layout.build(fields)


def quality_score(valid: int, total: int) -> int:
    """``valid × 100 // total`` (0 without readings), as the program computes it."""
    return 0 if total == 0 else valid * 100 // total


def moving_average(average: int, interval: int) -> int:
    """``(4 × average + interval) // 5``, or ``interval`` when there is no average yet."""
    return interval if average == 0 else (4 * average + interval) // 5


def consensus_reading(readings: Sequence[tuple[int, int]]) -> int | None:
    """Index of the reading ``submit_meter_reading_consensus`` accepts: the first ``(produced, consumed)`` equal
    to (median produced, median consumed) of an odd count; ``None`` when no signer reported that pair (the
    program refuses with ``ConsensusDisagreement``). Raises ``ValueError`` for an even or empty count."""
    k = len(readings)
    if k == 0 or k % 2 == 0:
        raise ValueError(f"an odd number of readings is required, got {k}")
    pair = (sorted(p for p, _ in readings)[k // 2], sorted(c for _, c in readings)[k // 2])
    return next((i for i, r in enumerate(readings) if tuple(r) == pair), None)


def capacity_bound_wh(capacity_w: int, ceiling_w: int, elapsed_s: int, margin_percent: int) -> int:
    """Largest Wh the capacity rule accepts: ``⌊min(capacity, ceiling) × min(elapsed, 24 h) × (100 + margin)
    / 360,000⌋``."""
    elapsed = max(0, min(elapsed_s, MAX_READING_GAP_SECONDS))
    return min(capacity_w, ceiling_w) * elapsed * (100 + margin_percent) // 360_000


