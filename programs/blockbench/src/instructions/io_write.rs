use anchor_lang::prelude::*;

use super::{add_writes, checksum, slot_range, XorShift64};
use crate::{
    events::IoWritten,
    state::{KvStore, STORE_SEED},
};

#[derive(Accounts)]
pub struct IoWrite<'info> {
    pub authority: Signer<'info>,
    #[account(
        mut,
        seeds = [STORE_SEED, store.authority.as_ref(), &store.store_id.to_le_bytes()],
        bump = store.bump,
        has_one = authority,
    )]
    pub store: Box<Account<'info, KvStore>>,
}

/// Writes `count` fresh xorshift64(`value_seed`) values into slots `start..start+count`.
pub fn handler(ctx: Context<IoWrite>, start: u32, count: u32, value_seed: u64) -> Result<()> {
    let range = slot_range(start, count)?;
    let store = &mut ctx.accounts.store;
    let writes = add_writes(store.writes, count)?;

    let mut rng = XorShift64::new(value_seed);
    for slot in store.values[range.clone()].iter_mut() {
        *slot = rng.next();
    }
    store.writes = writes;

    emit!(IoWritten { store: store.key(), start, count, checksum: checksum(&store.values[range]), writes });
    Ok(())
}
