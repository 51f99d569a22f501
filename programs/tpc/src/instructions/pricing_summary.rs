use anchor_lang::prelude::*;

use crate::{
    error::TpcError,
    events::{PricingSummary, Q1Group},
    state::*,
};

/// Days from 1992-01-01 (day 0 of `shipdate`) to 1998-12-01, Q1's reference date.
pub const Q1_REFERENCE_DAY: u16 = 2526;
const FLAGS: [u8; 3] = [b'A', b'N', b'R'];
const STATUSES: [u8; 2] = [b'F', b'O'];

#[derive(Accounts)]
pub struct Query<'info> {
    pub terminal: Signer<'info>,
    // remaining: lineitem chunks
}

/// TPC-H Q1 (pricing summary report) over the lineitem chunks passed: per (returnflag, linestatus) the sums and
/// count of the rows shipped by 1998-12-01 minus `delta_days`. Sums are exact integers (discounted price in
/// cents·100, charge in cents·10⁴); averages are the client's sum / count. Groups over several transactions add up.
pub fn handler<'info>(ctx: Context<'info, Query<'info>>, delta_days: u16, _seq: u64) -> Result<()> {
    require!((60..=120).contains(&delta_days), TpcError::InvalidQuery);
    require!(!ctx.remaining_accounts.is_empty(), TpcError::TableMissing);
    let cutoff = Q1_REFERENCE_DAY - delta_days;
    let mut acc = [[0u64; 6]; 6]; // [group][qty, base, disc_price, charge, disc, count]
    for info in ctx.remaining_accounts {
        table(info, K_LINEITEM)?;
        let d = info.try_borrow_data()?;
        let count = rd_u16(&d, LI_COUNT) as usize;
        for r in 0..count.min(LINEITEMS_PER_CHUNK) {
            let o = LI_ROWS + r * LI_LEN;
            if rd_u16(&d, o + 10) > cutoff {
                continue;
            }
            let flag = FLAGS.iter().position(|&f| f == d[o + 7]).ok_or(TpcError::InvalidLineitems)?;
            let status = STATUSES.iter().position(|&s| s == d[o + 8]).ok_or(TpcError::InvalidLineitems)?;
            let (qty, disc, tax) = (u64::from(d[o + 4]), u64::from(d[o + 5]), u64::from(d[o + 6]));
            let price = u64::from(rd_u32(&d, o + 12));
            let disc_price = price * (100 - disc.min(100));
            let g = &mut acc[flag * 2 + status];
            let add = [qty, price, disc_price, disc_price * (100 + tax), disc, 1];
            for (sum, v) in g.iter_mut().zip(add) {
                *sum = sum.checked_add(v).ok_or_else(overflow)?;
            }
        }
    }
    let mut groups = Vec::new();
    for (i, g) in acc.iter().enumerate() {
        if g[5] > 0 {
            groups.push(Q1Group {
                returnflag: FLAGS[i / 2],
                linestatus: STATUSES[i % 2],
                sum_qty: g[0],
                sum_base_price: g[1],
                sum_disc_price: g[2],
                sum_charge: g[3],
                sum_disc: g[4],
                count: g[5],
            });
        }
    }
    emit!(PricingSummary { delta_days, groups });
    Ok(())
}
