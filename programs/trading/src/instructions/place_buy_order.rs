use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::TradingError,
    events::OrderPlaced,
    instructions::transfer,
    math::quote_for,
    state::{MarketState, LimitOrder, OrderSide, OrderStatus},
};

#[derive(Accounts)]
pub struct PlaceBuyOrder<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut, seeds = [seeds::MARKET], bump = market.bump)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(
        init,
        payer = owner,
        space = LimitOrder::SPACE,
        seeds = [seeds::ORDER, market.key().as_ref(), &market.next_order_id.to_le_bytes()],
        bump,
    )]
    pub order: Box<Account<'info, LimitOrder>>,
    #[account(
        mut,
        token::mint = quote_mint,
        token::authority = owner,
        token::token_program = quote_token_program,
    )]
    pub owner_quote_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = market.quote_escrow)]
    pub quote_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = market.quote_mint)]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub quote_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// Escrows `amount_wh × price / 1000` quote base units (checked u128 math) and rests a buy order.
pub fn handler(ctx: Context<PlaceBuyOrder>, amount_wh: u64, price: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(amount_wh > 0, TradingError::ZeroAmount);
    require!(price > 0, TradingError::ZeroPrice);
    let escrow = quote_for(amount_wh, price)?;
    require!(escrow > 0, TradingError::OrderTooSmall);

    let accounts = &ctx.accounts;
    transfer(
        &accounts.quote_token_program.to_account_info(),
        &accounts.owner_quote_account.to_account_info(),
        &accounts.quote_mint,
        &accounts.quote_escrow.to_account_info(),
        &accounts.owner.to_account_info(),
        escrow,
        &[],
    )?;

    let now = Clock::get()?.unix_timestamp;
    let owner = ctx.accounts.owner.key();
    let market_key = ctx.accounts.market.key();
    let order_key = ctx.accounts.order.key();
    let market = &mut ctx.accounts.market;
    let order_id = market.next_order_id;
    market.next_order_id = order_id.checked_add(1).ok_or(TradingError::ArithmeticOverflow)?;
    market.open_orders = market.open_orders.checked_add(1).ok_or(TradingError::ArithmeticOverflow)?;

    let order = &mut ctx.accounts.order;
    order.market = market_key;
    order.order_id = order_id;
    order.owner = owner;
    order.side = OrderSide::Buy;
    order.status = OrderStatus::Open;
    order.price = price;
    order.amount_wh = amount_wh;
    order.filled_wh = 0;
    order.escrow_remaining = escrow;
    order.erc_certificate = Pubkey::default();
    order.created_at = now;
    order.bump = ctx.bumps.order;

    emit!(OrderPlaced {
        order: order_key,
        order_id,
        owner,
        side: OrderSide::Buy,
        price,
        amount_wh,
        escrowed: escrow,
        erc_certificate: Pubkey::default(),
        timestamp: now,
    });
    Ok(())
}
