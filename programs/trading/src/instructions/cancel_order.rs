use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::TradingError,
    events::OrderCancelled,
    instructions::transfer,
    state::{ErcUsage, MarketState, LimitOrder, OrderSide, OrderStatus, ERC_USAGE},
};

#[derive(Accounts)]
pub struct CancelOrder<'info> {
    pub owner: Signer<'info>,
    #[account(mut, seeds = [seeds::MARKET], bump = market.bump)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(
        mut,
        seeds = [seeds::ORDER, market.key().as_ref(), &order.order_id.to_le_bytes()],
        bump = order.bump,
        has_one = owner @ TradingError::NotOrderOwner,
    )]
    pub order: Box<Account<'info, LimitOrder>>,
    /// Sell orders only: the usage tally of the order's certificate (the unfilled energy is released).
    #[account(mut, seeds = [ERC_USAGE, order.erc_certificate.as_ref()], bump = erc_usage.bump)]
    pub erc_usage: Option<Box<Account<'info, ErcUsage>>>,
    /// CHECK: PDA without data, signs the escrow transfer.
    #[account(seeds = [seeds::ESCROW_AUTHORITY, market.key().as_ref()], bump = market.escrow_authority_bump)]
    pub escrow_authority: UncheckedAccount<'info>,
    /// The market's quote escrow for a buy order, its GRX escrow for a sell order.
    #[account(
        mut,
        constraint = escrow.key() == match order.side {
            OrderSide::Buy => market.quote_escrow,
            OrderSide::Sell => market.grx_escrow,
        } @ TradingError::InvalidTokenAccount,
    )]
    pub escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Receives the refund: the owner's quote (buy) or GRX (sell) account.
    #[account(mut, token::mint = mint, token::authority = owner, token::token_program = escrow_token_program)]
    pub owner_token_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        constraint = mint.key() == match order.side {
            OrderSide::Buy => market.quote_mint,
            OrderSide::Sell => market.grx_mint,
        } @ TradingError::InvalidTokenAccount,
    )]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    /// The escrow's token program (Token-2022 for GRX; the quote mint's program for a buy). Not named
    /// `token_program`: AnchorPy's client generator hard-codes accounts of that name to the classic SPL Token id.
    pub escrow_token_program: Interface<'info, TokenInterface>,
}

/// Returns the order's remaining escrow to its owner; a sell order also releases its unfilled energy
/// from the certificate's usage tally. The order stays (status Cancelled) until `close_order`.
pub fn handler(ctx: Context<CancelOrder>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let order = &ctx.accounts.order;
    require!(order.is_open(), TradingError::OrderNotOpen);
    let unfilled_wh = order.remaining_wh();
    let refund = order.escrow_remaining;
    let side = order.side;

    if side == OrderSide::Sell {
        let usage = ctx.accounts.erc_usage.as_mut().ok_or(TradingError::MissingErcUsage)?;
        usage.committed_wh = usage.committed_wh.checked_sub(unfilled_wh).ok_or(TradingError::ArithmeticOverflow)?;
    }

    let market_key = ctx.accounts.market.key();
    let bump = [ctx.accounts.market.escrow_authority_bump];
    let signer: &[&[u8]] = &[seeds::ESCROW_AUTHORITY, market_key.as_ref(), &bump];
    let accounts = &ctx.accounts;
    transfer(
        &accounts.escrow_token_program.to_account_info(),
        &accounts.escrow.to_account_info(),
        &accounts.mint,
        &accounts.owner_token_account.to_account_info(),
        &accounts.escrow_authority.to_account_info(),
        refund,
        &[signer],
    )?;

    let market = &mut ctx.accounts.market;
    market.open_orders = market.open_orders.checked_sub(1).ok_or(TradingError::ArithmeticOverflow)?;
    let order = &mut ctx.accounts.order;
    order.status = OrderStatus::Cancelled;
    order.escrow_remaining = 0;

    emit!(OrderCancelled {
        order: order.key(),
        order_id: order.order_id,
        owner: order.owner,
        side,
        unfilled_wh,
        refunded: refund,
    });
    Ok(())
}
