"""Helpers for the governance program: PDA derivation (one function per seed scheme), the bootstrap key,
(the LiteSVM fixtures that create / pause / unpause the shared ``GovernanceConfig`` are in gridtokenx_cli.testing).

Instructions are built with the generated AnchorPy client ``gridtokenx_cli.generated.governance``.
"""
from __future__ import annotations

from typing import Any

from pathlib import Path

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli import idls
from gridtokenx_cli.chain.workspace import REPO_ROOT
from gridtokenx_cli.codec import Borsh, event_layouts
from gridtokenx_cli.generated.governance import instructions as gix
from gridtokenx_cli.generated.governance.accounts import ErcCertificate, GovernanceConfig
from gridtokenx_cli.generated.governance.program_id import PROGRAM_ID

PROGRAM_NAME = "governance"
BOOTSTRAP_KEYPAIR_PATH = REPO_ROOT / "keys" / "bootstrap-authority-keypair.json"

# Seeds (crates/gridtokenx-common/src/seeds.rs)
GOVERNANCE_CONFIG_SEED = b"poa_config"
ERC_CERTIFICATE_SEED = b"erc_certificate"
GOVERNANCE_AUTHORITY_SEED = b"governance_authority"

ERC_VALIDITY_SECONDS = 365 * 24 * 60 * 60
AUTHORITY_TRANSFER_TTL_SECONDS = 48 * 60 * 60


CommonError = idls.error_enum("CommonError", idls.common_errors())
"""gridtokenx_common::CommonError (7000…), generated from its source."""

# ErcStatus discriminants (borsh u8), fixed by docs/programs.md
ERC_STATUS_ISSUED, ERC_STATUS_VALIDATED, ERC_STATUS_REVOKED = 0, 1, 2

#: every event of governance, generated from its IDL (gridtokenx_cli.codec.event_layouts)
EVENT_LAYOUTS: dict[str, Borsh] = event_layouts("governance")

#: Token accounts one ``sync_grx_freeze`` takes in a legacy transaction (32-byte keys; with
#: ``emergency_pause`` in the same transaction there is room for about 25).
SYNC_BATCH = 20

TOKEN_2022_PROGRAM_ID = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
ENERGY_TOKEN_PROGRAM_ID = idls.generated_program_id("energy_token")


GovernanceError = idls.error_enum("GovernanceError", idls.program_errors('governance'))
"""programs/governance/src/error.rs, from the IDL."""

# ----------------------------------------------------------------------------- PDAs


def governance_config_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"poa_config"]`` -> GovernanceConfig."""
    return Pubkey.find_program_address([GOVERNANCE_CONFIG_SEED], program_id)


def erc_certificate_pda(certificate_id: bytes, program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"erc_certificate", certificate_id (32 bytes)]`` -> ErcCertificate."""
    if len(certificate_id) != 32:
        raise ValueError(f"certificate_id must be 32 bytes, got {len(certificate_id)}")
    return Pubkey.find_program_address([ERC_CERTIFICATE_SEED, bytes(certificate_id)], program_id)


def governance_authority_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """``[b"governance_authority"]`` -> governance's signer PDA for its CPI into the registry."""
    return Pubkey.find_program_address([GOVERNANCE_AUTHORITY_SEED], program_id)


def grx_mint_address() -> Pubkey:
    """energy_token's ``[b"grx_mint"]`` PDA (the GRX mint)."""
    return Pubkey.find_program_address([b"grx_mint"], ENERGY_TOKEN_PROGRAM_ID)[0]


def ix_sync_grx_freeze(accounts: list[Pubkey] | tuple[Pubkey, ...]) -> Instruction:
    """``sync_grx_freeze`` over GRX token ``accounts`` (permissionless): frozen while paused, thawed after."""
    from solders.instruction import AccountMeta

    accounts_: Any = {  # token_program: the Token-2022 override clientgen adds
        "governance_config": governance_config_pda()[0], "governance_authority": governance_authority_pda()[0],
        "grx_mint": grx_mint_address(), "token_program": TOKEN_2022_PROGRAM_ID}
    return gix.sync_grx_freeze(accounts_, remaining_accounts=[AccountMeta(a, False, True) for a in accounts])


def grx_token_accounts(chain) -> list[Pubkey]:
    """Every GRX (Token-2022) token account the chain knows of: ``getProgramAccounts`` filtered by the mint on
    RPC; on the embedded chain the accounts the CLI state file holds (``touched``), filtered the same way."""
    mint = grx_mint_address()
    found: list[Pubkey] = []
    if hasattr(chain, "client"):  # RpcChain
        from solana.rpc.types import MemcmpOpts

        res = chain.call("get_program_accounts", TOKEN_2022_PROGRAM_ID, encoding="base64",
                         filters=[MemcmpOpts(offset=0, bytes=str(mint))])
        for keyed in res.value:
            data = bytes(keyed.account.data)
            if _is_token_account(data):
                found.append(keyed.pubkey)
        return sorted(found, key=str)
    for address in sorted(getattr(chain, "touched", ()), key=str):
        acc = chain.get_account(address)
        if acc is not None and acc.owner == TOKEN_2022_PROGRAM_ID and bytes(acc.data)[:32] == bytes(mint) \
                and _is_token_account(bytes(acc.data)):
            found.append(address)
    return found


def _is_token_account(data: bytes) -> bool:
    # 165 bytes (no extensions), or longer with AccountType::Account (2) at offset 165; a mint is 82 bytes or
    # carries AccountType::Mint (1) there.
    return len(data) == 165 or (len(data) > 165 and data[165] == 2)


def certificate_id(text: str | bytes) -> bytes:
    """Canonical 32-byte certificate id: UTF-8 bytes zero-padded (longer than 32 is an error)."""
    raw = text.encode() if isinstance(text, str) else bytes(text)
    if len(raw) > 32:
        raise ValueError(f"certificate id longer than 32 bytes: {raw!r}")
    return raw.ljust(32, b"\0")


# ----------------------------------------------------------------------------- keys / decoding


def bootstrap_keypair(path: Path = BOOTSTRAP_KEYPAIR_PATH) -> Keypair:
    """The localnet BOOTSTRAP_AUTHORITY (signs every ``initialize_*``; governance's initial admin)."""
    from gridtokenx_cli.keypairs import read_keypair

    return read_keypair(path)


def decode_governance_config(data: bytes) -> GovernanceConfig:
    return GovernanceConfig.decode(bytes(data))


def decode_erc_certificate(data: bytes) -> ErcCertificate:
    return ErcCertificate.decode(bytes(data))


def encode_governance_config(config: GovernanceConfig) -> bytes:
    """Account bytes (discriminator + borsh) of a GovernanceConfig, e.g. to forge copies in tests."""
    return GovernanceConfig.discriminator + GovernanceConfig.layout.build({
        "admin": config.admin.to_encodable(), "rec_authority": config.rec_authority, "paused": config.paused,
        "paused_at": config.paused_at, "pause_count": config.pause_count, "erc_issued": config.erc_issued,
        "erc_revoked": config.erc_revoked, "bump": config.bump})


