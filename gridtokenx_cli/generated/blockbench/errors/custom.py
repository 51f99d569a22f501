import typing
from anchorpy.error import ProgramError


class InvalidSize(ProgramError):
    def __init__(self) -> None:
        super().__init__(6000, "cpu_heavy: n must be greater than zero")

    code = 6000
    name = "InvalidSize"
    msg = "cpu_heavy: n must be greater than zero"


class SizeTooLarge(ProgramError):
    def __init__(self) -> None:
        super().__init__(6001, "cpu_heavy: n exceeds MAX_SORT")

    code = 6001
    name = "SizeTooLarge"
    msg = "cpu_heavy: n exceeds MAX_SORT"


class ZeroCount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6002, "io: count must be greater than zero")

    code = 6002
    name = "ZeroCount"
    msg = "io: count must be greater than zero"


class RangeOutOfBounds(ProgramError):
    def __init__(self) -> None:
        super().__init__(6003, "io: start + count exceeds the number of slots")

    code = 6003
    name = "RangeOutOfBounds"
    msg = "io: start + count exceeds the number of slots"


class ZeroAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6004, "fund_store: lamports must be greater than zero")

    code = 6004
    name = "ZeroAmount"
    msg = "fund_store: lamports must be greater than zero"


class ArithmeticOverflow(ProgramError):
    def __init__(self) -> None:
        super().__init__(6005, "arithmetic overflow")

    code = 6005
    name = "ArithmeticOverflow"
    msg = "arithmetic overflow"


class InvalidField(ProgramError):
    def __init__(self) -> None:
        super().__init__(6006, "ycsb: field index must be below YCSB_FIELD_COUNT")

    code = 6006
    name = "InvalidField"
    msg = "ycsb: field index must be below YCSB_FIELD_COUNT"


class InvalidScanLength(ProgramError):
    def __init__(self) -> None:
        super().__init__(6007, "ycsb: scan length must be 1..=YCSB_MAX_SCAN")

    code = 6007
    name = "InvalidScanLength"
    msg = "ycsb: scan length must be 1..=YCSB_MAX_SCAN"


class ScanAccountCountMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(6008, "ycsb: scan needs exactly one record account per key")

    code = 6008
    name = "ScanAccountCountMismatch"
    msg = "ycsb: scan needs exactly one record account per key"


class ScanRecordMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6009, "ycsb: scan account is not the next record of this table"
        )

    code = 6009
    name = "ScanRecordMismatch"
    msg = "ycsb: scan account is not the next record of this table"


class InvalidAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6010, "smallbank: amount must be greater than zero")

    code = 6010
    name = "InvalidAmount"
    msg = "smallbank: amount must be greater than zero"


class InsufficientFunds(ProgramError):
    def __init__(self) -> None:
        super().__init__(6011, "smallbank: insufficient funds")

    code = 6011
    name = "InsufficientFunds"
    msg = "smallbank: insufficient funds"


class NegativeOpeningBalance(ProgramError):
    def __init__(self) -> None:
        super().__init__(6012, "smallbank: opening balances must not be negative")

    code = 6012
    name = "NegativeOpeningBalance"
    msg = "smallbank: opening balances must not be negative"


class DifferentBank(ProgramError):
    def __init__(self) -> None:
        super().__init__(6013, "smallbank: customers belong to different banks")

    code = 6013
    name = "DifferentBank"
    msg = "smallbank: customers belong to different banks"


class NotCustomerOwner(ProgramError):
    def __init__(self) -> None:
        super().__init__(6014, "smallbank: the customer's owner must sign")

    code = 6014
    name = "NotCustomerOwner"
    msg = "smallbank: the customer's owner must sign"


CustomError = typing.Union[
    InvalidSize,
    SizeTooLarge,
    ZeroCount,
    RangeOutOfBounds,
    ZeroAmount,
    ArithmeticOverflow,
    InvalidField,
    InvalidScanLength,
    ScanAccountCountMismatch,
    ScanRecordMismatch,
    InvalidAmount,
    InsufficientFunds,
    NegativeOpeningBalance,
    DifferentBank,
    NotCustomerOwner,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: InvalidSize(),
    6001: SizeTooLarge(),
    6002: ZeroCount(),
    6003: RangeOutOfBounds(),
    6004: ZeroAmount(),
    6005: ArithmeticOverflow(),
    6006: InvalidField(),
    6007: InvalidScanLength(),
    6008: ScanAccountCountMismatch(),
    6009: ScanRecordMismatch(),
    6010: InvalidAmount(),
    6011: InsufficientFunds(),
    6012: NegativeOpeningBalance(),
    6013: DifferentBank(),
    6014: NotCustomerOwner(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
