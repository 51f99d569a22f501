"""Deterministic household profiles for the emulator: rooftop solar production and household load, in whole
watts, piecewise constant per emulated minute. A profile is a pure function of (seed, minute), so advancing a meter
by 60 s twice gives exactly what advancing it by 120 s once gives, and two runs with one seed are identical."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

SECONDS_PER_DAY = 86_400


@lru_cache(maxsize=65_536)
def _uniform(seed: int, stream: str, index: int) -> float:
    # str seeds go through SHA-512 in random.Random, so this is stable across runs and Python versions
    return random.Random(f"{seed}:{stream}:{index}").random()


@dataclass(frozen=True)
class HouseholdProfile:
    seed: int = 1
    peak_solar_w: int = 3_000     # clear-sky output at solar noon
    base_load_w: int = 350        # fridge, standby
    peak_load_w: int = 2_200      # cooking/evening peak on top of the base

    def solar_w(self, minute: int) -> int:
        hour = (minute % 1440) / 60
        if not 6 <= hour <= 18:
            return 0
        clear_sky = math.sin(math.pi * (hour - 6) / 12)
        clouds = 0.35 + 0.65 * _uniform(self.seed, "cloud", minute // 15)   # a cloud regime per quarter hour
        return int(self.peak_solar_w * clear_sky * clouds)

    def load_w(self, minute: int) -> int:
        hour = (minute % 1440) / 60
        morning = math.exp(-((hour - 7.5) ** 2) / 0.8)
        evening = math.exp(-((hour - 19.5) ** 2) / 2.0)
        noise = 0.8 + 0.4 * _uniform(self.seed, "load", minute)
        return int((self.base_load_w + self.peak_load_w * max(0.45 * morning, evening)) * noise)

    def net_w(self, minute: int) -> int:
        """Power through the meter: positive = taken from the grid (import), negative = delivered (export)."""
        return self.load_w(minute) - self.solar_w(minute)

    def jitter(self, stream: str, minute: int) -> float:
        """A deterministic number in [-1, 1) for small instantaneous wobbles (voltage, frequency)."""
        return 2 * _uniform(self.seed, stream, minute) - 1
