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
}
