use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{self, Burn, Mint, TokenAccount},
};
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    error::EnergyTokenError,
    events::TokensBurned,
    instructions::{check_supply, reconcile_external_burns},
    state::TokenInfo,
};

#[derive(Accounts)]
pub struct BurnTokens<'info> {
    pub owner: Signer<'info>,
    #[account(mut, constraint = token_info.key() == gridtokenx_common::pda::TOKEN_INFO @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub token_info: Box<Account<'info, TokenInfo>>,
    #[account(mut, address = token_info.mint)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, token::mint = mint, token::authority = owner, token::token_program = token_program)]
    pub from: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub token_program: Program<'info, Token2022>,
}

/// The illustration in platform-algorithms §3.2 saturates `total_supply` and never records the burn; here
/// `total_burned` and `total_supply` are updated with checked math and verified against the mint.
pub fn handler(ctx: Context<BurnTokens>, amount: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(amount > 0, EnergyTokenError::ZeroAmount);
    require!(ctx.accounts.from.amount >= amount, EnergyTokenError::InsufficientBalance);

    reconcile_external_burns(&mut ctx.accounts.token_info, ctx.accounts.mint.supply)?;
    let total_burned =
        ctx.accounts.token_info.total_burned.checked_add(amount).ok_or(EnergyTokenError::ArithmeticOverflow)?;
    // amount ≤ balance ≤ mint supply == total_supply (just reconciled), so this cannot underflow; checked anyway.
    let total_supply =
        ctx.accounts.token_info.total_supply.checked_sub(amount).ok_or(EnergyTokenError::SupplyMismatch)?;

    token_interface::burn(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            Burn {
                mint: ctx.accounts.mint.to_account_info(),
                from: ctx.accounts.from.to_account_info(),
                authority: ctx.accounts.owner.to_account_info(),
            },
        ),
        amount,
    )?;

    let token_info = &mut ctx.accounts.token_info;
    token_info.total_burned = total_burned;
    token_info.total_supply = total_supply;
    ctx.accounts.mint.reload()?;
    check_supply(&ctx.accounts.token_info, &ctx.accounts.mint)?;

    emit!(TokensBurned {
        from: ctx.accounts.from.key(),
        owner: ctx.accounts.owner.key(),
        amount,
        total_burned,
        total_supply,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
