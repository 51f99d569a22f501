use anchor_lang::prelude::*;
use gridtokenx_common::require_bootstrap;

use crate::{
    error::TpcError,
    events::TpcInitialized,
    state::{Scale, TpcConfig, CHUNK_ROWS, CONFIG_SEED, MAX_CUSTOMERS, MAX_ITEMS, MAX_WAREHOUSES},
};

#[derive(Accounts)]
pub struct Initialize<'info> {
    /// Must be `BOOTSTRAP_AUTHORITY` (checked in the handler); becomes the loader authority.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(init, payer = authority, space = TpcConfig::SPACE, seeds = [CONFIG_SEED], bump)]
    pub config: Box<Account<'info, TpcConfig>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<Initialize>, scale: Scale) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    require_bootstrap(&authority)?;
    require!(scale.warehouses >= 1 && scale.warehouses <= MAX_WAREHOUSES, TpcError::InvalidScale);
    require!(
        scale.customers_per_district >= 1 && scale.customers_per_district <= MAX_CUSTOMERS,
        TpcError::InvalidScale
    );
    require!(scale.items >= CHUNK_ROWS.min(100) && scale.items <= MAX_ITEMS, TpcError::InvalidScale);
    let config = &mut ctx.accounts.config;
    config.authority = authority;
    config.scale = scale;
    config.sealed = false;
    config.bump = ctx.bumps.config;
    emit!(TpcInitialized { authority, warehouses: scale.warehouses, items: scale.items });
    Ok(())
}
