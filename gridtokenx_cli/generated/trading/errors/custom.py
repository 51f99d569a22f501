import typing
from anchorpy.error import ProgramError


class InvalidFeeBps(ProgramError):
    def __init__(self) -> None:
        super().__init__(6000, "fee_bps must be at most 10000")

    code = 6000
    name = "InvalidFeeBps"
    msg = "fee_bps must be at most 10000"


class InvalidQuoteMint(ProgramError):
    def __init__(self) -> None:
        super().__init__(6001, "The quote mint must have 6 decimals and no extensions")

    code = 6001
    name = "InvalidQuoteMint"
    msg = "The quote mint must have 6 decimals and no extensions"


class ZeroAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6002, "Amount must be greater than zero")

    code = 6002
    name = "ZeroAmount"
    msg = "Amount must be greater than zero"


class InvalidPrice(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6003,
            "Price must be a positive multiple of the price tick (1000 micro-quote per kWh)",
        )

    code = 6003
    name = "InvalidPrice"
    msg = (
        "Price must be a positive multiple of the price tick (1000 micro-quote per kWh)"
    )


class ArithmeticOverflow(ProgramError):
    def __init__(self) -> None:
        super().__init__(6004, "Arithmetic overflow")

    code = 6004
    name = "ArithmeticOverflow"
    msg = "Arithmetic overflow"


class InvalidCapacity(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6005, "Book capacity must be 1..=16384 orders per side and 1..=16384 seats"
        )

    code = 6005
    name = "InvalidCapacity"
    msg = "Book capacity must be 1..=16384 orders per side and 1..=16384 seats"


class InvalidBookAccount(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6006,
            "The book account does not have the size its capacity needs, or is not this market's",
        )

    code = 6006
    name = "InvalidBookAccount"
    msg = "The book account does not have the size its capacity needs, or is not this market's"


class BookFull(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6007,
            "The book side is full: the order cannot rest (use immediate-or-cancel, or retry later)",
        )

    code = 6007
    name = "BookFull"
    msg = "The book side is full: the order cannot rest (use immediate-or-cancel, or retry later)"


class SeatNotFree(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6008,
            "The seat slot is taken (by a trader with a balance or open orders) or out of range",
        )

    code = 6008
    name = "SeatNotFree"
    msg = "The seat slot is taken (by a trader with a balance or open orders) or out of range"


class SeatAlreadyClaimed(ProgramError):
    def __init__(self) -> None:
        super().__init__(6009, "The signer already holds a seat in this market")

    code = 6009
    name = "SeatAlreadyClaimed"
    msg = "The signer already holds a seat in this market"


class WrongSeat(ProgramError):
    def __init__(self) -> None:
        super().__init__(6010, "The seat slot is not the signer's")

    code = 6010
    name = "WrongSeat"
    msg = "The seat slot is not the signer's"


class InsufficientBalance(ProgramError):
    def __init__(self) -> None:
        super().__init__(6011, "The seat's free balance does not cover this")

    code = 6011
    name = "InsufficientBalance"
    msg = "The seat's free balance does not cover this"


class OrderNotFound(ProgramError):
    def __init__(self) -> None:
        super().__init__(6012, "No resting order of the signer has this id")

    code = 6012
    name = "OrderNotFound"
    msg = "No resting order of the signer has this id"


class SelfTrade(ProgramError):
    def __init__(self) -> None:
        super().__init__(6013, "The order would cross the trader's own resting order")

    code = 6013
    name = "SelfTrade"
    msg = "The order would cross the trader's own resting order"


class PostOnlyWouldCross(ProgramError):
    def __init__(self) -> None:
        super().__init__(6014, "A post-only order would match")

    code = 6014
    name = "PostOnlyWouldCross"
    msg = "A post-only order would match"


class InvalidOrderOptions(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6015, "Order options not allowed here (immediate-or-cancel in auction mode)"
        )

    code = 6015
    name = "InvalidOrderOptions"
    msg = "Order options not allowed here (immediate-or-cancel in auction mode)"


class NoCrossingOrders(ProgramError):
    def __init__(self) -> None:
        super().__init__(6016, "No bid crosses an ask")

    code = 6016
    name = "NoCrossingOrders"
    msg = "No bid crosses an ask"


class WrongMarketMode(ProgramError):
    def __init__(self) -> None:
        super().__init__(6017, "Not allowed in the market's current mode")

    code = 6017
    name = "WrongMarketMode"
    msg = "Not allowed in the market's current mode"


class BookCrossed(ProgramError):
    def __init__(self) -> None:
        super().__init__(6018, "The book is crossed: run the match crank first")

    code = 6018
    name = "BookCrossed"
    msg = "The book is crossed: run the match crank first"


class MissingErcCertificate(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6019, "The certificate of an ask about to be filled was not passed"
        )

    code = 6019
    name = "MissingErcCertificate"
    msg = "The certificate of an ask about to be filled was not passed"


class InvalidRemainingAccounts(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6020, "A remaining account is not a governance ERC certificate"
        )

    code = 6020
    name = "InvalidRemainingAccounts"
    msg = "A remaining account is not a governance ERC certificate"


class ErcNotOwned(ProgramError):
    def __init__(self) -> None:
        super().__init__(6021, "The ERC certificate is not owned by the seller")

    code = 6021
    name = "ErcNotOwned"
    msg = "The ERC certificate is not owned by the seller"


class ErcNotValidated(ProgramError):
    def __init__(self) -> None:
        super().__init__(6022, "The ERC certificate is not validated for trading")

    code = 6022
    name = "ErcNotValidated"
    msg = "The ERC certificate is not validated for trading"


class ErcExpired(ProgramError):
    def __init__(self) -> None:
        super().__init__(6023, "The ERC certificate has expired")

    code = 6023
    name = "ErcExpired"
    msg = "The ERC certificate has expired"


class InsufficientErcEnergy(ProgramError):
    def __init__(self) -> None:
        super().__init__(6024, "The ERC certificate does not cover this much energy")

    code = 6024
    name = "InsufficientErcEnergy"
    msg = "The ERC certificate does not cover this much energy"


class MissingErcUsage(ProgramError):
    def __init__(self) -> None:
        super().__init__(6025, "Cancelling an ask needs its ErcUsage account")

    code = 6025
    name = "MissingErcUsage"
    msg = "Cancelling an ask needs its ErcUsage account"


class InvalidTokenAccount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6026, "Token account has the wrong owner or mint")

    code = 6026
    name = "InvalidTokenAccount"
    msg = "Token account has the wrong owner or mint"


class SlippageExceeded(ProgramError):
    def __init__(self) -> None:
        super().__init__(6027, "Swap output is below min_out")

    code = 6027
    name = "SlippageExceeded"
    msg = "Swap output is below min_out"


class InsufficientLiquidity(ProgramError):
    def __init__(self) -> None:
        super().__init__(6028, "Not enough liquidity in the pool")

    code = 6028
    name = "InsufficientLiquidity"
    msg = "Not enough liquidity in the pool"


class ZeroSwapOutput(ProgramError):
    def __init__(self) -> None:
        super().__init__(6029, "Swap output rounds to zero")

    code = 6029
    name = "ZeroSwapOutput"
    msg = "Swap output rounds to zero"


class InvalidPoolAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6030, "Pool reserves must be in 1..2^62")

    code = 6030
    name = "InvalidPoolAmount"
    msg = "Pool reserves must be in 1..2^62"


class InsufficientFees(ProgramError):
    def __init__(self) -> None:
        super().__init__(6031, "Not enough unclaimed fees")

    code = 6031
    name = "InsufficientFees"
    msg = "Not enough unclaimed fees"


CustomError = typing.Union[
    InvalidFeeBps,
    InvalidQuoteMint,
    ZeroAmount,
    InvalidPrice,
    ArithmeticOverflow,
    InvalidCapacity,
    InvalidBookAccount,
    BookFull,
    SeatNotFree,
    SeatAlreadyClaimed,
    WrongSeat,
    InsufficientBalance,
    OrderNotFound,
    SelfTrade,
    PostOnlyWouldCross,
    InvalidOrderOptions,
    NoCrossingOrders,
    WrongMarketMode,
    BookCrossed,
    MissingErcCertificate,
    InvalidRemainingAccounts,
    ErcNotOwned,
    ErcNotValidated,
    ErcExpired,
    InsufficientErcEnergy,
    MissingErcUsage,
    InvalidTokenAccount,
    SlippageExceeded,
    InsufficientLiquidity,
    ZeroSwapOutput,
    InvalidPoolAmount,
    InsufficientFees,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: InvalidFeeBps(),
    6001: InvalidQuoteMint(),
    6002: ZeroAmount(),
    6003: InvalidPrice(),
    6004: ArithmeticOverflow(),
    6005: InvalidCapacity(),
    6006: InvalidBookAccount(),
    6007: BookFull(),
    6008: SeatNotFree(),
    6009: SeatAlreadyClaimed(),
    6010: WrongSeat(),
    6011: InsufficientBalance(),
    6012: OrderNotFound(),
    6013: SelfTrade(),
    6014: PostOnlyWouldCross(),
    6015: InvalidOrderOptions(),
    6016: NoCrossingOrders(),
    6017: WrongMarketMode(),
    6018: BookCrossed(),
    6019: MissingErcCertificate(),
    6020: InvalidRemainingAccounts(),
    6021: ErcNotOwned(),
    6022: ErcNotValidated(),
    6023: ErcExpired(),
    6024: InsufficientErcEnergy(),
    6025: MissingErcUsage(),
    6026: InvalidTokenAccount(),
    6027: SlippageExceeded(),
    6028: InsufficientLiquidity(),
    6029: ZeroSwapOutput(),
    6030: InvalidPoolAmount(),
    6031: InsufficientFees(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
