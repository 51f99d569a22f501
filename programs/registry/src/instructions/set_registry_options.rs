//! Registry-wide options: the registry admin only.
//!
//! `require_meter_approval`: meters registered (or re-keyed) while it is set start unapproved and their
//! readings are refused (`MeterNotApproved`) until the admin runs `approve_meter`. Switching it on or off does
//! not change meters already registered (their `approved` flag is what readings check).
use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{events::RegistryOptionsSet, state::RegistryConfig};

#[derive(Accounts)]
pub struct SetRegistryOptions<'info> {
    /// The registry admin (checked in the handler → `NotAuthority`).
    pub authority: Signer<'info>,
    #[account(mut, constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

pub fn handler(ctx: Context<SetRegistryOptions>, require_meter_approval: bool) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let admin = ctx.accounts.authority.key();
    let config = &mut ctx.accounts.registry_config;
    config.admin.require_authority(&admin)?;
    config.require_meter_approval = require_meter_approval;
    emit!(RegistryOptionsSet { require_meter_approval, admin });
    Ok(())
}
