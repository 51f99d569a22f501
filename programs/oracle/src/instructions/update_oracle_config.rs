use anchor_lang::prelude::*;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::OracleError,
    events::OracleConfigUpdated,
    state::{OracleConfig, OracleParams, MAX_BACKUP_ORACLES, MAX_MIN_READING_INTERVAL, ORACLE_CONFIG_ADDRESS},
};

#[derive(Accounts)]
pub struct UpdateOracleConfig<'info> {
    pub authority: Signer<'info>,
    #[account(mut, address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Checks a parameter set; the order of the checks fixes which error a multiply-invalid set gets.
pub fn validate_params(p: &OracleParams) -> Result<()> {
    require_keys_neq!(p.api_gateway, Pubkey::default(), OracleError::InvalidApiGateway);
    require!(p.min_energy_value <= p.max_energy_value, OracleError::InvalidEnergyRange);
    require!(p.max_production_ratio >= 1, OracleError::InvalidProductionRatio);
    require!(p.max_deviation_percent >= 1, OracleError::InvalidDeviationPercent);
    require!(p.min_reading_interval <= MAX_MIN_READING_INTERVAL, OracleError::InvalidReadingInterval);
    require!(p.backup_oracles.len() <= MAX_BACKUP_ORACLES, OracleError::TooManyBackupOracles);
    for (i, oracle) in p.backup_oracles.iter().enumerate() {
        require!(
            *oracle != Pubkey::default() && !p.backup_oracles[..i].contains(oracle),
            OracleError::InvalidBackupOracle
        );
    }
    // Majority rule (a minority of oracles cannot set the median on its own); with no backup oracles
    // consensus is disabled and only t >= 1 is required.
    let n = p.backup_oracles.len();
    let t = usize::from(p.consensus_threshold);
    require!(t >= 1 && (n == 0 || (t <= n && 2 * t > n)), OracleError::InvalidConsensusThreshold);
    Ok(())
}

/// Replaces every parameter (admin only). Counters, the admin and the bumps are kept.
pub fn handler(ctx: Context<UpdateOracleConfig>, params: OracleParams) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let config = &mut ctx.accounts.oracle_config;
    config.admin.require_authority(&ctx.accounts.authority.key())?;
    validate_params(&params)?;

    config.api_gateway = params.api_gateway;
    config.min_energy_value = params.min_energy_value;
    config.max_energy_value = params.max_energy_value;
    config.max_production_ratio = params.max_production_ratio;
    config.max_deviation_percent = params.max_deviation_percent;
    config.min_reading_interval = params.min_reading_interval;
    config.backup_oracles = [Pubkey::default(); MAX_BACKUP_ORACLES];
    config.backup_oracles[..params.backup_oracles.len()].copy_from_slice(&params.backup_oracles);
    // <= MAX_BACKUP_ORACLES (10) was checked above.
    config.backup_oracle_count = params.backup_oracles.len() as u8;
    config.consensus_threshold = params.consensus_threshold;

    emit!(OracleConfigUpdated {
        admin: config.admin.authority,
        api_gateway: config.api_gateway,
        min_energy_value: config.min_energy_value,
        max_energy_value: config.max_energy_value,
        max_production_ratio: config.max_production_ratio,
        max_deviation_percent: config.max_deviation_percent,
        min_reading_interval: config.min_reading_interval,
        backup_oracle_count: config.backup_oracle_count,
        consensus_threshold: config.consensus_threshold,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
