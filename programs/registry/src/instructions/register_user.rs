use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::RegistryError,
    events::UserRegistered,
    state::{RegistryConfig, UserAccount, UserType},
};

#[derive(Accounts)]
pub struct RegisterUser<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(init, payer = owner, space = UserAccount::SPACE, seeds = [seeds::USER, owner.key().as_ref()], bump)]
    pub user: Box<Account<'info, UserAccount>>,
    #[account(mut, constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<RegisterUser>, user_type: UserType) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let now = Clock::get()?.unix_timestamp;
    let config = &mut ctx.accounts.registry_config;
    config.user_count = config.user_count.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?;

    let owner = ctx.accounts.owner.key();
    let user = &mut ctx.accounts.user;
    user.owner = owner;
    user.user_type = user_type;
    user.meter_count = 0;
    user.registered_at = now;
    user.bump = ctx.bumps.user;

    emit!(UserRegistered { user: user.key(), owner, user_type, user_count: config.user_count, registered_at: now });
    Ok(())
}
