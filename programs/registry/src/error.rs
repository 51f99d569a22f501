use anchor_lang::prelude::*;

/// Registry errors, numbered from 6000 in declaration order. Do not reorder: clients match on the codes.
#[error_code]
pub enum RegistryError {
    #[msg("Meter id must not be all zero bytes")]
    InvalidMeterId,
    #[msg("Meter public key must not be the default key")]
    InvalidMeterPubkey,
    #[msg("Meter is not active")]
    MeterInactive,
    #[msg("Meter is already active")]
    MeterAlreadyActive,
    #[msg("Only the meter owner or the registry admin may do this")]
    UnauthorizedMeterAuthority,
    #[msg("Reading timestamp must be after the meter's last reading")]
    OutdatedReading,
    #[msg("Reading timestamp is more than 60 s in the future")]
    FutureReading,
    #[msg("More than 24 h since the meter's previous reading")]
    StaleReading,
    #[msg("Arithmetic overflow")]
    ArithmeticOverflow,
    #[msg("No unsettled net generation")]
    NothingToSettle,
    #[msg("Claim amount must be greater than zero")]
    ZeroClaimAmount,
    #[msg("Claimed ERC generation would exceed total generation")]
    ClaimExceedsGeneration,
    #[msg("Resume time must be after the meter's last reading")]
    ResumeNotAfterLastReading,
    #[msg("Resume time must not be in the future")]
    ResumeInFuture,
}
