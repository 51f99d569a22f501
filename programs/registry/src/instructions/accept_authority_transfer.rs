//! The pending admin of the registry config accepts (before expiry). Not subject to the pause.
use anchor_lang::prelude::*;

use crate::{events::AuthorityTransferAccepted, state::RegistryConfig};

#[derive(Accounts)]
pub struct AcceptAuthorityTransfer<'info> {
    /// The pending admin.
    pub signer: Signer<'info>,
    #[account(mut, constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
}

pub fn handler(ctx: Context<AcceptAuthorityTransfer>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let admin = &mut ctx.accounts.registry_config.admin;
    let previous_authority = admin.accept(&ctx.accounts.signer.key(), now)?;
    emit!(AuthorityTransferAccepted { previous_authority, new_authority: admin.authority });
    Ok(())
}
