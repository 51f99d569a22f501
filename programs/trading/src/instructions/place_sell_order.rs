use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{Mint, TokenAccount},
};
use governance::state::ErcCertificate;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::TradingError,
    events::OrderPlaced,
    instructions::{require_erc_backs, transfer},
    math::{grx_for, quote_for},
    state::{ErcUsage, MarketState, LimitOrder, OrderSide, OrderStatus, ERC_USAGE},
};

#[derive(Accounts)]
pub struct PlaceSellOrder<'info> {
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
    /// Governance's certificate covering the energy (owner: governance program, address: its PDA).
    #[account(
        seeds = [seeds::ERC_CERTIFICATE, erc_certificate.certificate_id.as_ref()],
        bump = erc_certificate.bump,
        seeds::program = ids::GOVERNANCE,
    )]
    pub erc_certificate: Box<Account<'info, ErcCertificate>>,
    /// Trading's tally of the certificate's energy committed to sell orders (created on first use).
    #[account(
        init_if_needed,
        payer = owner,
        space = ErcUsage::SPACE,
        seeds = [ERC_USAGE, erc_certificate.key().as_ref()],
        bump,
    )]
    pub erc_usage: Box<Account<'info, ErcUsage>>,
    #[account(
        mut,
        token::mint = grx_mint,
        token::authority = owner,
        token::token_program = grx_token_program,
    )]
    pub owner_grx_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = market.grx_escrow)]
    pub grx_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = market.grx_mint)]
    pub grx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub grx_token_program: Program<'info, Token2022>,
    pub system_program: Program<'info, System>,
}

/// Escrows `amount_wh × GRX_PER_WH` GRX base units and rests a sell order. The seller must own a
/// Validated, unexpired ERC whose energy not yet committed to other sell orders covers `amount_wh`
/// (`ErcUsage`: the same energy can never back two orders; cancelling releases the unfilled part, filled
/// energy stays committed because it has been sold). The certificate is checked again at every fill.
pub fn handler(ctx: Context<PlaceSellOrder>, amount_wh: u64, price: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(amount_wh > 0, TradingError::ZeroAmount);
    require!(price > 0, TradingError::ZeroPrice);
    require!(quote_for(amount_wh, price)? > 0, TradingError::OrderTooSmall);
    let escrow = grx_for(amount_wh)?;

    let now = Clock::get()?.unix_timestamp;
    let owner = ctx.accounts.owner.key();
    let cert = &ctx.accounts.erc_certificate;
    require_erc_backs(cert, &owner, now)?;
    let cert_key = cert.key();
    let energy = cert.energy_amount;

    let usage = &mut ctx.accounts.erc_usage;
    if usage.certificate == Pubkey::default() {
        usage.certificate = cert_key;
        usage.bump = ctx.bumps.erc_usage;
    }
    let committed = usage.committed_wh.checked_add(amount_wh).ok_or(TradingError::InsufficientErcEnergy)?;
    require!(committed <= energy, TradingError::InsufficientErcEnergy);
    usage.committed_wh = committed;

    let accounts = &ctx.accounts;
    transfer(
        &accounts.grx_token_program.to_account_info(),
        &accounts.owner_grx_account.to_account_info(),
        &accounts.grx_mint,
        &accounts.grx_escrow.to_account_info(),
        &accounts.owner.to_account_info(),
        escrow,
        &[],
    )?;

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
    order.side = OrderSide::Sell;
    order.status = OrderStatus::Open;
    order.price = price;
    order.amount_wh = amount_wh;
    order.filled_wh = 0;
    order.escrow_remaining = escrow;
    order.erc_certificate = cert_key;
    order.created_at = now;
    order.bump = ctx.bumps.order;

    emit!(OrderPlaced {
        order: order_key,
        order_id,
        owner,
        side: OrderSide::Sell,
        price,
        amount_wh,
        escrowed: escrow,
        erc_certificate: cert_key,
        timestamp: now,
    });
    Ok(())
}
