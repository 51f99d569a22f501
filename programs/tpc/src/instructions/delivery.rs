use anchor_lang::prelude::*;

use crate::{error::TpcError, events::DeliveryDone, state::*};

#[derive(Accounts)]
pub struct Delivery<'info> {
    pub terminal: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, TpcConfig>>,
    // remaining: for d in 1..=10, district(w_id, d) then customer(w_id, d), all writable
}

/// TPC-C Delivery (clause 2.7), the whole batch of 10 districts in one transaction: per district the oldest
/// undelivered order gets the carrier and delivery date, and its customer the order's amount.
pub fn handler<'info>(ctx: Context<'info, Delivery<'info>>, w_id: u16, carrier_id: u8, _seq: u64) -> Result<()> {
    let scale = ctx.accounts.config.scale;
    require!((1..=scale.warehouses).contains(&w_id), TpcError::InvalidDistrict);
    require!((1..=10).contains(&carrier_id), TpcError::InvalidCarrier);
    let rem = ctx.remaining_accounts;
    require!(rem.len() == 2 * DISTRICTS as usize, TpcError::TableMissing);
    let now = Clock::get()?.unix_timestamp;
    let mut delivered = Vec::with_capacity(DISTRICTS as usize);
    for d_id in 1..=DISTRICTS {
        let (dist, cust) = (&rem[2 * (d_id as usize - 1)], &rem[2 * (d_id as usize - 1) + 1]);
        table_at(dist, K_DISTRICT, w_id, d_id)?;
        table_at(cust, K_CUSTOMER, w_id, d_id)?;
        require!(dist.is_writable && cust.is_writable, TpcError::InvalidTable);
        let mut d = dist.try_borrow_mut_data()?;
        let (o_id, next) = (rd_u32(&d, D_NO_HEAD), rd_u32(&d, D_NEXT_O_ID));
        if o_id >= next {
            delivered.push(0); // no new-order row in this district: skipped, as the spec allows
            continue;
        }
        let slot = order_slot(o_id);
        d[slot + O_CARRIER] = carrier_id;
        wr_i64(&mut d, slot + O_DELIVERY_D, now);
        let mut amount: i64 = 0;
        for n in 0..d[slot + O_OL_CNT] as usize {
            amount =
                amount.checked_add(i64::from(rd_u32(&d, slot + O_LINES + n * LINE_LEN + 4))).ok_or_else(overflow)?;
        }
        let c_id = rd_u16(&d, slot + O_C_ID);
        wr_u32(&mut d, D_NO_HEAD, o_id + 1);
        let mut c = cust.try_borrow_mut_data()?;
        let row = customer_row(c_id);
        let balance = rd_i64(&c, row + C_BALANCE).checked_add(amount).ok_or_else(overflow)?;
        wr_i64(&mut c, row + C_BALANCE, balance);
        let cnt = rd_u32(&c, row + C_DELIVERY_CNT).checked_add(1).ok_or_else(overflow)?;
        wr_u32(&mut c, row + C_DELIVERY_CNT, cnt);
        delivered.push(o_id);
    }
    emit!(DeliveryDone { w_id, carrier_id, o_ids: delivered });
    Ok(())
}
