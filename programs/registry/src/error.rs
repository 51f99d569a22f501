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
    // --- appended (issue #11) ---
    #[msg("Meter capacity must be greater than zero W")]
    InvalidCapacity,
    #[msg("The instruction before this one must be an Ed25519 precompile instruction signed by the meter key")]
    MeterSignatureMissing,
    #[msg("The Ed25519 instruction must carry one signature with offsets into its own data")]
    MeterSignatureMalformed,
    #[msg("The Ed25519 instruction is signed by another key than the meter key")]
    MeterSignatureKeyMismatch,
    #[msg("The meter key signed another message than this operation's canonical message")]
    MeterSignatureMessageMismatch,
    #[msg("Meter is not approved by the registry admin")]
    MeterNotApproved,
    #[msg("Meter is already approved")]
    MeterAlreadyApproved,
    #[msg("Meter is retired")]
    MeterRetired,
    #[msg("Meter was deactivated by the registry admin: only the admin may reactivate it")]
    ReactivationRequiresAdmin,
    #[msg("Only the meter owner may do this")]
    NotMeterOwner,
    #[msg("New meter key equals the current one")]
    MeterKeyUnchanged,
    #[msg("New owner must differ from the current owner")]
    InvalidNewOwner,
    #[msg("Meter has unsettled net generation: settle before transferring")]
    UnsettledGeneration,
}

impl From<gridtokenx_common::ed25519::SignatureCheckError> for RegistryError {
    fn from(e: gridtokenx_common::ed25519::SignatureCheckError) -> Self {
        use gridtokenx_common::ed25519::SignatureCheckError::*;
        match e {
            Missing => RegistryError::MeterSignatureMissing,
            Malformed => RegistryError::MeterSignatureMalformed,
            KeyMismatch => RegistryError::MeterSignatureKeyMismatch,
            MessageMismatch => RegistryError::MeterSignatureMessageMismatch,
        }
    }
}
