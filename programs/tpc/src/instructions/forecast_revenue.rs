use anchor_lang::prelude::*;

use super::pricing_summary::Query;
use crate::{error::TpcError, events::ForecastRevenue, state::*};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ForecastArgs {
    /// [date_from, date_to): days since 1992-01-01
    pub date_from: u16,
    pub date_to: u16,
    /// discount between discount_lo and discount_hi inclusive, in percent
    pub discount_lo: u8,
    pub discount_hi: u8,
    /// quantity below
    pub quantity_below: u8,
    pub seq: u64,
}

/// TPC-H Q6 (forecasting revenue change): sum(extendedprice · discount) in cents·% over the chunks passed.
pub fn handler<'info>(ctx: Context<'info, Query<'info>>, args: ForecastArgs) -> Result<()> {
    require!(args.date_from < args.date_to && args.discount_lo <= args.discount_hi, TpcError::InvalidQuery);
    require!(!ctx.remaining_accounts.is_empty(), TpcError::TableMissing);
    let (mut revenue, mut rows) = (0u64, 0u64);
    for info in ctx.remaining_accounts {
        table(info, K_LINEITEM)?;
        let d = info.try_borrow_data()?;
        let count = rd_u16(&d, LI_COUNT) as usize;
        for r in 0..count.min(LINEITEMS_PER_CHUNK) {
            let o = LI_ROWS + r * LI_LEN;
            let ship = rd_u16(&d, o + 10);
            let disc = d[o + 5];
            if ship >= args.date_from
                && ship < args.date_to
                && disc >= args.discount_lo
                && disc <= args.discount_hi
                && d[o + 4] < args.quantity_below
            {
                let v = u64::from(rd_u32(&d, o + 12)) * u64::from(disc);
                revenue = revenue.checked_add(v).ok_or_else(overflow)?;
                rows += 1;
            }
        }
    }
    emit!(ForecastRevenue { revenue, rows });
    Ok(())
}
