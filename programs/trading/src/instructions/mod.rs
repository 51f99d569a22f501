//! One module per instruction: the `#[derive(Accounts)]` struct and its `handler`; below, the helpers the
//! instructions share (token transfers, the book accessor, placing an order).
// Every module exports `handler`; lib.rs calls them by path, the glob re-exports are for the Accounts
// structs (and the client modules Anchor generates next to them).
#![allow(ambiguous_glob_reexports)]

pub mod accept_authority_transfer;
pub mod cancel_authority_transfer;
pub mod cancel_order;
pub mod claim_seat;
pub mod deposit;
pub mod emit_market_depth;
pub mod execute_batch_auction;
pub mod initialize_market;
pub mod initialize_pool;
pub mod match_orders;
pub mod place_buy_order;
pub mod place_sell_order;
pub mod propose_authority_transfer;
pub mod set_market_mode;
pub mod swap;
pub mod withdraw_fees;

pub use cancel_order::*;
pub use claim_seat::*;
pub use deposit::*;
pub use emit_market_depth::*;
pub use execute_batch_auction::*;
pub use initialize_market::*;
pub use initialize_pool::*;
pub use match_orders::*;
pub use place_buy_order::*;
pub use place_sell_order::*;
pub use propose_authority_transfer::*;
pub use set_market_mode::*;
pub use swap::*;
pub use withdraw_fees::*;

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TransferChecked};
use governance::state::{ErcCertificate, ErcStatus};

use crate::{
    book::{crosses, Book},
    engine::{cancel, emit_price_update, lock, locked_for, match_taker, plan_taker, require_no_self_cross, FillTally},
    error::TradingError,
    events::OrderPlaced,
    state::{CancelReason, MarketMode, MarketState, OrderBook, OrderSide, OrderType, RestingOrder, PRICE_TICK},
};

/// `transfer_checked` of `amount` (nothing when 0), signed by `signer_seeds` when given.
#[allow(clippy::too_many_arguments)]
pub fn transfer<'info>(
    token_program: &AccountInfo<'info>,
    from: &AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    to: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    amount: u64,
    signer_seeds: &[&[&[u8]]],
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    let accounts = TransferChecked {
        from: from.clone(),
        mint: mint.to_account_info(),
        to: to.clone(),
        authority: authority.clone(),
    };
    token_interface::transfer_checked(
        CpiContext::new_with_signer(token_program.key(), accounts, signer_seeds),
        amount,
        mint.decimals,
    )
}

/// Runs `f` on the book account's data (after the discriminator; the loader checked owner and type).
pub fn with_book<R>(loader: &AccountLoader<OrderBook>, f: impl FnOnce(&mut Book) -> Result<R>) -> Result<R> {
    let info = loader.as_ref();
    let mut data = info.try_borrow_mut_data()?;
    let mut book = Book::from_bytes(&mut data[8..])?;
    f(&mut book)
}

pub struct PlaceArgs {
    pub side: OrderSide,
    pub slot: u32,
    pub price: u64,
    pub amount_wh: u64,
    pub order_type: OrderType,
    pub match_limit: u8,
    /// Asks: the backing certificate and its `expires_at`.
    pub erc: Option<(Pubkey, i64)>,
}

pub struct PlaceOutcome {
    pub order_id: u64,
    pub filled_wh: u64,
    pub resting_wh: u64,
    /// The immediate-or-cancel remainder.
    pub cancelled_wh: u64,
}

/// A new order of `owner`'s seat: checks, locks its funds, matches it against the book (continuous mode,
/// not post-only), then rests or cancels the remainder. All-or-nothing: any error leaves every account
/// as it was.
pub fn place(
    owner: &Pubkey,
    market: &mut MarketState,
    loader: &AccountLoader<OrderBook>,
    args: PlaceArgs,
    certs: &[AccountInfo],
) -> Result<PlaceOutcome> {
    let PlaceArgs { side, slot, price, amount_wh, order_type, match_limit, erc } = args;
    require!(amount_wh > 0, TradingError::ZeroAmount);
    require!(price > 0 && price % PRICE_TICK == 0, TradingError::InvalidPrice);
    let auction = market.mode == MarketMode::Auction;
    require!(!(auction && order_type == OrderType::ImmediateOrCancel), TradingError::InvalidOrderOptions);
    let now = Clock::get()?.unix_timestamp;
    let mut tally = FillTally::default();
    let outcome = with_book(loader, |book| {
        book.seat_of(slot, owner)?;
        require_no_self_cross(book, side, price, slot)?;
        let crossing = book.best(side.opposite()).is_some_and(|best| crosses(side, price, best.price));
        require!(!(crossing && order_type == OrderType::PostOnly && !auction), TradingError::PostOnlyWouldCross);
        // Everything that can refuse the order is checked before the first fill, so a refused order logs
        // no fill: the certificates of the asks it will reach, and room for what will rest.
        let matches = !auction && order_type != OrderType::PostOnly;
        let unfilled =
            if matches { plan_taker(book, side, price, amount_wh, match_limit, certs, now)? } else { amount_wh };
        let full = book.len(side) >= book.header.order_capacity as usize;
        require!(!(unfilled > 0 && order_type != OrderType::ImmediateOrCancel && full), TradingError::BookFull);
        lock(book, slot, side, locked_for(side, price, amount_wh)?)?;
        let (erc_certificate, erc_expires_at) = erc.unwrap_or((Pubkey::default(), i64::MAX));
        let mut order = RestingOrder {
            order_id: book.next_order_id()?,
            price,
            remaining_wh: amount_wh,
            erc_expires_at,
            erc_certificate,
            trader_slot: slot,
            _reserved: 0,
        };
        if matches {
            match_taker(book, market, side, &mut order, match_limit, certs, &mut tally, now)?;
        }
        let filled_wh = amount_wh - order.remaining_wh;
        let (mut resting_wh, mut cancelled_wh) = (0, 0);
        if order.remaining_wh > 0 && order_type == OrderType::ImmediateOrCancel {
            cancelled_wh = order.remaining_wh;
            cancel(book, side, &order, CancelReason::ImmediateOrCancel, false)?;
        } else if order.remaining_wh > 0 {
            resting_wh = order.remaining_wh;
            book.insert(side, order)?;
            let seat = book.seat(slot)?;
            seat.open_orders = seat.open_orders.checked_add(1).ok_or(TradingError::ArithmeticOverflow)?;
        }
        Ok(PlaceOutcome { order_id: order.order_id, filled_wh, resting_wh, cancelled_wh })
    })?;
    emit!(OrderPlaced {
        order_id: outcome.order_id,
        owner: *owner,
        slot,
        side,
        order_type,
        price,
        amount_wh,
        filled_wh: outcome.filled_wh,
        resting_wh: outcome.resting_wh,
        erc_certificate: erc.map(|e| e.0).unwrap_or_default(),
        timestamp: now,
    });
    emit_price_update(market, &tally, now);
    Ok(outcome)
}

/// The certificate rules of a sell order, checked when it is placed **and at every fill** (a certificate
/// revoked, expired or transferred away after placement no longer backs the order): owned by the seller
/// (`ErcNotOwned`), Validated (`ErcNotValidated`; a revoked one is terminal) and not past `expires_at`
/// (`ErcExpired`). Owner, discriminator and address of the account are the caller's to check.
pub fn require_erc_backs(cert: &ErcCertificate, seller: &Pubkey, now: i64) -> Result<()> {
    require_keys_eq!(cert.owner, *seller, TradingError::ErcNotOwned);
    require!(cert.status == ErcStatus::Validated, TradingError::ErcNotValidated);
    require!(!cert.is_expired(now), TradingError::ErcExpired);
    Ok(())
}
