"""Helpers for the energy_token program: PDA derivation (one function per seed scheme), GRX token accounts,
instruction builders on top of the generated AnchorPy client, event layouts (LiteSVM fixtures: gridtokenx_cli.testing).

Instructions are built with ``gridtokenx_cli.generated.energy_token``. AnchorPy's code generator hard-codes
every account named ``token_program`` to the legacy SPL Token id; GRX is a Token-2022 mint, so the builders
here rewrite that account to Token-2022 (:func:`use_token_2022`).
"""
from __future__ import annotations

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey
from spl.token.constants import TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID
from spl.token.instructions import create_idempotent_associated_token_account, get_associated_token_address

from gridtokenx_cli import idls
from gridtokenx_cli.codec import Borsh, event_layouts
from gridtokenx_cli.clients import governance as gov
from gridtokenx_cli.generated.energy_token import instructions as eix
from gridtokenx_cli.generated.energy_token.accounts import TokenInfo
from gridtokenx_cli.generated.energy_token.program_id import PROGRAM_ID

PROGRAM_NAME = "energy_token"

# Seeds (crates/gridtokenx-common/src/seeds.rs)
TOKEN_INFO_SEED = b"token_info_2022"
GRX_MINT_SEED = b"grx_mint"
REGISTRY_AUTHORITY_SEED = b"registry_authority"

GRX_DECIMALS = 9
#: GRX base units per Wh (1 GRX = 10^9 base units = 1 kWh).
GRX_PER_WH = 1_000_000
U64_MAX = 2**64 - 1


EnergyTokenError = idls.error_enum("EnergyTokenError", idls.program_errors('energy_token'))
"""programs/energy_token/src/error.rs, from the IDL."""

#: every event of energy_token, generated from its IDL (gridtokenx_cli.codec.event_layouts)
EVENT_LAYOUTS: dict[str, Borsh] = event_layouts("energy_token")


# ----------------------------------------------------------------------------- PDAs / addresses


def token_info_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"token_info_2022"]`` -> TokenInfo (the GRX mint authority)."""
    return Pubkey.find_program_address([TOKEN_INFO_SEED], program_id)


def grx_mint_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"grx_mint"]`` -> the GRX Token-2022 mint."""
    return Pubkey.find_program_address([GRX_MINT_SEED], program_id)


def registry_authority_pda(registry_program_id: Pubkey | None = None) -> tuple[Pubkey, int]:
    """``[b"registry_authority"]`` under the registry program: the only non-admin key allowed to mint."""
    if registry_program_id is None:
        from gridtokenx_cli.generated.registry.program_id import PROGRAM_ID as REGISTRY_ID
        registry_program_id = REGISTRY_ID
    return Pubkey.find_program_address([REGISTRY_AUTHORITY_SEED], registry_program_id)


def grx_ata(owner: Pubkey) -> Pubkey:
    """The owner's associated GRX (Token-2022) token account."""
    return get_associated_token_address(owner, grx_mint_pda()[0], TOKEN_2022_PROGRAM_ID)


def wh_to_grx_units(wh: int) -> int:
    return wh * GRX_PER_WH


# ----------------------------------------------------------------------------- instructions


def use_token_2022(ix: Instruction) -> Instruction:
    """Replace the legacy SPL Token program account AnchorPy puts in for ``token_program`` by Token-2022."""
    metas = [AccountMeta(TOKEN_2022_PROGRAM_ID, m.is_signer, m.is_writable) if m.pubkey == TOKEN_PROGRAM_ID else m
             for m in ix.accounts]
    return Instruction(ix.program_id, bytes(ix.data), metas)


def ix_initialize_token(authority: Pubkey) -> Instruction:
    """``initialize_token``: the GRX mint's freeze authority is governance's ``[b"governance_authority"]`` PDA
    (the emergency pause freezes GRX accounts through ``governance::sync_grx_freeze``)."""
    return use_token_2022(eix.initialize_token(
        {"authority": authority, "token_info": token_info_pda()[0],
         "pause_authority": gov.governance_authority_pda()[0], "mint": grx_mint_pda()[0]}))


def ix_mint_tokens_direct(authority: Pubkey, destination: Pubkey, amount: int, *,
                          governance_config: Pubkey | None = None, token_info: Pubkey | None = None,
                          mint: Pubkey | None = None) -> Instruction:
    return use_token_2022(eix.mint_tokens_direct({"amount": amount}, {
        "token_info": token_info or token_info_pda()[0], "mint": mint or grx_mint_pda()[0],
        "destination": destination, "authority": authority,
        "governance_config": governance_config or gov.governance_config_pda()[0]}))


def ix_transfer_tokens(owner: Pubkey, source: Pubkey, destination: Pubkey, amount: int, *,
                       governance_config: Pubkey | None = None, mint: Pubkey | None = None) -> Instruction:
    return use_token_2022(eix.transfer_tokens({"amount": amount}, {
        "owner": owner, "from_": source, "to": destination, "mint": mint or grx_mint_pda()[0],
        "governance_config": governance_config or gov.governance_config_pda()[0]}))


def ix_burn_tokens(owner: Pubkey, source: Pubkey, amount: int, *, governance_config: Pubkey | None = None,
                   token_info: Pubkey | None = None, mint: Pubkey | None = None) -> Instruction:
    return use_token_2022(eix.burn_tokens({"amount": amount}, {
        "owner": owner, "token_info": token_info or token_info_pda()[0], "mint": mint or grx_mint_pda()[0],
        "from_": source, "governance_config": governance_config or gov.governance_config_pda()[0]}))


def ix_propose_authority_transfer(signer: Pubkey, new_authority: Pubkey) -> Instruction:
    return eix.propose_authority_transfer({"new_authority": new_authority},
                                          {"signer": signer, "token_info": token_info_pda()[0]})


def ix_accept_authority_transfer(signer: Pubkey) -> Instruction:
    return eix.accept_authority_transfer({"signer": signer, "token_info": token_info_pda()[0]})


def ix_cancel_authority_transfer(signer: Pubkey) -> Instruction:
    return eix.cancel_authority_transfer({"signer": signer, "token_info": token_info_pda()[0]})


def ix_create_grx_ata(payer: Pubkey, owner: Pubkey) -> Instruction:
    """Idempotent creation of ``owner``'s GRX associated token account (Token-2022)."""
    return create_idempotent_associated_token_account(payer, owner, grx_mint_pda()[0], TOKEN_2022_PROGRAM_ID)


# ----------------------------------------------------------------------------- decoding


def decode_token_info(data: bytes) -> TokenInfo:
    return TokenInfo.decode(bytes(data))


def encode_token_info(info: TokenInfo) -> bytes:
    """Account bytes (discriminator + borsh) of a TokenInfo, e.g. to forge copies in tests."""
    return TokenInfo.discriminator + TokenInfo.layout.build({
        "admin": info.admin.to_encodable(), "mint": info.mint, "total_minted": info.total_minted,
        "total_burned": info.total_burned, "total_supply": info.total_supply, "bump": info.bump})


