"""Deterministic solar and load profiles, integer Wh per 15-minute interval.

Everything is integer arithmetic on top of :class:`random.Random` seeded per meter, so a given seed gives the
same profiles on every machine.

* Solar: a parabolic bell over daylight (06:00-18:00), ``cap × 4·k·(D−k) / D²`` with ``k`` the quarter-hour
  since sunrise and ``D`` the 48 daylight quarter-hours, scaled by the meter's peak capacity (W) and a seeded
  ±8 % noise. The output is limited to 9 × the household's consumption in the same interval (an export
  limit that keeps honest readings within the oracle's production/consumption ratio of 10).
* Load: base load plus a morning (07:00) and an evening (19:00) triangular peak, ±10 % noise.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

INTERVAL_SECONDS = 15 * 60
INTERVALS_PER_HOUR = 4
INTERVALS_PER_DAY = 96
SUNRISE = 6 * INTERVALS_PER_HOUR   # 06:00
SUNSET = 18 * INTERVALS_PER_HOUR   # 18:00
DAYLIGHT = SUNSET - SUNRISE
MAX_EXPORT_RATIO = 9


def rng_for(seed: int, *parts: object) -> random.Random:
    """An independent, platform-stable stream per (seed, parts)."""
    digest = hashlib.sha256("/".join(map(str, (seed, *parts))).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "little"))


def solar_wh(capacity_w: int, slot: int, noise_permille: int) -> int:
    """Energy (Wh) of a ``capacity_w`` array in the quarter-hour ``slot`` of the day (0-95)."""
    k = slot % INTERVALS_PER_DAY - SUNRISE
    if k <= 0 or k >= DAYLIGHT:
        return 0
    shape = 4 * k * (DAYLIGHT - k)  # peak DAYLIGHT² at noon
    wh = capacity_w * shape // (DAYLIGHT * DAYLIGHT) // INTERVALS_PER_HOUR  # W over 15 min -> Wh
    return max(0, wh * (1000 + noise_permille) // 1000)


def _peak(slot: int, centre: int, half_width: int) -> int:
    """Triangle of height 1000 around ``centre`` (quarter-hours), 0 outside ``half_width``."""
    d = abs(slot % INTERVALS_PER_DAY - centre)
    return max(0, 1000 * (half_width - d) // half_width)


def load_wh(base_w: int, peak_w: int, slot: int, noise_permille: int) -> int:
    """Household consumption (Wh) in the quarter-hour ``slot``: base + morning / evening peaks."""
    shape = 1000 * base_w + peak_w * (_peak(slot, 7 * 4, 8) * 6 // 10 + _peak(slot, 19 * 4, 12))
    wh = shape // 1000 // INTERVALS_PER_HOUR
    return max(1, wh * (1000 + noise_permille) // 1000)


@dataclass(frozen=True)
class MeterProfile:
    """One household: solar capacity (0 for a consumer), base and peak load, its own noise stream."""

    capacity_w: int
    base_w: int
    peak_w: int
    seed: int
    index: int

    def reading(self, slot: int) -> tuple[int, int]:
        """``(energy_produced, energy_consumed)`` Wh of quarter-hour ``slot`` (slot counts from 00:00 day 0)."""
        r = rng_for(self.seed, "reading", self.index, slot)
        consumed = load_wh(self.base_w, self.peak_w, slot, r.randint(-100, 100))
        produced = solar_wh(self.capacity_w, slot, r.randint(-80, 80)) if self.capacity_w else 0
        return min(produced, MAX_EXPORT_RATIO * consumed), consumed


def community(seed: int, meters: int, prosumer_permille: int = 600) -> list[MeterProfile]:
    """``meters`` households, the first ``round(60 %)`` prosumers (at least one of each kind when meters ≥ 2)."""
    prosumers = (meters * prosumer_permille + 500) // 1000
    if meters >= 2:
        prosumers = min(max(prosumers, 1), meters - 1)
    out = []
    for i in range(meters):
        r = rng_for(seed, "household", i)
        capacity = r.randrange(3_000, 8_001, 500) if i < prosumers else 0
        out.append(MeterProfile(capacity, r.randrange(250, 601, 50), r.randrange(800, 2_401, 100), seed, i))
    return out
