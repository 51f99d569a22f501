use anchor_lang::prelude::*;

/// energy_token errors, numbered from 6000 in declaration order. Do not reorder: clients match on the codes.
#[error_code]
pub enum EnergyTokenError {
    #[msg("Only the registry authority PDA or the admin may mint")]
    UnauthorizedMinter,
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Insufficient token balance")]
    InsufficientBalance,
    #[msg("Arithmetic overflow")]
    ArithmeticOverflow,
    #[msg("Mint supply does not match the recorded total supply")]
    SupplyMismatch,
}
