use anchor_lang::prelude::*;

use crate::{
    events::AuthorityTransferAccepted,
    state::{OracleConfig, ORACLE_CONFIG_ADDRESS},
};

#[derive(Accounts)]
pub struct AcceptAuthorityTransfer<'info> {
    /// The pending authority.
    pub new_authority: Signer<'info>,
    #[account(mut, address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
}

pub fn handler(ctx: Context<AcceptAuthorityTransfer>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let new_authority = ctx.accounts.new_authority.key();
    let previous_authority = ctx.accounts.oracle_config.admin.accept(&new_authority, now)?;
    emit!(AuthorityTransferAccepted { previous_authority, new_authority });
    Ok(())
}
