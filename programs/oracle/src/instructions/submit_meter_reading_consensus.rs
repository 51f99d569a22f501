use anchor_lang::prelude::*;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};
use registry::{program::Registry, state::MeterAccount};

use crate::{
    error::OracleError,
    events::ConsensusReached,
    instructions::{process_reading, Reading, RegistryCpi},
    state::{
        MeterState, OracleConfig, OracleValues, ReadingSource, MAX_BACKUP_ORACLES, ORACLE_AUTHORITY_ADDRESS,
        ORACLE_CONFIG_ADDRESS,
    },
    validation::lower_median,
};

/// Remaining accounts: one signer per entry of `readings`, in the same order (`readings[i]` are the
/// values reported by `remaining_accounts[i]`).
#[derive(Accounts)]
#[instruction(meter_id: [u8; 32])]
pub struct SubmitMeterReadingConsensus<'info> {
    #[account(mut, address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
    #[account(mut, seeds = [seeds::METER_STATE, meter_id.as_ref()], bump = meter_state.bump)]
    pub meter_state: Box<Account<'info, MeterState>>,
    #[account(
        mut,
        seeds = [seeds::METER, meter_id.as_ref()],
        bump = meter.bump,
        seeds::program = ids::REGISTRY,
        constraint = meter.active @ OracleError::MeterInactive,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    /// CHECK: the oracle's CPI signer PDA `[ORACLE_AUTHORITY]` (address checked).
    #[account(address = ORACLE_AUTHORITY_ADDRESS)]
    pub oracle_authority: UncheckedAccount<'info>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub registry_program: Program<'info, Registry>,
}

/// Byzantine-tolerant reading (platform-algorithms §2.5): at least `consensus_threshold` distinct
/// configured backup oracles sign this transaction, each reporting its own values; the lower median of
/// the produced values and of the consumed values (taken independently) goes through the same
/// validation as a gateway reading. Fixes to the illustration: oracles must actually sign (the
/// illustration trusted an `oracle_pubkey` field inside the argument), duplicates are refused (one oracle
/// repeated would reach any threshold), and the timestamp is the one the oracles sign, not the clock.
pub fn handler(
    ctx: Context<SubmitMeterReadingConsensus>,
    meter_id: [u8; 32],
    reading_timestamp: i64,
    readings: Vec<OracleValues>,
) -> Result<()> {
    let accounts = ctx.accounts;
    require_not_paused(&accounts.governance_config)?;

    let config = &accounts.oracle_config;
    let oracles = ctx.remaining_accounts;
    require!(readings.len() == oracles.len(), OracleError::OracleCountMismatch);
    require!(readings.len() >= usize::from(config.consensus_threshold), OracleError::InsufficientConsensus);
    let backups = config.backups();
    for (i, oracle) in oracles.iter().enumerate() {
        require!(backups.contains(oracle.key), OracleError::UnauthorizedOracle);
        require!(oracle.is_signer, OracleError::OracleNotSigner);
        require!(!oracles[..i].iter().any(|o| o.key == oracle.key), OracleError::DuplicateOracle);
    }
    // Every entry is a distinct configured oracle, so there are at most MAX_BACKUP_ORACLES of them.
    debug_assert!(readings.len() <= MAX_BACKUP_ORACLES);

    let mut produced: Vec<u64> = readings.iter().map(|r| r.energy_produced).collect();
    let mut consumed: Vec<u64> = readings.iter().map(|r| r.energy_consumed).collect();
    let median_produced = lower_median(&mut produced).ok_or(OracleError::InsufficientConsensus)?;
    let median_consumed = lower_median(&mut consumed).ok_or(OracleError::InsufficientConsensus)?;

    accounts.oracle_config.consensus_rounds = accounts
        .oracle_config
        .consensus_rounds
        .checked_add(1)
        .ok_or(OracleError::ArithmeticOverflow)?;
    emit!(ConsensusReached {
        meter_id,
        // <= MAX_BACKUP_ORACLES (10), see above.
        oracle_count: readings.len() as u8,
        median_produced,
        median_consumed,
        reading_timestamp,
    });

    let registry_last_reading_at = accounts.meter.last_reading_at;
    process_reading(
        &mut accounts.oracle_config,
        &mut accounts.meter_state,
        registry_last_reading_at,
        Reading {
            meter_id,
            energy_produced: median_produced,
            energy_consumed: median_consumed,
            reading_timestamp,
            source: ReadingSource::Consensus,
        },
        RegistryCpi {
            oracle_authority: accounts.oracle_authority.to_account_info(),
            meter: accounts.meter.to_account_info(),
            governance_config: accounts.governance_config.to_account_info(),
            registry_program: accounts.registry_program.key(),
        },
    )
}
