use anchor_lang::prelude::*;

/// Custom errors; Anchor numbers them from 6000 in declaration order. Do not reorder: clients match on
/// the codes (gridtokenx_cli/clients/trading.py mirrors them).
#[error_code]
#[derive(PartialEq, Eq)]
pub enum TradingError {
    #[msg("fee_bps must be at most 10000")]
    InvalidFeeBps,
    #[msg("The quote mint must have 6 decimals and no extensions")]
    InvalidQuoteMint,
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Price must be greater than zero")]
    ZeroPrice,
    #[msg("Order value rounds to zero quote units")]
    OrderTooSmall,
    #[msg("Arithmetic overflow")]
    ArithmeticOverflow,
    #[msg("Order is on the wrong side for this account")]
    WrongOrderSide,
    #[msg("Order is not open")]
    OrderNotOpen,
    #[msg("Signer does not own the order")]
    NotOrderOwner,
    #[msg("Bid is below the ask")]
    PriceMismatch,
    #[msg("Buyer and seller are the same")]
    SelfTrade,
    #[msg("A resting order has price-time priority over the matched one")]
    PriorityViolation,
    #[msg("The same order was passed twice")]
    DuplicateOrder,
    #[msg("Token account has the wrong owner or mint")]
    InvalidTokenAccount,
    #[msg("Remaining accounts do not form complete order groups")]
    InvalidRemainingAccounts,
    #[msg("Too many orders in one instruction")]
    TooManyOrders,
    #[msg("No bid crosses an ask")]
    NoCrossingOrders,
    #[msg("The ERC certificate is not owned by the seller")]
    ErcNotOwned,
    #[msg("The ERC certificate is not validated for trading")]
    ErcNotValidated,
    #[msg("The ERC certificate has expired")]
    ErcExpired,
    #[msg("The ERC certificate does not cover this much energy")]
    InsufficientErcEnergy,
    #[msg("A sell order needs its ErcUsage account")]
    MissingErcUsage,
    #[msg("Order is still open")]
    OrderStillOpen,
    #[msg("Swap output is below min_out")]
    SlippageExceeded,
    #[msg("Not enough liquidity in the pool")]
    InsufficientLiquidity,
    #[msg("Swap output rounds to zero")]
    ZeroSwapOutput,
    #[msg("Pool reserves must be in 1..2^62")]
    InvalidPoolAmount,
    #[msg("Not enough fees in the vault")]
    InsufficientFees,
    #[msg("The ERC certificate passed is not the one backing the sell order")]
    ErcCertificateMismatch,
    #[msg("The fill's quote cost rounds to zero")]
    FillTooSmall,
}
