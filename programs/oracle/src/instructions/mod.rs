//! One module per instruction: the `#[derive(Accounts)]` struct and its `handler`. Also the reading
//! pipeline shared by `submit_meter_reading` and `submit_meter_reading_consensus`.
// Every module exports `handler`; lib.rs calls them by path, the glob re-exports are for
// the Accounts structs (and the client modules Anchor generates next to them).
#![allow(ambiguous_glob_reexports)]

pub mod accept_authority_transfer;
pub mod cancel_authority_transfer;
pub mod initialize_meter_state;
pub mod initialize_oracle;
pub mod propose_authority_transfer;
pub mod submit_meter_reading;
pub mod submit_meter_reading_consensus;
pub mod trigger_market_clearing;
pub mod update_oracle_config;

pub use accept_authority_transfer::*;
pub use cancel_authority_transfer::*;
pub use initialize_meter_state::*;
pub use initialize_oracle::*;
pub use propose_authority_transfer::*;
pub use submit_meter_reading::*;
pub use submit_meter_reading_consensus::*;
pub use trigger_market_clearing::*;
pub use update_oracle_config::*;

use anchor_lang::prelude::*;
use gridtokenx_common::seeds;
use registry::state::MeterAccount;

use crate::{
    error::OracleError,
    events::{MeterReadingAccepted, ReadingRejected},
    state::{MeterState, OracleConfig, ReadingSource, RejectReason, ORACLE_AUTHORITY_BUMP},
    validation::{moving_average, quality_score, validate_reading, History, Limits},
};

/// One reading that passed the hard checks.
pub(crate) struct Reading {
    pub meter_id: [u8; 32],
    pub energy_produced: u64,
    pub energy_consumed: u64,
    pub reading_timestamp: i64,
    pub source: ReadingSource,
}

/// What the validation reads from the registry's `MeterAccount`.
pub(crate) struct MeterFacts {
    pub last_reading_at: i64,
    pub registered_at: i64,
    pub capacity_w: u64,
    /// `MeterType` declaration index (Solar 0, Wind 1, Battery 2, Grid 3): `OracleConfig::type_ceiling_w`'s index.
    pub meter_type: usize,
}

impl MeterFacts {
    pub fn of(meter: &MeterAccount) -> Self {
        Self {
            last_reading_at: meter.last_reading_at,
            registered_at: meter.registered_at,
            capacity_w: meter.capacity_w,
            meter_type: meter.meter_type as usize,
        }
    }
}

/// The accounts of the `registry::update_meter_reading` CPI.
pub(crate) struct RegistryCpi<'info> {
    pub oracle_authority: AccountInfo<'info>,
    pub meter: AccountInfo<'info>,
    pub governance_config: AccountInfo<'info>,
    pub registry_program: Pubkey,
}

fn incr(v: u64) -> Result<u64> {
    v.checked_add(1).ok_or_else(|| error!(OracleError::ArithmeticOverflow))
}

/// Validates `reading` (future, backdated, rate limit, range, ratio, deviation, capacity). A rejection is recorded
/// in the counters of `config` and `meter_state` plus a `ReadingRejected` event and returns `Ok`; an
/// accepted reading is forwarded to the registry (CPI signed by `[ORACLE_AUTHORITY]`) and becomes the
/// meter's last reading.
pub(crate) fn process_reading(
    config: &mut OracleConfig,
    meter_state: &mut MeterState,
    meter: MeterFacts,
    reading: Reading,
    cpi: RegistryCpi<'_>,
) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let limits = Limits {
        min_energy_value: config.min_energy_value,
        max_energy_value: config.max_energy_value,
        max_production_ratio: config.max_production_ratio,
        max_deviation_percent: config.max_deviation_percent,
        min_reading_interval: config.min_reading_interval,
        type_ceiling_w: config.type_ceiling_w,
        capacity_margin_percent: config.capacity_margin_percent,
        first_reading_max_interval: config.first_reading_max_interval,
        deviation_floor_percent: config.deviation_floor_percent,
    };
    let history = History {
        has_previous: meter_state.valid_readings > 0,
        last_reading_timestamp: meter_state.last_reading_timestamp,
        registry_last_reading_at: meter.last_reading_at,
        last_energy_produced: meter_state.last_energy_produced,
        registered_at: meter.registered_at,
        capacity_w: meter.capacity_w,
        meter_type: meter.meter_type,
    };
    let verdict = validate_reading(
        &limits,
        &history,
        reading.energy_produced,
        reading.energy_consumed,
        reading.reading_timestamp,
        now,
    );

    config.total_readings = incr(config.total_readings)?;
    meter_state.total_readings = incr(meter_state.total_readings)?;

    match verdict {
        Err(reason) => {
            config.rejected_readings = incr(config.rejected_readings)?;
            let counter = match reason {
                RejectReason::FutureTimestamp => &mut config.rejected_future,
                RejectReason::Backdated => &mut config.rejected_backdated,
                RejectReason::RateLimited => &mut config.rejected_rate_limited,
                RejectReason::OutOfRange => &mut config.rejected_out_of_range,
                RejectReason::RatioExceeded => &mut config.rejected_ratio,
                RejectReason::ExcessiveDeviation => &mut config.rejected_deviation,
                RejectReason::CapacityExceeded => &mut config.rejected_capacity,
            };
            *counter = incr(*counter)?;
            meter_state.rejected_readings = incr(meter_state.rejected_readings)?;
            meter_state.quality_score = quality_score(meter_state.valid_readings, meter_state.total_readings);
            emit!(ReadingRejected {
                meter_id: reading.meter_id,
                source: reading.source,
                reason,
                energy_produced: reading.energy_produced,
                energy_consumed: reading.energy_consumed,
                reading_timestamp: reading.reading_timestamp,
                rejected_readings: meter_state.rejected_readings,
                total_readings: meter_state.total_readings,
                quality_score: meter_state.quality_score,
            });
            Ok(())
        }
        Ok(()) => {
            let bump = [ORACLE_AUTHORITY_BUMP];
            let signer: &[&[&[u8]]] = &[&[seeds::ORACLE_AUTHORITY, &bump]];
            registry::cpi::update_meter_reading(
                CpiContext::new_with_signer(
                    cpi.registry_program,
                    registry::cpi::accounts::UpdateMeterReading {
                        oracle_authority: cpi.oracle_authority,
                        meter: cpi.meter,
                        governance_config: cpi.governance_config,
                    },
                    signer,
                ),
                reading.energy_produced,
                reading.energy_consumed,
                reading.reading_timestamp,
            )?;

            if history.has_previous {
                // Not backdated, so the gap is positive; i64 -> u64 cannot fail then.
                let gap = reading
                    .reading_timestamp
                    .checked_sub(meter_state.last_reading_timestamp)
                    .and_then(|g| u64::try_from(g).ok())
                    .ok_or(OracleError::ArithmeticOverflow)?;
                meter_state.average_reading_interval = moving_average(meter_state.average_reading_interval, gap);
            }
            meter_state.last_reading_timestamp = reading.reading_timestamp;
            meter_state.last_energy_produced = reading.energy_produced;
            meter_state.last_energy_consumed = reading.energy_consumed;
            meter_state.valid_readings = incr(meter_state.valid_readings)?;
            meter_state.quality_score = quality_score(meter_state.valid_readings, meter_state.total_readings);
            config.valid_readings = incr(config.valid_readings)?;

            emit!(MeterReadingAccepted {
                meter_id: reading.meter_id,
                source: reading.source,
                energy_produced: reading.energy_produced,
                energy_consumed: reading.energy_consumed,
                reading_timestamp: reading.reading_timestamp,
                average_reading_interval: meter_state.average_reading_interval,
                valid_readings: meter_state.valid_readings,
                total_readings: meter_state.total_readings,
                quality_score: meter_state.quality_score,
            });
            Ok(())
        }
    }
}
