use anchor_lang::{
    prelude::*,
    system_program::{transfer, Transfer},
};

use crate::{
    error::BlockbenchError,
    events::StoreFunded,
    state::{KvStore, STORE_SEED},
};

#[derive(Accounts)]
pub struct FundStore<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        mut,
        seeds = [STORE_SEED, store.authority.as_ref(), &store.store_id.to_le_bytes()],
        bump = store.bump,
        has_one = authority,
    )]
    pub store: Box<Account<'info, KvStore>>,
    pub system_program: Program<'info, System>,
}

/// Explicit system-program CPI: moves `lamports` from the authority to the store PDA.
pub fn handler(ctx: Context<FundStore>, lamports: u64) -> Result<()> {
    require!(lamports > 0, BlockbenchError::ZeroAmount);

    let cpi_accounts =
        Transfer { from: ctx.accounts.authority.to_account_info(), to: ctx.accounts.store.to_account_info() };
    transfer(CpiContext::new(ctx.accounts.system_program.key(), cpi_accounts), lamports)?;

    let store = &ctx.accounts.store;
    emit!(StoreFunded { store: store.key(), lamports, balance: store.to_account_info().lamports() });
    Ok(())
}
