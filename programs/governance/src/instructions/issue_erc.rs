use anchor_lang::prelude::*;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};
use registry::{program::Registry, state::MeterAccount};

use crate::{
    error::GovernanceError,
    events::ErcIssued,
    state::{ErcCertificate, ErcStatus, ERC_VALIDITY_SECONDS},
};

#[derive(Accounts)]
#[instruction(certificate_id: [u8; 32])]
pub struct IssueErc<'info> {
    /// The REC authority signs and pays for the certificate account.
    #[account(mut, address = governance_config.rec_authority @ GovernanceError::NotRecAuthority)]
    pub rec_authority: Signer<'info>,
    #[account(mut, constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    /// Registry meter (owner checked by `Account`, address by the seeds). Writable for the CPI; this
    /// program never writes it itself (Anchor only persists accounts the running program owns).
    #[account(
        mut,
        seeds = [seeds::METER, meter.meter_id.as_ref()],
        bump = meter.bump,
        seeds::program = ids::REGISTRY,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(
        init,
        payer = rec_authority,
        space = ErcCertificate::SPACE,
        seeds = [seeds::ERC_CERTIFICATE, certificate_id.as_ref()],
        bump,
    )]
    pub erc_certificate: Box<Account<'info, ErcCertificate>>,
    /// CHECK: signer PDA of this program for the registry CPI; holds no data, checked by its seeds.
    #[account(constraint = governance_authority.key() == gridtokenx_common::pda::GOVERNANCE_AUTHORITY @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_authority: UncheckedAccount<'info>,
    pub registry_program: Program<'info, Registry>,
    pub system_program: Program<'info, System>,
}

/// Issues a certificate for `energy_amount` Wh of the meter's not yet certified generation, owned by the
/// meter's owner, valid one year. Double-claim prevention: unclaimed = total_generation −
/// claimed_erc_generation must cover the amount, and the registry's high-water mark is advanced through
/// `registry::update_claimed_erc_generation` (it re-checks `claimed + amount ≤ total_generation`), so the
/// same energy can never back two certificates. (The seed computed `available` with `saturating_sub` and
/// trusted a zero-copy `load()` of an unchecked account; here the meter is a typed, owner- and
/// seed-checked registry account and the claim is enforced by the registry itself.)
pub fn handler(ctx: Context<IssueErc>, certificate_id: [u8; 32], energy_amount: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(energy_amount > 0, GovernanceError::ZeroEnergyAmount);

    let meter = &ctx.accounts.meter;
    let unclaimed = meter
        .total_generation
        .checked_sub(meter.claimed_erc_generation)
        .ok_or(GovernanceError::InsufficientUnclaimedEnergy)?; // claimed > generation: registry invariant broken
    require!(energy_amount <= unclaimed, GovernanceError::InsufficientUnclaimedEnergy);
    // cannot overflow: claimed + amount ≤ claimed + unclaimed = total_generation
    let claimed_erc_generation =
        meter.claimed_erc_generation.checked_add(energy_amount).ok_or(GovernanceError::ArithmeticOverflow)?;
    let owner = meter.owner;
    let meter_id = meter.meter_id;
    let meter_key = meter.key();

    let now = Clock::get()?.unix_timestamp;
    let expires_at = now.checked_add(ERC_VALIDITY_SECONDS).ok_or(GovernanceError::ArithmeticOverflow)?;
    // every check before the CPI, so a rejected issuance never reaches the registry
    let erc_issued =
        ctx.accounts.governance_config.erc_issued.checked_add(1).ok_or(GovernanceError::ArithmeticOverflow)?;

    let bump = [gridtokenx_common::pda::GOVERNANCE_AUTHORITY_BUMP];
    let signer_seeds: &[&[&[u8]]] = &[&[seeds::GOVERNANCE_AUTHORITY, &bump]];
    registry::cpi::update_claimed_erc_generation(
        CpiContext::new_with_signer(
            ids::REGISTRY,
            registry::cpi::accounts::UpdateClaimedErcGeneration {
                governance_authority: ctx.accounts.governance_authority.to_account_info(),
                meter: ctx.accounts.meter.to_account_info(),
            },
            signer_seeds,
        ),
        energy_amount,
    )?;

    let cert = &mut ctx.accounts.erc_certificate;
    cert.certificate_id = certificate_id;
    cert.owner = owner;
    cert.meter = meter_key;
    cert.energy_amount = energy_amount;
    cert.issued_at = now;
    cert.expires_at = expires_at;
    cert.status = ErcStatus::Issued;
    cert.bump = ctx.bumps.erc_certificate;
    let certificate = cert.key();

    ctx.accounts.governance_config.erc_issued = erc_issued;

    emit!(ErcIssued {
        certificate,
        certificate_id,
        owner,
        meter: meter_key,
        meter_id,
        energy_amount,
        issued_at: now,
        expires_at,
        claimed_erc_generation,
        erc_issued,
    });
    Ok(())
}
