use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{self, Mint, MintTo, TokenAccount},
};
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::EnergyTokenError,
    events::TokensMinted,
    instructions::{check_supply, reconcile_external_burns},
    state::TokenInfo,
};

/// Account order fixed by docs/programs.md (the registry CPIs into this).
#[derive(Accounts)]
pub struct MintTokensDirect<'info> {
    #[account(mut, constraint = token_info.key() == gridtokenx_common::pda::TOKEN_INFO @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub token_info: Box<Account<'info, TokenInfo>>,
    #[account(mut, address = token_info.mint)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, token::mint = mint, token::token_program = token_program)]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The registry's `[REGISTRY_AUTHORITY]` PDA (signing through CPI) or the admin (checked in the handler).
    pub authority: Signer<'info>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub token_program: Program<'info, Token2022>,
}

/// The illustration in platform-algorithms §3.1/§3.3 accepts only the admin and saturates the supply counter;
/// here the registry PDA may mint too (settlement), and totals use checked math.
pub fn handler(ctx: Context<MintTokensDirect>, amount: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let authority = ctx.accounts.authority.key();
    let authorised = authority == ctx.accounts.token_info.admin.authority
        || authority == Pubkey::find_program_address(&[seeds::REGISTRY_AUTHORITY], &ids::REGISTRY).0;
    require!(authorised, EnergyTokenError::UnauthorizedMinter);
    require!(amount > 0, EnergyTokenError::ZeroAmount);

    reconcile_external_burns(&mut ctx.accounts.token_info, ctx.accounts.mint.supply)?;
    let total_minted =
        ctx.accounts.token_info.total_minted.checked_add(amount).ok_or(EnergyTokenError::ArithmeticOverflow)?;
    let total_supply =
        ctx.accounts.token_info.total_supply.checked_add(amount).ok_or(EnergyTokenError::ArithmeticOverflow)?;

    let bump = [ctx.accounts.token_info.bump];
    let signer_seeds: &[&[&[u8]]] = &[&[seeds::TOKEN_INFO, &bump]];
    token_interface::mint_to(
        CpiContext::new_with_signer(
            ctx.accounts.token_program.key(),
            MintTo {
                mint: ctx.accounts.mint.to_account_info(),
                to: ctx.accounts.destination.to_account_info(),
                authority: ctx.accounts.token_info.to_account_info(),
            },
            signer_seeds,
        ),
        amount,
    )?;

    let token_info = &mut ctx.accounts.token_info;
    token_info.total_minted = total_minted;
    token_info.total_supply = total_supply;
    ctx.accounts.mint.reload()?;
    check_supply(&ctx.accounts.token_info, &ctx.accounts.mint)?;

    emit!(TokensMinted {
        destination: ctx.accounts.destination.key(),
        authority,
        amount,
        total_minted,
        total_supply,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
