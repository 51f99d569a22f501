//! Register a meter under its owner, with the meter key's proof of possession.
//!
//! The transaction must carry, just before this instruction, an Ed25519 precompile instruction in which
//! `meter_pubkey` signs `register_meter_message(registry_config, owner, meter_id, capacity_w)`
//! (`gridtokenx_common::ed25519`). Without it anybody could register a key they do not hold — e.g. a
//! victim's meter key under their own account — and claim its readings.
use anchor_lang::prelude::*;
use gridtokenx_common::{
    ed25519::{register_meter_message, INSTRUCTIONS_SYSVAR_ID},
    require_not_paused, seeds, GovernanceConfig,
};

use crate::{
    error::RegistryError,
    events::MeterRegistered,
    instructions::verify_meter_key_signature,
    state::{MeterAccount, MeterType, RegistryConfig, UserAccount},
};

#[derive(Accounts)]
#[instruction(meter_id: [u8; 32])]
pub struct RegisterMeter<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    /// The owner must be a registered user (a missing account fails with AccountNotInitialized).
    #[account(mut, seeds = [seeds::USER, owner.key().as_ref()], bump = user.bump, has_one = owner)]
    pub user: Box<Account<'info, UserAccount>>,
    /// `init` refuses an existing account: a meter id, once registered (even retired), is never reused.
    #[account(init, payer = owner, space = MeterAccount::SPACE, seeds = [seeds::METER, meter_id.as_ref()], bump)]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(mut, constraint = registry_config.key() == gridtokenx_common::pda::REGISTRY_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub registry_config: Box<Account<'info, RegistryConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub system_program: Program<'info, System>,
    /// CHECK: the instructions sysvar (address checked), parsed by `verify_preceding_ed25519`.
    #[account(address = INSTRUCTIONS_SYSVAR_ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
}

pub fn handler(
    ctx: Context<RegisterMeter>,
    meter_id: [u8; 32],
    meter_type: MeterType,
    meter_pubkey: Pubkey,
    capacity_w: u64,
) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(meter_id != [0u8; 32], RegistryError::InvalidMeterId);
    require!(meter_pubkey != Pubkey::default(), RegistryError::InvalidMeterPubkey);
    require!(capacity_w > 0, RegistryError::InvalidCapacity);
    let owner = ctx.accounts.owner.key();
    let message = register_meter_message(&ctx.accounts.registry_config.key(), &owner, &meter_id, capacity_w);
    verify_meter_key_signature(&ctx.accounts.instructions_sysvar, &meter_pubkey, &message)?;
    let now = Clock::get()?.unix_timestamp;

    let config = &mut ctx.accounts.registry_config;
    config.meter_count = config.meter_count.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?;
    let user = &mut ctx.accounts.user;
    user.meter_count = user.meter_count.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?;

    let approved = !config.require_meter_approval;
    let meter = &mut ctx.accounts.meter;
    meter.meter_id = meter_id;
    meter.owner = owner;
    meter.meter_type = meter_type;
    meter.meter_pubkey = meter_pubkey;
    meter.active = true;
    meter.total_generation = 0;
    meter.total_consumption = 0;
    meter.settled_net_generation = 0;
    meter.claimed_erc_generation = 0;
    meter.last_reading_at = 0;
    meter.reading_count = 0;
    meter.registered_at = now;
    meter.bump = ctx.bumps.meter;
    meter.capacity_w = capacity_w;
    meter.approved = approved;
    meter.retired = false;
    meter.deactivated_by_admin = false;

    emit!(MeterRegistered {
        meter: meter.key(),
        meter_id,
        owner,
        meter_type,
        meter_pubkey,
        meter_count: config.meter_count,
        registered_at: now,
        capacity_w,
        approved,
    });
    Ok(())
}
