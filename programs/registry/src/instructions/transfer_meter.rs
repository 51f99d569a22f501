//! Transfer a meter to another registered user: both owners sign.
//!
//! Energy recorded before the transfer belongs to the previous owner: the transfer is refused while there is
//! unsettled net generation (`UnsettledGeneration`; settle first), and generation never certified by an ERC
//! is closed (the ERC mark moves up to total generation), so the new owner can neither mint nor certify
//! energy produced before they owned the meter. Both marks stay monotonic and ≤ total generation.
use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::RegistryError,
    events::MeterTransferred,
    state::{MeterAccount, UserAccount},
};

#[derive(Accounts)]
pub struct TransferMeter<'info> {
    pub owner: Signer<'info>,
    pub new_owner: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::METER, meter.meter_id.as_ref()],
        bump = meter.bump,
        constraint = meter.owner == owner.key() @ RegistryError::NotMeterOwner,
        constraint = !meter.retired @ RegistryError::MeterRetired,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(mut, seeds = [seeds::USER, owner.key().as_ref()], bump = owner_user.bump)]
    pub owner_user: Box<Account<'info, UserAccount>>,
    /// The new owner must be a registered user (a missing account fails with AccountNotInitialized).
    #[account(mut, seeds = [seeds::USER, new_owner.key().as_ref()], bump = new_owner_user.bump)]
    pub new_owner_user: Box<Account<'info, UserAccount>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

pub fn handler(ctx: Context<TransferMeter>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let previous_owner = ctx.accounts.owner.key();
    let new_owner = ctx.accounts.new_owner.key();
    require!(new_owner != previous_owner, RegistryError::InvalidNewOwner);
    require!(ctx.accounts.meter.unsettled_net_generation() == 0, RegistryError::UnsettledGeneration);

    let accounts = ctx.accounts;
    accounts.owner_user.meter_count =
        accounts.owner_user.meter_count.checked_sub(1).ok_or(RegistryError::ArithmeticOverflow)?;
    accounts.new_owner_user.meter_count =
        accounts.new_owner_user.meter_count.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?;

    let meter = &mut accounts.meter;
    let erc_generation_closed = meter.unclaimed_generation();
    meter.claimed_erc_generation = meter.claimed_erc_generation.max(meter.total_generation);
    meter.owner = new_owner;
    emit!(MeterTransferred { meter_id: meter.meter_id, previous_owner, new_owner, erc_generation_closed });
    Ok(())
}
