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


class ZeroPrice(ProgramError):
    def __init__(self) -> None:
        super().__init__(6003, "Price must be greater than zero")

    code = 6003
    name = "ZeroPrice"
    msg = "Price must be greater than zero"


class OrderTooSmall(ProgramError):
    def __init__(self) -> None:
        super().__init__(6004, "Order value rounds to zero quote units")

    code = 6004
    name = "OrderTooSmall"
    msg = "Order value rounds to zero quote units"


class ArithmeticOverflow(ProgramError):
    def __init__(self) -> None:
        super().__init__(6005, "Arithmetic overflow")

    code = 6005
    name = "ArithmeticOverflow"
    msg = "Arithmetic overflow"


class WrongOrderSide(ProgramError):
    def __init__(self) -> None:
        super().__init__(6006, "Order is on the wrong side for this account")

    code = 6006
    name = "WrongOrderSide"
    msg = "Order is on the wrong side for this account"


class OrderNotOpen(ProgramError):
    def __init__(self) -> None:
        super().__init__(6007, "Order is not open")

    code = 6007
    name = "OrderNotOpen"
    msg = "Order is not open"


class NotOrderOwner(ProgramError):
    def __init__(self) -> None:
        super().__init__(6008, "Signer does not own the order")

    code = 6008
    name = "NotOrderOwner"
    msg = "Signer does not own the order"


class PriceMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(6009, "Bid is below the ask")

    code = 6009
    name = "PriceMismatch"
    msg = "Bid is below the ask"


class SelfTrade(ProgramError):
    def __init__(self) -> None:
        super().__init__(6010, "Buyer and seller are the same")

    code = 6010
    name = "SelfTrade"
    msg = "Buyer and seller are the same"


class PriorityViolation(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6011, "A resting order has price-time priority over the matched one"
        )

    code = 6011
    name = "PriorityViolation"
    msg = "A resting order has price-time priority over the matched one"


class DuplicateOrder(ProgramError):
    def __init__(self) -> None:
        super().__init__(6012, "The same order was passed twice")

    code = 6012
    name = "DuplicateOrder"
    msg = "The same order was passed twice"


class InvalidTokenAccount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6013, "Token account has the wrong owner or mint")

    code = 6013
    name = "InvalidTokenAccount"
    msg = "Token account has the wrong owner or mint"


class InvalidRemainingAccounts(ProgramError):
    def __init__(self) -> None:
        super().__init__(6014, "Remaining accounts do not form complete order groups")

    code = 6014
    name = "InvalidRemainingAccounts"
    msg = "Remaining accounts do not form complete order groups"


class TooManyOrders(ProgramError):
    def __init__(self) -> None:
        super().__init__(6015, "Too many orders in one instruction")

    code = 6015
    name = "TooManyOrders"
    msg = "Too many orders in one instruction"


class NoCrossingOrders(ProgramError):
    def __init__(self) -> None:
        super().__init__(6016, "No bid crosses an ask")

    code = 6016
    name = "NoCrossingOrders"
    msg = "No bid crosses an ask"


class ErcNotOwned(ProgramError):
    def __init__(self) -> None:
        super().__init__(6017, "The ERC certificate is not owned by the seller")

    code = 6017
    name = "ErcNotOwned"
    msg = "The ERC certificate is not owned by the seller"


class ErcNotValidated(ProgramError):
    def __init__(self) -> None:
        super().__init__(6018, "The ERC certificate is not validated for trading")

    code = 6018
    name = "ErcNotValidated"
    msg = "The ERC certificate is not validated for trading"


class ErcExpired(ProgramError):
    def __init__(self) -> None:
        super().__init__(6019, "The ERC certificate has expired")

    code = 6019
    name = "ErcExpired"
    msg = "The ERC certificate has expired"


class InsufficientErcEnergy(ProgramError):
    def __init__(self) -> None:
        super().__init__(6020, "The ERC certificate does not cover this much energy")

    code = 6020
    name = "InsufficientErcEnergy"
    msg = "The ERC certificate does not cover this much energy"


class MissingErcUsage(ProgramError):
    def __init__(self) -> None:
        super().__init__(6021, "A sell order needs its ErcUsage account")

    code = 6021
    name = "MissingErcUsage"
    msg = "A sell order needs its ErcUsage account"


class OrderStillOpen(ProgramError):
    def __init__(self) -> None:
        super().__init__(6022, "Order is still open")

    code = 6022
    name = "OrderStillOpen"
    msg = "Order is still open"


class SlippageExceeded(ProgramError):
    def __init__(self) -> None:
        super().__init__(6023, "Swap output is below min_out")

    code = 6023
    name = "SlippageExceeded"
    msg = "Swap output is below min_out"


class InsufficientLiquidity(ProgramError):
    def __init__(self) -> None:
        super().__init__(6024, "Not enough liquidity in the pool")

    code = 6024
    name = "InsufficientLiquidity"
    msg = "Not enough liquidity in the pool"


class ZeroSwapOutput(ProgramError):
    def __init__(self) -> None:
        super().__init__(6025, "Swap output rounds to zero")

    code = 6025
    name = "ZeroSwapOutput"
    msg = "Swap output rounds to zero"


class InvalidPoolAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6026, "Pool reserves must be in 1..2^62")

    code = 6026
    name = "InvalidPoolAmount"
    msg = "Pool reserves must be in 1..2^62"


class InsufficientFees(ProgramError):
    def __init__(self) -> None:
        super().__init__(6027, "Not enough fees in the vault")

    code = 6027
    name = "InsufficientFees"
    msg = "Not enough fees in the vault"


class ErcCertificateMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6028, "The ERC certificate passed is not the one backing the sell order"
        )

    code = 6028
    name = "ErcCertificateMismatch"
    msg = "The ERC certificate passed is not the one backing the sell order"


class FillTooSmall(ProgramError):
    def __init__(self) -> None:
        super().__init__(6029, "The fill's quote cost rounds to zero")

    code = 6029
    name = "FillTooSmall"
    msg = "The fill's quote cost rounds to zero"


CustomError = typing.Union[
    InvalidFeeBps,
    InvalidQuoteMint,
    ZeroAmount,
    ZeroPrice,
    OrderTooSmall,
    ArithmeticOverflow,
    WrongOrderSide,
    OrderNotOpen,
    NotOrderOwner,
    PriceMismatch,
    SelfTrade,
    PriorityViolation,
    DuplicateOrder,
    InvalidTokenAccount,
    InvalidRemainingAccounts,
    TooManyOrders,
    NoCrossingOrders,
    ErcNotOwned,
    ErcNotValidated,
    ErcExpired,
    InsufficientErcEnergy,
    MissingErcUsage,
    OrderStillOpen,
    SlippageExceeded,
    InsufficientLiquidity,
    ZeroSwapOutput,
    InvalidPoolAmount,
    InsufficientFees,
    ErcCertificateMismatch,
    FillTooSmall,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: InvalidFeeBps(),
    6001: InvalidQuoteMint(),
    6002: ZeroAmount(),
    6003: ZeroPrice(),
    6004: OrderTooSmall(),
    6005: ArithmeticOverflow(),
    6006: WrongOrderSide(),
    6007: OrderNotOpen(),
    6008: NotOrderOwner(),
    6009: PriceMismatch(),
    6010: SelfTrade(),
    6011: PriorityViolation(),
    6012: DuplicateOrder(),
    6013: InvalidTokenAccount(),
    6014: InvalidRemainingAccounts(),
    6015: TooManyOrders(),
    6016: NoCrossingOrders(),
    6017: ErcNotOwned(),
    6018: ErcNotValidated(),
    6019: ErcExpired(),
    6020: InsufficientErcEnergy(),
    6021: MissingErcUsage(),
    6022: OrderStillOpen(),
    6023: SlippageExceeded(),
    6024: InsufficientLiquidity(),
    6025: ZeroSwapOutput(),
    6026: InvalidPoolAmount(),
    6027: InsufficientFees(),
    6028: ErcCertificateMismatch(),
    6029: FillTooSmall(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
