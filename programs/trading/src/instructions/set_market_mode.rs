use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    error::TradingError,
    events::MarketModeChanged,
    instructions::with_book,
    state::{MarketMode, MarketState, OrderBook},
};

#[derive(Accounts)]
pub struct SetMarketMode<'info> {
    pub admin: Signer<'info>,
    #[account(mut, constraint = market.key() == gridtokenx_common::pda::MARKET @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(address = market.book @ TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// The market admin switches between continuous matching and call auctions. Entering `Auction` needs an
/// uncrossed book (`BookCrossed`: crank `match_orders` first), so the auction only ever clears orders
/// placed under its rules; leaving it is always allowed (the crank then clears what crosses).
pub fn handler(ctx: Context<SetMarketMode>, mode: MarketMode) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    ctx.accounts.market.admin.require_authority(&ctx.accounts.admin.key())?;
    if mode == MarketMode::Auction {
        let crossed = with_book(&ctx.accounts.book, |book| Ok(book.is_crossed()))?;
        require!(!crossed, TradingError::BookCrossed);
    }
    ctx.accounts.market.mode = mode;
    emit!(MarketModeChanged { mode });
    Ok(())
}
