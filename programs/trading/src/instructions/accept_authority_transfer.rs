use anchor_lang::prelude::*;

use super::AuthorityTransfer;
use crate::events::AuthorityTransferAccepted;

/// The pending authority accepts before the proposal expires and becomes the admin.
pub fn handler(ctx: Context<AuthorityTransfer>) -> Result<()> {
    let signer = ctx.accounts.authority.key();
    let now = Clock::get()?.unix_timestamp;
    let previous_authority = ctx.accounts.market.admin.accept(&signer, now)?;
    emit!(AuthorityTransferAccepted { previous_authority, new_authority: signer });
    Ok(())
}
