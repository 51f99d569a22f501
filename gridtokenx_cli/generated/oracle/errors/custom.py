import typing
from anchorpy.error import ProgramError


class UnauthorizedGateway(ProgramError):
    def __init__(self) -> None:
        super().__init__(6000, "Signer is not the configured API gateway")

    code = 6000
    name = "UnauthorizedGateway"
    msg = "Signer is not the configured API gateway"


class UnauthorizedCaller(ProgramError):
    def __init__(self) -> None:
        super().__init__(6001, "Signer is neither the oracle admin nor the API gateway")

    code = 6001
    name = "UnauthorizedCaller"
    msg = "Signer is neither the oracle admin nor the API gateway"


class MissingSignatureInstruction(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6002,
            "The instruction before this one must be an Ed25519 signature verification",
        )

    code = 6002
    name = "MissingSignatureInstruction"
    msg = "The instruction before this one must be an Ed25519 signature verification"


class InvalidSignatureInstruction(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6003,
            "Malformed Ed25519 instruction: exactly one signature with all offsets into its own data required",
        )

    code = 6003
    name = "InvalidSignatureInstruction"
    msg = "Malformed Ed25519 instruction: exactly one signature with all offsets into its own data required"


class SignerKeyMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6004, "The reading is not signed by the meter's registered key"
        )

    code = 6004
    name = "SignerKeyMismatch"
    msg = "The reading is not signed by the meter's registered key"


class SignedMessageMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6005, "The signed message is not the canonical message of this reading"
        )

    code = 6005
    name = "SignedMessageMismatch"
    msg = "The signed message is not the canonical message of this reading"


class MeterInactive(ProgramError):
    def __init__(self) -> None:
        super().__init__(6006, "The meter is not active")

    code = 6006
    name = "MeterInactive"
    msg = "The meter is not active"


class InvalidEnergyRange(ProgramError):
    def __init__(self) -> None:
        super().__init__(6007, "min_energy_value must not exceed max_energy_value")

    code = 6007
    name = "InvalidEnergyRange"
    msg = "min_energy_value must not exceed max_energy_value"


class InvalidProductionRatio(ProgramError):
    def __init__(self) -> None:
        super().__init__(6008, "max_production_ratio must be at least 1")

    code = 6008
    name = "InvalidProductionRatio"
    msg = "max_production_ratio must be at least 1"


class InvalidDeviationPercent(ProgramError):
    def __init__(self) -> None:
        super().__init__(6009, "max_deviation_percent must be at least 1")

    code = 6009
    name = "InvalidDeviationPercent"
    msg = "max_deviation_percent must be at least 1"


class InvalidReadingInterval(ProgramError):
    def __init__(self) -> None:
        super().__init__(6010, "min_reading_interval must not exceed 24 hours")

    code = 6010
    name = "InvalidReadingInterval"
    msg = "min_reading_interval must not exceed 24 hours"


class TooManyBackupOracles(ProgramError):
    def __init__(self) -> None:
        super().__init__(6011, "Too many backup oracles")

    code = 6011
    name = "TooManyBackupOracles"
    msg = "Too many backup oracles"


class InvalidBackupOracle(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6012, "Backup oracles must be distinct and not the default key"
        )

    code = 6012
    name = "InvalidBackupOracle"
    msg = "Backup oracles must be distinct and not the default key"


class InvalidConsensusThreshold(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6013,
            "consensus_threshold must be odd, <= n, a strict majority of n and >= 2f+1, f = (n-1)/3, n = backup oracles",
        )

    code = 6013
    name = "InvalidConsensusThreshold"
    msg = "consensus_threshold must be odd, <= n, a strict majority of n and >= 2f+1, f = (n-1)/3, n = backup oracles"


class InvalidApiGateway(ProgramError):
    def __init__(self) -> None:
        super().__init__(6014, "The API gateway must not be the default key")

    code = 6014
    name = "InvalidApiGateway"
    msg = "The API gateway must not be the default key"


class InsufficientConsensus(ProgramError):
    def __init__(self) -> None:
        super().__init__(6015, "Fewer oracle readings than the consensus threshold")

    code = 6015
    name = "InsufficientConsensus"
    msg = "Fewer oracle readings than the consensus threshold"


class OracleCountMismatch(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6016, "Number of oracle readings differs from the number of oracle accounts"
        )

    code = 6016
    name = "OracleCountMismatch"
    msg = "Number of oracle readings differs from the number of oracle accounts"


class UnauthorizedOracle(ProgramError):
    def __init__(self) -> None:
        super().__init__(6017, "Oracle is not a configured backup oracle")

    code = 6017
    name = "UnauthorizedOracle"
    msg = "Oracle is not a configured backup oracle"


class OracleNotSigner(ProgramError):
    def __init__(self) -> None:
        super().__init__(6018, "Oracle account did not sign the transaction")

    code = 6018
    name = "OracleNotSigner"
    msg = "Oracle account did not sign the transaction"


class DuplicateOracle(ProgramError):
    def __init__(self) -> None:
        super().__init__(6019, "The same oracle appears twice")

    code = 6019
    name = "DuplicateOracle"
    msg = "The same oracle appears twice"


class ArithmeticOverflow(ProgramError):
    def __init__(self) -> None:
        super().__init__(6020, "Arithmetic overflow")

    code = 6020
    name = "ArithmeticOverflow"
    msg = "Arithmetic overflow"


class InvalidTypeCeiling(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6021, "type_ceiling_w: every meter type's ceiling must be 1 W to 1 GW"
        )

    code = 6021
    name = "InvalidTypeCeiling"
    msg = "type_ceiling_w: every meter type's ceiling must be 1 W to 1 GW"


class InvalidCapacityMargin(ProgramError):
    def __init__(self) -> None:
        super().__init__(6022, "capacity_margin_percent must not exceed 100")

    code = 6022
    name = "InvalidCapacityMargin"
    msg = "capacity_margin_percent must not exceed 100"


class InvalidFirstReadingInterval(ProgramError):
    def __init__(self) -> None:
        super().__init__(6023, "first_reading_max_interval must be 1 s to 24 hours")

    code = 6023
    name = "InvalidFirstReadingInterval"
    msg = "first_reading_max_interval must be 1 s to 24 hours"


class InvalidDeviationFloor(ProgramError):
    def __init__(self) -> None:
        super().__init__(6024, "deviation_floor_percent must not exceed 100")

    code = 6024
    name = "InvalidDeviationFloor"
    msg = "deviation_floor_percent must not exceed 100"


class EvenOracleCount(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6025,
            "An even number of oracle readings has no middle reading: submit an odd number",
        )

    code = 6025
    name = "EvenOracleCount"
    msg = (
        "An even number of oracle readings has no middle reading: submit an odd number"
    )


class ConsensusDisagreement(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6026,
            "No oracle reported the median pair (median produced, median consumed): no consensus",
        )

    code = 6026
    name = "ConsensusDisagreement"
    msg = "No oracle reported the median pair (median produced, median consumed): no consensus"


class MeterNotApproved(ProgramError):
    def __init__(self) -> None:
        super().__init__(6027, "The meter is not approved by the registry admin")

    code = 6027
    name = "MeterNotApproved"
    msg = "The meter is not approved by the registry admin"


CustomError = typing.Union[
    UnauthorizedGateway,
    UnauthorizedCaller,
    MissingSignatureInstruction,
    InvalidSignatureInstruction,
    SignerKeyMismatch,
    SignedMessageMismatch,
    MeterInactive,
    InvalidEnergyRange,
    InvalidProductionRatio,
    InvalidDeviationPercent,
    InvalidReadingInterval,
    TooManyBackupOracles,
    InvalidBackupOracle,
    InvalidConsensusThreshold,
    InvalidApiGateway,
    InsufficientConsensus,
    OracleCountMismatch,
    UnauthorizedOracle,
    OracleNotSigner,
    DuplicateOracle,
    ArithmeticOverflow,
    InvalidTypeCeiling,
    InvalidCapacityMargin,
    InvalidFirstReadingInterval,
    InvalidDeviationFloor,
    EvenOracleCount,
    ConsensusDisagreement,
    MeterNotApproved,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: UnauthorizedGateway(),
    6001: UnauthorizedCaller(),
    6002: MissingSignatureInstruction(),
    6003: InvalidSignatureInstruction(),
    6004: SignerKeyMismatch(),
    6005: SignedMessageMismatch(),
    6006: MeterInactive(),
    6007: InvalidEnergyRange(),
    6008: InvalidProductionRatio(),
    6009: InvalidDeviationPercent(),
    6010: InvalidReadingInterval(),
    6011: TooManyBackupOracles(),
    6012: InvalidBackupOracle(),
    6013: InvalidConsensusThreshold(),
    6014: InvalidApiGateway(),
    6015: InsufficientConsensus(),
    6016: OracleCountMismatch(),
    6017: UnauthorizedOracle(),
    6018: OracleNotSigner(),
    6019: DuplicateOracle(),
    6020: ArithmeticOverflow(),
    6021: InvalidTypeCeiling(),
    6022: InvalidCapacityMargin(),
    6023: InvalidFirstReadingInterval(),
    6024: InvalidDeviationFloor(),
    6025: EvenOracleCount(),
    6026: ConsensusDisagreement(),
    6027: MeterNotApproved(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
