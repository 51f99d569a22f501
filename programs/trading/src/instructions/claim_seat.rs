use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    error::TradingError,
    events::SeatClaimed,
    instructions::with_book,
    state::{MarketState, OrderBook, Seat},
};

#[derive(Accounts)]
pub struct ClaimSeat<'info> {
    pub owner: Signer<'info>,
    /// Owner and type checked: the only `MarketState` is the `[MARKET]` PDA initialize_market creates.
    pub market: Box<Account<'info, MarketState>>,
    #[account(mut, address = market.book @ TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
    /// Owner (governance) and type checked: governance creates its one config only at its PDA.
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Gives the signer the seat at `slot`: the next never-used slot (`slot == seat_count`), or a used one
/// whose trader has no balance and no open order left (so a market cannot be filled up with abandoned
/// seats). A trader holds at most one seat (`SeatAlreadyClaimed`): the engine's self-trade rule compares
/// seats. O(seat_count) for that check, once per trader.
pub fn handler(ctx: Context<ClaimSeat>, slot: u32) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let owner = ctx.accounts.owner.key();
    let previous_owner = with_book(&ctx.accounts.book, |book| {
        let used = book.header.seat_count;
        require!(slot < book.header.seat_capacity && slot <= used, TradingError::SeatNotFree);
        require!(!book.seats[..used as usize].iter().any(|s| s.owner == owner), TradingError::SeatAlreadyClaimed);
        let seat = &mut book.seats[slot as usize];
        require!(slot == used || seat.is_empty(), TradingError::SeatNotFree);
        let previous = seat.owner;
        *seat = Seat { owner, ..bytemuck::Zeroable::zeroed() };
        if slot == used {
            book.header.seat_count = used + 1; // ≤ seat_capacity
        }
        Ok(previous)
    })?;
    emit!(SeatClaimed { owner, slot, previous_owner });
    Ok(())
}
