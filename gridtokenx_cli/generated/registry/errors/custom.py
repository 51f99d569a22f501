import typing
from anchorpy.error import ProgramError


class InvalidMeterId(ProgramError):
    def __init__(self) -> None:
        super().__init__(6000, "Meter id must not be all zero bytes")

    code = 6000
    name = "InvalidMeterId"
    msg = "Meter id must not be all zero bytes"


class InvalidMeterPubkey(ProgramError):
    def __init__(self) -> None:
        super().__init__(6001, "Meter public key must not be the default key")

    code = 6001
    name = "InvalidMeterPubkey"
    msg = "Meter public key must not be the default key"


class MeterInactive(ProgramError):
    def __init__(self) -> None:
        super().__init__(6002, "Meter is not active")

    code = 6002
    name = "MeterInactive"
    msg = "Meter is not active"


class MeterAlreadyActive(ProgramError):
    def __init__(self) -> None:
        super().__init__(6003, "Meter is already active")

    code = 6003
    name = "MeterAlreadyActive"
    msg = "Meter is already active"


class UnauthorizedMeterAuthority(ProgramError):
    def __init__(self) -> None:
        super().__init__(6004, "Only the meter owner or the registry admin may do this")

    code = 6004
    name = "UnauthorizedMeterAuthority"
    msg = "Only the meter owner or the registry admin may do this"


class OutdatedReading(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6005, "Reading timestamp must be after the meter's last reading"
        )

    code = 6005
    name = "OutdatedReading"
    msg = "Reading timestamp must be after the meter's last reading"


class FutureReading(ProgramError):
    def __init__(self) -> None:
        super().__init__(6006, "Reading timestamp is more than 60 s in the future")

    code = 6006
    name = "FutureReading"
    msg = "Reading timestamp is more than 60 s in the future"


class StaleReading(ProgramError):
    def __init__(self) -> None:
        super().__init__(6007, "More than 24 h since the meter's previous reading")

    code = 6007
    name = "StaleReading"
    msg = "More than 24 h since the meter's previous reading"


class ArithmeticOverflow(ProgramError):
    def __init__(self) -> None:
        super().__init__(6008, "Arithmetic overflow")

    code = 6008
    name = "ArithmeticOverflow"
    msg = "Arithmetic overflow"


class NothingToSettle(ProgramError):
    def __init__(self) -> None:
        super().__init__(6009, "No unsettled net generation")

    code = 6009
    name = "NothingToSettle"
    msg = "No unsettled net generation"


class ZeroClaimAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6010, "Claim amount must be greater than zero")

    code = 6010
    name = "ZeroClaimAmount"
    msg = "Claim amount must be greater than zero"


class ClaimExceedsGeneration(ProgramError):
    def __init__(self) -> None:
        super().__init__(6011, "Claimed ERC generation would exceed total generation")

    code = 6011
    name = "ClaimExceedsGeneration"
    msg = "Claimed ERC generation would exceed total generation"


class ResumeNotAfterLastReading(ProgramError):
    def __init__(self) -> None:
        super().__init__(6012, "Resume time must be after the meter's last reading")

    code = 6012
    name = "ResumeNotAfterLastReading"
    msg = "Resume time must be after the meter's last reading"


class ResumeInFuture(ProgramError):
    def __init__(self) -> None:
        super().__init__(6013, "Resume time must not be in the future")

    code = 6013
    name = "ResumeInFuture"
    msg = "Resume time must not be in the future"


class InvalidCapacity(ProgramError):
    def __init__(self) -> None:
        super().__init__(6014, "Meter capacity must be greater than zero W")

    code = 6014
    name = "InvalidCapacity"
    msg = "Meter capacity must be greater than zero W"


class MeterSignatureMissing(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6015,
            "The instruction before this one must be an Ed25519 precompile instruction signed by the meter key",
        )

    code = 6015
    name = "MeterSignatureMissing"
    msg = "The instruction before this one must be an Ed25519 precompile instruction signed by the meter key"


class MeterSignatureMalformed(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6016,
            "The Ed25519 instruction must carry one signature with offsets into its own data",
        )

    code = 6016
    name = "MeterSignatureMalformed"
    msg = "The Ed25519 instruction must carry one signature with offsets into its own data"


class MeterSignatureKeyMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6017, "The Ed25519 instruction is signed by another key than the meter key"
        )

    code = 6017
    name = "MeterSignatureKeyMismatch"
    msg = "The Ed25519 instruction is signed by another key than the meter key"


class MeterSignatureMessageMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6018,
            "The meter key signed another message than this operation's canonical message",
        )

    code = 6018
    name = "MeterSignatureMessageMismatch"
    msg = "The meter key signed another message than this operation's canonical message"


class MeterNotApproved(ProgramError):
    def __init__(self) -> None:
        super().__init__(6019, "Meter is not approved by the registry admin")

    code = 6019
    name = "MeterNotApproved"
    msg = "Meter is not approved by the registry admin"


class MeterAlreadyApproved(ProgramError):
    def __init__(self) -> None:
        super().__init__(6020, "Meter is already approved")

    code = 6020
    name = "MeterAlreadyApproved"
    msg = "Meter is already approved"


class MeterRetired(ProgramError):
    def __init__(self) -> None:
        super().__init__(6021, "Meter is retired")

    code = 6021
    name = "MeterRetired"
    msg = "Meter is retired"


class ReactivationRequiresAdmin(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6022,
            "Meter was deactivated by the registry admin: only the admin may reactivate it",
        )

    code = 6022
    name = "ReactivationRequiresAdmin"
    msg = (
        "Meter was deactivated by the registry admin: only the admin may reactivate it"
    )


class NotMeterOwner(ProgramError):
    def __init__(self) -> None:
        super().__init__(6023, "Only the meter owner may do this")

    code = 6023
    name = "NotMeterOwner"
    msg = "Only the meter owner may do this"


class MeterKeyUnchanged(ProgramError):
    def __init__(self) -> None:
        super().__init__(6024, "New meter key equals the current one")

    code = 6024
    name = "MeterKeyUnchanged"
    msg = "New meter key equals the current one"


class InvalidNewOwner(ProgramError):
    def __init__(self) -> None:
        super().__init__(6025, "New owner must differ from the current owner")

    code = 6025
    name = "InvalidNewOwner"
    msg = "New owner must differ from the current owner"


class UnsettledGeneration(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6026, "Meter has unsettled net generation: settle before transferring"
        )

    code = 6026
    name = "UnsettledGeneration"
    msg = "Meter has unsettled net generation: settle before transferring"


CustomError = typing.Union[
    InvalidMeterId,
    InvalidMeterPubkey,
    MeterInactive,
    MeterAlreadyActive,
    UnauthorizedMeterAuthority,
    OutdatedReading,
    FutureReading,
    StaleReading,
    ArithmeticOverflow,
    NothingToSettle,
    ZeroClaimAmount,
    ClaimExceedsGeneration,
    ResumeNotAfterLastReading,
    ResumeInFuture,
    InvalidCapacity,
    MeterSignatureMissing,
    MeterSignatureMalformed,
    MeterSignatureKeyMismatch,
    MeterSignatureMessageMismatch,
    MeterNotApproved,
    MeterAlreadyApproved,
    MeterRetired,
    ReactivationRequiresAdmin,
    NotMeterOwner,
    MeterKeyUnchanged,
    InvalidNewOwner,
    UnsettledGeneration,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: InvalidMeterId(),
    6001: InvalidMeterPubkey(),
    6002: MeterInactive(),
    6003: MeterAlreadyActive(),
    6004: UnauthorizedMeterAuthority(),
    6005: OutdatedReading(),
    6006: FutureReading(),
    6007: StaleReading(),
    6008: ArithmeticOverflow(),
    6009: NothingToSettle(),
    6010: ZeroClaimAmount(),
    6011: ClaimExceedsGeneration(),
    6012: ResumeNotAfterLastReading(),
    6013: ResumeInFuture(),
    6014: InvalidCapacity(),
    6015: MeterSignatureMissing(),
    6016: MeterSignatureMalformed(),
    6017: MeterSignatureKeyMismatch(),
    6018: MeterSignatureMessageMismatch(),
    6019: MeterNotApproved(),
    6020: MeterAlreadyApproved(),
    6021: MeterRetired(),
    6022: ReactivationRequiresAdmin(),
    6023: NotMeterOwner(),
    6024: MeterKeyUnchanged(),
    6025: InvalidNewOwner(),
    6026: UnsettledGeneration(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
