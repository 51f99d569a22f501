//! The current admin of the TokenInfo cancels a pending transfer. Not subject to the pause.
use anchor_lang::prelude::*;

use crate::{events::AuthorityTransferCancelled, state::TokenInfo};

#[derive(Accounts)]
pub struct CancelAuthorityTransfer<'info> {
    /// The current admin.
    pub signer: Signer<'info>,
    #[account(mut, constraint = token_info.key() == gridtokenx_common::pda::TOKEN_INFO @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub token_info: Box<Account<'info, TokenInfo>>,
}

pub fn handler(ctx: Context<CancelAuthorityTransfer>) -> Result<()> {
    let admin = &mut ctx.accounts.token_info.admin;
    let cancelled_pending = admin.pending_authority;
    admin.cancel(&ctx.accounts.signer.key())?;
    emit!(AuthorityTransferCancelled { authority: admin.authority, cancelled_pending });
    Ok(())
}
