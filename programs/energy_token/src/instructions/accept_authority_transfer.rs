//! The pending admin of the TokenInfo accepts (before expiry). Not subject to the pause.
use anchor_lang::prelude::*;

use crate::{events::AuthorityTransferAccepted, state::TokenInfo};

#[derive(Accounts)]
pub struct AcceptAuthorityTransfer<'info> {
    /// The pending admin.
    pub signer: Signer<'info>,
    #[account(mut, constraint = token_info.key() == gridtokenx_common::pda::TOKEN_INFO @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub token_info: Box<Account<'info, TokenInfo>>,
}

pub fn handler(ctx: Context<AcceptAuthorityTransfer>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let admin = &mut ctx.accounts.token_info.admin;
    let previous_authority = admin.accept(&ctx.accounts.signer.key(), now)?;
    emit!(AuthorityTransferAccepted { previous_authority, new_authority: admin.authority });
    Ok(())
}
