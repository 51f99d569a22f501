use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    error::OracleError,
    events::OracleConfigUpdated,
    state::{
        OracleConfig, OracleParams, MAX_BACKUP_ORACLES, MAX_CAPACITY_MARGIN_PERCENT, MAX_DEVIATION_FLOOR_PERCENT,
        MAX_MIN_READING_INTERVAL, MAX_READING_GAP_SECONDS, MAX_TYPE_CEILING_W, ORACLE_CONFIG_ADDRESS,
    },
};

#[derive(Accounts)]
pub struct UpdateOracleConfig<'info> {
    pub authority: Signer<'info>,
    #[account(mut, address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Checks a parameter set; the order of the checks fixes which error a multiply-invalid set gets.
pub fn validate_params(p: &OracleParams) -> Result<()> {
    require_keys_neq!(p.api_gateway, Pubkey::default(), OracleError::InvalidApiGateway);
    require!(p.min_energy_value <= p.max_energy_value, OracleError::InvalidEnergyRange);
    require!(p.max_production_ratio >= 1, OracleError::InvalidProductionRatio);
    require!(p.max_deviation_percent >= 1, OracleError::InvalidDeviationPercent);
    require!(p.min_reading_interval <= MAX_MIN_READING_INTERVAL, OracleError::InvalidReadingInterval);
    require!(p.type_ceiling_w.iter().all(|&c| (1..=MAX_TYPE_CEILING_W).contains(&c)), OracleError::InvalidTypeCeiling);
    require!(p.capacity_margin_percent <= MAX_CAPACITY_MARGIN_PERCENT, OracleError::InvalidCapacityMargin);
    require!(
        (1..=MAX_READING_GAP_SECONDS).contains(&p.first_reading_max_interval),
        OracleError::InvalidFirstReadingInterval
    );
    require!(p.deviation_floor_percent <= MAX_DEVIATION_FLOOR_PERCENT, OracleError::InvalidDeviationFloor);
    require!(p.backup_oracles.len() <= MAX_BACKUP_ORACLES, OracleError::TooManyBackupOracles);
    for (i, oracle) in p.backup_oracles.iter().enumerate() {
        require!(
            *oracle != Pubkey::default() && !p.backup_oracles[..i].contains(oracle),
            OracleError::InvalidBackupOracle
        );
    }
    require!(
        consensus_threshold_is_safe(p.backup_oracles.len(), p.consensus_threshold),
        OracleError::InvalidConsensusThreshold
    );
    Ok(())
}

/// The threshold rule for n configured backup oracles (n = 0: consensus disabled, only t ≥ 1 is required).
/// With f = ⌊(n − 1)/3⌋, the faults n oracles can tolerate (n ≥ 3f + 1), t must be
/// * ≥ 2f + 1: every accepted round (k ≥ t signers) holds more honest than faulty readings, so each median
///   lies within the honest values (see `validation::consensus_reading`); with n = 3f + 1, t = 2f + 1 rounds
///   still complete when f oracles stay silent;
/// * a strict majority of n (2t > n): a minority of the configured set never decides alone, also where
///   2f + 1 alone would allow it (n = 3: f = 0, so t = 1 would let one oracle of three decide; n = 6);
/// * odd: rounds take an odd count k ≥ t, and an even t could leave no odd k ≤ n (n = 4, t = 4);
/// * ≤ n.
///
/// Valid: n = 1 → 1; 3 → 3; 4 → 3; 5 → 3, 5; 6 → 5; 7 → 5, 7; 10 → 7, 9. Refused: n = 2 (no odd
/// majority), 2-of-3 (the spec's table), 2-of-4, any even t.
pub fn consensus_threshold_is_safe(n: usize, threshold: u8) -> bool {
    let t = usize::from(threshold);
    if n == 0 {
        return t >= 1;
    }
    let f = (n - 1) / 3;
    t > 2 * f && 2 * t > n && t % 2 == 1 && t <= n
}

#[cfg(test)]
mod tests {
    use super::consensus_threshold_is_safe as safe;

    #[test]
    fn threshold_rule() {
        let valid: Vec<(usize, Vec<u8>)> =
            (0..=10).map(|n| (n, (0..=12u8).filter(|&t| safe(n, t)).collect())).collect();
        let expected: Vec<(usize, Vec<u8>)> = vec![
            (0, (1..=12).collect()),
            (1, vec![1]),
            (2, vec![]),
            (3, vec![3]),
            (4, vec![3]),
            (5, vec![3, 5]),
            (6, vec![5]),
            (7, vec![5, 7]),
            (8, vec![5, 7]),
            (9, vec![5, 7, 9]),
            (10, vec![7, 9]),
        ];
        assert_eq!(valid, expected);
    }
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
    config.type_ceiling_w = params.type_ceiling_w;
    config.capacity_margin_percent = params.capacity_margin_percent;
    config.first_reading_max_interval = params.first_reading_max_interval;
    config.deviation_floor_percent = params.deviation_floor_percent;
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
        type_ceiling_w: config.type_ceiling_w,
        capacity_margin_percent: config.capacity_margin_percent,
        first_reading_max_interval: config.first_reading_max_interval,
        deviation_floor_percent: config.deviation_floor_percent,
        backup_oracle_count: config.backup_oracle_count,
        consensus_threshold: config.consensus_threshold,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
