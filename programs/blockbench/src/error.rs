use anchor_lang::prelude::*;

/// Custom errors; Anchor numbers them from 6000 in declaration order
/// (InvalidSize = 6000, SizeTooLarge = 6001, ...). Do not reorder: clients match on the codes.
#[error_code]
pub enum BlockbenchError {
    #[msg("cpu_heavy: n must be greater than zero")]
    InvalidSize,
    #[msg("cpu_heavy: n exceeds MAX_SORT")]
    SizeTooLarge,
    #[msg("io: count must be greater than zero")]
    ZeroCount,
    #[msg("io: start + count exceeds the number of slots")]
    RangeOutOfBounds,
    #[msg("fund_store: lamports must be greater than zero")]
    ZeroAmount,
    #[msg("arithmetic overflow")]
    ArithmeticOverflow,
    #[msg("ycsb: field index must be below YCSB_FIELD_COUNT")]
    InvalidField,
    #[msg("ycsb: scan length must be 1..=YCSB_MAX_SCAN")]
    InvalidScanLength,
    #[msg("ycsb: scan needs exactly one record account per key")]
    ScanAccountCountMismatch,
    #[msg("ycsb: scan account is not the next record of this table")]
    ScanRecordMismatch,
    #[msg("smallbank: amount must be greater than zero")]
    InvalidAmount,
    #[msg("smallbank: insufficient funds")]
    InsufficientFunds,
    #[msg("smallbank: opening balances must not be negative")]
    NegativeOpeningBalance,
    #[msg("smallbank: customers belong to different banks")]
    DifferentBank,
    #[msg("smallbank: the customer's owner must sign")]
    NotCustomerOwner,
}
