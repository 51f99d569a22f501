use anchor_lang::prelude::*;

use crate::{error::TpcError, events::TradeSettled, state::*};

#[derive(Accounts)]
pub struct TradeResult<'info> {
    pub terminal: Signer<'info>,
    /// CHECK: trade ring, checked by `table`.
    #[account(mut)]
    pub trades: UncheckedAccount<'info>,
    /// CHECK: market table, checked by `table`.
    #[account(mut)]
    pub market: UncheckedAccount<'info>,
    // remaining: the brokerage chunks (writable); the oldest pending trade's account must be among them
}

/// TPC-E Trade-Result: settles the oldest pending trade at the current market price (cash and holding move,
/// the security's volume grows). With nothing pending it reports `settled = false`.
pub fn handler<'info>(ctx: Context<'info, TradeResult<'info>>, _seq: u64) -> Result<()> {
    table(&ctx.accounts.trades, K_TRADES)?;
    table(&ctx.accounts.market, K_MARKET)?;
    let chunks = tables_of(ctx.remaining_accounts, K_BROKERAGE)?;
    let mut t = ctx.accounts.trades.try_borrow_mut_data()?;
    let (next, head) = (rd_u64(&t, TR_NEXT), rd_u64(&t, TR_HEAD));
    if head >= next {
        emit!(TradeSettled { t_id: 0, settled: false, account: 0, cash_cents: 0, price_cents: 0 });
        return Ok(());
    }
    let slot = TR_RING_OFF + (head % TRADE_RING) as usize * TRADE_LEN;
    let account = rd_u16(&t, slot + 4);
    let security = t[slot + 6] as usize;
    let is_buy = t[slot + 7] != 0;
    let quantity = rd_u32(&t, slot + 8);

    let price = {
        let mut m = ctx.accounts.market.try_borrow_mut_data()?;
        let row = MK_ROWS + security * SEC_LEN;
        let volume = rd_u64(&m, row + 16).checked_add(u64::from(quantity)).ok_or_else(overflow)?;
        wr_u64(&mut m, row + 16, volume);
        rd_u32(&m, row)
    };
    let pos = find(&chunks, 0, account / ACCOUNTS_PER_CHUNK)?;
    let info = &ctx.remaining_accounts[pos];
    require!(info.is_writable, TpcError::InvalidTable);
    let mut b = info.try_borrow_mut_data()?;
    let row = HEADER_LEN + (account % ACCOUNTS_PER_CHUNK) as usize * ACCT_LEN;
    let value = i64::from(price).checked_mul(i64::from(quantity)).ok_or_else(overflow)?;
    let qty = i32::try_from(quantity).map_err(|_| overflow())?;
    let held = rd_i32(&b, row + 8 + 4 * security);
    let (cash, held) = if is_buy {
        (rd_i64(&b, row).checked_sub(value), held.checked_add(qty))
    } else {
        (rd_i64(&b, row).checked_add(value), held.checked_sub(qty))
    };
    let (cash, held) = (cash.ok_or_else(overflow)?, held.ok_or_else(overflow)?);
    wr_i64(&mut b, row, cash);
    wr_i32(&mut b, row + 8 + 4 * security, held);
    t[slot + 16] = 1;
    wr_u32(&mut t, slot + 20, price);
    wr_u64(&mut t, TR_HEAD, head + 1);
    emit!(TradeSettled { t_id: head, settled: true, account, cash_cents: cash, price_cents: price });
    Ok(())
}
