use anchor_lang::prelude::*;

use crate::{
    error::TradingError,
    events::{DepthLevel, MarketDepth},
    instructions::with_book,
    state::{MarketState, OrderBook, OrderSide, DEPTH_LEVELS},
};

/// Read-only: changes no account, so it is allowed while paused.
#[derive(Accounts)]
pub struct EmitMarketDepth<'info> {
    #[account(constraint = market.key() == gridtokenx_common::pda::MARKET @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(address = market.book @ TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
}

/// Emits `MarketDepth` from the book: the best `DEPTH_LEVELS` price levels per side (bids highest first,
/// asks lowest first), unfilled Wh and order count per level. Nothing to pass: the book is the source. The
/// same computation is `gridtokenx_cli.clients.trading.market_depth` over a fetched book.
pub fn handler(ctx: Context<EmitMarketDepth>) -> Result<()> {
    let (bids, asks, orders) = with_book(&ctx.accounts.book, |book| {
        let mut out = [Vec::with_capacity(DEPTH_LEVELS), Vec::with_capacity(DEPTH_LEVELS)];
        for (levels, side) in out.iter_mut().zip([OrderSide::Buy, OrderSide::Sell]) {
            for o in book.side(side).iter().rev() {
                let full = levels.len() == DEPTH_LEVELS;
                match levels.last_mut() {
                    Some(DepthLevel { price, amount_wh, orders }) if *price == o.price => {
                        *amount_wh = amount_wh.checked_add(o.remaining_wh).ok_or(TradingError::ArithmeticOverflow)?;
                        *orders += 1; // ≤ order_capacity
                    }
                    _ if full => break,
                    _ => levels.push(DepthLevel { price: o.price, amount_wh: o.remaining_wh, orders: 1 }),
                }
            }
        }
        let orders = u32::try_from(book.len(OrderSide::Buy) + book.len(OrderSide::Sell)).unwrap_or(u32::MAX);
        let [bids, asks] = out;
        Ok((bids, asks, orders))
    })?;
    emit!(MarketDepth { bids, asks, orders_seen: orders, timestamp: Clock::get()?.unix_timestamp });
    Ok(())
}
