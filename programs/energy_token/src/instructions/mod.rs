//! One module per instruction: the `#[derive(Accounts)]` struct and its handler, plus the supply
//! bookkeeping shared by mint and burn.
#![allow(ambiguous_glob_reexports)]

pub mod accept_authority_transfer;
pub mod burn_tokens;
pub mod cancel_authority_transfer;
pub mod initialize_token;
pub mod mint_tokens_direct;
pub mod propose_authority_transfer;
pub mod transfer_tokens;

pub use accept_authority_transfer::*;
pub use burn_tokens::*;
pub use cancel_authority_transfer::*;
pub use initialize_token::*;
pub use mint_tokens_direct::*;
pub use propose_authority_transfer::*;
pub use transfer_tokens::*;

use anchor_lang::prelude::*;

use crate::{error::EnergyTokenError, events::ExternalBurnReconciled, state::TokenInfo};

/// Holders can burn GRX directly through Token-2022, bypassing `burn_tokens`; the mint supply then drops
/// below `total_supply`. Count the difference as burned so that `total_supply == minted - burned ==
/// mint.supply` holds again. The mint supply can never exceed `total_supply` (TokenInfo is the only mint
/// authority and records every mint), so that case is an error.
pub fn reconcile_external_burns(token_info: &mut TokenInfo, mint_supply: u64) -> Result<()> {
    require!(mint_supply <= token_info.total_supply, EnergyTokenError::SupplyMismatch);
    let external = token_info.total_supply - mint_supply; // no underflow: checked just above
    if external > 0 {
        token_info.total_burned =
            token_info.total_burned.checked_add(external).ok_or(EnergyTokenError::ArithmeticOverflow)?;
        token_info.total_supply = mint_supply;
        emit!(ExternalBurnReconciled {
            amount: external,
            total_burned: token_info.total_burned,
            total_supply: mint_supply,
        });
    }
    check_totals(token_info)
}

/// `total_supply == total_minted - total_burned`.
pub fn check_totals(token_info: &TokenInfo) -> Result<()> {
    let expected =
        token_info.total_minted.checked_sub(token_info.total_burned).ok_or(EnergyTokenError::SupplyMismatch)?;
    require!(expected == token_info.total_supply, EnergyTokenError::SupplyMismatch);
    Ok(())
}

/// After a mint/burn CPI: the recorded totals agree with each other and with the (reloaded) mint.
pub fn check_supply(token_info: &TokenInfo, mint: &anchor_spl::token_interface::Mint) -> Result<()> {
    check_totals(token_info)?;
    require!(mint.supply == token_info.total_supply, EnergyTokenError::SupplyMismatch);
    Ok(())
}
