//! Let a meter that was silent for more than 24 h report again: the registry admin only.
//!
//! `update_meter_reading` rejects a reading more than `MAX_READING_GAP_SECONDS` after `last_reading_at`
//! (`StaleReading`), and every later reading is even further away, so a meter offline for more than 24 h could
//! never report again. The admin moves `last_reading_at` forward to `resume_at`; the next reading must then be
//! after `resume_at` and within 24 h of it. Totals are untouched: energy in the gap is not invented.
//!
//! Admin only (not the owner): an owner could otherwise skip the gap check whenever they liked. The meter need not
//! be active (it can be resumed before or after `reactivate_meter`; readings still require it to be active).
use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::RegistryError,
    events::MeterResumed,
    state::{MeterAccount, RegistryConfig},
};

#[derive(Accounts)]
pub struct ResumeMeter<'info> {
    /// The registry admin (`registry_config.admin.authority`, checked in the handler → `NotAuthority`).
    pub authority: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::METER, meter.meter_id.as_ref()],
        bump = meter.bump,
        constraint = !meter.retired @ RegistryError::MeterRetired,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Sets `last_reading_at = resume_at`, with `last_reading_at < resume_at ≤ now`.
pub fn handler(ctx: Context<ResumeMeter>, resume_at: i64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    ctx.accounts.registry_config.admin.require_authority(&ctx.accounts.authority.key())?;
    let now = Clock::get()?.unix_timestamp;
    let meter = &mut ctx.accounts.meter;

    let previous_last_reading_at = meter.last_reading_at;
    require!(resume_at > previous_last_reading_at, RegistryError::ResumeNotAfterLastReading);
    // No skew allowance (unlike readings): the admin picks the time, and a resume point in the future would
    // reject readings taken before it.
    require!(resume_at <= now, RegistryError::ResumeInFuture);
    meter.last_reading_at = resume_at;

    emit!(MeterResumed { meter_id: meter.meter_id, previous_last_reading_at, resume_at });
    Ok(())
}
