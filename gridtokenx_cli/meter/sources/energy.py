"""Unit conversion and sanity checks shared by every source: device units -> whole Wh, and the rule that a
cumulative register never goes backwards."""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .base import InvalidReading

# A float32 kWh register holds every whole Wh exactly (after rounding) only below 2**14 kWh: from 16,384 kWh on, the
# float32 step is 1.95 Wh. Checked exhaustively in tests/meter/test_meter_sources.py; the emulator refuses totals above.
FLOAT32_KWH_EXACT_LIMIT_WH = 16_384_000

_UNIT_TO_WH = {"wh": Decimal(1), "kwh": Decimal(1000), "mwh": Decimal(1_000_000)}
_DECIMAL_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")


def kwh_float_to_wh(value: float, what: str) -> int:
    """A float kWh register (already decoded from float32) -> whole Wh, rounding to the nearest."""
    if math.isnan(value) or math.isinf(value):
        raise InvalidReading(f"{what} register is {value}")
    if value < 0:
        raise InvalidReading(f"{what} register is negative ({value} kWh)")
    return round(value * 1000)


def decimal_energy_to_wh(number: str, unit: str, what: str) -> int:
    """An energy written as decimal text ("012345.678", "kWh") -> whole Wh, exactly (no float on the way)."""
    if not _DECIMAL_RE.match(number):
        raise InvalidReading(f"{what} value {number!r} is not a decimal number")
    try:
        scale = _UNIT_TO_WH[unit.lower()]
    except KeyError:
        raise InvalidReading(f"{what} has unit {unit!r}; expected Wh, kWh or MWh") from None
    try:
        wh = (Decimal(number) * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise InvalidReading(f"{what} value {number!r} is not a decimal number") from None
    if wh < 0:
        raise InvalidReading(f"{what} is negative ({number} {unit})")
    return int(wh)


class CumulativeGuard:
    """Remembers the last accepted import/export totals of one source and rejects a read that went backwards.
    A rejected read does not move the mark, so a meter that glitches low once is accepted again when it recovers."""

    def __init__(self) -> None:
        self.last_import_wh: int | None = None
        self.last_export_wh: int | None = None

    def accept(self, import_wh: int, export_wh: int) -> None:
        if self.last_import_wh is not None and import_wh < self.last_import_wh:
            raise InvalidReading(f"import register rolled back: {import_wh} Wh < previous {self.last_import_wh} Wh")
        if self.last_export_wh is not None and export_wh < self.last_export_wh:
            raise InvalidReading(f"export register rolled back: {export_wh} Wh < previous {self.last_export_wh} Wh")
        self.last_import_wh, self.last_export_wh = import_wh, export_wh
