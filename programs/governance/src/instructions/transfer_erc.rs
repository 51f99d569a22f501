use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::GovernanceError,
    events::ErcTransferred,
    state::{ErcCertificate, ErcStatus},
};

#[derive(Accounts)]
pub struct TransferErc<'info> {
    #[account(address = erc_certificate.owner @ GovernanceError::NotCertificateOwner)]
    pub owner: Signer<'info>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Account<'info, GovernanceConfig>,
    #[account(
        mut,
        seeds = [seeds::ERC_CERTIFICATE, erc_certificate.certificate_id.as_ref()],
        bump = erc_certificate.bump,
    )]
    pub erc_certificate: Account<'info, ErcCertificate>,
}

/// The owner hands a Validated, unexpired certificate to `new_owner`. Unlike the seed there is no
/// `Transferred` status: the certificate stays Validated so the new owner can trade it again.
pub fn handler(ctx: Context<TransferErc>, new_owner: Pubkey) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let now = Clock::get()?.unix_timestamp;
    let cert = &mut ctx.accounts.erc_certificate;
    require!(cert.status == ErcStatus::Validated, GovernanceError::InvalidErcStatus);
    require!(!cert.is_expired(now), GovernanceError::CertificateExpired);
    let from = cert.owner;
    require!(new_owner != from && new_owner != Pubkey::default(), GovernanceError::InvalidNewOwner);
    cert.owner = new_owner;

    emit!(ErcTransferred {
        certificate: cert.key(),
        certificate_id: cert.certificate_id,
        from,
        to: new_owner,
        timestamp: now,
    });
    Ok(())
}
