use anchor_lang::prelude::*;

use crate::{
    events::StoreInitialized,
    state::{KvStore, SLOTS, STORE_SEED},
};

#[derive(Accounts)]
#[instruction(store_id: u32)]
pub struct InitStore<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        init,
        payer = authority,
        space = KvStore::SPACE,
        seeds = [STORE_SEED, authority.key().as_ref(), &store_id.to_le_bytes()],
        bump,
    )]
    pub store: Box<Account<'info, KvStore>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitStore>, store_id: u32) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let store = &mut ctx.accounts.store;
    store.authority = authority;
    store.store_id = store_id;
    store.bump = ctx.bumps.store;
    store.writes = 0;
    store.values = [0; SLOTS];

    emit!(StoreInitialized { store: store.key(), authority, store_id });
    Ok(())
}
