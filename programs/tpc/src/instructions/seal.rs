use anchor_lang::prelude::*;

use crate::{
    error::TpcError,
    events::TpcSealed,
    state::{TpcConfig, CONFIG_SEED},
};

#[derive(Accounts)]
pub struct Seal<'info> {
    pub authority: Signer<'info>,
    #[account(mut, seeds = [CONFIG_SEED], bump = config.bump, has_one = authority)]
    pub config: Box<Account<'info, TpcConfig>>,
}

/// Ends the load phase: no table can be created or bulk-written afterwards.
pub fn handler(ctx: Context<Seal>) -> Result<()> {
    require!(!ctx.accounts.config.sealed, TpcError::LoadSealed);
    ctx.accounts.config.sealed = true;
    emit!(TpcSealed { authority: ctx.accounts.authority.key() });
    Ok(())
}
