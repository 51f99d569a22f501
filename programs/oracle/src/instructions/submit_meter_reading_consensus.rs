use anchor_lang::prelude::*;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};
use registry::{program::Registry, state::MeterAccount};

use crate::{
    error::OracleError,
    events::ConsensusReached,
    instructions::{process_reading, MeterFacts, Reading, RegistryCpi},
    state::{
        MeterState, OracleConfig, OracleValues, ReadingSource, MAX_BACKUP_ORACLES, ORACLE_AUTHORITY_ADDRESS,
        ORACLE_CONFIG_ADDRESS,
    },
    validation::{consensus_reading, ConsensusError},
};

/// Remaining accounts: one signer per entry of `readings`, in the same order (`readings[i]` are the
/// values reported by `remaining_accounts[i]`); an odd number of them.
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
        constraint = meter.approved @ OracleError::MeterNotApproved,
    )]
    pub meter: Box<Account<'info, MeterAccount>>,
    /// CHECK: the oracle's CPI signer PDA `[ORACLE_AUTHORITY]` (address checked).
    #[account(address = ORACLE_AUTHORITY_ADDRESS)]
    pub oracle_authority: UncheckedAccount<'info>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub registry_program: Program<'info, Registry>,
}

/// Byzantine-tolerant reading (platform-algorithms §2.5): an odd number k ≥ `consensus_threshold` of
/// distinct configured backup oracles sign this transaction, each reporting its own values; the accepted
/// reading is one signer's whole reading equal to (median produced, median consumed), which then goes
/// through the same validation as a gateway reading (see `validation::consensus_reading` for why a
/// minority cannot steer it and `update_oracle_config::consensus_threshold_is_safe` for the threshold rule).
/// Fixes to the illustration: oracles must actually sign (the illustration trusted an `oracle_pubkey` field
/// inside the argument), duplicates are refused (one oracle repeated would reach any threshold), the count
/// must be odd (the illustration averaged two middle values), produced and consumed come from the same
/// reading, and the timestamp is the one the oracles sign, not the clock.
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
    require!(readings.len() % 2 == 1, OracleError::EvenOracleCount);
    let backups = config.backups();
    for (i, oracle) in oracles.iter().enumerate() {
        require!(backups.contains(oracle.key), OracleError::UnauthorizedOracle);
        require!(oracle.is_signer, OracleError::OracleNotSigner);
        require!(!oracles[..i].iter().any(|o| o.key == oracle.key), OracleError::DuplicateOracle);
    }
    // Every entry is a distinct configured oracle, so there are at most MAX_BACKUP_ORACLES of them.
    let mut pairs = [(0u64, 0u64); MAX_BACKUP_ORACLES];
    for (slot, r) in pairs.iter_mut().zip(readings.iter()) {
        *slot = (r.energy_produced, r.energy_consumed);
    }
    let submitted = pairs.get(..readings.len()).ok_or(OracleError::InsufficientConsensus)?;
    let chosen = consensus_reading(submitted).map_err(|e| match e {
        ConsensusError::Empty => OracleError::InsufficientConsensus,
        ConsensusError::EvenCount => OracleError::EvenOracleCount,
        ConsensusError::Disagreement => OracleError::ConsensusDisagreement,
    })?;
    let accepted = readings[chosen];

    accounts.oracle_config.consensus_rounds =
        accounts.oracle_config.consensus_rounds.checked_add(1).ok_or(OracleError::ArithmeticOverflow)?;
    emit!(ConsensusReached {
        meter_id,
        // <= MAX_BACKUP_ORACLES (10), see above.
        oracle_count: readings.len() as u8,
        oracle: *oracles[chosen].key,
        median_produced: accepted.energy_produced,
        median_consumed: accepted.energy_consumed,
        reading_timestamp,
    });

    let meter = MeterFacts::of(&accounts.meter);
    process_reading(
        &mut accounts.oracle_config,
        &mut accounts.meter_state,
        meter,
        Reading {
            meter_id,
            energy_produced: accepted.energy_produced,
            energy_consumed: accepted.energy_consumed,
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
