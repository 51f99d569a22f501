use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    instructions::{place, PlaceArgs},
    state::{MarketState, OrderBook, OrderSide, OrderType},
};

#[derive(Accounts)]
pub struct PlaceBuyOrder<'info> {
    pub owner: Signer<'info>,
    /// Owner and type checked: the only `MarketState` is the `[MARKET]` PDA initialize_market creates.
    #[account(mut)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(mut, address = market.book @ crate::error::TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
    /// Owner (governance) and type checked: governance creates its one config only at its PDA.
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// A bid for `amount_wh` at up to `price`, funded by the seat's free quote (`quote_for(amount_wh, price)` is
/// locked). It first buys from the best asks that cross, at their prices, for at most `match_limit` fills
/// (each ask's ERC certificate must be among the remaining accounts); the rest rests (`Limit`), is
/// cancelled (`ImmediateOrCancel`), or the whole order is refused if it would match (`PostOnly`).
pub fn handler<'info>(
    ctx: Context<'info, PlaceBuyOrder<'info>>,
    slot: u32,
    price: u64,
    amount_wh: u64,
    order_type: OrderType,
    match_limit: u8,
) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let args = PlaceArgs { side: OrderSide::Buy, slot, price, amount_wh, order_type, match_limit, erc: None };
    place(&ctx.accounts.owner.key(), &mut ctx.accounts.market, &ctx.accounts.book, args, ctx.remaining_accounts)?;
    Ok(())
}
