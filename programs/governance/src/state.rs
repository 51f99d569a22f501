//! Governance state. `GovernanceConfig` itself lives in `gridtokenx_common` (so every program can read
//! it without depending on this crate); this program owns and initialises it.
use anchor_lang::prelude::*;

pub use gridtokenx_common::GovernanceConfig;

/// Size of the `GovernanceConfig` account (discriminator + fields).
pub const GOVERNANCE_CONFIG_SPACE: usize = 8 + GovernanceConfig::INIT_SPACE;

/// Certificates are valid for one year from issuance.
pub const ERC_VALIDITY_SECONDS: i64 = 365 * 24 * 60 * 60;

/// Lifecycle of an ERC. The seed's `Pending`/`Transferred` states are folded into `Issued`/`Validated`:
/// a transferred certificate stays `Validated` (so its new owner can sell it) and `Revoked` is terminal.
/// Fixed by docs/programs.md (trading reads it): do not reorder.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum ErcStatus {
    Issued,
    Validated,
    Revoked,
}

/// `[seeds::ERC_CERTIFICATE, certificate_id]`. FIELD ORDER FIXED (trading reads it).
#[account]
#[derive(InitSpace)]
pub struct ErcCertificate {
    pub certificate_id: [u8; 32],
    pub owner: Pubkey,
    /// The registry `MeterAccount` (PDA address) whose generation this certificate claims.
    pub meter: Pubkey,
    /// Certified energy, Wh.
    pub energy_amount: u64,
    pub issued_at: i64,
    /// `issued_at + ERC_VALIDITY_SECONDS`; the certificate is usable while `now <= expires_at`.
    pub expires_at: i64,
    pub status: ErcStatus,
    pub bump: u8,
}

impl ErcCertificate {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Expired once the clock is past `expires_at` (the same `now <= deadline` convention as the
    /// authority-transfer expiry in `gridtokenx_common`).
    pub fn is_expired(&self, now: i64) -> bool {
        now > self.expires_at
    }
}
