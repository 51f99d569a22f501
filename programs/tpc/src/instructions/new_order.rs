use anchor_lang::prelude::*;

use crate::{error::TpcError, events::NewOrderPlaced, state::*};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct OrderLineReq {
    pub i_id: u32,
    pub supply_w_id: u16,
    pub quantity: u8,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct NewOrderArgs {
    pub w_id: u16,
    pub d_id: u8,
    pub c_id: u16,
    pub lines: Vec<OrderLineReq>,
    /// Client request number: keeps identical requests distinct transactions.
    pub seq: u64,
}

#[derive(Accounts)]
pub struct NewOrder<'info> {
    pub terminal: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: warehouse table, checked by `table_at`.
    pub warehouse: UncheckedAccount<'info>,
    /// CHECK: district table of (w_id, d_id), checked by `table_at`.
    #[account(mut)]
    pub district: UncheckedAccount<'info>,
    /// CHECK: customer table of (w_id, d_id), checked by `table_at`.
    #[account(mut)]
    pub customer: UncheckedAccount<'info>,
    // remaining: the item chunks and (writable) stock chunks the lines touch
}

/// TPC-C New-Order (clause 2.4): one order of 1..=15 lines; an unused item id rolls the whole transaction back.
pub fn handler<'info>(ctx: Context<'info, NewOrder<'info>>, args: NewOrderArgs) -> Result<()> {
    let scale = ctx.accounts.config.scale;
    let (w_id, d_id) = (args.w_id, args.d_id);
    require!((1..=scale.warehouses).contains(&w_id) && (1..=DISTRICTS).contains(&d_id), TpcError::InvalidDistrict);
    require!(args.c_id >= 1 && args.c_id <= scale.customers_per_district, TpcError::CustomerNotFound);
    require!(!args.lines.is_empty() && args.lines.len() <= MAX_LINES, TpcError::InvalidOrderLines);
    for line in &args.lines {
        require!(line.quantity >= 1 && line.quantity <= 10, TpcError::InvalidOrderLines);
        require!(line.supply_w_id >= 1 && line.supply_w_id <= scale.warehouses, TpcError::InvalidOrderLines);
        require!(line.i_id >= 1 && line.i_id <= scale.items, TpcError::ItemNotFound);
    }
    table_at(&ctx.accounts.warehouse, K_WAREHOUSE, w_id, 0)?;
    table_at(&ctx.accounts.district, K_DISTRICT, w_id, d_id)?;
    table_at(&ctx.accounts.customer, K_CUSTOMER, w_id, d_id)?;

    // remaining accounts: item and stock chunks, told apart by their header
    let mut items: Vec<(TableKey, usize)> = Vec::new();
    let mut stocks: Vec<(TableKey, usize)> = Vec::new();
    for (i, info) in ctx.remaining_accounts.iter().enumerate() {
        let kind = info.try_borrow_data()?.get(7).copied().unwrap_or(0);
        match kind {
            K_ITEM => items.push((table(info, K_ITEM)?, i)),
            K_STOCK => stocks.push((table(info, K_STOCK)?, i)),
            _ => return err!(TpcError::InvalidTable),
        }
    }
    let locate = |list: &[(TableKey, usize)], w: u16, chunk: u16| -> Result<usize> {
        list.iter()
            .find(|(k, _)| k.w_id == w && k.chunk == chunk)
            .map(|(_, i)| *i)
            .ok_or_else(|| error!(TpcError::TableMissing))
    };

    let w_tax = rd_u16(&ctx.accounts.warehouse.try_borrow_data()?, WH_TAX);
    let now = Clock::get()?.unix_timestamp;

    // district: allocate the order id in the ring (the ring keeps the latest ORDER_RING orders)
    let (o_id, d_tax) = {
        let mut d = ctx.accounts.district.try_borrow_mut_data()?;
        let o_id = rd_u32(&d, D_NEXT_O_ID);
        let no_head = rd_u32(&d, D_NO_HEAD);
        let undelivered = o_id.checked_sub(no_head).ok_or_else(overflow)?;
        require!(undelivered < ORDER_RING, TpcError::OrderRingFull);
        wr_u32(&mut d, D_NEXT_O_ID, o_id.checked_add(1).ok_or_else(overflow)?);
        (o_id, rd_u16(&d, D_TAX))
    };

    let (discount, credit) = {
        let mut c = ctx.accounts.customer.try_borrow_mut_data()?;
        let row = customer_row(args.c_id);
        wr_u32(&mut c, row + C_LAST_O_ID, o_id);
        (rd_u16(&c, row + C_DISCOUNT), c[row + C_CREDIT])
    };

    let mut sum: u64 = 0;
    let mut brand_generic: u8 = 0;
    let mut all_local = true;
    let mut lines = [0u8; MAX_LINES * LINE_LEN];
    for (n, line) in args.lines.iter().enumerate() {
        let idx = line.i_id - 1;
        let chunk = (idx / CHUNK_ROWS) as u16;
        let row = (idx % CHUNK_ROWS) as usize;
        let item_info = &ctx.remaining_accounts[locate(&items, 0, chunk)?];
        let (price, item_original) = {
            let it = item_info.try_borrow_data()?;
            let o = HEADER_LEN + row * ITEM_LEN;
            (rd_u32(&it, o), it[o + 4])
        };
        let stock_info = &ctx.remaining_accounts[locate(&stocks, line.supply_w_id, chunk)?];
        require!(stock_info.is_writable, TpcError::InvalidTable);
        let remote = line.supply_w_id != w_id;
        all_local &= !remote;
        {
            let mut s = stock_info.try_borrow_mut_data()?;
            let o = HEADER_LEN + row * STOCK_LEN;
            let qty = u16::from(line.quantity);
            let have = rd_u16(&s, o + S_QUANTITY);
            // clause 2.4.2.2: restock by 91 when the remaining quantity would drop below 10
            let left = if have >= qty + 10 { have - qty } else { (have + 91).checked_sub(qty).ok_or_else(overflow)? };
            wr_u16(&mut s, o + S_QUANTITY, left);
            let ytd = rd_u32(&s, o + S_YTD).checked_add(u32::from(qty)).ok_or_else(overflow)?;
            wr_u32(&mut s, o + S_YTD, ytd);
            let cnt = rd_u16(&s, o + S_ORDER_CNT).checked_add(1).ok_or_else(overflow)?;
            wr_u16(&mut s, o + S_ORDER_CNT, cnt);
            if remote {
                let rc = rd_u16(&s, o + S_REMOTE_CNT).checked_add(1).ok_or_else(overflow)?;
                wr_u16(&mut s, o + S_REMOTE_CNT, rc);
            }
            if item_original != 0 && s[o + S_ORIGINAL] != 0 {
                brand_generic += 1;
            }
        }
        let amount = price.checked_mul(u32::from(line.quantity)).ok_or_else(overflow)?;
        sum = sum.checked_add(u64::from(amount)).ok_or_else(overflow)?;
        let lo = n * LINE_LEN;
        wr_u16(&mut lines, lo, line.i_id as u16);
        lines[lo + 2] = line.supply_w_id as u8;
        lines[lo + 3] = line.quantity;
        wr_u32(&mut lines, lo + 4, amount);
    }

    {
        let mut d = ctx.accounts.district.try_borrow_mut_data()?;
        let slot = order_slot(o_id);
        d[slot..slot + ORDER_LEN].fill(0);
        wr_u32(&mut d, slot + O_ID, o_id);
        wr_u16(&mut d, slot + O_C_ID, args.c_id);
        d[slot + O_OL_CNT] = args.lines.len() as u8;
        wr_i64(&mut d, slot + O_ENTRY_D, now);
        d[slot + O_LINES..slot + O_LINES + MAX_LINES * LINE_LEN].copy_from_slice(&lines);
    }

    // total = sum * (1 - c_discount) * (1 + w_tax + d_tax), rates in 1/10000
    let total = sum
        .checked_mul(10_000u64.checked_sub(u64::from(discount)).ok_or_else(overflow)?)
        .and_then(|v| v.checked_mul(10_000 + u64::from(w_tax) + u64::from(d_tax)))
        .ok_or_else(overflow)?
        / 100_000_000;
    emit!(NewOrderPlaced {
        w_id,
        d_id,
        o_id,
        c_id: args.c_id,
        ol_cnt: args.lines.len() as u8,
        all_local,
        bad_credit: credit != 0,
        brand_generic,
        total_cents: total,
    });
    Ok(())
}
