//! Replace a meter's key: its owner, with the new key's proof of possession.
//!
//! The instruction before this one must be an Ed25519 precompile instruction in which `new_meter_pubkey`
//! signs `rekey_meter_message(registry_config, owner, meter_id, current meter_pubkey)`, so an owner cannot
//! point their meter at a key they do not hold (e.g. another participant's meter key). Where the registry
//! requires approval, the new key waits for `approve_meter` like a new meter.
use anchor_lang::prelude::*;
use gridtokenx_common::{
    ed25519::{rekey_meter_message, INSTRUCTIONS_SYSVAR_ID},
    require_not_paused, seeds, GovernanceConfig,
};

use crate::{
    error::RegistryError,
    events::MeterRekeyed,
    instructions::verify_meter_key_signature,
    state::{MeterAccount, RegistryConfig},
};

#[derive(Accounts)]
pub struct RekeyMeter<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::METER, meter.meter_id.as_ref()],
        bump = meter.bump,
        constraint = meter.owner == owner.key() @ RegistryError::NotMeterOwner,
        constraint = !meter.retired @ RegistryError::MeterRetired,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    /// CHECK: the instructions sysvar (address checked), parsed by `verify_preceding_ed25519`.
    #[account(address = INSTRUCTIONS_SYSVAR_ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
}

pub fn handler(ctx: Context<RekeyMeter>, new_meter_pubkey: Pubkey) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(new_meter_pubkey != Pubkey::default(), RegistryError::InvalidMeterPubkey);
    let previous = ctx.accounts.meter.meter_pubkey;
    require!(new_meter_pubkey != previous, RegistryError::MeterKeyUnchanged);
    let owner = ctx.accounts.owner.key();
    let message =
        rekey_meter_message(&ctx.accounts.registry_config.key(), &owner, &ctx.accounts.meter.meter_id, &previous);
    verify_meter_key_signature(&ctx.accounts.instructions_sysvar, &new_meter_pubkey, &message)?;

    let require_approval = ctx.accounts.registry_config.require_meter_approval;
    let meter = &mut ctx.accounts.meter;
    meter.meter_pubkey = new_meter_pubkey;
    if require_approval {
        // the admin approved the old key, not this one
        meter.approved = false;
    }
    emit!(MeterRekeyed {
        meter_id: meter.meter_id,
        owner,
        previous_meter_pubkey: previous,
        meter_pubkey: new_meter_pubkey,
        approved: meter.approved,
    });
    Ok(())
}
