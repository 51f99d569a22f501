use anchor_lang::prelude::*;

use crate::{
    events::AuthorityTransferCancelled,
    state::{OracleConfig, ORACLE_CONFIG_ADDRESS},
};

#[derive(Accounts)]
pub struct CancelAuthorityTransfer<'info> {
    pub authority: Signer<'info>,
    #[account(mut, address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
}

pub fn handler(ctx: Context<CancelAuthorityTransfer>) -> Result<()> {
    let admin = &mut ctx.accounts.oracle_config.admin;
    let cancelled_pending = admin.pending_authority;
    admin.cancel(&ctx.accounts.authority.key())?;
    emit!(AuthorityTransferCancelled { authority: admin.authority, cancelled_pending });
    Ok(())
}
