use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    engine::{emit_price_update, evict_best_ask_if_unbacked, fill, require_certificate_passed, settle_best, FillTally},
    error::TradingError,
    instructions::with_book,
    state::{MarketMode, MarketState, OrderBook, OrderSide},
};

#[derive(Accounts)]
pub struct MatchOrders<'info> {
    /// Anyone may crank; the book decides every pair, amount and price.
    pub cranker: Signer<'info>,
    /// Owner and type checked: the only `MarketState` is the `[MARKET]` PDA initialize_market creates.
    #[account(mut)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(mut, address = market.book @ TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
    /// Owner (governance) and type checked: governance creates its one config only at its PDA.
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Permissionless crank of a continuous market: while the best bid reaches the best ask, fills them
/// against each other — the whole of the smaller one, at the price of the one that rested first — for at
/// most `max_pairs` steps (a fill, or removing an ask whose certificate no longer backs it). The crank
/// chooses nothing: the remaining accounts only carry the ERC certificates of the first `max_pairs` asks at or
/// below the best bid (all of them are required, checked before anything changes).
/// `NoCrossingOrders` when the book is not crossed.
pub fn handler<'info>(ctx: Context<'info, MatchOrders<'info>>, max_pairs: u8) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(max_pairs > 0, TradingError::ZeroAmount);
    let market = &mut ctx.accounts.market;
    require!(market.mode == MarketMode::Continuous, TradingError::WrongMarketMode);
    let now = Clock::get()?.unix_timestamp;
    let certs = ctx.remaining_accounts;
    let mut tally = FillTally::default();
    let steps = with_book(&ctx.accounts.book, |book| {
        // Each step takes at least one order off the book, so the asks it can reach are among the first
        // `max_pairs` at or below the best bid: their certificates are checked before anything changes.
        if let Some(best_bid) = book.best(OrderSide::Buy) {
            let reach = book.side(OrderSide::Sell).iter().rev().take(usize::from(max_pairs));
            for ask in reach.take_while(|a| a.price <= best_bid.price) {
                require_certificate_passed(ask, certs, now)?;
            }
        }
        let mut steps = 0u8;
        while steps < max_pairs {
            let (Some(mut bid), Some(mut ask)) = (book.best(OrderSide::Buy), book.best(OrderSide::Sell)) else {
                break;
            };
            if bid.price < ask.price {
                break;
            }
            steps += 1;
            if evict_best_ask_if_unbacked(book, certs, now)? {
                continue;
            }
            let price = if bid.order_id < ask.order_id { bid.price } else { ask.price };
            let amount = bid.remaining_wh.min(ask.remaining_wh);
            fill(book, market, &mut bid, &mut ask, amount, price, &mut tally, now, false)?;
            settle_best(book, OrderSide::Buy, bid)?;
            settle_best(book, OrderSide::Sell, ask)?;
        }
        Ok(steps)
    })?;
    require!(steps > 0, TradingError::NoCrossingOrders);
    emit_price_update(market, &tally, now);
    Ok(())
}
