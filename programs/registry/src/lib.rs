//! GridTokenX registry: users, meters and their energy totals (docs/programs.md "registry").
//!
//! * Readings arrive only from the oracle (CPI signed by its `[ORACLE_AUTHORITY]` PDA).
//! * `settle_and_mint_tokens` turns unsettled net generation into GRX via `energy_token::mint_tokens_direct`,
//!   signed by this program's `[REGISTRY_AUTHORITY]` PDA.
//! * ERC claims arrive only from governance (CPI signed by its `[GOVERNANCE_AUTHORITY]` PDA).
//! * `resume_meter` (admin) lets a meter silent for more than 24 h report again.
//! * Meter trust (issue #11): `register_meter` and `rekey_meter` need the meter key's own Ed25519 signature
//!   (proof of possession, `gridtokenx_common::ed25519`); `transfer_meter` needs both owners; the admin
//!   approves (`approve_meter`, when `set_registry_options` requires it), retires (`retire_meter`) and its
//!   deactivation can only be undone by the admin.
//!
//! This file only dispatches; every instruction lives in `instructions/<name>.rs`.
use anchor_lang::prelude::*;

pub mod error;
pub mod events;
pub mod instructions;
pub mod state;

pub use instructions::*;
pub use state::{MeterType, UserType};

declare_id!("7KPxwYbZfp7mpoAL7pNE9L54AZiZ44Vdyv2otun6NrEd");

#[program]
pub mod registry {
    use super::*;

    pub fn initialize_registry(ctx: Context<InitializeRegistry>) -> Result<()> {
        instructions::initialize_registry::handler(ctx)
    }

    pub fn register_user(ctx: Context<RegisterUser>, user_type: UserType) -> Result<()> {
        instructions::register_user::handler(ctx, user_type)
    }

    pub fn register_meter(
        ctx: Context<RegisterMeter>,
        meter_id: [u8; 32],
        meter_type: MeterType,
        meter_pubkey: Pubkey,
        capacity_w: u64,
    ) -> Result<()> {
        instructions::register_meter::handler(ctx, meter_id, meter_type, meter_pubkey, capacity_w)
    }

    pub fn update_meter_reading(
        ctx: Context<UpdateMeterReading>,
        energy_produced: u64,
        energy_consumed: u64,
        reading_timestamp: i64,
    ) -> Result<()> {
        instructions::update_meter_reading::handler(ctx, energy_produced, energy_consumed, reading_timestamp)
    }

    pub fn settle_and_mint_tokens(ctx: Context<SettleAndMintTokens>) -> Result<()> {
        instructions::settle_and_mint_tokens::handler(ctx)
    }

    pub fn update_claimed_erc_generation(ctx: Context<UpdateClaimedErcGeneration>, amount: u64) -> Result<()> {
        instructions::update_claimed_erc_generation::handler(ctx, amount)
    }

    pub fn deactivate_meter(ctx: Context<DeactivateMeter>) -> Result<()> {
        instructions::deactivate_meter::handler(ctx)
    }

    pub fn reactivate_meter(ctx: Context<ReactivateMeter>) -> Result<()> {
        instructions::reactivate_meter::handler(ctx)
    }

    pub fn resume_meter(ctx: Context<ResumeMeter>, resume_at: i64) -> Result<()> {
        instructions::resume_meter::handler(ctx, resume_at)
    }

    pub fn set_registry_options(ctx: Context<SetRegistryOptions>, require_meter_approval: bool) -> Result<()> {
        instructions::set_registry_options::handler(ctx, require_meter_approval)
    }

    pub fn approve_meter(ctx: Context<AdminMeterDecision>) -> Result<()> {
        instructions::approve_meter::handler(ctx)
    }

    pub fn rekey_meter(ctx: Context<RekeyMeter>, new_meter_pubkey: Pubkey) -> Result<()> {
        instructions::rekey_meter::handler(ctx, new_meter_pubkey)
    }

    pub fn transfer_meter(ctx: Context<TransferMeter>) -> Result<()> {
        instructions::transfer_meter::handler(ctx)
    }

    pub fn retire_meter(ctx: Context<AdminMeterDecision>) -> Result<()> {
        instructions::retire_meter::handler(ctx)
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
