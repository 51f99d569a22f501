import typing
from anchorpy.error import ProgramError


class UnauthorizedMinter(ProgramError):
    def __init__(self) -> None:
        super().__init__(6000, "Only the registry authority PDA or the admin may mint")

    code = 6000
    name = "UnauthorizedMinter"
    msg = "Only the registry authority PDA or the admin may mint"


class ZeroAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6001, "Amount must be greater than zero")

    code = 6001
    name = "ZeroAmount"
    msg = "Amount must be greater than zero"


class InsufficientBalance(ProgramError):
    def __init__(self) -> None:
        super().__init__(6002, "Insufficient token balance")

    code = 6002
    name = "InsufficientBalance"
    msg = "Insufficient token balance"


class ArithmeticOverflow(ProgramError):
    def __init__(self) -> None:
        super().__init__(6003, "Arithmetic overflow")

    code = 6003
    name = "ArithmeticOverflow"
    msg = "Arithmetic overflow"


class SupplyMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(6004, "Mint supply does not match the recorded total supply")

    code = 6004
    name = "SupplyMismatch"
    msg = "Mint supply does not match the recorded total supply"


CustomError = typing.Union[
    UnauthorizedMinter,
    ZeroAmount,
    InsufficientBalance,
    ArithmeticOverflow,
    SupplyMismatch,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: UnauthorizedMinter(),
    6001: ZeroAmount(),
    6002: InsufficientBalance(),
    6003: ArithmeticOverflow(),
    6004: SupplyMismatch(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
