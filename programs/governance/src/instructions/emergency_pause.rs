use anchor_lang::prelude::*;
use gridtokenx_common::GovernanceConfig;

use crate::{error::GovernanceError, events::EmergencyPaused};

/// Shared by `emergency_pause` and `emergency_unpause`.
#[derive(Accounts)]
pub struct EmergencyControl<'info> {
    pub authority: Signer<'info>,
    #[account(mut, constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Account<'info, GovernanceConfig>,
}

/// Admin only (the seed let the REC authority pause; here the REC authority only manages certificates and
/// the admin — whose key is protected by the two-step transfer — controls the system switch).
pub fn handler(ctx: Context<EmergencyControl>) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let config = &mut ctx.accounts.governance_config;
    config.admin.require_authority(&authority)?;
    require!(!config.paused, GovernanceError::AlreadyPaused);
    let now = Clock::get()?.unix_timestamp;
    config.paused = true;
    config.paused_at = now;
    config.pause_count = config.pause_count.checked_add(1).ok_or(GovernanceError::ArithmeticOverflow)?;

    emit!(EmergencyPaused { authority, timestamp: now, pause_count: config.pause_count });
    Ok(())
}
