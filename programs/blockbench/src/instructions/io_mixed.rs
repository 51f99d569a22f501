use anchor_lang::prelude::*;

use super::{add_writes, checksum, slot_range, XorShift64};
use crate::{
    events::IoMixedDone,
    state::{KvStore, STORE_SEED},
};

#[derive(Accounts)]
pub struct IoMixed<'info> {
    pub authority: Signer<'info>,
    #[account(
        mut,
        seeds = [STORE_SEED, store.authority.as_ref(), &store.store_id.to_le_bytes()],
        bump = store.bump,
        has_one = authority,
    )]
    pub store: Box<Account<'info, KvStore>>,
}

/// Read-modify-write: `slot = slot.rotate_left(1) ^ xorshift64(value_seed)` for each slot.
pub fn handler(ctx: Context<IoMixed>, start: u32, count: u32, value_seed: u64) -> Result<()> {
    let range = slot_range(start, count)?;
    let store = &mut ctx.accounts.store;
    let writes = add_writes(store.writes, count)?;

    let checksum_before = checksum(&store.values[range.clone()]);
    let mut rng = XorShift64::new(value_seed);
    for slot in store.values[range.clone()].iter_mut() {
        *slot = slot.rotate_left(1) ^ rng.next();
    }
    store.writes = writes;

    emit!(IoMixedDone {
        store: store.key(),
        start,
        count,
        checksum_before,
        checksum_after: checksum(&store.values[range]),
        writes,
    });
    Ok(())
}
