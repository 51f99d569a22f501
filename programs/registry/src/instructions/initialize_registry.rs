use anchor_lang::prelude::*;
use gridtokenx_common::{require_bootstrap, seeds, AuthorityState};

use crate::{events::RegistryInitialized, state::RegistryConfig};

#[derive(Accounts)]
pub struct InitializeRegistry<'info> {
    /// Must be `BOOTSTRAP_AUTHORITY` (checked in the handler); becomes the admin.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(init, payer = authority, space = RegistryConfig::SPACE, seeds = [seeds::REGISTRY_CONFIG], bump)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeRegistry>) -> Result<()> {
    let admin = ctx.accounts.authority.key();
    require_bootstrap(&admin)?;
    let config = &mut ctx.accounts.registry_config;
    config.admin = AuthorityState::new(admin);
    config.user_count = 0;
    config.meter_count = 0;
    config.bump = ctx.bumps.registry_config;
    config.require_meter_approval = false;
    emit!(RegistryInitialized { config: config.key(), admin });
    Ok(())
}
