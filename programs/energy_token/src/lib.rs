//! GridTokenX energy token: the GRX Token-2022 mint (9 decimals, 1 GRX = 1 kWh, `GRX_PER_WH` base units per
//! Wh) whose mint authority is the `TokenInfo` PDA (docs/programs.md "energy_token").
//!
//! * `mint_tokens_direct`: the registry (settlement, via its `[REGISTRY_AUTHORITY]` PDA) or the admin.
//! * `transfer_tokens` / `burn_tokens`: owner-signed; burns keep `total_supply == mint.supply`.
//!
//! This file only dispatches; every instruction lives in `instructions/<name>.rs`.
use anchor_lang::prelude::*;

pub mod error;
pub mod events;
pub mod instructions;
pub mod state;

pub use instructions::*;
pub use state::{GRX_DECIMALS, GRX_PER_WH};

declare_id!("8V9a99PnHt5Z7oUy5ghaR5p9gCm1srurLUkCVZJ4yAFk");

#[program]
pub mod energy_token {
    use super::*;

    pub fn initialize_token(ctx: Context<InitializeToken>) -> Result<()> {
        instructions::initialize_token::handler(ctx)
    }

    pub fn mint_tokens_direct(ctx: Context<MintTokensDirect>, amount: u64) -> Result<()> {
        instructions::mint_tokens_direct::handler(ctx, amount)
    }

    pub fn transfer_tokens(ctx: Context<TransferTokens>, amount: u64) -> Result<()> {
        instructions::transfer_tokens::handler(ctx, amount)
    }

    pub fn burn_tokens(ctx: Context<BurnTokens>, amount: u64) -> Result<()> {
        instructions::burn_tokens::handler(ctx, amount)
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
