use anchor_lang::prelude::*;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};
use registry::state::MeterAccount;

use crate::{
    error::OracleError,
    events::MeterStateInitialized,
    state::{MeterState, OracleConfig, ORACLE_CONFIG_ADDRESS},
};

#[derive(Accounts)]
#[instruction(meter_id: [u8; 32])]
pub struct InitializeMeterState<'info> {
    /// The API gateway or the admin; pays for the account.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
    /// The meter must be registered (owner = registry, address = `[METER, meter_id]` under the registry).
    #[account(seeds = [seeds::METER, meter_id.as_ref()], bump = meter.bump, seeds::program = ids::REGISTRY)]
    pub meter: Box<Account<'info, MeterAccount>>,
    #[account(
        init,
        payer = authority,
        space = MeterState::SPACE,
        seeds = [seeds::METER_STATE, meter_id.as_ref()],
        bump,
    )]
    pub meter_state: Box<Account<'info, MeterState>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeMeterState>, meter_id: [u8; 32]) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let signer = ctx.accounts.authority.key();
    let config = &ctx.accounts.oracle_config;
    require!(signer == config.api_gateway || signer == config.admin.authority, OracleError::UnauthorizedCaller);

    let now = Clock::get()?.unix_timestamp;
    let meter_state = &mut ctx.accounts.meter_state;
    meter_state.set_inner(MeterState {
        meter_id,
        last_reading_timestamp: 0,
        last_energy_produced: 0,
        last_energy_consumed: 0,
        average_reading_interval: 0,
        total_readings: 0,
        valid_readings: 0,
        rejected_readings: 0,
        quality_score: 0,
        created_at: now,
        bump: ctx.bumps.meter_state,
    });

    emit!(MeterStateInitialized { meter_id, meter_state: meter_state.key(), initialized_by: signer, timestamp: now });
    Ok(())
}
