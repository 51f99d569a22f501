use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::GovernanceError,
    events::ErcValidated,
    state::{ErcCertificate, ErcStatus},
};

#[derive(Accounts)]
pub struct ValidateErcForTrading<'info> {
    #[account(address = governance_config.rec_authority @ GovernanceError::NotRecAuthority)]
    pub rec_authority: Signer<'info>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Account<'info, GovernanceConfig>,
    #[account(
        mut,
        seeds = [seeds::ERC_CERTIFICATE, erc_certificate.certificate_id.as_ref()],
        bump = erc_certificate.bump,
    )]
    pub erc_certificate: Account<'info, ErcCertificate>,
}

/// Issued → Validated (approved for trading), by the REC authority, before expiry. The seed's free-form
/// `validation_data` string is not stored: the verification happens off-chain, the event records who approved.
pub fn handler(ctx: Context<ValidateErcForTrading>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let now = Clock::get()?.unix_timestamp;
    let cert = &mut ctx.accounts.erc_certificate;
    require!(cert.status == ErcStatus::Issued, GovernanceError::InvalidErcStatus);
    require!(!cert.is_expired(now), GovernanceError::CertificateExpired);
    cert.status = ErcStatus::Validated;

    emit!(ErcValidated {
        certificate: cert.key(),
        certificate_id: cert.certificate_id,
        validator: ctx.accounts.rec_authority.key(),
        timestamp: now,
    });
    Ok(())
}
