use anchor_lang::prelude::*;

/// Custom errors; Anchor numbers them from 6000 in declaration order. Do not reorder: clients match on the codes.
#[error_code]
pub enum TpcError {
    #[msg("scale out of range (see state.rs limits)")]
    InvalidScale,
    #[msg("the load phase is over (seal was called)")]
    LoadSealed,
    #[msg("account is not a tpc table of the expected kind at its PDA")]
    InvalidTable,
    #[msg("a table account this request needs was not passed")]
    TableMissing,
    #[msg("write outside the table body")]
    RowOutOfRange,
    #[msg("warehouse or district id out of range")]
    InvalidDistrict,
    #[msg("customer not found")]
    CustomerNotFound,
    #[msg("item not found (TPC-C new-order rollback)")]
    ItemNotFound,
    #[msg("new-order needs 1..=15 lines with quantity 1..=10 and a valid supply warehouse")]
    InvalidOrderLines,
    #[msg("payment amount must be 1..=500000 cents")]
    InvalidAmount,
    #[msg("the district's order ring is full of undelivered orders")]
    OrderRingFull,
    #[msg("carrier id must be 1..=10")]
    InvalidCarrier,
    #[msg("stock-level threshold must be 10..=20")]
    InvalidThreshold,
    #[msg("arithmetic overflow")]
    ArithmeticOverflow,
    #[msg("brokerage account lacks the cash for this buy")]
    InsufficientFunds,
    #[msg("brokerage account lacks the holding for this sell")]
    InsufficientHoldings,
    #[msg("security id out of range")]
    InvalidSecurity,
    #[msg("brokerage account or customer id out of range")]
    InvalidAccount,
    #[msg("trade quantity must be greater than zero")]
    InvalidTradeQuantity,
    #[msg("the trade ring is full of pending trades")]
    TradeBookFull,
    #[msg("lineitem chunk is full")]
    ChunkFull,
    #[msg("no lineitem with this orderkey in the chunk")]
    OrderKeyNotFound,
    #[msg("refresh insert needs 1..=7 lineitems with valid fields")]
    InvalidLineitems,
    #[msg("query parameters out of range")]
    InvalidQuery,
}
