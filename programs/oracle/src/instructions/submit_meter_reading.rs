use anchor_lang::prelude::*;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};
use registry::{program::Registry, state::MeterAccount};

use crate::{
    ed25519::{reading_message, verify_preceding_ed25519, SignatureCheckError, INSTRUCTIONS_SYSVAR_ID},
    error::OracleError,
    instructions::{process_reading, MeterFacts, Reading, RegistryCpi},
    state::{MeterState, OracleConfig, ReadingSource, ORACLE_AUTHORITY_ADDRESS, ORACLE_CONFIG_ADDRESS},
};

#[derive(Accounts)]
#[instruction(meter_id: [u8; 32])]
pub struct SubmitMeterReading<'info> {
    #[account(mut, address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
    #[account(address = oracle_config.api_gateway @ OracleError::UnauthorizedGateway)]
    pub api_gateway: Signer<'info>,
    #[account(mut, seeds = [seeds::METER_STATE, meter_id.as_ref()], bump = meter_state.bump)]
    pub meter_state: Box<Account<'info, MeterState>>,
    /// Registry meter (owner and address checked); the registry CPI writes it.
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
    /// CHECK: the instructions sysvar (address checked), parsed by `ed25519::verify_preceding_ed25519`.
    #[account(address = INSTRUCTIONS_SYSVAR_ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub registry_program: Program<'info, Registry>,
}

/// A meter-signed reading relayed by the API gateway. Hard failures (signer, signature, meter, pause)
/// are errors; validation rejections are recorded and return Ok (see `process_reading`).
pub fn handler(
    ctx: Context<SubmitMeterReading>,
    meter_id: [u8; 32],
    energy_produced: u64,
    energy_consumed: u64,
    reading_timestamp: i64,
) -> Result<()> {
    let accounts = ctx.accounts;
    require_not_paused(&accounts.governance_config)?;

    let message = reading_message(&meter_id, energy_produced, energy_consumed, reading_timestamp);
    {
        let sysvar = accounts.instructions_sysvar.try_borrow_data()?;
        verify_preceding_ed25519(&sysvar, &accounts.meter.meter_pubkey.to_bytes(), &message).map_err(|e| match e {
            SignatureCheckError::Missing => OracleError::MissingSignatureInstruction,
            SignatureCheckError::Malformed => OracleError::InvalidSignatureInstruction,
            SignatureCheckError::KeyMismatch => OracleError::SignerKeyMismatch,
            SignatureCheckError::MessageMismatch => OracleError::SignedMessageMismatch,
        })?;
    }

    let meter = MeterFacts::of(&accounts.meter);
    process_reading(
        &mut accounts.oracle_config,
        &mut accounts.meter_state,
        meter,
        Reading { meter_id, energy_produced, energy_consumed, reading_timestamp, source: ReadingSource::Gateway },
        RegistryCpi {
            oracle_authority: accounts.oracle_authority.to_account_info(),
            meter: accounts.meter.to_account_info(),
            governance_config: accounts.governance_config.to_account_info(),
            registry_program: accounts.registry_program.key(),
        },
    )
}
