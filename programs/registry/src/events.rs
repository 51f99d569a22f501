use anchor_lang::prelude::*;

use crate::state::{MeterType, UserType};

#[event]
pub struct RegistryInitialized {
    pub config: Pubkey,
    pub admin: Pubkey,
}

#[event]
pub struct UserRegistered {
    pub user: Pubkey,
    pub owner: Pubkey,
    pub user_type: UserType,
    pub user_count: u64,
    pub registered_at: i64,
}

#[event]
pub struct MeterRegistered {
    pub meter: Pubkey,
    pub meter_id: [u8; 32],
    pub owner: Pubkey,
    pub meter_type: MeterType,
    pub meter_pubkey: Pubkey,
    pub meter_count: u64,
    pub registered_at: i64,
    pub capacity_w: u64,
    pub approved: bool,
}

#[event]
pub struct MeterReadingUpdated {
    pub meter_id: [u8; 32],
    pub energy_produced: u64,
    pub energy_consumed: u64,
    pub reading_timestamp: i64,
    pub total_generation: u64,
    pub total_consumption: u64,
    pub reading_count: u64,
}

#[event]
pub struct MeterSettled {
    pub meter_id: [u8; 32],
    pub owner: Pubkey,
    /// Wh settled by this instruction.
    pub energy_settled: u64,
    /// GRX base units minted (`energy_settled * GRX_PER_WH`).
    pub tokens_minted: u64,
    /// The new settlement high-water mark, Wh.
    pub settled_net_generation: u64,
    pub timestamp: i64,
}

#[event]
pub struct ErcGenerationClaimed {
    pub meter_id: [u8; 32],
    pub amount: u64,
    pub claimed_erc_generation: u64,
    pub total_generation: u64,
}

#[event]
pub struct MeterStatusChanged {
    pub meter_id: [u8; 32],
    pub active: bool,
    pub changed_by: Pubkey,
    pub timestamp: i64,
    /// The meter is (still) locked by an admin deactivation.
    pub deactivated_by_admin: bool,
}

#[event]
pub struct RegistryOptionsSet {
    pub require_meter_approval: bool,
    pub admin: Pubkey,
}

#[event]
pub struct MeterApproved {
    pub meter_id: [u8; 32],
    pub meter_pubkey: Pubkey,
    pub approved_by: Pubkey,
}

#[event]
pub struct MeterRekeyed {
    pub meter_id: [u8; 32],
    pub owner: Pubkey,
    pub previous_meter_pubkey: Pubkey,
    pub meter_pubkey: Pubkey,
    /// False when the registry requires approval: the new key waits for `approve_meter`.
    pub approved: bool,
}

#[event]
pub struct MeterTransferred {
    pub meter_id: [u8; 32],
    pub previous_owner: Pubkey,
    pub new_owner: Pubkey,
    /// Generation (Wh) recorded before the transfer and never certified; it can no longer be certified (the
    /// ERC mark moves up to total generation) so the new owner cannot receive certificates for it.
    pub erc_generation_closed: u64,
}

/// The admin retired the meter for good (the error of the same purpose is `RegistryError::MeterRetired`).
#[event]
pub struct MeterRetirement {
    pub meter_id: [u8; 32],
    pub owner: Pubkey,
    pub retired_by: Pubkey,
    pub timestamp: i64,
}

/// The admin moved `last_reading_at` forward after an outage (`resume_meter`); totals unchanged.
#[event]
pub struct MeterResumed {
    pub meter_id: [u8; 32],
    pub previous_last_reading_at: i64,
    pub resume_at: i64,
}

#[event]
pub struct AuthorityTransferProposed {
    pub current_authority: Pubkey,
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
