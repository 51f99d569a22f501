use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    book::Book,
    engine::{emit_price_update, evict_ask_if_unbacked, fill, require_certificate_passed, settle_best, FillTally},
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

/// Removes the asks at or below the best bid whose certificate no longer backs them. Every certificate
/// they need is checked to be present first, so a missing one fails before anything changes.
fn evict_unbacked_crossing_asks(book: &mut Book, certs: &[AccountInfo], now: i64) -> Result<()> {
    let n = book.crossing_count(OrderSide::Sell);
    let len = book.len(OrderSide::Sell);
    for ask in &book.side(OrderSide::Sell)[len - n..] {
        require_certificate_passed(ask, certs, now)?;
    }
    for i in (len - n..len).rev() {
        evict_ask_if_unbacked(book, i, certs, now)?;
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
        let (bid_len, ask_len) = (book.len(OrderSide::Buy), book.len(OrderSide::Sell));
        let (nb, na) = (book.crossing_count(OrderSide::Buy), book.crossing_count(OrderSide::Sell));
        let bids = book.side(OrderSide::Buy)[bid_len - nb..].iter().rev().map(|o| (o.price, o.remaining_wh));
        let asks = book.side(OrderSide::Sell)[ask_len - na..].iter().rev().map(|o| (o.price, o.remaining_wh));
        let orders = u32::try_from(bid_len + ask_len).unwrap_or(u32::MAX);
        let (price, mut volume) =
            auction_price(bids, asks, market.last_clearing_price)?.ok_or(TradingError::NoCrossingOrders)?;
        let mut fills = Vec::with_capacity((nb + na).min(MAX_AUCTION_FILLS));
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
            settle_best(book, OrderSide::Buy, bid)?;
            settle_best(book, OrderSide::Sell, ask)?;
        }
        Ok((price, fills, orders))
    })?;
    let quote_volume = fills.iter().map(|f| f.quote_amount).sum::<u64>(); // ≤ Σ locked quote, a u64
    let fees = fills.iter().map(|f| f.fee).sum::<u64>();
    let event = BatchAuctionExecuted {
        clearing_price: price,
        volume_wh: tally.volume_wh,
        orders,
        quote_volume,
        fees,
        fills,
        timestamp: now,
    };
    // Serialised into one exactly sized buffer: `emit!` grows a Vec by doubling, and with 128 fills the
    // copies it leaves behind on the never-freeing heap exhaust its 32 KiB.
    let mut data = Vec::with_capacity(8 + 8 * 5 + 4 + 4 + event.fills.len() * 40);
    data.extend_from_slice(BatchAuctionExecuted::DISCRIMINATOR);
    event.serialize(&mut data)?;
    anchor_lang::solana_program::log::sol_log_data(&[&data]);
    emit_price_update(market, &tally, now);
    Ok(())
}
