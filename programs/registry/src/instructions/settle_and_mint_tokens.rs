use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{Mint, TokenAccount},
};
use energy_token::{program::EnergyToken, GRX_PER_WH};
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{error::RegistryError, events::MeterSettled, state::MeterAccount};

#[derive(Accounts)]
pub struct SettleAndMintTokens<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::METER, meter.meter_id.as_ref()],
        bump = meter.bump,
        has_one = owner,
        constraint = meter.active @ RegistryError::MeterInactive,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    /// CHECK: signer-only PDA of this program (no data); its address is checked by the seeds and it signs the
    /// `mint_tokens_direct` CPI.
    #[account(constraint = registry_authority.key() == gridtokenx_common::pda::REGISTRY_AUTHORITY @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_authority: UncheckedAccount<'info>,
    /// CHECK: energy_token's TokenInfo; validated by energy_token (seeds, owner) in the CPI.
    #[account(mut)]
    pub token_info: UncheckedAccount<'info>,
    /// The GRX mint (energy_token checks it is TokenInfo's mint).
    #[account(mut)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// The owner's GRX token account receiving the minted tokens.
    #[account(mut, token::mint = mint, token::authority = owner, token::token_program = token_program)]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub energy_token_program: Program<'info, EnergyToken>,
    pub token_program: Program<'info, Token2022>,
}

/// Mints the unsettled net generation and advances the settlement high-water mark.
///
/// Fixes relative to platform-algorithms §4.1/§4.2: settlement does not add generation (readings arrive only
/// via `update_meter_reading`), it settles *net* generation (generation − consumption, 0 if negative) rather
/// than gross generation, the mark advances to net (not to total generation), and the Wh → base-unit
/// conversion is checked (`GRX_PER_WH` = 10^6, 1 GRX = 1 kWh).
pub fn handler(ctx: Context<SettleAndMintTokens>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let net = ctx.accounts.meter.net_generation();
    let unsettled = ctx.accounts.meter.unsettled_net_generation();
    require!(unsettled > 0, RegistryError::NothingToSettle);
    let tokens = unsettled.checked_mul(GRX_PER_WH).ok_or(RegistryError::ArithmeticOverflow)?;

    let bump = [gridtokenx_common::pda::REGISTRY_AUTHORITY_BUMP];
    let signer_seeds: &[&[&[u8]]] = &[&[seeds::REGISTRY_AUTHORITY, &bump]];
    energy_token::cpi::mint_tokens_direct(
        CpiContext::new_with_signer(
            ctx.accounts.energy_token_program.key(),
            energy_token::cpi::accounts::MintTokensDirect {
                token_info: ctx.accounts.token_info.to_account_info(),
                mint: ctx.accounts.mint.to_account_info(),
                destination: ctx.accounts.destination.to_account_info(),
                authority: ctx.accounts.registry_authority.to_account_info(),
                governance_config: ctx.accounts.governance_config.to_account_info(),
                token_program: ctx.accounts.token_program.to_account_info(),
            },
            signer_seeds,
        ),
        tokens,
    )?;

    let meter = &mut ctx.accounts.meter;
    // unsettled > 0 implies net > settled: the mark only moves forward.
    meter.settled_net_generation = net;
    emit!(MeterSettled {
        meter_id: meter.meter_id,
        owner: meter.owner,
        energy_settled: unsettled,
        tokens_minted: tokens,
        settled_net_generation: net,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
