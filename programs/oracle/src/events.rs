use anchor_lang::prelude::*;

use crate::state::{ReadingSource, RejectReason};

#[event]
pub struct OracleInitialized {
    pub admin: Pubkey,
    pub api_gateway: Pubkey,
    pub timestamp: i64,
}

#[event]
pub struct OracleConfigUpdated {
    pub admin: Pubkey,
    pub api_gateway: Pubkey,
    pub min_energy_value: u64,
    pub max_energy_value: u64,
    pub max_production_ratio: u64,
    pub max_deviation_percent: u16,
    pub min_reading_interval: u64,
    pub type_ceiling_w: [u64; 4],
    pub capacity_margin_percent: u16,
    pub first_reading_max_interval: u64,
    pub deviation_floor_percent: u16,
    pub backup_oracle_count: u8,
    pub consensus_threshold: u8,
    pub timestamp: i64,
}

#[event]
pub struct MeterStateInitialized {
    pub meter_id: [u8; 32],
    pub meter_state: Pubkey,
    pub initialized_by: Pubkey,
    pub timestamp: i64,
}

/// A reading passed every validation layer and was added to the registry's meter totals.
#[event]
pub struct MeterReadingAccepted {
    pub meter_id: [u8; 32],
    pub source: ReadingSource,
    pub energy_produced: u64,
    pub energy_consumed: u64,
    pub reading_timestamp: i64,
    pub average_reading_interval: u64,
    pub valid_readings: u64,
    pub total_readings: u64,
    pub quality_score: u8,
}

/// A reading failed a validation layer: recorded (counters) but not applied; the instruction succeeds.
#[event]
pub struct ReadingRejected {
    pub meter_id: [u8; 32],
    pub source: ReadingSource,
    pub reason: RejectReason,
    pub energy_produced: u64,
    pub energy_consumed: u64,
    pub reading_timestamp: i64,
    pub rejected_readings: u64,
    pub total_readings: u64,
    pub quality_score: u8,
}

/// Enough backup oracles agreed: `oracle`'s reading equals (median produced, median consumed) and is then
/// validated like any reading.
#[event]
pub struct ConsensusReached {
    pub meter_id: [u8; 32],
    pub oracle_count: u8,
    pub oracle: Pubkey,
    pub median_produced: u64,
    pub median_consumed: u64,
    pub reading_timestamp: i64,
}

#[event]
pub struct MarketClearingTriggered {
    pub triggered_by: Pubkey,
    pub timestamp: i64,
    pub previous_clearing_at: i64,
    pub clearing_count: u64,
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
