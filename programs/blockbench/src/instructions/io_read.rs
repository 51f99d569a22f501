use anchor_lang::prelude::*;

use super::{checksum, slot_range};
use crate::{
    events::IoReadDone,
    state::{KvStore, STORE_SEED},
};

/// Read-only: anyone may read a store (no authority check, account not writable).
#[derive(Accounts)]
pub struct IoRead<'info> {
    #[account(
        seeds = [STORE_SEED, store.authority.as_ref(), &store.store_id.to_le_bytes()],
        bump = store.bump,
    )]
    pub store: Box<Account<'info, KvStore>>,
}

/// Reads slots `start..start+count` and emits their checksum.
pub fn handler(ctx: Context<IoRead>, start: u32, count: u32) -> Result<()> {
    let range = slot_range(start, count)?;
    let store = &ctx.accounts.store;
    emit!(IoReadDone { store: store.key(), start, count, checksum: checksum(&store.values[range]) });
    Ok(())
}
