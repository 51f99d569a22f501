use anchor_lang::prelude::*;

use crate::{error::GovernanceError, events::EmergencyUnpaused, instructions::emergency_pause::EmergencyControl};

/// Admin only; does not check the pause (it lifts it). `paused_at` keeps the start of the last pause.
pub fn handler(ctx: Context<EmergencyControl>) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let config = &mut ctx.accounts.governance_config;
    config.admin.require_authority(&authority)?;
    require!(config.paused, GovernanceError::NotPaused);
    let now = Clock::get()?.unix_timestamp;
    config.paused = false;
    // A clock set back between pause and unpause would give a negative duration: report 0 instead.
    let paused_for = now.saturating_sub(config.paused_at).max(0);

    emit!(EmergencyUnpaused { authority, timestamp: now, paused_for });
    Ok(())
}
