use anchor_lang::prelude::*;

use super::AuthorityTransfer;
use crate::events::AuthorityTransferCancelled;

/// The admin withdraws a pending proposal.
pub fn handler(ctx: Context<AuthorityTransfer>) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let admin = &mut ctx.accounts.market.admin;
    let cancelled_pending_authority = admin.pending_authority;
    admin.cancel(&authority)?;
    emit!(AuthorityTransferCancelled { authority, cancelled_pending_authority });
    Ok(())
}
