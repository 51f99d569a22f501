use anchor_lang::prelude::*;

use crate::{error::TpcError, events::MarketWatchRead, state::*};

#[derive(Accounts)]
pub struct MarketWatch<'info> {
    pub terminal: Signer<'info>,
    /// CHECK: market table, checked by `table`.
    pub market: UncheckedAccount<'info>,
}

/// TPC-E Market-Watch, read-only: percentage change of the watched securities' market capitalisation since the
/// open, in basis points (truncated toward zero).
pub fn handler(ctx: Context<MarketWatch>, securities: Vec<u8>, _seq: u64) -> Result<()> {
    require!(!securities.is_empty() && securities.len() <= SECURITIES, TpcError::InvalidSecurity);
    table(&ctx.accounts.market, K_MARKET)?;
    let m = ctx.accounts.market.try_borrow_data()?;
    let (mut now, mut open) = (0u64, 0u64);
    for &s in &securities {
        require!((s as usize) < SECURITIES, TpcError::InvalidSecurity);
        let row = MK_ROWS + s as usize * SEC_LEN;
        let num_out = u64::from(rd_u32(&m, row + 8));
        now = num_out.checked_mul(u64::from(rd_u32(&m, row))).and_then(|v| now.checked_add(v)).ok_or_else(overflow)?;
        open = num_out
            .checked_mul(u64::from(rd_u32(&m, row + 4)))
            .and_then(|v| open.checked_add(v))
            .ok_or_else(overflow)?;
    }
    let change_bp = if open == 0 { 0 } else { (i128::from(now) - i128::from(open)) * 10_000 / i128::from(open) };
    emit!(MarketWatchRead { securities: securities.len() as u8, change_bp: change_bp as i64 });
    Ok(())
}
