use anchor_lang::prelude::*;

use crate::{events::AuthorityTransferCancelled, instructions::propose_authority_transfer::AuthorityTransfer};

/// The current admin withdraws a pending proposal (also usable to clear an expired one).
pub fn handler(ctx: Context<AuthorityTransfer>) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let admin = &mut ctx.accounts.governance_config.admin;
    let cancelled_pending = admin.pending_authority;
    admin.cancel(&authority)?;

    emit!(AuthorityTransferCancelled { authority, cancelled_pending });
    Ok(())
}
