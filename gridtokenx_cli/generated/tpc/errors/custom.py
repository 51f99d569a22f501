import typing
from anchorpy.error import ProgramError


class InvalidScale(ProgramError):
    def __init__(self) -> None:
        super().__init__(6000, "scale out of range (see state.rs limits)")

    code = 6000
    name = "InvalidScale"
    msg = "scale out of range (see state.rs limits)"


class LoadSealed(ProgramError):
    def __init__(self) -> None:
        super().__init__(6001, "the load phase is over (seal was called)")

    code = 6001
    name = "LoadSealed"
    msg = "the load phase is over (seal was called)"


class InvalidTable(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6002, "account is not a tpc table of the expected kind at its PDA"
        )

    code = 6002
    name = "InvalidTable"
    msg = "account is not a tpc table of the expected kind at its PDA"


class TableMissing(ProgramError):
    def __init__(self) -> None:
        super().__init__(6003, "a table account this request needs was not passed")

    code = 6003
    name = "TableMissing"
    msg = "a table account this request needs was not passed"


class RowOutOfRange(ProgramError):
    def __init__(self) -> None:
        super().__init__(6004, "write outside the table body")

    code = 6004
    name = "RowOutOfRange"
    msg = "write outside the table body"


class InvalidDistrict(ProgramError):
    def __init__(self) -> None:
        super().__init__(6005, "warehouse or district id out of range")

    code = 6005
    name = "InvalidDistrict"
    msg = "warehouse or district id out of range"


class CustomerNotFound(ProgramError):
    def __init__(self) -> None:
        super().__init__(6006, "customer not found")

    code = 6006
    name = "CustomerNotFound"
    msg = "customer not found"


class ItemNotFound(ProgramError):
    def __init__(self) -> None:
        super().__init__(6007, "item not found (TPC-C new-order rollback)")

    code = 6007
    name = "ItemNotFound"
    msg = "item not found (TPC-C new-order rollback)"


class InvalidOrderLines(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6008,
            "new-order needs 1..=15 lines with quantity 1..=10 and a valid supply warehouse",
        )

    code = 6008
    name = "InvalidOrderLines"
    msg = (
        "new-order needs 1..=15 lines with quantity 1..=10 and a valid supply warehouse"
    )


class InvalidAmount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6009, "payment amount must be 1..=500000 cents")

    code = 6009
    name = "InvalidAmount"
    msg = "payment amount must be 1..=500000 cents"


class OrderRingFull(ProgramError):
    def __init__(self) -> None:
        super().__init__(
            6010, "the district's order ring is full of undelivered orders"
        )

    code = 6010
    name = "OrderRingFull"
    msg = "the district's order ring is full of undelivered orders"


class InvalidCarrier(ProgramError):
    def __init__(self) -> None:
        super().__init__(6011, "carrier id must be 1..=10")

    code = 6011
    name = "InvalidCarrier"
    msg = "carrier id must be 1..=10"


class InvalidThreshold(ProgramError):
    def __init__(self) -> None:
        super().__init__(6012, "stock-level threshold must be 10..=20")

    code = 6012
    name = "InvalidThreshold"
    msg = "stock-level threshold must be 10..=20"


class ArithmeticOverflow(ProgramError):
    def __init__(self) -> None:
        super().__init__(6013, "arithmetic overflow")

    code = 6013
    name = "ArithmeticOverflow"
    msg = "arithmetic overflow"


class InsufficientFunds(ProgramError):
    def __init__(self) -> None:
        super().__init__(6014, "brokerage account lacks the cash for this buy")

    code = 6014
    name = "InsufficientFunds"
    msg = "brokerage account lacks the cash for this buy"


class InsufficientHoldings(ProgramError):
    def __init__(self) -> None:
        super().__init__(6015, "brokerage account lacks the holding for this sell")

    code = 6015
    name = "InsufficientHoldings"
    msg = "brokerage account lacks the holding for this sell"


class InvalidSecurity(ProgramError):
    def __init__(self) -> None:
        super().__init__(6016, "security id out of range")

    code = 6016
    name = "InvalidSecurity"
    msg = "security id out of range"


class InvalidAccount(ProgramError):
    def __init__(self) -> None:
        super().__init__(6017, "brokerage account or customer id out of range")

    code = 6017
    name = "InvalidAccount"
    msg = "brokerage account or customer id out of range"


class InvalidTradeQuantity(ProgramError):
    def __init__(self) -> None:
        super().__init__(6018, "trade quantity must be greater than zero")

    code = 6018
    name = "InvalidTradeQuantity"
    msg = "trade quantity must be greater than zero"


class TradeBookFull(ProgramError):
    def __init__(self) -> None:
        super().__init__(6019, "the trade ring is full of pending trades")

    code = 6019
    name = "TradeBookFull"
    msg = "the trade ring is full of pending trades"


class ChunkFull(ProgramError):
    def __init__(self) -> None:
        super().__init__(6020, "lineitem chunk is full")

    code = 6020
    name = "ChunkFull"
    msg = "lineitem chunk is full"


class OrderKeyNotFound(ProgramError):
    def __init__(self) -> None:
        super().__init__(6021, "no lineitem with this orderkey in the chunk")

    code = 6021
    name = "OrderKeyNotFound"
    msg = "no lineitem with this orderkey in the chunk"


class InvalidLineitems(ProgramError):
    def __init__(self) -> None:
        super().__init__(6022, "refresh insert needs 1..=7 lineitems with valid fields")

    code = 6022
    name = "InvalidLineitems"
    msg = "refresh insert needs 1..=7 lineitems with valid fields"


class InvalidQuery(ProgramError):
    def __init__(self) -> None:
        super().__init__(6023, "query parameters out of range")

    code = 6023
    name = "InvalidQuery"
    msg = "query parameters out of range"


CustomError = typing.Union[
    InvalidScale,
    LoadSealed,
    InvalidTable,
    TableMissing,
    RowOutOfRange,
    InvalidDistrict,
    CustomerNotFound,
    ItemNotFound,
    InvalidOrderLines,
    InvalidAmount,
    OrderRingFull,
    InvalidCarrier,
    InvalidThreshold,
    ArithmeticOverflow,
    InsufficientFunds,
    InsufficientHoldings,
    InvalidSecurity,
    InvalidAccount,
    InvalidTradeQuantity,
    TradeBookFull,
    ChunkFull,
    OrderKeyNotFound,
    InvalidLineitems,
    InvalidQuery,
]
CUSTOM_ERROR_MAP: dict[int, CustomError] = {
    6000: InvalidScale(),
    6001: LoadSealed(),
    6002: InvalidTable(),
    6003: TableMissing(),
    6004: RowOutOfRange(),
    6005: InvalidDistrict(),
    6006: CustomerNotFound(),
    6007: ItemNotFound(),
    6008: InvalidOrderLines(),
    6009: InvalidAmount(),
    6010: OrderRingFull(),
    6011: InvalidCarrier(),
    6012: InvalidThreshold(),
    6013: ArithmeticOverflow(),
    6014: InsufficientFunds(),
    6015: InsufficientHoldings(),
    6016: InvalidSecurity(),
    6017: InvalidAccount(),
    6018: InvalidTradeQuantity(),
    6019: TradeBookFull(),
    6020: ChunkFull(),
    6021: OrderKeyNotFound(),
    6022: InvalidLineitems(),
    6023: InvalidQuery(),
}


def from_code(code: int) -> typing.Optional[CustomError]:
    maybe_err = CUSTOM_ERROR_MAP.get(code)
    if maybe_err is None:
        return None
    return maybe_err
