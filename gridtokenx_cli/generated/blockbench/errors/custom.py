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


CustomError = typing.Union[
    InvalidSize,
    SizeTooLarge,
    ZeroCount,
    RangeOutOfBounds,
    ZeroAmount,
    ArithmeticOverflow,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: InvalidSize(),
    6001: SizeTooLarge(),
    6002: ZeroCount(),
    6003: RangeOutOfBounds(),
    6004: ZeroAmount(),
    6005: ArithmeticOverflow(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
