//! Approve a meter (its current key) for readings: the registry admin only. Needed where the deployment
//! requires approval (`RegistryConfig.require_meter_approval`); a re-key under that option clears it again.
use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::RegistryError,
    events::MeterApproved,
    state::{MeterAccount, RegistryConfig},
};

#[derive(Accounts)]
/// The accounts of the registry admin's per-meter decisions (`approve_meter`, `retire_meter`): the admin,
/// a meter that is not retired, the registry config and the pause flag.
pub struct AdminMeterDecision<'info> {
    /// The registry admin (checked in the handler → `NotAuthority`).
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

pub fn handler(ctx: Context<AdminMeterDecision>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let admin = ctx.accounts.authority.key();
    ctx.accounts.registry_config.admin.require_authority(&admin)?;
    let meter = &mut ctx.accounts.meter;
    require!(!meter.approved, RegistryError::MeterAlreadyApproved);
    meter.approved = true;
    emit!(MeterApproved { meter_id: meter.meter_id, meter_pubkey: meter.meter_pubkey, approved_by: admin });
    Ok(())
}
