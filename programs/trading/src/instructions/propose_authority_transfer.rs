//! The authority-transfer trio on the market's `admin: AuthorityState`. They do not check the pause:
//! docs/programs.md exempts authority transfers, so an admin key can still be rotated while stopped.
use anchor_lang::prelude::*;

use crate::{events::AuthorityTransferProposed, state::MarketState};

/// Shared by propose/accept/cancel_authority_transfer.
#[derive(Accounts)]
pub struct AuthorityTransfer<'info> {
    pub authority: Signer<'info>,
    #[account(mut, constraint = market.key() == gridtokenx_common::pda::MARKET @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub market: Box<Account<'info, MarketState>>,
}

/// The admin proposes `new_authority`, which must accept within 48 h; a new proposal replaces a pending one.
pub fn handler(ctx: Context<AuthorityTransfer>, new_authority: Pubkey) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let now = Clock::get()?.unix_timestamp;
    let admin = &mut ctx.accounts.market.admin;
    admin.propose(&authority, new_authority, now)?;
    emit!(AuthorityTransferProposed {
        authority,
        pending_authority: new_authority,
        expires_at: admin.pending_expires_at,
    });
    Ok(())
}
