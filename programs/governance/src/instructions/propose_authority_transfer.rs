use anchor_lang::prelude::*;
use gridtokenx_common::GovernanceConfig;

use crate::events::AuthorityTransferProposed;

/// Shared by the three authority-transfer instructions. They do not check the pause (docs/programs.md:
/// governance's authority transfers must stay possible while the system is stopped).
#[derive(Accounts)]
pub struct AuthorityTransfer<'info> {
    pub authority: Signer<'info>,
    #[account(mut, constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Account<'info, GovernanceConfig>,
}

/// Current admin proposes `new_authority`; it must accept within 48 h. A new proposal replaces a pending one.
pub fn handler(ctx: Context<AuthorityTransfer>, new_authority: Pubkey) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let now = Clock::get()?.unix_timestamp;
    let admin = &mut ctx.accounts.governance_config.admin;
    admin.propose(&authority, new_authority, now)?;

    emit!(AuthorityTransferProposed {
        authority,
        pending_authority: new_authority,
        expires_at: admin.pending_expires_at,
    });
    Ok(())
}
