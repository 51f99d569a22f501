//! Propose a new admin for the registry config's `admin` (48 h to accept; `gridtokenx_common::AuthorityState`).
//! Not subject to the pause.
use anchor_lang::prelude::*;

use crate::{events::AuthorityTransferProposed, state::RegistryConfig};

#[derive(Accounts)]
pub struct ProposeAuthorityTransfer<'info> {
    /// The current admin.
    pub signer: Signer<'info>,
    #[account(mut, constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
}

pub fn handler(ctx: Context<ProposeAuthorityTransfer>, new_authority: Pubkey) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let admin = &mut ctx.accounts.registry_config.admin;
    admin.propose(&ctx.accounts.signer.key(), new_authority, now)?;
    emit!(AuthorityTransferProposed {
        current_authority: admin.authority,
        pending_authority: admin.pending_authority,
        expires_at: admin.pending_expires_at,
    });
    Ok(())
}
