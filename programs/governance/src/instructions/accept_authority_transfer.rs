use anchor_lang::prelude::*;

use crate::{events::AuthorityTransferAccepted, instructions::propose_authority_transfer::AuthorityTransfer};

/// The pending authority signs (as `authority`) before the 48 h deadline and becomes the admin.
pub fn handler(ctx: Context<AuthorityTransfer>) -> Result<()> {
    let new_authority = ctx.accounts.authority.key();
    let now = Clock::get()?.unix_timestamp;
    let previous_authority = ctx.accounts.governance_config.admin.accept(&new_authority, now)?;

    emit!(AuthorityTransferAccepted { previous_authority, new_authority });
    Ok(())
}
