use anchor_lang::prelude::*;

use crate::{error::TpcError, events::LineitemsChanged, state::*};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct LineitemIn {
    pub quantity: u8,
    pub discount: u8,
    pub tax: u8,
    pub returnflag: u8,
    pub linestatus: u8,
    pub shipdate: u16,
    pub extendedprice: u32,
}

#[derive(Accounts)]
pub struct Refresh<'info> {
    pub terminal: Signer<'info>,
    /// CHECK: lineitem chunk, checked by `table`.
    #[account(mut)]
    pub chunk: UncheckedAccount<'info>,
}

/// TPC-H RF1 (new sales): appends one order's 1..=7 lineitems to a chunk with room.
pub fn handler(ctx: Context<Refresh>, orderkey: u32, rows: Vec<LineitemIn>) -> Result<()> {
    require!(orderkey > 0 && !rows.is_empty() && rows.len() <= 7, TpcError::InvalidLineitems);
    for r in &rows {
        require!(
            (1..=50).contains(&r.quantity)
                && r.discount <= 10
                && r.tax <= 8
                && matches!(r.returnflag, b'A' | b'N' | b'R')
                && matches!(r.linestatus, b'F' | b'O'),
            TpcError::InvalidLineitems
        );
    }
    table(&ctx.accounts.chunk, K_LINEITEM)?;
    let mut d = ctx.accounts.chunk.try_borrow_mut_data()?;
    let count = rd_u16(&d, LI_COUNT) as usize;
    require!(count + rows.len() <= LINEITEMS_PER_CHUNK, TpcError::ChunkFull);
    for (i, r) in rows.iter().enumerate() {
        let o = LI_ROWS + (count + i) * LI_LEN;
        d[o..o + LI_LEN].fill(0);
        wr_u32(&mut d, o, orderkey);
        d[o + 4] = r.quantity;
        d[o + 5] = r.discount;
        d[o + 6] = r.tax;
        d[o + 7] = r.returnflag;
        d[o + 8] = r.linestatus;
        wr_u16(&mut d, o + 10, r.shipdate);
        wr_u32(&mut d, o + 12, r.extendedprice);
    }
    let total = (count + rows.len()) as u16;
    wr_u16(&mut d, LI_COUNT, total);
    emit!(LineitemsChanged { orderkey, inserted: rows.len() as u16, deleted: 0, chunk_rows: total });
    Ok(())
}
