use anchor_lang::prelude::*;

use super::refresh_insert::Refresh;
use crate::{error::TpcError, events::LineitemsChanged, state::*};

/// TPC-H RF2 (old sales): deletes every lineitem of `orderkey` from the chunk (swap-remove: row order is not kept).
pub fn handler(ctx: Context<Refresh>, orderkey: u32) -> Result<()> {
    table(&ctx.accounts.chunk, K_LINEITEM)?;
    let mut d = ctx.accounts.chunk.try_borrow_mut_data()?;
    let mut count = (rd_u16(&d, LI_COUNT) as usize).min(LINEITEMS_PER_CHUNK);
    let mut deleted: u16 = 0;
    let mut r = 0;
    while r < count {
        let o = LI_ROWS + r * LI_LEN;
        if rd_u32(&d, o) == orderkey {
            let last = LI_ROWS + (count - 1) * LI_LEN;
            d.copy_within(last..last + LI_LEN, o);
            d[last..last + LI_LEN].fill(0);
            count -= 1;
            deleted += 1;
        } else {
            r += 1;
        }
    }
    require!(deleted > 0, TpcError::OrderKeyNotFound);
    wr_u16(&mut d, LI_COUNT, count as u16);
    emit!(LineitemsChanged { orderkey, inserted: 0, deleted, chunk_rows: count as u16 });
    Ok(())
}
