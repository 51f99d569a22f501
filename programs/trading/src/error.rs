use anchor_lang::prelude::*;

/// Custom errors; Anchor numbers them from 6000 in declaration order (clients read them from the IDL).
#[error_code]
#[derive(PartialEq, Eq)]
pub enum TradingError {
    #[msg("fee_bps must be at most 10000")]
    InvalidFeeBps,
    #[msg("The quote mint must have 6 decimals and no extensions")]
    InvalidQuoteMint,
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Price must be a positive multiple of the price tick (1000 micro-quote per kWh)")]
    InvalidPrice,
    #[msg("Arithmetic overflow")]
    ArithmeticOverflow,
    #[msg("Book capacity must be 1..=16384 orders per side and 1..=16384 seats")]
    InvalidCapacity,
    #[msg("The book account does not have the size its capacity needs, or is not this market's")]
    InvalidBookAccount,
    #[msg("The book side is full: the order cannot rest (use immediate-or-cancel, or retry later)")]
    BookFull,
    #[msg("The seat slot is taken (by a trader with a balance or open orders) or out of range")]
    SeatNotFree,
    #[msg("The signer already holds a seat in this market")]
    SeatAlreadyClaimed,
    #[msg("The seat slot is not the signer's")]
    WrongSeat,
    #[msg("The seat's free balance does not cover this")]
    InsufficientBalance,
    #[msg("No resting order of the signer has this id")]
    OrderNotFound,
    #[msg("The order would cross the trader's own resting order")]
    SelfTrade,
    #[msg("A post-only order would match")]
    PostOnlyWouldCross,
    #[msg("Order options not allowed here (immediate-or-cancel in auction mode)")]
    InvalidOrderOptions,
    #[msg("No bid crosses an ask")]
    NoCrossingOrders,
    #[msg("Not allowed in the market's current mode")]
    WrongMarketMode,
    #[msg("The book is crossed: run the match crank first")]
    BookCrossed,
    #[msg("The certificate of an ask about to be filled was not passed")]
    MissingErcCertificate,
    #[msg("A remaining account is not a governance ERC certificate")]
    InvalidRemainingAccounts,
    #[msg("The ERC certificate is not owned by the seller")]
    ErcNotOwned,
    #[msg("The ERC certificate is not validated for trading")]
    ErcNotValidated,
    #[msg("The ERC certificate has expired")]
    ErcExpired,
    #[msg("The ERC certificate does not cover this much energy")]
    InsufficientErcEnergy,
    #[msg("Cancelling an ask needs its ErcUsage account")]
    MissingErcUsage,
    #[msg("Token account has the wrong owner or mint")]
    InvalidTokenAccount,
    #[msg("Swap output is below min_out")]
    SlippageExceeded,
    #[msg("Not enough liquidity in the pool")]
    InsufficientLiquidity,
    #[msg("Swap output rounds to zero")]
    ZeroSwapOutput,
    #[msg("Pool reserves must be in 1..2^62")]
    InvalidPoolAmount,
    #[msg("Not enough unclaimed fees")]
    InsufficientFees,
}
