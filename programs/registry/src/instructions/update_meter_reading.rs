use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::RegistryError,
    events::MeterReadingUpdated,
    state::{MeterAccount, MAX_FUTURE_SKEW_SECONDS, MAX_READING_GAP_SECONDS},
};

/// Only the oracle program can sign for `[ORACLE_AUTHORITY]` (via CPI), so only validated readings land here,
/// and only for a meter that is not retired, approved and active.
#[derive(Accounts)]
pub struct UpdateMeterReading<'info> {
    #[account(constraint = oracle_authority.key() == gridtokenx_common::pda::ORACLE_AUTHORITY @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub oracle_authority: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::METER, meter.meter_id.as_ref()],
        bump = meter.bump,
        constraint = !meter.retired @ RegistryError::MeterRetired,
        constraint = meter.approved @ RegistryError::MeterNotApproved,
        constraint = meter.active @ RegistryError::MeterInactive,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Adds one interval reading (Wh). The illustration in platform-algorithms §4.3 saturates the totals and
/// ignores consumption; here totals use checked math (overflow is an error, not a silent cap) and both
/// production and consumption are recorded.
pub fn handler(
    ctx: Context<UpdateMeterReading>,
    energy_produced: u64,
    energy_consumed: u64,
    reading_timestamp: i64,
) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let now = Clock::get()?.unix_timestamp;
    let meter = &mut ctx.accounts.meter;

    require!(reading_timestamp > meter.last_reading_at, RegistryError::OutdatedReading);
    // now + 60 cannot overflow for any realistic clock; saturating keeps the bound correct regardless.
    require!(reading_timestamp <= now.saturating_add(MAX_FUTURE_SKEW_SECONDS), RegistryError::FutureReading);
    if meter.reading_count > 0 {
        // reading_timestamp > last_reading_at, so the difference is positive; checked for i64 extremes.
        let gap = reading_timestamp.checked_sub(meter.last_reading_at).ok_or(RegistryError::ArithmeticOverflow)?;
        require!(gap <= MAX_READING_GAP_SECONDS, RegistryError::StaleReading);
    }

    meter.total_generation =
        meter.total_generation.checked_add(energy_produced).ok_or(RegistryError::ArithmeticOverflow)?;
    meter.total_consumption =
        meter.total_consumption.checked_add(energy_consumed).ok_or(RegistryError::ArithmeticOverflow)?;
    meter.reading_count = meter.reading_count.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?;
    meter.last_reading_at = reading_timestamp;

    emit!(MeterReadingUpdated {
        meter_id: meter.meter_id,
        energy_produced,
        energy_consumed,
        reading_timestamp,
        total_generation: meter.total_generation,
        total_consumption: meter.total_consumption,
        reading_count: meter.reading_count,
    });
    Ok(())
}
