use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{Mint, TokenAccount, TokenInterface},
};
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::TradingError,
    events::Swapped,
    instructions::transfer,
    math::swap_out,
    state::{AmmPool, MarketState, SwapDirection},
};

#[derive(Accounts)]
pub struct Swap<'info> {
    pub user: Signer<'info>,
    #[account(constraint = market.key() == gridtokenx_common::pda::MARKET @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(mut, seeds = [seeds::POOL, &pool.curve.seed()], bump = pool.bump, has_one = market)]
    pub pool: Box<Account<'info, AmmPool>>,
    #[account(mut, address = pool.grx_vault)]
    pub grx_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = pool.quote_vault)]
    pub quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = grx_mint, token::authority = user)]
    pub user_grx_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = quote_mint, token::authority = user)]
    pub user_quote_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = market.grx_mint)]
    pub grx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = market.quote_mint)]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub grx_token_program: Program<'info, Token2022>,
    pub quote_token_program: Interface<'info, TokenInterface>,
}

/// Exact-input swap against the pool's curve (`math::swap_out`); fails with `SlippageExceeded` when the
/// output is below `min_out`. No fee is charged by the pools.
pub fn handler(ctx: Context<Swap>, direction: SwapDirection, amount_in: u64, min_out: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(amount_in > 0, TradingError::ZeroAmount);
    let pool = &ctx.accounts.pool;
    let out = swap_out(
        pool.curve,
        direction,
        amount_in,
        pool.grx_reserve,
        pool.quote_reserve,
        pool.initial_grx,
        pool.initial_quote,
    )?;
    require!(out > 0, TradingError::ZeroSwapOutput);
    require!(out >= min_out, TradingError::SlippageExceeded);

    let overflow = || error!(TradingError::ArithmeticOverflow);
    let (grx_reserve, quote_reserve) = match direction {
        SwapDirection::BuyGrx => (
            pool.grx_reserve - out, // out < grx_reserve (swap_out)
            pool.quote_reserve.checked_add(amount_in).ok_or_else(overflow)?,
        ),
        SwapDirection::SellGrx => (
            pool.grx_reserve.checked_add(amount_in).ok_or_else(overflow)?,
            pool.quote_reserve - out, // out < quote_reserve (swap_out)
        ),
    };

    let curve_seed = pool.curve.seed();
    let bump = [pool.bump];
    let signer: &[&[u8]] = &[seeds::POOL, &curve_seed, &bump];
    let a = &ctx.accounts;
    let user = a.user.to_account_info();
    let pool_info = a.pool.to_account_info();
    let grx_program = a.grx_token_program.to_account_info();
    let quote_program = a.quote_token_program.to_account_info();
    match direction {
        SwapDirection::BuyGrx => {
            transfer(
                &quote_program,
                &a.user_quote_account.to_account_info(),
                &a.quote_mint,
                &a.quote_vault.to_account_info(),
                &user,
                amount_in,
                &[],
            )?;
            transfer(
                &grx_program,
                &a.grx_vault.to_account_info(),
                &a.grx_mint,
                &a.user_grx_account.to_account_info(),
                &pool_info,
                out,
                &[signer],
            )?;
        }
        SwapDirection::SellGrx => {
            transfer(
                &grx_program,
                &a.user_grx_account.to_account_info(),
                &a.grx_mint,
                &a.grx_vault.to_account_info(),
                &user,
                amount_in,
                &[],
            )?;
            transfer(
                &quote_program,
                &a.quote_vault.to_account_info(),
                &a.quote_mint,
                &a.user_quote_account.to_account_info(),
                &pool_info,
                out,
                &[signer],
            )?;
        }
    }

    let user_key = ctx.accounts.user.key();
    let pool = &mut ctx.accounts.pool;
    pool.grx_reserve = grx_reserve;
    pool.quote_reserve = quote_reserve;
    pool.total_swaps = pool.total_swaps.checked_add(1).ok_or_else(overflow)?;
    emit!(Swapped {
        pool: pool.key(),
        user: user_key,
        direction,
        amount_in,
        amount_out: out,
        grx_reserve,
        quote_reserve,
    });
    Ok(())
}
