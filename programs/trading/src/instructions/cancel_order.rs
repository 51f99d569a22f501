use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    engine::cancel,
    error::TradingError,
    instructions::with_book,
    state::{CancelReason, ErcUsage, MarketState, OrderBook, OrderSide},
};

#[derive(Accounts)]
pub struct CancelOrder<'info> {
    pub owner: Signer<'info>,
    /// Owner and type checked: the only `MarketState` is the `[MARKET]` PDA initialize_market creates.
    pub market: Box<Account<'info, MarketState>>,
    #[account(mut, address = market.book @ TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
    /// Asks only: the usage tally of the ask's certificate (its unfilled energy is released).
    #[account(mut)]
    pub erc_usage: Option<Box<Account<'info, ErcUsage>>>,
    /// Owner (governance) and type checked: governance creates its one config only at its PDA.
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Removes the signer's resting order `order_id`: its locked tokens return to the seat's free balance; an
/// ask also releases its unfilled energy from the certificate's usage tally (`MissingErcUsage` without the
/// right `ErcUsage`). `OrderNotFound` if no resting order of the signer's seat has this id.
pub fn handler(ctx: Context<CancelOrder>, slot: u32, order_id: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let owner = ctx.accounts.owner.key();
    let usage = &mut ctx.accounts.erc_usage;
    with_book(&ctx.accounts.book, |book| {
        book.seat_of(slot, &owner)?;
        let (side, index) = book.find(order_id).ok_or(TradingError::OrderNotFound)?;
        let order = book.side(side)[index];
        require!(order.trader_slot == slot, TradingError::OrderNotFound);
        if side == OrderSide::Sell {
            let usage = usage.as_mut().ok_or(TradingError::MissingErcUsage)?;
            require_keys_eq!(usage.certificate, order.erc_certificate, TradingError::MissingErcUsage);
            usage.committed_wh =
                usage.committed_wh.checked_sub(order.remaining_wh).ok_or(TradingError::ArithmeticOverflow)?;
        }
        book.remove(side, index);
        cancel(book, side, &order, CancelReason::Owner, true)?;
        Ok(())
    })
}
