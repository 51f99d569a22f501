use anchor_lang::prelude::*;
use gridtokenx_common::{seeds, AuthorityState, CommonError, GovernanceConfig, BOOTSTRAP_AUTHORITY};

use crate::{error::GovernanceError, events::GovernanceInitialized, state::GOVERNANCE_CONFIG_SPACE};

#[derive(Accounts)]
pub struct InitializeGovernance<'info> {
    /// Must be the bootstrap authority (nobody can front-run initialisation); becomes the admin and pays.
    #[account(mut, address = BOOTSTRAP_AUTHORITY @ CommonError::NotBootstrapAuthority)]
    pub authority: Signer<'info>,
    #[account(
        init,
        payer = authority,
        space = GOVERNANCE_CONFIG_SPACE,
        seeds = [seeds::GOVERNANCE_CONFIG],
        bump,
    )]
    pub governance_config: Account<'info, GovernanceConfig>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeGovernance>, rec_authority: Pubkey) -> Result<()> {
    require!(rec_authority != Pubkey::default(), GovernanceError::InvalidRecAuthority);
    let admin = ctx.accounts.authority.key();
    let now = Clock::get()?.unix_timestamp;
    let config = &mut ctx.accounts.governance_config;
    config.admin = AuthorityState::new(admin);
    config.rec_authority = rec_authority;
    config.paused = false;
    config.paused_at = 0;
    config.pause_count = 0;
    config.erc_issued = 0;
    config.erc_revoked = 0;
    config.bump = ctx.bumps.governance_config;

    emit!(GovernanceInitialized { admin, rec_authority, timestamp: now });
    Ok(())
}
