//! GridTokenX oracle: validates smart-meter readings before they reach the registry
//! (platform-algorithms §2.1–§2.5, contracts in docs/programs.md).
//!
//! * `initialize_oracle` (bootstrap), `update_oracle_config` (admin), authority transfer trio.
//! * `initialize_meter_state(meter_id)` (gateway or admin): per-meter validation state.
//! * `submit_meter_reading`: the API gateway relays a reading signed by the meter's ed25519 key
//!   (Ed25519 precompile instruction right before it, introspected through the instructions sysvar).
//! * `submit_meter_reading_consensus`: median of ≥ threshold distinct backup oracles.
//! * Both: hard failures are errors; validation rejections are recorded (counters + `ReadingRejected`)
//!   and return Ok; valid readings CPI `registry::update_meter_reading` signed by `[ORACLE_AUTHORITY]`.
//! * `trigger_market_clearing` (admin or gateway).
//!
//! This file only dispatches; every instruction lives in `instructions/<name>.rs`.
use anchor_lang::prelude::*;

pub mod ed25519;
pub mod error;
pub mod events;
pub mod instructions;
pub mod state;
pub mod validation;

pub use instructions::*;
pub use state::{OracleParams, OracleValues};

declare_id!("6DPPRAgHsCJxcJrDMKKXcTGQnwfigEFAHXD8H6bEuB4V");

#[program]
pub mod oracle {
    use super::*;

    pub fn initialize_oracle(ctx: Context<InitializeOracle>, api_gateway: Pubkey) -> Result<()> {
        instructions::initialize_oracle::handler(ctx, api_gateway)
    }

    pub fn update_oracle_config(ctx: Context<UpdateOracleConfig>, params: OracleParams) -> Result<()> {
        instructions::update_oracle_config::handler(ctx, params)
    }

    pub fn initialize_meter_state(ctx: Context<InitializeMeterState>, meter_id: [u8; 32]) -> Result<()> {
        instructions::initialize_meter_state::handler(ctx, meter_id)
    }

    pub fn submit_meter_reading(
        ctx: Context<SubmitMeterReading>,
        meter_id: [u8; 32],
        energy_produced: u64,
        energy_consumed: u64,
        reading_timestamp: i64,
    ) -> Result<()> {
        instructions::submit_meter_reading::handler(ctx, meter_id, energy_produced, energy_consumed, reading_timestamp)
    }

    pub fn submit_meter_reading_consensus(
        ctx: Context<SubmitMeterReadingConsensus>,
        meter_id: [u8; 32],
        reading_timestamp: i64,
        readings: Vec<OracleValues>,
    ) -> Result<()> {
        instructions::submit_meter_reading_consensus::handler(ctx, meter_id, reading_timestamp, readings)
    }

    pub fn trigger_market_clearing(ctx: Context<TriggerMarketClearing>) -> Result<()> {
        instructions::trigger_market_clearing::handler(ctx)
    }

    pub fn propose_authority_transfer(ctx: Context<ProposeAuthorityTransfer>, new_authority: Pubkey) -> Result<()> {
        instructions::propose_authority_transfer::handler(ctx, new_authority)
    }

    pub fn accept_authority_transfer(ctx: Context<AcceptAuthorityTransfer>) -> Result<()> {
        instructions::accept_authority_transfer::handler(ctx)
    }

    pub fn cancel_authority_transfer(ctx: Context<CancelAuthorityTransfer>) -> Result<()> {
        instructions::cancel_authority_transfer::handler(ctx)
    }
}
