//! Shared by every GridTokenX program.
//!
//! * `ids`: the program ids (Anchor.toml `[programs.localnet]`, keys/programs/*.json).
//! * `seeds`: every PDA seed, one definition each.
//! * `GovernanceConfig`: the governance program's config account. It is defined here, with this crate's
//!   `declare_id!` set to the governance program id, so that any program can take it as
//!   `Account<'info, GovernanceConfig>` (owner checked) plus `seeds::program = ids::GOVERNANCE` (address
//!   checked) and honour the emergency pause without depending on the governance crate (which would be a
//!   dependency cycle: governance -> registry -> energy_token).
//! * `ed25519`: meter signatures — the canonical signed messages (readings, meter registration and re-key)
//!   and the Ed25519-precompile check through the instructions sysvar, used by the oracle and the registry.
//! * `authority`: two-step authority transfer with a 48-hour expiry, used by every program's admin config.
//! * `BOOTSTRAP_AUTHORITY`: the only key allowed to run the `initialize*` instructions, so that nobody can
//!   front-run initialisation. Chosen at build time (build.rs): `gtx build --bootstrap-authority PUBKEY` for a
//!   deployment, otherwise the localnet key keys/bootstrap-authority-keypair.json, which is committed and so
//!   never administers a real cluster (docs/deployment.md).
use anchor_lang::prelude::*;

pub mod authority;
pub mod ed25519;
pub mod ids;
pub mod pda;
pub mod seeds;

pub use authority::AuthorityState;

// `#[account]` types in this crate are owned by the governance program.
declare_id!("G4ScZyZ1dfXxHsuFv228xDnofi72JtUqF1fMPefSmxma");

// The only signer accepted by the `initialize*` instructions of every program: `BOOTSTRAP_AUTHORITY`, chosen at
// build time by build.rs (`gtx build --bootstrap-authority PUBKEY`; default: the committed localnet key).
include!(concat!(env!("OUT_DIR"), "/bootstrap_authority.rs"));

/// 48 hours: a proposed authority must accept within this window.
pub const AUTHORITY_TRANSFER_TTL_SECONDS: i64 = 48 * 60 * 60;

/// Governance's singleton config, PDA `[seeds::GOVERNANCE_CONFIG]` under `ids::GOVERNANCE`.
#[account]
#[derive(InitSpace)]
pub struct GovernanceConfig {
    pub admin: AuthorityState,
    /// Issues, validates and revokes ERCs (the REC authority of the PoA design).
    pub rec_authority: Pubkey,
    /// Emergency stop honoured by every program.
    pub paused: bool,
    pub paused_at: i64,
    pub pause_count: u64,
    pub erc_issued: u64,
    pub erc_revoked: u64,
    pub bump: u8,
}

/// Errors of the shared logic; numbered from 7000 so they never collide with a program's own (6000+).
#[error_code(offset = 7000)]
pub enum CommonError {
    #[msg("The system is paused by governance")]
    SystemPaused,
    #[msg("Signer is not the current authority")]
    NotAuthority,
    #[msg("Signer is not the pending authority")]
    NotPendingAuthority,
    #[msg("No authority transfer is pending")]
    NoPendingTransfer,
    #[msg("The pending authority transfer has expired")]
    TransferExpired,
    #[msg("New authority must differ from the current one and not be the default key")]
    InvalidNewAuthority,
    #[msg("Only the bootstrap authority may initialise this program")]
    NotBootstrapAuthority,
}

/// Fails with `SystemPaused` when governance has paused the system.
pub fn require_not_paused(config: &GovernanceConfig) -> Result<()> {
    require!(!config.paused, CommonError::SystemPaused);
    Ok(())
}

pub fn require_bootstrap(signer: &Pubkey) -> Result<()> {
    require_keys_eq!(*signer, BOOTSTRAP_AUTHORITY, CommonError::NotBootstrapAuthority);
    Ok(())
}
