//! The current admin of the registry config cancels a pending transfer. Not subject to the pause.
use anchor_lang::prelude::*;

use crate::{events::AuthorityTransferCancelled, state::RegistryConfig};

#[derive(Accounts)]
pub struct CancelAuthorityTransfer<'info> {
    /// The current admin.
    pub signer: Signer<'info>,
    #[account(mut, constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
}

pub fn handler(ctx: Context<CancelAuthorityTransfer>) -> Result<()> {
    let admin = &mut ctx.accounts.registry_config.admin;
    let cancelled_pending = admin.pending_authority;
    admin.cancel(&ctx.accounts.signer.key())?;
    emit!(AuthorityTransferCancelled { authority: admin.authority, cancelled_pending });
    Ok(())
}
