use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{Mint, TokenAccount, TokenInterface},
};
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::TradingError,
    events::PoolInitialized,
    instructions::transfer,
    state::{AmmPool, CurveType, MarketState, MAX_POOL_RESERVE, POOL_GRX_VAULT, POOL_QUOTE_VAULT},
};

#[derive(Accounts)]
#[instruction(curve: CurveType)]
pub struct InitializePool<'info> {
    /// The market admin; pays and provides the initial liquidity.
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(constraint = market.key() == gridtokenx_common::pda::MARKET @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(init, payer = admin, space = AmmPool::SPACE, seeds = [seeds::POOL, &curve.seed()], bump)]
    pub pool: Box<Account<'info, AmmPool>>,
    #[account(
        init,
        payer = admin,
        seeds = [POOL_GRX_VAULT, pool.key().as_ref()],
        bump,
        token::mint = grx_mint,
        token::authority = pool,
        token::token_program = grx_token_program,
    )]
    pub grx_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = admin,
        seeds = [POOL_QUOTE_VAULT, pool.key().as_ref()],
        bump,
        token::mint = quote_mint,
        token::authority = pool,
        token::token_program = quote_token_program,
    )]
    pub quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = grx_mint, token::authority = admin)]
    pub admin_grx_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = quote_mint, token::authority = admin)]
    pub admin_quote_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = market.grx_mint)]
    pub grx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = market.quote_mint)]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub grx_token_program: Program<'info, Token2022>,
    pub quote_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// Creates the pool of `curve` (one per curve type) and deposits the initial reserves, which are also the
/// curve parameters (initial price `quote_amount / grx_amount` in base units). Market admin only.
pub fn handler(ctx: Context<InitializePool>, curve: CurveType, grx_amount: u64, quote_amount: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    ctx.accounts.market.admin.require_authority(&ctx.accounts.admin.key())?;
    for amount in [grx_amount, quote_amount] {
        require!(amount > 0 && amount <= MAX_POOL_RESERVE, TradingError::InvalidPoolAmount);
    }

    let a = &ctx.accounts;
    let admin = a.admin.to_account_info();
    transfer(
        &a.grx_token_program.to_account_info(),
        &a.admin_grx_account.to_account_info(),
        &a.grx_mint,
        &a.grx_vault.to_account_info(),
        &admin,
        grx_amount,
        &[],
    )?;
    transfer(
        &a.quote_token_program.to_account_info(),
        &a.admin_quote_account.to_account_info(),
        &a.quote_mint,
        &a.quote_vault.to_account_info(),
        &admin,
        quote_amount,
        &[],
    )?;

    let market_key = ctx.accounts.market.key();
    let grx_vault = ctx.accounts.grx_vault.key();
    let quote_vault = ctx.accounts.quote_vault.key();
    let pool_key = ctx.accounts.pool.key();
    let pool = &mut ctx.accounts.pool;
    pool.market = market_key;
    pool.curve = curve;
    pool.grx_vault = grx_vault;
    pool.quote_vault = quote_vault;
    pool.grx_reserve = grx_amount;
    pool.quote_reserve = quote_amount;
    pool.initial_grx = grx_amount;
    pool.initial_quote = quote_amount;
    pool.total_swaps = 0;
    pool.grx_vault_bump = ctx.bumps.grx_vault;
    pool.quote_vault_bump = ctx.bumps.quote_vault;
    pool.bump = ctx.bumps.pool;

    emit!(PoolInitialized { pool: pool_key, curve, grx_reserve: grx_amount, quote_reserve: quote_amount });
    Ok(())
}
