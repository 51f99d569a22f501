//! Oracle accounts: the singleton `OracleConfig` and one `MeterState` per meter.
use anchor_lang::{derive_program_address, prelude::*};
use gridtokenx_common::{seeds, AuthorityState};

// The oracle's two singleton PDAs, derived at compile time: instructions check them with `address = ...`
// (free) instead of `seeds + bump` (a 1,500 CU `create_program_address` each). `initialize_oracle` still
// creates the config through `seeds`, so the constant and the seeds cannot disagree unnoticed.
const ORACLE_CONFIG_PDA: ([u8; 32], u8) = derive_program_address(&[seeds::ORACLE_CONFIG], &crate::ID.to_bytes());
const ORACLE_AUTHORITY_PDA: ([u8; 32], u8) = derive_program_address(&[seeds::ORACLE_AUTHORITY], &crate::ID.to_bytes());
/// `[seeds::ORACLE_CONFIG]` under this program.
pub const ORACLE_CONFIG_ADDRESS: Pubkey = Pubkey::new_from_array(ORACLE_CONFIG_PDA.0);
/// `[seeds::ORACLE_AUTHORITY]` under this program: the signer of the registry CPI.
pub const ORACLE_AUTHORITY_ADDRESS: Pubkey = Pubkey::new_from_array(ORACLE_AUTHORITY_PDA.0);
pub const ORACLE_AUTHORITY_BUMP: u8 = ORACLE_AUTHORITY_PDA.1;

/// Capacity of `OracleConfig::backup_oracles` (the BFT table of platform-algorithms §2.5 goes up to n = 15;
/// 10 keeps the config small: n = 10, threshold 7 tolerates 3 faulty oracles).
pub const MAX_BACKUP_ORACLES: usize = 10;

/// Readings may be stamped at most this far ahead of the cluster clock (seconds).
pub const MAX_FUTURE_SKEW_SECONDS: i64 = 60;
/// `min_reading_interval` can be at most 24 h: the registry refuses gaps above 24 h, so a longer
/// minimum interval would make every second reading impossible.
pub const MAX_MIN_READING_INTERVAL: u64 = 24 * 60 * 60;
/// The registry's largest gap between two readings (`registry::state::MAX_READING_GAP_SECONDS`): the capacity
/// bound never counts more elapsed time than this (a longer gap fails in the registry anyway).
pub const MAX_READING_GAP_SECONDS: u64 = 24 * 60 * 60;

/// Number of `registry::state::MeterType` variants (Solar, Wind, Battery, Grid): `type_ceiling_w` has one
/// entry per variant, indexed by the variant's declaration order.
pub const METER_TYPE_COUNT: usize = 4;
/// Largest accepted `type_ceiling_w` entry: 1 GW. A sanity bound (not needed against overflow, the math is
/// u128): a ceiling above the largest single plant would make the type rule meaningless.
pub const MAX_TYPE_CEILING_W: u64 = 1_000_000_000;
/// Largest accepted `capacity_margin_percent`: the bound is at most twice the rated energy.
pub const MAX_CAPACITY_MARGIN_PERCENT: u16 = 100;
/// Largest accepted `deviation_floor_percent` (of the interval's capacity bound).
pub const MAX_DEVIATION_FLOOR_PERCENT: u16 = 100;

/// Defaults set by `initialize_oracle` (platform-algorithms §2.1, §2.2, §2.4), changeable with
/// `update_oracle_config`.
pub const DEFAULT_MIN_ENERGY_VALUE: u64 = 0;
/// 1,000,000 kWh per reading, in Wh.
pub const DEFAULT_MAX_ENERGY_VALUE: u64 = 1_000_000_000;
/// 10:1 production/consumption.
pub const DEFAULT_MAX_PRODUCTION_RATIO: u64 = 10;
pub const DEFAULT_MAX_DEVIATION_PERCENT: u16 = 50;
/// "Real-time" tier: 60 s.
pub const DEFAULT_MIN_READING_INTERVAL: u64 = 60;
/// Ceilings per meter type, W, in `MeterType` order: Solar 1 MW (a large rooftop / community array),
/// Wind 5 MW (one utility turbine), Battery 1 MW, Grid 1 MW (a commercial grid connection).
pub const DEFAULT_TYPE_CEILING_W: [u64; METER_TYPE_COUNT] = [1_000_000, 5_000_000, 1_000_000, 1_000_000];
/// 10 % above the rated energy (meter accuracy class and interval-boundary jitter).
pub const DEFAULT_CAPACITY_MARGIN_PERCENT: u16 = 10;
/// A first reading covers at most one hour of rated output; readings reach back at most one hour before
/// registration.
pub const DEFAULT_FIRST_READING_MAX_INTERVAL: u64 = 60 * 60;
/// A change of up to 25 % of the interval's capacity bound is always allowed (sunrise after a 0 reading).
pub const DEFAULT_DEVIATION_FLOOR_PERCENT: u16 = 25;

/// Singleton `[seeds::ORACLE_CONFIG]`.
#[account]
#[derive(InitSpace)]
pub struct OracleConfig {
    pub admin: AuthorityState,
    /// The only key that may submit single (meter-signed) readings.
    pub api_gateway: Pubkey,
    /// Inclusive bounds for both `energy_produced` and `energy_consumed` of one reading, Wh.
    pub min_energy_value: u64,
    pub max_energy_value: u64,
    /// `energy_produced <= max_production_ratio * energy_consumed` when `energy_consumed > 0` (10 = 10:1).
    pub max_production_ratio: u64,
    /// Largest accepted change of `energy_produced` against the last accepted reading, in percent.
    pub max_deviation_percent: u16,
    /// Smallest accepted gap between two accepted readings of one meter, seconds.
    pub min_reading_interval: u64,
    /// Plausibility ceiling per meter type, W, indexed by `MeterType` (Solar, Wind, Battery, Grid). A reading's
    /// produced and consumed energy may not exceed `min(meter.capacity_w, ceiling) × elapsed s / 3600 ×
    /// (100 + capacity_margin_percent) / 100` Wh.
    pub type_ceiling_w: [u64; METER_TYPE_COUNT],
    /// Extra allowance on the rated energy, percent (0–100).
    pub capacity_margin_percent: u16,
    /// W, seconds: the capacity bound grants a meter's first accepted reading at most W of rated output, and
    /// no reading counts time from more than W before the meter's registration (a gateway may queue readings
    /// while the registration is pending; nothing earlier can be backfilled).
    pub first_reading_max_interval: u64,
    /// A production change of up to this percent of the interval's capacity bound is always allowed, so the
    /// deviation rule is defined when the previous production is 0 (0–100).
    pub deviation_floor_percent: u16,
    /// Oracles allowed to take part in `submit_meter_reading_consensus`; only the first
    /// `backup_oracle_count` entries are meaningful, the rest are `Pubkey::default()`.
    pub backup_oracles: [Pubkey; MAX_BACKUP_ORACLES],
    pub backup_oracle_count: u8,
    /// Distinct backup oracles needed for a consensus reading.
    pub consensus_threshold: u8,
    /// Every reading that passed the hard checks (accepted + rejected).
    pub total_readings: u64,
    pub valid_readings: u64,
    pub rejected_readings: u64,
    /// Rejections by `RejectReason` (their sum is `rejected_readings`).
    pub rejected_future: u64,
    pub rejected_backdated: u64,
    pub rejected_rate_limited: u64,
    pub rejected_out_of_range: u64,
    pub rejected_ratio: u64,
    pub rejected_deviation: u64,
    pub rejected_capacity: u64,
    /// Consensus rounds that reached the threshold (their median may still have been rejected).
    pub consensus_rounds: u64,
    pub last_clearing_at: i64,
    pub clearing_count: u64,
    pub bump: u8,
}

impl OracleConfig {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// The configured backup oracles.
    pub fn backups(&self) -> &[Pubkey] {
        let n = usize::from(self.backup_oracle_count).min(MAX_BACKUP_ORACLES);
        &self.backup_oracles[..n]
    }
}

/// Everything `update_oracle_config` may change (the admin changes through the authority trio).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct OracleParams {
    pub api_gateway: Pubkey,
    pub min_energy_value: u64,
    pub max_energy_value: u64,
    pub max_production_ratio: u64,
    pub max_deviation_percent: u16,
    pub min_reading_interval: u64,
    pub type_ceiling_w: [u64; METER_TYPE_COUNT],
    pub capacity_margin_percent: u16,
    pub first_reading_max_interval: u64,
    pub deviation_floor_percent: u16,
    pub backup_oracles: Vec<Pubkey>,
    pub consensus_threshold: u8,
}

/// Per-meter validation state, `[seeds::METER_STATE, meter_id]`.
#[account]
#[derive(InitSpace)]
pub struct MeterState {
    pub meter_id: [u8; 32],
    /// Timestamp of the last accepted reading (0 before the first one).
    pub last_reading_timestamp: i64,
    /// Values of the last accepted reading, Wh.
    pub last_energy_produced: u64,
    pub last_energy_consumed: u64,
    /// Integer moving average of the gaps between accepted readings: `(4 × avg + gap) / 5`, seconds.
    pub average_reading_interval: u64,
    pub total_readings: u64,
    pub valid_readings: u64,
    pub rejected_readings: u64,
    /// `valid_readings × 100 / total_readings` (integer, 0–100; 0 before the first reading).
    pub quality_score: u8,
    pub created_at: i64,
    pub bump: u8,
}

impl MeterState {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

/// Why a reading was recorded as rejected (checked in this order, the first failing check wins).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// `reading_timestamp > now + 60 s`.
    FutureTimestamp,
    /// `reading_timestamp` not after the last accepted reading (oracle or registry).
    Backdated,
    /// Less than `min_reading_interval` since the last accepted reading.
    RateLimited,
    /// A value outside `[min_energy_value, max_energy_value]`.
    OutOfRange,
    /// `energy_produced > max_production_ratio × energy_consumed`; with `energy_consumed == 0` any
    /// production on a Grid meter (generation-type meters may produce with zero consumption).
    RatioExceeded,
    /// `energy_produced` moved more than `max(max_deviation_percent of the last accepted production,
    /// deviation_floor_percent of the interval's capacity bound)`.
    ExcessiveDeviation,
    /// `energy_produced` or `energy_consumed` above `min(capacity_w, type ceiling) × elapsed × (100 + margin)`.
    CapacityExceeded,
}

/// Which instruction produced a reading.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadingSource {
    /// `submit_meter_reading`: the API gateway relays a meter-signed reading.
    Gateway,
    /// `submit_meter_reading_consensus`: the median reading of the backup oracles.
    Consensus,
}

/// One backup oracle's values in `submit_meter_reading_consensus`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct OracleValues {
    pub energy_produced: u64,
    pub energy_consumed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_time_pdas_match_runtime_derivation() {
        let (config, _) = Pubkey::find_program_address(&[seeds::ORACLE_CONFIG], &crate::ID);
        let (authority, bump) = Pubkey::find_program_address(&[seeds::ORACLE_AUTHORITY], &crate::ID);
        assert_eq!(ORACLE_CONFIG_ADDRESS, config);
        assert_eq!((ORACLE_AUTHORITY_ADDRESS, ORACLE_AUTHORITY_BUMP), (authority, bump));
    }
}
