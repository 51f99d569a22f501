use anchor_lang::prelude::*;

use crate::{error::TpcError, events::PaymentMade, state::*};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct PaymentArgs {
    pub w_id: u16,
    pub d_id: u8,
    pub c_w_id: u16,
    pub c_d_id: u8,
    pub by_name: bool,
    pub c_id: u16,
    pub c_last: u16,
    pub amount_cents: u32,
    pub seq: u64,
}

#[derive(Accounts)]
pub struct Payment<'info> {
    pub terminal: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: warehouse table of w_id, checked by `table_at`.
    #[account(mut)]
    pub warehouse: UncheckedAccount<'info>,
    /// CHECK: district table of (w_id, d_id), checked by `table_at`.
    #[account(mut)]
    pub district: UncheckedAccount<'info>,
    /// CHECK: customer table of (c_w_id, c_d_id), checked by `table_at`.
    #[account(mut)]
    pub customer: UncheckedAccount<'info>,
}

/// TPC-C Payment (clause 2.5): by customer id or (60 %) by last name; the history row goes to the warehouse's
/// history ring. The bad-credit C_DATA rewrite is dropped (docs/tpc.md).
pub fn handler(ctx: Context<Payment>, args: PaymentArgs) -> Result<()> {
    let scale = ctx.accounts.config.scale;
    let valid = |w: u16, d: u8| (1..=scale.warehouses).contains(&w) && (1..=DISTRICTS).contains(&d);
    require!(valid(args.w_id, args.d_id) && valid(args.c_w_id, args.c_d_id), TpcError::InvalidDistrict);
    require!(args.amount_cents >= 1 && args.amount_cents <= 500_000, TpcError::InvalidAmount);
    table_at(&ctx.accounts.warehouse, K_WAREHOUSE, args.w_id, 0)?;
    table_at(&ctx.accounts.district, K_DISTRICT, args.w_id, args.d_id)?;
    table_at(&ctx.accounts.customer, K_CUSTOMER, args.c_w_id, args.c_d_id)?;
    let amount = u64::from(args.amount_cents);

    let (c_id, balance) = {
        let mut c = ctx.accounts.customer.try_borrow_mut_data()?;
        let c_id = select_customer(&c, scale.customers_per_district, args.by_name, args.c_id, args.c_last)?;
        let row = customer_row(c_id);
        let balance = rd_i64(&c, row + C_BALANCE).checked_sub(amount as i64).ok_or_else(overflow)?;
        wr_i64(&mut c, row + C_BALANCE, balance);
        let ytd = rd_u64(&c, row + C_YTD_PAYMENT).checked_add(amount).ok_or_else(overflow)?;
        wr_u64(&mut c, row + C_YTD_PAYMENT, ytd);
        let cnt = rd_u32(&c, row + C_PAYMENT_CNT).checked_add(1).ok_or_else(overflow)?;
        wr_u32(&mut c, row + C_PAYMENT_CNT, cnt);
        (c_id, balance)
    };
    {
        let mut d = ctx.accounts.district.try_borrow_mut_data()?;
        let ytd = rd_u64(&d, D_YTD).checked_add(amount).ok_or_else(overflow)?;
        wr_u64(&mut d, D_YTD, ytd);
    }
    {
        let mut w = ctx.accounts.warehouse.try_borrow_mut_data()?;
        let ytd = rd_u64(&w, WH_YTD).checked_add(amount).ok_or_else(overflow)?;
        wr_u64(&mut w, WH_YTD, ytd);
        let n = rd_u64(&w, WH_HIST_COUNT);
        wr_u64(&mut w, WH_HIST_COUNT, n.checked_add(1).ok_or_else(overflow)?);
        let h = WH_HIST + (n % HIST_RING as u64) as usize * HIST_LEN;
        w[h..h + HIST_LEN].fill(0);
        wr_u16(&mut w, h, c_id);
        w[h + 2] = args.c_d_id;
        w[h + 3] = args.c_w_id as u8;
        w[h + 4] = args.d_id;
        wr_u32(&mut w, h + 8, args.amount_cents);
        wr_i64(&mut w, h + 12, Clock::get()?.unix_timestamp);
    }
    emit!(PaymentMade {
        w_id: args.w_id,
        d_id: args.d_id,
        c_w_id: args.c_w_id,
        c_d_id: args.c_d_id,
        c_id,
        amount_cents: args.amount_cents,
        balance_cents: balance,
    });
    Ok(())
}
