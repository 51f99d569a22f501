//! Retire a meter for good: the registry admin only.
//!
//! The account is kept (marked retired, inactive, admin-locked) rather than closed: `register_meter`'s `init`
//! then refuses the id forever, so nobody can re-register a retired meter id and inherit its history. A
//! retired meter accepts no readings, re-key, transfer, approval, resume or (re)activation.
use anchor_lang::prelude::*;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::RegistryError,
    events::MeterRetirement,
    state::{MeterAccount, RegistryConfig},
};

#[derive(Accounts)]
pub struct RetireMeter<'info> {
    /// The registry admin (checked in the handler → `NotAuthority`).
    pub authority: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::METER, meter.meter_id.as_ref()],
        bump = meter.bump,
        constraint = !meter.retired @ RegistryError::MeterRetired,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(seeds = [seeds::REGISTRY_CONFIG], bump = registry_config.bump)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

pub fn handler(ctx: Context<RetireMeter>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let admin = ctx.accounts.authority.key();
    ctx.accounts.registry_config.admin.require_authority(&admin)?;
    let meter = &mut ctx.accounts.meter;
    meter.retired = true;
    meter.active = false;
    meter.deactivated_by_admin = true;
    emit!(MeterRetirement {
        meter_id: meter.meter_id,
        owner: meter.owner,
        retired_by: admin,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
