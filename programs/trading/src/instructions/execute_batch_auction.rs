use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    book::Book,
    engine::{ask_blocker, cancel, emit_price_update, fill, FillTally},
    error::TradingError,
    events::{AuctionFill, BatchAuctionExecuted},
    instructions::with_book,
    math::auction_price,
    state::{MarketMode, MarketState, OrderBook, OrderSide, MAX_AUCTION_FILLS},
};

#[derive(Accounts)]
pub struct ExecuteBatchAuction<'info> {
    /// Anyone may run the auction; the whole book decides it.
    pub cranker: Signer<'info>,
    /// Owner and type checked: the only `MarketState` is the `[MARKET]` PDA initialize_market creates.
    #[account(mut)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(mut, address = market.book @ TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
    /// Owner (governance) and type checked: governance creates its one config only at its PDA.
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Removes the asks at or below the best bid whose certificate no longer backs them (their certificates
/// must be among `certs`, except for those already past their stored expiry).
fn evict_unbacked_crossing_asks(book: &mut Book, certs: &[AccountInfo], now: i64) -> Result<()> {
    let Some(best_bid) = book.best(OrderSide::Buy) else { return Ok(()) };
    let mut i = book.len(OrderSide::Sell);
    while i > 0 {
        i -= 1;
        let ask = book.side(OrderSide::Sell)[i];
        if ask.price > best_bid.price {
            break;
        }
        let seller = book.seat(ask.trader_slot)?.owner;
        if let Some(reason) = ask_blocker(&ask, &seller, certs, now)? {
            book.remove(OrderSide::Sell, i);
            cancel(book, OrderSide::Sell, &ask, reason, true)?;
        }
    }
    Ok(())
}

/// Uniform-price call auction over **every** resting order of an auction-mode market: the price from
/// `math::auction_price` over the crossing part of the book (maximum volume, then minimum surplus, then
/// closest to the last clearing price, then lower), the volume allocated by price-time priority on both
/// sides (only the marginal order of each side can be partly filled), everything at the one price. Asks
/// whose certificate no longer backs them are removed first (their certificates must be passed). A trader
/// never trades with himself: placing a self-crossing order is refused, so the book holds none. At most
/// `MAX_AUCTION_FILLS` fills per call (the best-priority part; a second call clears the rest).
/// `NoCrossingOrders` when nothing crosses.
pub fn handler<'info>(ctx: Context<'info, ExecuteBatchAuction<'info>>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let market = &mut ctx.accounts.market;
    require!(market.mode == MarketMode::Auction, TradingError::WrongMarketMode);
    let now = Clock::get()?.unix_timestamp;
    let certs = ctx.remaining_accounts;
    let mut tally = FillTally::default();
    let (price, fills, orders) = with_book(&ctx.accounts.book, |book| {
        evict_unbacked_crossing_asks(book, certs, now)?;
        let (Some(best_bid), Some(best_ask)) = (book.best(OrderSide::Buy), book.best(OrderSide::Sell)) else {
            return err!(TradingError::NoCrossingOrders);
        };
        let bids: Vec<(u64, u64)> = book.side(OrderSide::Buy).iter().rev()
            .take_while(|o| o.price >= best_ask.price).map(|o| (o.price, o.remaining_wh)).collect();
        let asks: Vec<(u64, u64)> = book.side(OrderSide::Sell).iter().rev()
            .take_while(|o| o.price <= best_bid.price).map(|o| (o.price, o.remaining_wh)).collect();
        let orders = u32::try_from(book.len(OrderSide::Buy) + book.len(OrderSide::Sell)).unwrap_or(u32::MAX);
        let (price, mut volume) = auction_price(&bids, &asks, market.last_clearing_price)?
            .ok_or(TradingError::NoCrossingOrders)?;
        let mut fills = Vec::new();
        while volume > 0 && fills.len() < MAX_AUCTION_FILLS {
            let (Some(mut bid), Some(mut ask)) = (book.best(OrderSide::Buy), book.best(OrderSide::Sell)) else {
                break; // unreachable: the volume is covered by both sides
            };
            let amount = bid.remaining_wh.min(ask.remaining_wh).min(volume);
            let f = fill(book, market, &mut bid, &mut ask, amount, price, &mut tally, now, true)?;
            volume -= amount;
            fills.push(AuctionFill {
                buy_order_id: bid.order_id,
                sell_order_id: ask.order_id,
                amount_wh: amount,
                quote_amount: f.quote_cost,
                fee: f.fee,
            });
            crate::engine::settle_best(book, OrderSide::Buy, bid)?;
            crate::engine::settle_best(book, OrderSide::Sell, ask)?;
        }
        Ok((price, fills, orders))
    })?;
    let quote_volume = fills.iter().map(|f| f.quote_amount).sum::<u64>(); // ≤ Σ locked quote, a u64
    let fees = fills.iter().map(|f| f.fee).sum::<u64>();
    emit!(BatchAuctionExecuted {
        clearing_price: price,
        volume_wh: tally.volume_wh,
        orders,
        quote_volume,
        fees,
        fills,
        timestamp: now,
    });
    emit_price_update(market, &tally, now);
    Ok(())
}
