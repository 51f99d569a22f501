use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{error::TradingError, events::FeesWithdrawn, instructions::transfer, state::MarketState};

#[derive(Accounts)]
pub struct WithdrawFees<'info> {
    pub admin: Signer<'info>,
    #[account(mut, constraint = market.key() == gridtokenx_common::pda::MARKET @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub market: Box<Account<'info, MarketState>>,
    /// CHECK: PDA without data, signs the transfer out of the quote vault.
    #[account(seeds = [seeds::ESCROW_AUTHORITY, market.key().as_ref()], bump = market.escrow_authority_bump)]
    pub escrow_authority: UncheckedAccount<'info>,
    /// The quote vault, where fees stay until withdrawn.
    #[account(mut, address = market.quote_escrow)]
    pub quote_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = quote_mint)]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = market.quote_mint)]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub quote_token_program: Interface<'info, TokenInterface>,
}

/// The market admin moves `amount` of the unclaimed fees out of the quote vault to `destination`
/// (`InsufficientFees` beyond `fees_unclaimed`: the rest of the vault is the traders').
pub fn handler(ctx: Context<WithdrawFees>, amount: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    ctx.accounts.market.admin.require_authority(&ctx.accounts.admin.key())?;
    require!(amount > 0, TradingError::ZeroAmount);
    let market = &mut ctx.accounts.market;
    market.fees_unclaimed = market.fees_unclaimed.checked_sub(amount).ok_or(TradingError::InsufficientFees)?;

    let market_key = ctx.accounts.market.key();
    let bump = [ctx.accounts.market.escrow_authority_bump];
    let signer: &[&[u8]] = &[seeds::ESCROW_AUTHORITY, market_key.as_ref(), &bump];
    let a = &ctx.accounts;
    transfer(
        &a.quote_token_program.to_account_info(),
        &a.quote_escrow.to_account_info(),
        &a.quote_mint,
        &a.destination.to_account_info(),
        &a.escrow_authority.to_account_info(),
        amount,
        &[signer],
    )?;
    emit!(FeesWithdrawn { admin: a.admin.key(), destination: a.destination.key(), amount });
    Ok(())
}
