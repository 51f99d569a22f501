use anchor_lang::prelude::*;

use crate::{error::TpcError, events::StockLevelRead, state::*};

#[derive(Accounts)]
pub struct StockLevel<'info> {
    pub terminal: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: district table, checked by `table`; its key names the warehouse whose stock is read.
    pub district: UncheckedAccount<'info>,
    // remaining: every stock chunk of that warehouse
}

/// TPC-C Stock-Level (clause 2.8), read-only: distinct items of the district's last 20 orders whose stock in
/// the home warehouse is below `threshold`.
pub fn handler<'info>(ctx: Context<'info, StockLevel<'info>>, threshold: u8, _seq: u64) -> Result<()> {
    require!((10..=20).contains(&threshold), TpcError::InvalidThreshold);
    let items = ctx.accounts.config.scale.items;
    let key = table(&ctx.accounts.district, K_DISTRICT)?;
    let stocks = tables_of(ctx.remaining_accounts, K_STOCK)?;
    let d = ctx.accounts.district.try_borrow_data()?;
    let next = rd_u32(&d, D_NEXT_O_ID);
    let mut seen = vec![0u8; (items as usize + 8) / 8];
    let mut low: u32 = 0;
    for o_id in next.saturating_sub(20).max(1)..next {
        let slot = order_slot(o_id);
        if rd_u32(&d, slot + O_ID) != o_id {
            continue;
        }
        for n in 0..d[slot + O_OL_CNT] as usize {
            let i_id = u32::from(rd_u16(&d, slot + O_LINES + n * LINE_LEN));
            if i_id == 0 || i_id > items || seen[i_id as usize / 8] & (1 << (i_id % 8)) != 0 {
                continue;
            }
            seen[i_id as usize / 8] |= 1 << (i_id % 8);
            let idx = i_id - 1;
            let pos = find(&stocks, key.w_id, (idx / CHUNK_ROWS) as u16)?;
            let s = ctx.remaining_accounts[pos].try_borrow_data()?;
            if rd_u16(&s, HEADER_LEN + (idx % CHUNK_ROWS) as usize * STOCK_LEN + S_QUANTITY) < u16::from(threshold) {
                low += 1;
            }
        }
    }
    emit!(StockLevelRead { w_id: key.w_id, d_id: key.d_id, threshold, low_stock: low });
    Ok(())
}
