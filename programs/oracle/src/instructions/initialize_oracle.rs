use anchor_lang::prelude::*;
use gridtokenx_common::{require_bootstrap, require_not_paused, seeds, AuthorityState, GovernanceConfig};

use crate::{
    error::OracleError,
    events::OracleInitialized,
    state::{
        OracleConfig, DEFAULT_CAPACITY_MARGIN_PERCENT, DEFAULT_DEVIATION_FLOOR_PERCENT,
        DEFAULT_FIRST_READING_MAX_INTERVAL, DEFAULT_MAX_DEVIATION_PERCENT, DEFAULT_MAX_ENERGY_VALUE,
        DEFAULT_MAX_PRODUCTION_RATIO, DEFAULT_MIN_ENERGY_VALUE, DEFAULT_MIN_READING_INTERVAL, DEFAULT_TYPE_CEILING_W,
        MAX_BACKUP_ORACLES,
    },
};

#[derive(Accounts)]
pub struct InitializeOracle<'info> {
    /// Must be `BOOTSTRAP_AUTHORITY`; becomes the admin.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(init, payer = authority, space = OracleConfig::SPACE, seeds = [seeds::ORACLE_CONFIG], bump)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub system_program: Program<'info, System>,
}

/// Creates the config with the spec defaults (range 0–1,000,000 kWh, ratio 10:1, deviation 50 %,
/// interval 60 s), the plausibility defaults (type ceilings Solar 1 MW, Wind 5 MW, Battery 1 MW, Grid 1 MW,
/// margin 10 %, first reading ≤ 1 h of rated output, deviation floor 25 % of the capacity bound) and no
/// backup oracles (consensus disabled until `update_oracle_config` adds them).
pub fn handler(ctx: Context<InitializeOracle>, api_gateway: Pubkey) -> Result<()> {
    let admin = ctx.accounts.authority.key();
    require_bootstrap(&admin)?;
    require_not_paused(&ctx.accounts.governance_config)?;
    require_keys_neq!(api_gateway, Pubkey::default(), OracleError::InvalidApiGateway);

    let now = Clock::get()?.unix_timestamp;
    let config = &mut ctx.accounts.oracle_config;
    config.set_inner(OracleConfig {
        admin: AuthorityState::new(admin),
        api_gateway,
        min_energy_value: DEFAULT_MIN_ENERGY_VALUE,
        max_energy_value: DEFAULT_MAX_ENERGY_VALUE,
        max_production_ratio: DEFAULT_MAX_PRODUCTION_RATIO,
        max_deviation_percent: DEFAULT_MAX_DEVIATION_PERCENT,
        min_reading_interval: DEFAULT_MIN_READING_INTERVAL,
        type_ceiling_w: DEFAULT_TYPE_CEILING_W,
        capacity_margin_percent: DEFAULT_CAPACITY_MARGIN_PERCENT,
        first_reading_max_interval: DEFAULT_FIRST_READING_MAX_INTERVAL,
        deviation_floor_percent: DEFAULT_DEVIATION_FLOOR_PERCENT,
        backup_oracles: [Pubkey::default(); MAX_BACKUP_ORACLES],
        backup_oracle_count: 0,
        consensus_threshold: 1,
        total_readings: 0,
        valid_readings: 0,
        rejected_readings: 0,
        rejected_future: 0,
        rejected_backdated: 0,
        rejected_rate_limited: 0,
        rejected_out_of_range: 0,
        rejected_ratio: 0,
        rejected_deviation: 0,
        rejected_capacity: 0,
        consensus_rounds: 0,
        last_clearing_at: 0,
        clearing_count: 0,
        bump: ctx.bumps.oracle_config,
    });

    emit!(OracleInitialized { admin, api_gateway, timestamp: now });
    Ok(())
}
