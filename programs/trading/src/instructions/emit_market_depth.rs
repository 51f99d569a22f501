use anchor_lang::prelude::*;
use gridtokenx_common::seeds;

use crate::{
    error::TradingError,
    events::{DepthLevel, MarketDepth},
    instructions::load_order,
    state::{MarketState, OrderSide, DEPTH_LEVELS, MAX_DEPTH_ORDERS},
};

/// Read-only: changes no account, so it is allowed while paused.
#[derive(Accounts)]
pub struct EmitMarketDepth<'info> {
    #[account(seeds = [seeds::MARKET], bump = market.bump)]
    pub market: Box<Account<'info, MarketState>>,
}

/// Adds `amount_wh` at `price` to `levels`, kept sorted best first (`descending` for bids).
fn add_level(levels: &mut Vec<DepthLevel>, price: u64, amount_wh: u64, descending: bool) -> Result<()> {
    match levels.iter().position(|l| if descending { l.price <= price } else { l.price >= price }) {
        Some(i) if levels[i].price == price => {
            let level = &mut levels[i];
            level.amount_wh = level.amount_wh.checked_add(amount_wh).ok_or(TradingError::ArithmeticOverflow)?;
            level.orders = level.orders.checked_add(1).ok_or(TradingError::ArithmeticOverflow)?;
        }
        Some(i) => levels.insert(i, DepthLevel { price, amount_wh, orders: 1 }),
        None => levels.push(DepthLevel { price, amount_wh, orders: 1 }),
    }
    Ok(())
}

/// Emits `MarketDepth`: the open orders among the remaining accounts aggregated by price, the best
/// `DEPTH_LEVELS` levels per side (bids highest first, asks lowest first), unfilled Wh and order count per
/// level. Filled/cancelled orders are skipped; passing an order twice is rejected. The same computation is
/// `gridtokenx_cli.clients.trading.market_depth` for orders fetched off-chain.
pub fn handler<'info>(ctx: Context<'info, EmitMarketDepth<'info>>) -> Result<()> {
    let rem = ctx.remaining_accounts;
    require!(rem.len() <= MAX_DEPTH_ORDERS, TradingError::TooManyOrders);
    let market_key = ctx.accounts.market.key();
    let (mut bids, mut asks) = (Vec::with_capacity(DEPTH_LEVELS + 1), Vec::with_capacity(DEPTH_LEVELS + 1));
    let mut seen = 0u32;
    for (i, info) in rem.iter().enumerate() {
        require!(rem[..i].iter().all(|other| other.key != info.key), TradingError::DuplicateOrder);
        let order = load_order(info, &market_key)?;
        if !order.is_open() {
            continue;
        }
        seen += 1;
        match order.side {
            OrderSide::Buy => add_level(&mut bids, order.price, order.remaining_wh(), true)?,
            OrderSide::Sell => add_level(&mut asks, order.price, order.remaining_wh(), false)?,
        }
        bids.truncate(DEPTH_LEVELS);
        asks.truncate(DEPTH_LEVELS);
    }
    emit!(MarketDepth { bids, asks, orders_seen: seen, timestamp: Clock::get()?.unix_timestamp });
    Ok(())
}
