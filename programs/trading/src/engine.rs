//! The matching engine: fills between resting orders and incoming ones, applied to the seats of the book.
//! Every decision — which orders trade, in which order, at what price and how much — is taken here from
//! the book alone; the caller only bounds the work (`match_limit`, `max_pairs`) and must supply the ERC
//! certificates of the asks the book says are next (`MissingErcCertificate` otherwise: omitting one cannot
//! skip an ask, it fails the instruction).
//!
//! Price rule: a fill trades at the price of the order that rested first (the maker). See docs/programs.md
//! "Trading: price rule" for why this and not the platform's mid-point formula.
use anchor_lang::prelude::*;
use governance::state::{ErcCertificate, ErcStatus};
use gridtokenx_common::ids;

use crate::{
    book::{crosses, Book},
    error::TradingError,
    events::{OrderCancelled, OrderMatched, PriceUpdated},
    math::{compute_fill, grx_for, quote_for, Fill},
    state::{CancelReason, MarketState, OrderSide, PricePoint, RestingOrder, Seat, PRICE_HISTORY_LEN},
};

/// What one instruction's fills add up to (one price-history point per fill, one `PriceUpdated` event at
/// the end).
#[derive(Default)]
pub struct FillTally {
    pub fills: u64,
    pub volume_wh: u64,
}

/// Locked tokens behind `remaining_wh` of an order: quote for a bid, GRX for an ask.
pub fn locked_for(side: OrderSide, price: u64, remaining_wh: u64) -> Result<u64> {
    Ok(match side {
        OrderSide::Buy => quote_for(remaining_wh, price)?,
        OrderSide::Sell => grx_for(remaining_wh)?,
    })
}

/// The seat's (free, locked) balances of the asset orders of `side` lock: quote for bids, GRX for asks.
fn free_and_locked(seat: &mut Seat, side: OrderSide) -> (&mut u64, &mut u64) {
    match side {
        OrderSide::Buy => (&mut seat.quote_free, &mut seat.quote_locked),
        OrderSide::Sell => (&mut seat.grx_free, &mut seat.grx_locked),
    }
}

/// Moves `amount` from the seat's free to its locked balance of the side's asset (`InsufficientBalance`).
pub fn lock(book: &mut Book, slot: u32, side: OrderSide, amount: u64) -> Result<()> {
    let (free, locked) = free_and_locked(book.seat(slot)?, side);
    *free = free.checked_sub(amount).ok_or(TradingError::InsufficientBalance)?;
    *locked = locked.checked_add(amount).ok_or(TradingError::ArithmeticOverflow)?;
    Ok(())
}

/// The reverse of `lock`.
pub fn unlock(book: &mut Book, slot: u32, side: OrderSide, amount: u64) -> Result<()> {
    let (free, locked) = free_and_locked(book.seat(slot)?, side);
    *locked = locked.checked_sub(amount).ok_or(TradingError::ArithmeticOverflow)?;
    *free = free.checked_add(amount).ok_or(TradingError::ArithmeticOverflow)?;
    Ok(())
}

/// Takes an order that has left the book (or never rested) off its owner's seat: unlocks what its
/// unfilled part locked and emits `OrderCancelled`. `resting` says whether it was counted in `open_orders`.
pub fn cancel(
    book: &mut Book,
    side: OrderSide,
    order: &RestingOrder,
    reason: CancelReason,
    resting: bool,
) -> Result<u64> {
    let released = locked_for(side, order.price, order.remaining_wh)?;
    unlock(book, order.trader_slot, side, released)?;
    let seat = book.seat(order.trader_slot)?;
    if resting {
        seat.open_orders = seat.open_orders.checked_sub(1).ok_or(TradingError::ArithmeticOverflow)?;
    }
    emit!(OrderCancelled {
        order_id: order.order_id,
        owner: seat.owner,
        side,
        price: order.price,
        unfilled_wh: order.remaining_wh,
        released,
        reason,
    });
    Ok(released)
}

/// Whether the resting `ask` may be filled now: `None` if so, the reason to remove it otherwise. The
/// stored expiry needs no account; for the rest the certificate must be among `certs` (owner: governance,
/// discriminator checked), else `MissingErcCertificate`.
pub fn ask_blocker(
    ask: &RestingOrder,
    seller: &Pubkey,
    certs: &[AccountInfo],
    now: i64,
) -> Result<Option<CancelReason>> {
    if now > ask.erc_expires_at {
        return Ok(Some(CancelReason::ErcExpired));
    }
    let info = certs.iter().find(|info| *info.key == ask.erc_certificate).ok_or(TradingError::MissingErcCertificate)?;
    require_keys_eq!(*info.owner, ids::GOVERNANCE, TradingError::InvalidRemainingAccounts);
    let data = info.try_borrow_data()?;
    let cert = ErcCertificate::try_deserialize(&mut &data[..]).map_err(|_| TradingError::InvalidRemainingAccounts)?;
    Ok(if cert.status != ErcStatus::Validated {
        Some(CancelReason::ErcNotValidated)
    } else if cert.owner != *seller {
        Some(CancelReason::ErcTransferred)
    } else if cert.is_expired(now) {
        Some(CancelReason::ErcExpired)
    } else {
        None
    })
}

/// Fails with `MissingErcCertificate` unless the certificate `ask` needs is among `certs` (an ask past its
/// stored expiry needs none: it is removed either way). The pre-checks use it so that an instruction fails
/// before it changes or logs anything.
pub fn require_certificate_passed(ask: &RestingOrder, certs: &[AccountInfo], now: i64) -> Result<()> {
    require!(
        now > ask.erc_expires_at || certs.iter().any(|info| *info.key == ask.erc_certificate),
        TradingError::MissingErcCertificate
    );
    Ok(())
}

/// What a new order will meet, read-only: walks the opposite orders it crosses as `match_taker` will
/// (at most `match_limit` of them), checks each ask's certificate is passed, and returns the Wh the order
/// is expected to leave unfilled. Exact unless an ask turns out to be unbacked (revoked or transferred),
/// which `match_taker` then removes and walks past.
pub fn plan_taker(
    book: &Book,
    side: OrderSide,
    price: u64,
    amount_wh: u64,
    match_limit: u8,
    certs: &[AccountInfo],
    now: i64,
) -> Result<u64> {
    let mut remaining = amount_wh;
    for (steps, maker) in book.side(side.opposite()).iter().rev().enumerate() {
        if remaining == 0 || steps >= usize::from(match_limit) || !crosses(side, price, maker.price) {
            break;
        }
        if side == OrderSide::Buy {
            require_certificate_passed(maker, certs, now)?;
            if now > maker.erc_expires_at {
                continue;
            }
        }
        remaining -= remaining.min(maker.remaining_wh);
    }
    Ok(remaining)
}

/// Checks the ask at `index` before it is filled; removes it (`OrderCancelled` with the reason) when its
/// certificate no longer backs it. Returns `true` if it was removed.
pub fn evict_ask_if_unbacked(book: &mut Book, index: usize, certs: &[AccountInfo], now: i64) -> Result<bool> {
    let ask = book.side(OrderSide::Sell)[index];
    let seller = book.seat(ask.trader_slot)?.owner;
    match ask_blocker(&ask, &seller, certs, now)? {
        None => Ok(false),
        Some(reason) => {
            book.remove(OrderSide::Sell, index);
            cancel(book, OrderSide::Sell, &ask, reason, true)?;
            Ok(true)
        }
    }
}

/// `evict_ask_if_unbacked` for the best ask (false on an empty side).
pub fn evict_best_ask_if_unbacked(book: &mut Book, certs: &[AccountInfo], now: i64) -> Result<bool> {
    match book.len(OrderSide::Sell) {
        0 => Ok(false),
        len => evict_ask_if_unbacked(book, len - 1, certs, now),
    }
}

/// Applies one fill of `amount_wh` at `price` between `bid` and `ask` to both seats and the market, and
/// lowers both orders' `remaining_wh`. The caller puts the orders back (or removes the filled ones).
/// `OrderMatched` is emitted unless `quiet` (the batch auction reports its fills in one event, so that
/// 128 fills stay inside the 10 KB log limit).
#[allow(clippy::too_many_arguments)]
pub fn fill(
    book: &mut Book,
    market: &mut MarketState,
    bid: &mut RestingOrder,
    ask: &mut RestingOrder,
    amount_wh: u64,
    price: u64,
    tally: &mut FillTally,
    now: i64,
    quiet: bool,
) -> Result<Fill> {
    let f = compute_fill(bid.price, bid.remaining_wh, amount_wh, price, market.fee_bps)?;
    let overflow = || error!(TradingError::ArithmeticOverflow);
    let buyer = book.seat(bid.trader_slot)?;
    buyer.quote_locked = buyer.quote_locked.checked_sub(f.buyer_release).ok_or_else(overflow)?;
    buyer.quote_free = buyer.quote_free.checked_add(f.buyer_refund).ok_or_else(overflow)?;
    buyer.grx_free = buyer.grx_free.checked_add(f.grx_amount).ok_or_else(overflow)?;
    let buyer_key = buyer.owner;
    let seller = book.seat(ask.trader_slot)?;
    seller.grx_locked = seller.grx_locked.checked_sub(f.grx_amount).ok_or_else(overflow)?;
    seller.quote_free = seller.quote_free.checked_add(f.seller_proceeds).ok_or_else(overflow)?;
    let seller_key = seller.owner;
    bid.remaining_wh -= amount_wh; // amount_wh ≤ remaining (compute_fill)
    ask.remaining_wh = ask.remaining_wh.checked_sub(amount_wh).ok_or_else(overflow)?;
    market.fees_unclaimed = market.fees_unclaimed.checked_add(f.fee).ok_or_else(overflow)?;
    record_fill(market, price, amount_wh, f.quote_cost, f.fee, now)?;
    tally.fills += 1;
    tally.volume_wh = tally.volume_wh.checked_add(amount_wh).ok_or_else(overflow)?;
    if quiet {
        return Ok(f);
    }
    emit!(OrderMatched {
        buy_order_id: bid.order_id,
        sell_order_id: ask.order_id,
        buyer: buyer_key,
        seller: seller_key,
        amount_wh,
        price,
        quote_amount: f.quote_cost,
        fee: f.fee,
        buyer_refund: f.buyer_refund,
        buy_remaining_wh: bid.remaining_wh,
        sell_remaining_wh: ask.remaining_wh,
        timestamp: now,
    });
    Ok(f)
}

/// Writes a partly filled best order back, or removes a filled one from the book and its seat's count.
pub fn settle_best(book: &mut Book, side: OrderSide, order: RestingOrder) -> Result<()> {
    let len = book.len(side);
    if order.remaining_wh > 0 {
        book.set_entry(side, len - 1, order);
    } else {
        book.pop_best(side);
        let seat = book.seat(order.trader_slot)?;
        seat.open_orders = seat.open_orders.checked_sub(1).ok_or(TradingError::ArithmeticOverflow)?;
    }
    Ok(())
}

/// Matches the incoming `taker` (not in the book; its funds already locked) against the best opposite
/// orders while they cross, at their prices, for at most `match_limit` steps (a fill or the removal of an
/// ask whose certificate no longer backs it).
#[allow(clippy::too_many_arguments)]
pub fn match_taker(
    book: &mut Book,
    market: &mut MarketState,
    side: OrderSide,
    taker: &mut RestingOrder,
    match_limit: u8,
    certs: &[AccountInfo],
    tally: &mut FillTally,
    now: i64,
) -> Result<()> {
    let opposite = side.opposite();
    let mut steps = 0u8;
    while taker.remaining_wh > 0 && steps < match_limit {
        let Some(mut maker) = book.best(opposite) else { break };
        if !crosses(side, taker.price, maker.price) {
            break;
        }
        steps += 1;
        if opposite == OrderSide::Sell && evict_best_ask_if_unbacked(book, certs, now)? {
            continue;
        }
        let (amount, price) = (taker.remaining_wh.min(maker.remaining_wh), maker.price);
        match side {
            OrderSide::Buy => fill(book, market, taker, &mut maker, amount, price, tally, now, false)?,
            OrderSide::Sell => fill(book, market, &mut maker, taker, amount, price, tally, now, false)?,
        };
        settle_best(book, opposite, maker)?;
    }
    Ok(())
}

/// Refuses (`SelfTrade`) an order that would cross one of its owner's resting opposite orders. Together
/// with the seat rule (one seat per trader) this keeps the book free of a trader's bid at or above his own
/// ask, so no crank, auction or later order can ever pair a trader with himself.
pub fn require_no_self_cross(book: &Book, side: OrderSide, price: u64, slot: u32) -> Result<()> {
    let opposite = book.side(side.opposite());
    for o in opposite.iter().rev() {
        if !crosses(side, price, o.price) {
            break;
        }
        require!(o.trader_slot != slot, TradingError::SelfTrade);
    }
    Ok(())
}

/// Records one fill in the market statistics: volume counters, last price, the 24-point ring and its
/// VWAP (u128 accumulators, the evicted point subtracted).
pub fn record_fill(
    market: &mut MarketState,
    price: u64,
    volume_wh: u64,
    quote_volume: u64,
    fee: u64,
    now: i64,
) -> Result<()> {
    let overflow = || error!(TradingError::ArithmeticOverflow);
    market.total_volume_wh = market.total_volume_wh.checked_add(volume_wh).ok_or_else(overflow)?;
    market.total_trades = market.total_trades.checked_add(1).ok_or_else(overflow)?;
    market.total_quote_volume = market.total_quote_volume.checked_add(u128::from(quote_volume)).ok_or_else(overflow)?;
    market.total_fees = market.total_fees.checked_add(u128::from(fee)).ok_or_else(overflow)?;
    market.last_clearing_price = price;
    market.last_trade_at = now;

    let head = usize::from(market.price_history_head) % PRICE_HISTORY_LEN;
    if usize::from(market.price_history_count) == PRICE_HISTORY_LEN {
        let old = market.price_history[head];
        let old_notional = u128::from(old.price) * u128::from(old.volume_wh);
        market.history_notional = market.history_notional.checked_sub(old_notional).ok_or_else(overflow)?;
        market.history_volume = market.history_volume.checked_sub(u128::from(old.volume_wh)).ok_or_else(overflow)?;
    } else {
        market.price_history_count += 1; // < PRICE_HISTORY_LEN, fits in u8
    }
    market.price_history[head] = PricePoint { price, volume_wh, timestamp: now };
    market.price_history_head = u8::try_from((head + 1) % PRICE_HISTORY_LEN).map_err(|_| overflow())?;
    let notional = u128::from(price) * u128::from(volume_wh);
    market.history_notional = market.history_notional.checked_add(notional).ok_or_else(overflow)?;
    market.history_volume = market.history_volume.checked_add(u128::from(volume_wh)).ok_or_else(overflow)?;
    if let Some(vwap) = market.history_notional.checked_div(market.history_volume) {
        // A volume-weighted mean of u64 prices is itself ≤ u64::MAX.
        market.vwap = u64::try_from(vwap).map_err(|_| overflow())?;
    }
    Ok(())
}

/// One `PriceUpdated` event for the instruction's fills (none when nothing traded).
pub fn emit_price_update(market: &MarketState, tally: &FillTally, now: i64) {
    if tally.fills == 0 {
        return;
    }
    emit!(PriceUpdated {
        price: market.last_clearing_price,
        volume_wh: tally.volume_wh,
        vwap: market.vwap,
        total_volume_wh: market.total_volume_wh,
        total_trades: market.total_trades,
        timestamp: now,
    });
}
