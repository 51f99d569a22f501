//! One module per instruction: the `#[derive(Accounts)]` struct and its `handler`; below, the helpers the
//! instructions share (escrow transfers, applying a fill, recording a clearing event).
// Every module exports `handler`; lib.rs calls them by path, the glob re-exports are for the Accounts
// structs (and the client modules Anchor generates next to them).
#![allow(ambiguous_glob_reexports)]

pub mod accept_authority_transfer;
pub mod cancel_authority_transfer;
pub mod cancel_order;
pub mod close_order;
pub mod emit_market_depth;
pub mod execute_batch_auction;
pub mod initialize_market;
pub mod initialize_pool;
pub mod match_orders;
pub mod place_buy_order;
pub mod place_sell_order;
pub mod propose_authority_transfer;
pub mod swap;
pub mod withdraw_fees;

pub use cancel_order::*;
pub use close_order::*;
pub use emit_market_depth::*;
pub use execute_batch_auction::*;
pub use initialize_market::*;
pub use initialize_pool::*;
pub use match_orders::*;
pub use place_buy_order::*;
pub use place_sell_order::*;
pub use propose_authority_transfer::*;
pub use swap::*;
pub use withdraw_fees::*;

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TransferChecked};
use governance::state::{ErcCertificate, ErcStatus};

use crate::{
    error::TradingError,
    events::PriceUpdated,
    math::Fill,
    state::{MarketState, LimitOrder, OrderStatus, PricePoint, PRICE_HISTORY_LEN},
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

/// Applies a fill to both orders: fill amounts, escrow left, statuses, and the market's open-order count.
pub fn apply_fill(market: &mut MarketState, buy: &mut LimitOrder, sell: &mut LimitOrder, fill: &Fill) -> Result<()> {
    for (order, escrow_out) in [(&mut *buy, fill.buyer_release), (&mut *sell, fill.grx_amount)] {
        order.filled_wh = order.filled_wh.checked_add(fill.amount_wh).ok_or(TradingError::ArithmeticOverflow)?;
        require!(order.filled_wh <= order.amount_wh, TradingError::ArithmeticOverflow);
        order.escrow_remaining =
            order.escrow_remaining.checked_sub(escrow_out).ok_or(TradingError::ArithmeticOverflow)?;
        if order.filled_wh == order.amount_wh {
            order.status = OrderStatus::Filled;
            market.open_orders = market.open_orders.checked_sub(1).ok_or(TradingError::ArithmeticOverflow)?;
        } else {
            order.status = OrderStatus::PartiallyFilled;
        }
    }
    Ok(())
}

/// Records one clearing event (a match, or an auction at one uniform price): volume counters, last price,
/// the 24-point ring and its VWAP (u128 accumulators, the evicted point subtracted). Every trade is
/// recorded: the published fragment skipped updates unless `active_orders % 10 == 0` or 60 s had passed,
/// which drops trades from the VWAP; the ring write is O(1) instead of shifting the array.
pub fn record_clearing(
    market: &mut MarketState,
    price: u64,
    volume_wh: u64,
    quote_volume: u64,
    fees: u64,
    fills: u64,
    now: i64,
) -> Result<()> {
    let overflow = || error!(TradingError::ArithmeticOverflow);
    market.total_volume_wh = market.total_volume_wh.checked_add(volume_wh).ok_or_else(overflow)?;
    market.total_trades = market.total_trades.checked_add(fills).ok_or_else(overflow)?;
    market.total_quote_volume =
        market.total_quote_volume.checked_add(u128::from(quote_volume)).ok_or_else(overflow)?;
    market.total_fees = market.total_fees.checked_add(u128::from(fees)).ok_or_else(overflow)?;
    market.last_clearing_price = price;
    market.last_trade_at = now;

    let head = usize::from(market.price_history_head) % PRICE_HISTORY_LEN;
    if usize::from(market.price_history_count) == PRICE_HISTORY_LEN {
        let old = market.price_history[head];
        let old_notional = u128::from(old.price) * u128::from(old.volume_wh);
        market.history_notional = market.history_notional.checked_sub(old_notional).ok_or_else(overflow)?;
        market.history_volume =
            market.history_volume.checked_sub(u128::from(old.volume_wh)).ok_or_else(overflow)?;
    } else {
        market.price_history_count += 1; // < PRICE_HISTORY_LEN, fits in u8
    }
    market.price_history[head] = PricePoint { price, volume_wh, timestamp: now };
    market.price_history_head = u8::try_from((head + 1) % PRICE_HISTORY_LEN).map_err(|_| overflow())?;
    let notional = u128::from(price) * u128::from(volume_wh);
    market.history_notional = market.history_notional.checked_add(notional).ok_or_else(overflow)?;
    market.history_volume = market.history_volume.checked_add(u128::from(volume_wh)).ok_or_else(overflow)?;
    if market.history_volume > 0 {
        // A volume-weighted mean of u64 prices is itself ≤ u64::MAX.
        market.vwap = u64::try_from(market.history_notional / market.history_volume).map_err(|_| overflow())?;
    }

    emit!(PriceUpdated {
        price,
        volume_wh,
        vwap: market.vwap,
        total_volume_wh: market.total_volume_wh,
        total_trades: market.total_trades,
        timestamp: now,
    });
    Ok(())
}

/// Reads a `LimitOrder` of this program from a remaining account (owner and discriminator checked by
/// `Account::try_from`) and checks it belongs to `market`.
pub fn load_order<'info>(info: &'info AccountInfo<'info>, market: &Pubkey) -> Result<Box<Account<'info, LimitOrder>>> {
    let order = Box::new(Account::<LimitOrder>::try_from(info)?);
    // Orders are PDAs [ORDER, market, id] created only by place_*_order, so a program-owned `LimitOrder` with
    // this market is a real order of this market.
    require_keys_eq!(order.market, *market, TradingError::InvalidRemainingAccounts);
    Ok(order)
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
