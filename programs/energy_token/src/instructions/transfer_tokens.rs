use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{self, Mint, TokenAccount, TransferChecked},
};
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{error::EnergyTokenError, events::TokensTransferred};

/// Owner-signed GRX transfer. Supply is unchanged, so TokenInfo is not touched (not even read): transfers
/// between different holders do not serialise on one writable account.
#[derive(Accounts)]
pub struct TransferTokens<'info> {
    pub owner: Signer<'info>,
    #[account(mut, token::mint = mint, token::authority = owner, token::token_program = token_program)]
    pub from: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = mint, token::token_program = token_program)]
    pub to: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(constraint = mint.key() == gridtokenx_common::pda::GRX_MINT @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub token_program: Program<'info, Token2022>,
}

pub fn handler(ctx: Context<TransferTokens>, amount: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(amount > 0, EnergyTokenError::ZeroAmount);
    require!(ctx.accounts.from.amount >= amount, EnergyTokenError::InsufficientBalance);

    token_interface::transfer_checked(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            TransferChecked {
                from: ctx.accounts.from.to_account_info(),
                mint: ctx.accounts.mint.to_account_info(),
                to: ctx.accounts.to.to_account_info(),
                authority: ctx.accounts.owner.to_account_info(),
            },
        ),
        amount,
        ctx.accounts.mint.decimals,
    )?;

    emit!(TokensTransferred {
        from: ctx.accounts.from.key(),
        to: ctx.accounts.to.key(),
        owner: ctx.accounts.owner.key(),
        amount,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
