use anchor_lang::prelude::*;
use gridtokenx_common::seeds;

use crate::{error::RegistryError, events::ErcGenerationClaimed, state::MeterAccount};

/// Only governance can sign for `[GOVERNANCE_AUTHORITY]` (via CPI from `issue_erc`).
///
/// Accounts are exactly those of docs/programs.md (no `governance_config`): the caller, governance's
/// `issue_erc`, enforces the pause itself, and the pause flag lives in governance's own config.
#[derive(Accounts)]
pub struct UpdateClaimedErcGeneration<'info> {
    #[account(constraint = governance_authority.key() == gridtokenx_common::pda::GOVERNANCE_AUTHORITY @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_authority: Signer<'info>,
    #[account(mut, seeds = [seeds::METER, meter.meter_id.as_ref()], bump = meter.bump)]
    pub meter: Box<Account<'info, MeterAccount>>,
}

/// Advances the ERC high-water mark: `claimed + amount ≤ total_generation` (checked), monotonic.
pub fn handler(ctx: Context<UpdateClaimedErcGeneration>, amount: u64) -> Result<()> {
    require!(amount > 0, RegistryError::ZeroClaimAmount);
    let meter = &mut ctx.accounts.meter;
    let claimed = meter.claimed_erc_generation.checked_add(amount).ok_or(RegistryError::ClaimExceedsGeneration)?;
    require!(claimed <= meter.total_generation, RegistryError::ClaimExceedsGeneration);
    meter.claimed_erc_generation = claimed;

    emit!(ErcGenerationClaimed {
        meter_id: meter.meter_id,
        amount,
        claimed_erc_generation: claimed,
        total_generation: meter.total_generation,
    });
    Ok(())
}
