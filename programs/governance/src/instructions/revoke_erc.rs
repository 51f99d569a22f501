use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::GovernanceError,
    events::ErcRevoked,
    state::{ErcCertificate, ErcStatus},
};

#[derive(Accounts)]
pub struct RevokeErc<'info> {
    #[account(address = governance_config.rec_authority @ GovernanceError::NotRecAuthority)]
    pub rec_authority: Signer<'info>,
    #[account(mut, constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Account<'info, GovernanceConfig>,
    #[account(
        mut,
        seeds = [seeds::ERC_CERTIFICATE, erc_certificate.certificate_id.as_ref()],
        bump = erc_certificate.bump,
    )]
    pub erc_certificate: Account<'info, ErcCertificate>,
}

/// Issued/Validated → Revoked (terminal), by the REC authority (fraud detected). Allowed after expiry too,
/// so a bad certificate can always be marked. The claimed generation is not released: the registry's
/// high-water mark is monotonic, so revoked energy cannot be certified a second time.
pub fn handler(ctx: Context<RevokeErc>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let now = Clock::get()?.unix_timestamp;
    let cert = &mut ctx.accounts.erc_certificate;
    let previous_status = cert.status;
    require!(previous_status != ErcStatus::Revoked, GovernanceError::InvalidErcStatus);
    cert.status = ErcStatus::Revoked;
    let certificate = cert.key();
    let certificate_id = cert.certificate_id;

    let config = &mut ctx.accounts.governance_config;
    config.erc_revoked = config.erc_revoked.checked_add(1).ok_or(GovernanceError::ArithmeticOverflow)?;

    emit!(ErcRevoked {
        certificate,
        certificate_id,
        revoked_by: ctx.accounts.rec_authority.key(),
        previous_status,
        timestamp: now,
        erc_revoked: config.erc_revoked,
    });
    Ok(())
}
