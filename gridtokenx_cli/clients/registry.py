"""Helpers for the registry program: PDA derivation (one function per seed scheme), canonical meter ids,
instruction builders on top of the generated AnchorPy client, event layouts, MeterAccount encoding and
(LiteSVM fixtures: gridtokenx_cli.testing.registry).

Instructions are built with ``gridtokenx_cli.generated.registry`` (``token_program`` is rewritten to
Token-2022 for ``settle_and_mint_tokens``, see ``energy_token.use_token_2022``).
"""
from __future__ import annotations

from typing import Any

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx_cli import idls
from gridtokenx_cli.codec import Borsh, event_layouts
from gridtokenx_cli.clients import energy_token as et
from gridtokenx_cli.clients import governance as gov
from gridtokenx_cli.clients import meter_pop
from gridtokenx_cli.generated.registry import instructions as rix
from gridtokenx_cli.generated.registry import types as rtypes
from gridtokenx_cli.generated.registry.accounts import MeterAccount, RegistryConfig, UserAccount
from gridtokenx_cli.generated.registry.program_id import PROGRAM_ID

PROGRAM_NAME = "registry"

# Seeds (crates/gridtokenx-common/src/seeds.rs)
REGISTRY_CONFIG_SEED = b"registry"
USER_SEED = b"user"
METER_SEED = b"meter"
REGISTRY_AUTHORITY_SEED = b"registry_authority"
ORACLE_AUTHORITY_SEED = b"oracle_authority"
GOVERNANCE_AUTHORITY_SEED = b"governance_authority"

#: crates/gridtokenx-common ids::ORACLE
ORACLE_PROGRAM_ID = idls.generated_program_id("oracle")

#: solana_sdk_ids::sysvar::instructions::ID (register_meter / rekey_meter read the meter key's signature there)
INSTRUCTIONS_SYSVAR_ID = Pubkey.from_string("Sysvar1nstructions1111111111111111111111111")
#: Rated capacity (W) the test fixtures and ``Platform.register_meter`` use when none is given: a 100 kW site,
#: generous enough for every reading the tests submit.
DEFAULT_CAPACITY_W = 100_000

MAX_FUTURE_SKEW_SECONDS = 60
MAX_READING_GAP_SECONDS = 24 * 60 * 60

# Borsh discriminants of the unit enums (state.rs)
USER_TYPES: dict[str, Any] = {"Prosumer": rtypes.user_type.Prosumer(), "Consumer": rtypes.user_type.Consumer()}
METER_TYPES: dict[str, Any] = {"Solar": rtypes.meter_type.Solar(), "Wind": rtypes.meter_type.Wind(),
               "Battery": rtypes.meter_type.Battery(), "Grid": rtypes.meter_type.Grid()}


RegistryError = idls.error_enum("RegistryError", idls.program_errors('registry'))
"""programs/registry/src/error.rs, from the IDL."""

#: every event of registry, generated from its IDL (gridtokenx_cli.codec.event_layouts)
EVENT_LAYOUTS: dict[str, Borsh] = event_layouts("registry")
#: Registry + energy_token events (settlement logs both: MeterSettled and the CPI's TokensMinted).
ALL_EVENT_LAYOUTS: dict[str, Borsh] = {**et.EVENT_LAYOUTS, **EVENT_LAYOUTS}


# ----------------------------------------------------------------------------- ids / PDAs


def meter_id(text: str | bytes) -> bytes:
    """Canonical 32-byte meter id: UTF-8 bytes zero-padded (longer than 32 bytes is an error)."""
    raw = text.encode() if isinstance(text, str) else bytes(text)
    if len(raw) > 32:
        raise ValueError(f"meter id longer than 32 bytes: {raw!r}")
    return raw.ljust(32, b"\0")


def registry_config_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"registry"]`` -> RegistryConfig."""
    return Pubkey.find_program_address([REGISTRY_CONFIG_SEED], program_id)


def user_pda(owner: Pubkey, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"user", owner]`` -> UserAccount."""
    return Pubkey.find_program_address([USER_SEED, bytes(owner)], program_id)


def meter_pda(mid: bytes, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"meter", meter_id (32 bytes)]`` -> MeterAccount."""
    if len(mid) != 32:
        raise ValueError(f"meter_id must be 32 bytes, got {len(mid)}")
    return Pubkey.find_program_address([METER_SEED, bytes(mid)], program_id)


def registry_authority_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"registry_authority"]`` -> the registry's signer PDA for its CPI into energy_token."""
    return Pubkey.find_program_address([REGISTRY_AUTHORITY_SEED], program_id)


def oracle_authority_pda(oracle_program_id: Pubkey = ORACLE_PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"oracle_authority"]`` under the oracle: the only signer ``update_meter_reading`` accepts."""
    return Pubkey.find_program_address([ORACLE_AUTHORITY_SEED], oracle_program_id)


def governance_authority_pda(governance_program_id: Pubkey = gov.PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"governance_authority"]`` under governance: the only signer ``update_claimed_erc_generation`` accepts."""
    return Pubkey.find_program_address([GOVERNANCE_AUTHORITY_SEED], governance_program_id)


def _gc(governance_config: Pubkey | None) -> Pubkey:
    return governance_config or gov.governance_config_pda()[0]


# ----------------------------------------------------------------------------- instructions


def ix_initialize_registry(authority: Pubkey) -> Instruction:
    return rix.initialize_registry({"authority": authority, "registry_config": registry_config_pda()[0]})


def ix_register_user(owner: Pubkey, user_type: str = "Prosumer", *,
                     governance_config: Pubkey | None = None) -> Instruction:
    return rix.register_user({"user_type": USER_TYPES[user_type]}, {
        "owner": owner, "user": user_pda(owner)[0], "registry_config": registry_config_pda()[0],
        "governance_config": _gc(governance_config)})


def ix_register_meter(owner: Pubkey, mid: bytes, meter_type: str, meter_pubkey: Pubkey, capacity_w: int, *,
                      governance_config: Pubkey | None = None, meter: Pubkey | None = None,
                      instructions_sysvar: Pubkey = INSTRUCTIONS_SYSVAR_ID) -> Instruction:
    """The bare ``register_meter`` instruction; it needs the meter key's proof of possession just before it
    (``register_meter_ixs`` builds both)."""
    return rix.register_meter(
        {"meter_id": list(mid), "meter_type": METER_TYPES[meter_type], "meter_pubkey": meter_pubkey,
         "capacity_w": capacity_w},
        {"owner": owner, "user": user_pda(owner)[0], "meter": meter or meter_pda(mid)[0],
         "registry_config": registry_config_pda()[0], "governance_config": _gc(governance_config),
         "instructions_sysvar": instructions_sysvar})


def register_meter_ixs(owner: Pubkey, mid: bytes, meter_type: str, meter: Keypair | Pubkey, capacity_w: int, *,
                       signature: Signature | bytes | None = None, meter_address: Pubkey | None = None,
                       **kwargs) -> list[Instruction]:
    """``[Ed25519 proof of possession, register_meter]``. ``meter`` is the meter's keypair (it signs here) or
    its public key together with a ``signature`` made where the key lives (``meter_pop.sign_register_meter``);
    ``meter_address`` overrides the MeterAccount address (negative tests)."""
    if isinstance(meter, Keypair):
        pubkey, signature = meter.pubkey(), signature or meter_pop.sign_register_meter(meter, owner, mid, capacity_w)
    else:
        pubkey = meter
        if signature is None:
            raise ValueError("a meter public key needs the meter's proof-of-possession signature")
    return [meter_pop.register_pop_instruction(pubkey, owner, mid, capacity_w, signature),
            ix_register_meter(owner, mid, meter_type, pubkey, capacity_w, meter=meter_address, **kwargs)]


def ix_update_meter_reading(oracle_authority: Pubkey, meter: Pubkey, energy_produced: int, energy_consumed: int,
                            reading_timestamp: int, *, governance_config: Pubkey | None = None) -> Instruction:
    return rix.update_meter_reading(
        {"energy_produced": energy_produced, "energy_consumed": energy_consumed,
         "reading_timestamp": reading_timestamp},
        {"oracle_authority": oracle_authority, "meter": meter, "governance_config": _gc(governance_config)})


def ix_settle_and_mint_tokens(owner: Pubkey, meter: Pubkey, *, destination: Pubkey | None = None,
                              governance_config: Pubkey | None = None,
                              registry_authority: Pubkey | None = None, token_info: Pubkey | None = None,
                              mint: Pubkey | None = None) -> Instruction:
    return et.use_token_2022(rix.settle_and_mint_tokens({
        "owner": owner, "meter": meter, "registry_authority": registry_authority or registry_authority_pda()[0],
        "token_info": token_info or et.token_info_pda()[0], "mint": mint or et.grx_mint_pda()[0],
        "destination": destination or et.grx_ata(owner), "governance_config": _gc(governance_config),
        "energy_token_program": et.PROGRAM_ID}))


def ix_update_claimed_erc_generation(governance_authority: Pubkey, meter: Pubkey, amount: int) -> Instruction:
    return rix.update_claimed_erc_generation({"amount": amount},
                                             {"governance_authority": governance_authority, "meter": meter})


def _set_active_accounts(authority: Pubkey, meter: Pubkey, governance_config: Pubkey | None) -> Any:
    return {"authority": authority, "meter": meter, "registry_config": registry_config_pda()[0],
            "governance_config": _gc(governance_config)}


def ix_deactivate_meter(authority: Pubkey, meter: Pubkey, *, governance_config: Pubkey | None = None) -> Instruction:
    return rix.deactivate_meter(_set_active_accounts(authority, meter, governance_config))


def ix_reactivate_meter(authority: Pubkey, meter: Pubkey, *, governance_config: Pubkey | None = None) -> Instruction:
    return rix.reactivate_meter(_set_active_accounts(authority, meter, governance_config))


def ix_resume_meter(authority: Pubkey, meter: Pubkey, resume_at: int, *,
                    governance_config: Pubkey | None = None) -> Instruction:
    """Admin only: move a silent meter's ``last_reading_at`` forward to ``resume_at`` (last < resume_at ≤ now) so
    that readings within 24 h after ``resume_at`` are accepted again."""
    return rix.resume_meter({"resume_at": resume_at}, _set_active_accounts(authority, meter, governance_config))


def ix_set_registry_options(authority: Pubkey, require_meter_approval: bool, *,
                            governance_config: Pubkey | None = None) -> Instruction:
    return rix.set_registry_options({"require_meter_approval": require_meter_approval}, {
        "authority": authority, "registry_config": registry_config_pda()[0],
        "governance_config": _gc(governance_config)})


def ix_approve_meter(authority: Pubkey, meter: Pubkey, *, governance_config: Pubkey | None = None) -> Instruction:
    return rix.approve_meter(_set_active_accounts(authority, meter, governance_config))


def ix_retire_meter(authority: Pubkey, meter: Pubkey, *, governance_config: Pubkey | None = None) -> Instruction:
    return rix.retire_meter(_set_active_accounts(authority, meter, governance_config))


def ix_rekey_meter(owner: Pubkey, meter: Pubkey, new_meter_pubkey: Pubkey, *,
                   governance_config: Pubkey | None = None,
                   instructions_sysvar: Pubkey = INSTRUCTIONS_SYSVAR_ID) -> Instruction:
    """The bare ``rekey_meter``; the new key's proof of possession must come just before it (``rekey_meter_ixs``)."""
    return rix.rekey_meter({"new_meter_pubkey": new_meter_pubkey}, {
        "owner": owner, "meter": meter, "registry_config": registry_config_pda()[0],
        "governance_config": _gc(governance_config), "instructions_sysvar": instructions_sysvar})


def rekey_meter_ixs(owner: Pubkey, mid: bytes, current_meter_pubkey: Pubkey, new_meter: Keypair | Pubkey, *,
                    signature: Signature | bytes | None = None, **kwargs) -> list[Instruction]:
    """``[Ed25519 proof of possession by the new key, rekey_meter]`` (``new_meter``: keypair, or public key plus
    ``signature`` from ``meter_pop.sign_rekey_meter``)."""
    if isinstance(new_meter, Keypair):
        pubkey = new_meter.pubkey()
        signature = signature or meter_pop.sign_rekey_meter(new_meter, owner, mid, current_meter_pubkey)
    else:
        pubkey = new_meter
        if signature is None:
            raise ValueError("a new meter public key needs its proof-of-possession signature")
    return [meter_pop.rekey_pop_instruction(pubkey, owner, mid, current_meter_pubkey, signature),
            ix_rekey_meter(owner, meter_pda(mid)[0], pubkey, **kwargs)]


def ix_transfer_meter(owner: Pubkey, new_owner: Pubkey, meter: Pubkey, *,
                      governance_config: Pubkey | None = None) -> Instruction:
    """Both ``owner`` and ``new_owner`` sign; ``new_owner`` must be a registered user."""
    return rix.transfer_meter({
        "owner": owner, "new_owner": new_owner, "meter": meter, "owner_user": user_pda(owner)[0],
        "new_owner_user": user_pda(new_owner)[0], "governance_config": _gc(governance_config)})


def ix_propose_authority_transfer(signer: Pubkey, new_authority: Pubkey) -> Instruction:
    return rix.propose_authority_transfer({"new_authority": new_authority},
                                          {"signer": signer, "registry_config": registry_config_pda()[0]})


def ix_accept_authority_transfer(signer: Pubkey) -> Instruction:
    return rix.accept_authority_transfer({"signer": signer, "registry_config": registry_config_pda()[0]})


def ix_cancel_authority_transfer(signer: Pubkey) -> Instruction:
    return rix.cancel_authority_transfer({"signer": signer, "registry_config": registry_config_pda()[0]})


# ----------------------------------------------------------------------------- decoding / encoding


def decode_registry_config(data: bytes) -> RegistryConfig:
    return RegistryConfig.decode(bytes(data))


def decode_user(data: bytes) -> UserAccount:
    return UserAccount.decode(bytes(data))


def decode_meter(data: bytes) -> MeterAccount:
    return MeterAccount.decode(bytes(data))


def encode_meter(m: MeterAccount) -> bytes:
    """Account bytes (discriminator + borsh) of a MeterAccount (the layout is fixed by docs/programs.md)."""
    return MeterAccount.discriminator + MeterAccount.layout.build({
        "meter_id": list(m.meter_id), "owner": m.owner, "meter_type": m.meter_type.to_encodable(),
        "meter_pubkey": m.meter_pubkey, "active": m.active, "total_generation": m.total_generation,
        "total_consumption": m.total_consumption, "settled_net_generation": m.settled_net_generation,
        "claimed_erc_generation": m.claimed_erc_generation, "last_reading_at": m.last_reading_at,
        "reading_count": m.reading_count, "registered_at": m.registered_at, "bump": m.bump,
        "capacity_w": m.capacity_w, "approved": m.approved, "retired": m.retired,
        "deactivated_by_admin": m.deactivated_by_admin})


