use anchor_lang::prelude::*;
use anchor_spl::{token_2022::Token2022, token_interface::Mint};
use gridtokenx_common::{require_bootstrap, seeds, AuthorityState};

use crate::{
    events::TokenInitialized,
    state::{TokenInfo, GRX_DECIMALS},
};

/// Creates TokenInfo and the GRX Token-2022 mint (9 decimals, mint authority = TokenInfo, freeze authority =
/// governance's `[GOVERNANCE_AUTHORITY]` PDA, so that governance's emergency pause also stops raw Token-2022
/// transfers and burns: `governance::sync_grx_freeze` freezes GRX accounts while paused and thaws them after).
/// Token-2022's Pausable extension would pause the whole mint in one instruction, but the Token-2022 program
/// LiteSVM (solders 0.26.0) bundles rejects it (`PausableExtension` is "Invalid instruction"), see
/// docs/programs.md.
/// Unlike the illustration in platform-algorithms §3.3 there is no `registry_program` argument: the registry id
/// is fixed (`gridtokenx_common::ids::REGISTRY`), so nobody can point minting rights elsewhere.
#[derive(Accounts)]
pub struct InitializeToken<'info> {
    /// Must be `BOOTSTRAP_AUTHORITY` (checked in the handler); becomes the admin.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(init, payer = authority, space = TokenInfo::SPACE, seeds = [seeds::TOKEN_INFO], bump)]
    pub token_info: Box<Account<'info, TokenInfo>>,
    /// CHECK: governance's signer PDA `[seeds::GOVERNANCE_AUTHORITY]` (address checked by the seeds; it has
    /// no data and need not exist yet), made the GRX freeze authority.
    #[account(constraint = pause_authority.key() == gridtokenx_common::pda::GOVERNANCE_AUTHORITY @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub pause_authority: UncheckedAccount<'info>,
    #[account(
        init,
        payer = authority,
        seeds = [seeds::GRX_MINT],
        bump,
        mint::decimals = GRX_DECIMALS,
        mint::authority = token_info,
        mint::freeze_authority = pause_authority,
        mint::token_program = token_program,
    )]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Program<'info, Token2022>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeToken>) -> Result<()> {
    let admin = ctx.accounts.authority.key();
    require_bootstrap(&admin)?;
    let mint = ctx.accounts.mint.key();
    let token_info = &mut ctx.accounts.token_info;
    token_info.admin = AuthorityState::new(admin);
    token_info.mint = mint;
    token_info.total_minted = 0;
    token_info.total_burned = 0;
    token_info.total_supply = 0;
    token_info.bump = ctx.bumps.token_info;
    emit!(TokenInitialized { token_info: token_info.key(), mint, admin, decimals: GRX_DECIMALS });
    Ok(())
}
