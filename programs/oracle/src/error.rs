use anchor_lang::prelude::*;

/// Hard failures of the oracle; Anchor numbers them from 6000 in declaration order. Do not reorder:
/// clients match on the codes. Validation rejections of a reading are NOT errors (they are recorded in
/// counters and a `ReadingRejected` event, see `validation.rs`).
#[error_code]
pub enum OracleError {
    #[msg("Signer is not the configured API gateway")]
    UnauthorizedGateway, // 6000
    #[msg("Signer is neither the oracle admin nor the API gateway")]
    UnauthorizedCaller, // 6001
    #[msg("The instruction before this one must be an Ed25519 signature verification")]
    MissingSignatureInstruction, // 6002
    #[msg("Malformed Ed25519 instruction: exactly one signature with all offsets into its own data required")]
    InvalidSignatureInstruction, // 6003
    #[msg("The reading is not signed by the meter's registered key")]
    SignerKeyMismatch, // 6004
    #[msg("The signed message is not the canonical message of this reading")]
    SignedMessageMismatch, // 6005
    #[msg("The meter is not active")]
    MeterInactive, // 6006
    #[msg("min_energy_value must not exceed max_energy_value")]
    InvalidEnergyRange, // 6007
    #[msg("max_production_ratio must be at least 1")]
    InvalidProductionRatio, // 6008
    #[msg("max_deviation_percent must be at least 1")]
    InvalidDeviationPercent, // 6009
    #[msg("min_reading_interval must not exceed 24 hours")]
    InvalidReadingInterval, // 6010
    #[msg("Too many backup oracles")]
    TooManyBackupOracles, // 6011
    #[msg("Backup oracles must be distinct and not the default key")]
    InvalidBackupOracle, // 6012
    #[msg(
        "consensus_threshold must be odd, <= n, a strict majority of n and >= 2f+1, f = (n-1)/3, n = backup oracles"
    )]
    InvalidConsensusThreshold, // 6013
    #[msg("The API gateway must not be the default key")]
    InvalidApiGateway, // 6014
    #[msg("Fewer oracle readings than the consensus threshold")]
    InsufficientConsensus, // 6015
    #[msg("Number of oracle readings differs from the number of oracle accounts")]
    OracleCountMismatch, // 6016
    #[msg("Oracle is not a configured backup oracle")]
    UnauthorizedOracle, // 6017
    #[msg("Oracle account did not sign the transaction")]
    OracleNotSigner, // 6018
    #[msg("The same oracle appears twice")]
    DuplicateOracle, // 6019
    #[msg("Arithmetic overflow")]
    ArithmeticOverflow, // 6020
    #[msg("type_ceiling_w: every meter type's ceiling must be 1 W to 1 GW")]
    InvalidTypeCeiling, // 6021
    #[msg("capacity_margin_percent must not exceed 100")]
    InvalidCapacityMargin, // 6022
    #[msg("first_reading_max_interval must be 1 s to 24 hours")]
    InvalidFirstReadingInterval, // 6023
    #[msg("deviation_floor_percent must not exceed 100")]
    InvalidDeviationFloor, // 6024
    #[msg("An even number of oracle readings has no middle reading: submit an odd number")]
    EvenOracleCount, // 6025
    #[msg("No oracle reported the median pair (median produced, median consumed): no consensus")]
    ConsensusDisagreement, // 6026
    #[msg("The meter is not approved by the registry admin")]
    MeterNotApproved, // 6027
}
