//! Reactivate a meter: the meter owner or the registry admin.
use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    instructions::set_meter_active,
    state::{MeterAccount, RegistryConfig},
};

#[derive(Accounts)]
pub struct ReactivateMeter<'info> {
    /// The meter owner or the registry admin (checked in the handler).
    pub authority: Signer<'info>,
    #[account(mut, seeds = [seeds::METER, meter.meter_id.as_ref()], bump = meter.bump)]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

pub fn handler(ctx: Context<ReactivateMeter>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let accounts = ctx.accounts;
    set_meter_active(&mut accounts.meter, &accounts.registry_config, &accounts.authority.key(), true)
}
