import typing
from anchorpy.error import ProgramError


class AlreadyPaused(ProgramError):
    def __init__(self) -> None:
        super().__init__(6000, "The system is already paused")

    code = 6000
    name = "AlreadyPaused"
    msg = "The system is already paused"


class NotPaused(ProgramError):
    def __init__(self) -> None:
        super().__init__(6001, "The system is not paused")

    code = 6001
    name = "NotPaused"
    msg = "The system is not paused"


class NotRecAuthority(ProgramError):
    def __init__(self) -> None:
        super().__init__(6002, "Signer is not the REC authority")

    code = 6002
    name = "NotRecAuthority"
    msg = "Signer is not the REC authority"


class InvalidRecAuthority(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6003, "The REC authority must not be the default key nor the current one"
        )

    code = 6003
    name = "InvalidRecAuthority"
    msg = "The REC authority must not be the default key nor the current one"


class ZeroEnergyAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6004, "Energy amount must be greater than zero")

    code = 6004
    name = "ZeroEnergyAmount"
    msg = "Energy amount must be greater than zero"


class InsufficientUnclaimedEnergy(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6005, "Not enough unclaimed generation on the meter for this certificate"
        )

    code = 6005
    name = "InsufficientUnclaimedEnergy"
    msg = "Not enough unclaimed generation on the meter for this certificate"


class InvalidErcStatus(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6006, "The certificate is not in the status this operation requires"
        )

    code = 6006
    name = "InvalidErcStatus"
    msg = "The certificate is not in the status this operation requires"


class CertificateExpired(ProgramError):
    def __init__(self) -> None:
        super().__init__(6007, "The certificate has expired")

    code = 6007
    name = "CertificateExpired"
    msg = "The certificate has expired"


class NotCertificateOwner(ProgramError):
    def __init__(self) -> None:
        super().__init__(6008, "Signer is not the certificate owner")

    code = 6008
    name = "NotCertificateOwner"
    msg = "Signer is not the certificate owner"


class InvalidNewOwner(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6009,
            "New owner must differ from the current owner and not be the default key",
        )

    code = 6009
    name = "InvalidNewOwner"
    msg = "New owner must differ from the current owner and not be the default key"


class ArithmeticOverflow(ProgramError):
    def __init__(self) -> None:
        super().__init__(6010, "Arithmetic overflow")

    code = 6010
    name = "ArithmeticOverflow"
    msg = "Arithmetic overflow"


class InvalidGrxAccount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6011, "Not a writable GRX token account")

    code = 6011
    name = "InvalidGrxAccount"
    msg = "Not a writable GRX token account"


class GrxNotFreezable(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6012, "The GRX mint's freeze authority is not the governance authority PDA"
        )

    code = 6012
    name = "GrxNotFreezable"
    msg = "The GRX mint's freeze authority is not the governance authority PDA"


CustomError = typing.Union[
    AlreadyPaused,
    NotPaused,
    NotRecAuthority,
    InvalidRecAuthority,
    ZeroEnergyAmount,
    InsufficientUnclaimedEnergy,
    InvalidErcStatus,
    CertificateExpired,
    NotCertificateOwner,
    InvalidNewOwner,
    ArithmeticOverflow,
    InvalidGrxAccount,
    GrxNotFreezable,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: AlreadyPaused(),
    6001: NotPaused(),
    6002: NotRecAuthority(),
    6003: InvalidRecAuthority(),
    6004: ZeroEnergyAmount(),
    6005: InsufficientUnclaimedEnergy(),
    6006: InvalidErcStatus(),
    6007: CertificateExpired(),
    6008: NotCertificateOwner(),
    6009: InvalidNewOwner(),
    6010: ArithmeticOverflow(),
    6011: InvalidGrxAccount(),
    6012: GrxNotFreezable(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
