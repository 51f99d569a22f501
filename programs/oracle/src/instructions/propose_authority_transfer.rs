use anchor_lang::prelude::*;

use crate::{
    events::AuthorityTransferProposed,
    state::{OracleConfig, ORACLE_CONFIG_ADDRESS},
};

/// Authority transfers are exempt from the pause (docs/programs.md), so no governance account.
#[derive(Accounts)]
pub struct ProposeAuthorityTransfer<'info> {
    pub authority: Signer<'info>,
    #[account(mut, address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
}

pub fn handler(ctx: Context<ProposeAuthorityTransfer>, new_authority: Pubkey) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let admin = &mut ctx.accounts.oracle_config.admin;
    admin.propose(&ctx.accounts.authority.key(), new_authority, now)?;
    emit!(AuthorityTransferProposed {
        authority: admin.authority,
        pending_authority: admin.pending_authority,
        expires_at: admin.pending_expires_at,
    });
    Ok(())
}
