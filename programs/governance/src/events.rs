use anchor_lang::prelude::*;

#[event]
pub struct GovernanceInitialized {
    pub admin: Pubkey,
    pub rec_authority: Pubkey,
    pub timestamp: i64,
}

#[event]
pub struct EmergencyPaused {
    pub authority: Pubkey,
    pub timestamp: i64,
    /// `GovernanceConfig::pause_count` after this pause.
    pub pause_count: u64,
}

#[event]
pub struct EmergencyUnpaused {
    pub authority: Pubkey,
    pub timestamp: i64,
    /// Seconds the system was paused (now − paused_at).
    pub paused_for: i64,
}

#[event]
pub struct AuthorityTransferProposed {
    pub authority: Pubkey,
    pub pending_authority: Pubkey,
    pub expires_at: i64,
}

#[event]
pub struct AuthorityTransferAccepted {
    pub previous_authority: Pubkey,
    pub new_authority: Pubkey,
}

#[event]
pub struct AuthorityTransferCancelled {
    pub authority: Pubkey,
    pub cancelled_pending: Pubkey,
}

#[event]
pub struct RecAuthorityChanged {
    pub admin: Pubkey,
    pub previous_rec_authority: Pubkey,
    pub new_rec_authority: Pubkey,
}

#[event]
pub struct ErcIssued {
    pub certificate: Pubkey,
    pub certificate_id: [u8; 32],
    pub owner: Pubkey,
    pub meter: Pubkey,
    pub meter_id: [u8; 32],
    pub energy_amount: u64,
    pub issued_at: i64,
    pub expires_at: i64,
    /// The meter's `claimed_erc_generation` after the claim.
    pub claimed_erc_generation: u64,
    /// `GovernanceConfig::erc_issued` after this issuance.
    pub erc_issued: u64,
}

#[event]
pub struct ErcValidated {
    pub certificate: Pubkey,
    pub certificate_id: [u8; 32],
    pub validator: Pubkey,
    pub timestamp: i64,
}

#[event]
pub struct ErcTransferred {
    pub certificate: Pubkey,
    pub certificate_id: [u8; 32],
    pub from: Pubkey,
    pub to: Pubkey,
    pub timestamp: i64,
}

#[event]
pub struct ErcRevoked {
    pub certificate: Pubkey,
    pub certificate_id: [u8; 32],
    pub revoked_by: Pubkey,
    /// Status before the revocation (Issued or Validated).
    pub previous_status: crate::state::ErcStatus,
    pub timestamp: i64,
    /// `GovernanceConfig::erc_revoked` after this revocation.
    pub erc_revoked: u64,
}

/// `sync_grx_freeze`: GRX token accounts frozen (system paused) or thawed (not paused) by this call.
#[event]
pub struct GrxFreezeSynced {
    pub paused: bool,
    pub frozen: u32,
    pub thawed: u32,
    /// Accounts passed that were already in the right state.
    pub unchanged: u32,
    pub timestamp: i64,
}
