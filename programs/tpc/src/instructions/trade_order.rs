use anchor_lang::prelude::*;

use crate::{error::TpcError, events::TradeOrdered, state::*};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct TradeOrderArgs {
    pub account: u16,
    pub security: u8,
    pub is_buy: bool,
    pub quantity: u32,
    pub seq: u64,
}

#[derive(Accounts)]
pub struct TradeOrder<'info> {
    pub terminal: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: market table, checked by `table`.
    pub market: UncheckedAccount<'info>,
    /// CHECK: the brokerage chunk holding `account`, checked by `table`.
    pub brokerage: UncheckedAccount<'info>,
    /// CHECK: trade ring, checked by `table`.
    #[account(mut)]
    pub trades: UncheckedAccount<'info>,
}

/// TPC-E Trade-Order (market order): checks the account can pay (buy) or holds the shares (sell) at the current
/// price and queues a pending trade for Trade-Result.
pub fn handler(ctx: Context<TradeOrder>, args: TradeOrderArgs) -> Result<()> {
    require!(args.account < ctx.accounts.config.scale.brokerage_accounts, TpcError::InvalidAccount);
    require!((args.security as usize) < SECURITIES, TpcError::InvalidSecurity);
    require!(args.quantity > 0, TpcError::InvalidTradeQuantity);
    table(&ctx.accounts.market, K_MARKET)?;
    let chunk = table(&ctx.accounts.brokerage, K_BROKERAGE)?.chunk;
    require!(chunk == args.account / ACCOUNTS_PER_CHUNK, TpcError::InvalidTable);
    table(&ctx.accounts.trades, K_TRADES)?;

    let price = rd_u32(&ctx.accounts.market.try_borrow_data()?, MK_ROWS + args.security as usize * SEC_LEN);
    {
        let b = ctx.accounts.brokerage.try_borrow_data()?;
        let row = HEADER_LEN + (args.account % ACCOUNTS_PER_CHUNK) as usize * ACCT_LEN;
        if args.is_buy {
            let cost = i64::from(price).checked_mul(i64::from(args.quantity)).ok_or_else(overflow)?;
            require!(rd_i64(&b, row) >= cost, TpcError::InsufficientFunds);
        } else {
            let held = rd_i32(&b, row + 8 + 4 * args.security as usize);
            require!(i64::from(held) >= i64::from(args.quantity), TpcError::InsufficientHoldings);
        }
    }
    let mut t = ctx.accounts.trades.try_borrow_mut_data()?;
    let (next, head) = (rd_u64(&t, TR_NEXT), rd_u64(&t, TR_HEAD));
    require!(next.checked_sub(head).ok_or_else(overflow)? < TRADE_RING, TpcError::TradeBookFull);
    let slot = TR_RING_OFF + (next % TRADE_RING) as usize * TRADE_LEN;
    t[slot..slot + TRADE_LEN].fill(0);
    wr_u32(&mut t, slot, next as u32);
    wr_u16(&mut t, slot + 4, args.account);
    t[slot + 6] = args.security;
    t[slot + 7] = u8::from(args.is_buy);
    wr_u32(&mut t, slot + 8, args.quantity);
    wr_u32(&mut t, slot + 12, price);
    wr_u64(&mut t, TR_NEXT, next.checked_add(1).ok_or_else(overflow)?);
    emit!(TradeOrdered {
        t_id: next,
        account: args.account,
        security: args.security,
        is_buy: args.is_buy,
        quantity: args.quantity,
        price_cents: price
    });
    Ok(())
}
