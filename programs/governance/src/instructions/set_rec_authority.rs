use anchor_lang::prelude::*;
use gridtokenx_common::GovernanceConfig;

use crate::{error::GovernanceError, events::RecAuthorityChanged};

#[derive(Accounts)]
pub struct SetRecAuthority<'info> {
    pub authority: Signer<'info>,
    #[account(mut, constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Account<'info, GovernanceConfig>,
}

/// Admin replaces the REC authority in one step (the admin key itself is protected by the two-step
/// transfer). Like the authority transfers it works while paused, so a compromised REC key can be
/// rotated during an emergency stop.
pub fn handler(ctx: Context<SetRecAuthority>, new_rec_authority: Pubkey) -> Result<()> {
    let admin = ctx.accounts.authority.key();
    let config = &mut ctx.accounts.governance_config;
    config.admin.require_authority(&admin)?;
    require!(
        new_rec_authority != Pubkey::default() && new_rec_authority != config.rec_authority,
        GovernanceError::InvalidRecAuthority
    );
    let previous_rec_authority = config.rec_authority;
    config.rec_authority = new_rec_authority;

    emit!(RecAuthorityChanged { admin, previous_rec_authority, new_rec_authority });
    Ok(())
}
