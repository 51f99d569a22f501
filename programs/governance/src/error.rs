use anchor_lang::prelude::*;

/// Governance's own errors; Anchor numbers them from 6000 in declaration order
/// (AlreadyPaused = 6000, NotPaused = 6001, ...). Append only: clients match on the codes.
/// Shared errors (SystemPaused, NotAuthority, TransferExpired, ...) are `gridtokenx_common::CommonError` (7000+).
#[error_code]
pub enum GovernanceError {
    #[msg("The system is already paused")]
    AlreadyPaused,
    #[msg("The system is not paused")]
    NotPaused,
    #[msg("Signer is not the REC authority")]
    NotRecAuthority,
    #[msg("The REC authority must not be the default key nor the current one")]
    InvalidRecAuthority,
    #[msg("Energy amount must be greater than zero")]
    ZeroEnergyAmount,
    #[msg("Not enough unclaimed generation on the meter for this certificate")]
    InsufficientUnclaimedEnergy,
    #[msg("The certificate is not in the status this operation requires")]
    InvalidErcStatus,
    #[msg("The certificate has expired")]
    CertificateExpired,
    #[msg("Signer is not the certificate owner")]
    NotCertificateOwner,
    #[msg("New owner must differ from the current owner and not be the default key")]
    InvalidNewOwner,
    #[msg("Arithmetic overflow")]
    ArithmeticOverflow,
    #[msg("Not a writable GRX token account")]
    InvalidGrxAccount,
    #[msg("The GRX mint's freeze authority is not the governance authority PDA")]
    GrxNotFreezable,
}
