use anchor_lang::prelude::*;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{error::TradingError, events::OrderClosed, state::{MarketState, LimitOrder}};

#[derive(Accounts)]
pub struct CloseOrder<'info> {
    /// Receives the order account's rent.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(seeds = [seeds::MARKET], bump = market.bump)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(
        mut,
        close = owner,
        seeds = [seeds::ORDER, market.key().as_ref(), &order.order_id.to_le_bytes()],
        bump = order.bump,
        has_one = owner @ TradingError::NotOrderOwner,
    )]
    pub order: Box<Account<'info, LimitOrder>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Closes a Filled or Cancelled order (its escrow is already zero) and returns the rent to the owner.
/// Order ids only grow, so a closed order's address is never reused.
pub fn handler(ctx: Context<CloseOrder>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let order = &ctx.accounts.order;
    require!(!order.is_open(), TradingError::OrderStillOpen);
    emit!(OrderClosed { order: order.key(), order_id: order.order_id, owner: order.owner });
    Ok(())
}
