use anchor_lang::prelude::*;

use crate::{error::TpcError, events::OrderStatusRead, state::*};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OrderStatusArgs {
    pub w_id: u16,
    pub d_id: u8,
    pub by_name: bool,
    pub c_id: u16,
    pub c_last: u16,
    pub seq: u64,
}

#[derive(Accounts)]
pub struct OrderStatus<'info> {
    pub terminal: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: district table of (w_id, d_id), checked by `table_at`.
    pub district: UncheckedAccount<'info>,
    /// CHECK: customer table of (w_id, d_id), checked by `table_at`.
    pub customer: UncheckedAccount<'info>,
}

/// TPC-C Order-Status (clause 2.6), read-only: the customer's balance and latest order with its lines
/// (reported as the line count and amount). `found` is false once the ring has dropped that order.
pub fn handler(ctx: Context<OrderStatus>, args: OrderStatusArgs) -> Result<()> {
    let scale = ctx.accounts.config.scale;
    require!(
        args.w_id >= 1 && args.w_id <= scale.warehouses && args.d_id >= 1 && args.d_id <= DISTRICTS,
        TpcError::InvalidDistrict
    );
    table_at(&ctx.accounts.district, K_DISTRICT, args.w_id, args.d_id)?;
    table_at(&ctx.accounts.customer, K_CUSTOMER, args.w_id, args.d_id)?;
    let c = ctx.accounts.customer.try_borrow_data()?;
    let c_id = select_customer(&c, scale.customers_per_district, args.by_name, args.c_id, args.c_last)?;
    let row = customer_row(c_id);
    let balance = rd_i64(&c, row + C_BALANCE);
    let o_id = rd_u32(&c, row + C_LAST_O_ID);
    let d = ctx.accounts.district.try_borrow_data()?;
    let slot = order_slot(o_id);
    let found = o_id != 0 && rd_u32(&d, slot + O_ID) == o_id;
    let (mut carrier, mut ol_cnt, mut amount) = (0u8, 0u8, 0u64);
    if found {
        carrier = d[slot + O_CARRIER];
        ol_cnt = d[slot + O_OL_CNT];
        for n in 0..ol_cnt as usize {
            amount =
                amount.checked_add(u64::from(rd_u32(&d, slot + O_LINES + n * LINE_LEN + 4))).ok_or_else(overflow)?;
        }
    }
    emit!(OrderStatusRead {
        c_id,
        balance_cents: balance,
        o_id,
        found,
        carrier_id: carrier,
        ol_cnt,
        amount_cents: amount
    });
    Ok(())
}
