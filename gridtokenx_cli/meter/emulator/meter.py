"""An emulated bidirectional household meter: integer Wh totals driven by a deterministic profile on an emulated
clock, plus a fault plan that the protocol servers consult before every answer."""
from __future__ import annotations

import math
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from ..profiles import HouseholdProfile
from ..sources.energy import FLOAT32_KWH_EXACT_LIMIT_WH

DEVICE_TYPES = ("sdm120", "sdm630", "iec")

# Transport faults spoil the whole answer; value faults spoil the energy registers of an otherwise good answer.
TRANSPORT_FAULTS = ("timeout", "crc", "garbage", "bcc")
VALUE_FAULTS = ("nan", "inf", "negative", "rollback")
FAULT_KINDS = TRANSPORT_FAULTS + VALUE_FAULTS
ROLLBACK_WH = 1_000   # a rolled-back register reads this much below the last value served

MS_PER_WH = 3_600_000   # 1 Wh = 3600 J = 3,600,000 W·ms


class FaultPlan:
    """Faults to inject: `counts` (the next N eligible answers get this fault) and `rates` (each eligible answer gets
    it with probability p, from a seeded generator). Counted faults go first, in FAULT_KINDS order."""

    def __init__(self, seed: int = 0):
        self.counts: Counter[str] = Counter()
        self.rates: dict[str, float] = {}
        self.applied: Counter[str] = Counter()
        self._rng = random.Random(f"faults:{seed}")
        self._lock = threading.Lock()

    def inject(self, kind: str, count: int = 1) -> None:
        _check_kind(kind)
        with self._lock:
            self.counts[kind] += count

    def set_rate(self, kind: str, probability: float) -> None:
        _check_kind(kind)
        if not 0 <= probability <= 1:
            raise ValueError(f"fault rate for {kind} must be within 0..1, got {probability}")
        with self._lock:
            self.rates[kind] = probability

    def take(self, eligible: tuple[str, ...] | frozenset[str]) -> str | None:
        """The fault for this answer, if any, among the kinds this answer can carry."""
        with self._lock:
            for kind in FAULT_KINDS:
                if kind in eligible and self.counts[kind] > 0:
                    self.counts[kind] -= 1
                    self.applied[kind] += 1
                    return kind
            for kind in FAULT_KINDS:
                if kind in eligible and self.rates.get(kind, 0) > 0 and self._rng.random() < self.rates[kind]:
                    self.applied[kind] += 1
                    return kind
        return None

    def garbage(self, length: int) -> bytes:
        with self._lock:
            return bytes(self._rng.randrange(256) for _ in range(length))

    def pending(self) -> int:
        with self._lock:
            return sum(self.counts.values())


def _check_kind(kind: str) -> None:
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULT_KINDS)}")


@dataclass(frozen=True)
class Readout:
    """What the meter shows at one instant. Energies are the true integer totals; the protocol layers derive
    float32 kWh registers or decimal kWh text from them (and apply value faults)."""

    import_wh: int
    export_wh: int
    voltage_v: float
    current_a: float
    power_w: float
    frequency_hz: float
    phases: tuple[tuple[float, float, float], ...] = ()   # (V, A, W) per phase for polyphase meters


@dataclass
class EmulatedMeter:
    device: str = "sdm120"
    device_id: int = 1
    seed: int = 1
    import_wh: int = 1_234_567
    export_wh: int = 345_678
    start_second: int = 6 * 3600     # emulated clock starts at 06:00 of day 0
    address: str = ""                # IEC 62056-21 device address / serial number (default: device id, 8 digits)
    profile: HouseholdProfile = None  # type: ignore[assignment]  # default made in __post_init__
    faults: FaultPlan = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.device not in DEVICE_TYPES:
            raise ValueError(f"unknown device type {self.device!r}; known: {', '.join(DEVICE_TYPES)}")
        if not 1 <= self.device_id <= 247:
            raise ValueError(f"device id must be 1..247, got {self.device_id}")
        if min(self.import_wh, self.export_wh) < 0:
            raise ValueError("initial totals must be >= 0 Wh")
        self.address = self.address or f"{self.device_id:08d}"
        self.profile = self.profile or HouseholdProfile(seed=self.seed * 1000 + self.device_id)
        self.faults = self.faults or FaultPlan(seed=self.seed * 1000 + self.device_id)
        self._check_limit(self.import_wh, self.export_wh)
        self._clock_ms = self.start_second * 1000
        self._import_mj = 0   # W·ms not yet a whole Wh
        self._export_mj = 0
        self._last_served_import_wh: int | None = None
        self._lock = threading.Lock()

    def _check_limit(self, import_wh: int, export_wh: int) -> None:
        # float32 kWh registers stop resolving single Wh at 16,384 kWh; refuse rather than serve inexact values
        if self.device != "iec" and max(import_wh, export_wh) >= FLOAT32_KWH_EXACT_LIMIT_WH:
            raise OverflowError(f"meter {self.device_id}: totals must stay below {FLOAT32_KWH_EXACT_LIMIT_WH} Wh "
                                "(16,384 kWh) for the float32 kWh register to carry exact Wh")

    @property
    def clock_seconds(self) -> float:
        return self._clock_ms / 1000

    def advance(self, seconds: float) -> None:
        """Run the emulated clock forward; energy is integrated minute by minute from the profile, in integer W·ms."""
        if seconds < 0:
            raise ValueError("the emulated clock only runs forward")
        with self._lock:
            remaining_ms = round(seconds * 1000)
            clock, imp_mj, exp_mj = self._clock_ms, self._import_mj, self._export_mj
            imp_wh, exp_wh = self.import_wh, self.export_wh
            while remaining_ms > 0:
                minute = clock // 60_000
                step = min(remaining_ms, (minute + 1) * 60_000 - clock)
                net = self.profile.net_w(minute)
                if net > 0:
                    imp_mj += net * step
                else:
                    exp_mj += -net * step
                clock += step
                remaining_ms -= step
            imp_wh += imp_mj // MS_PER_WH
            exp_wh += exp_mj // MS_PER_WH
            self._check_limit(imp_wh, exp_wh)
            self._clock_ms, self._import_mj, self._export_mj = clock, imp_mj % MS_PER_WH, exp_mj % MS_PER_WH
            self.import_wh, self.export_wh = imp_wh, exp_wh

    def readout(self) -> Readout:
        with self._lock:
            minute = self._clock_ms // 60_000
            net = float(self.profile.net_w(minute))
            jitter = self.profile.jitter
            frequency = round(50 + 0.05 * jitter("hz", minute), 3)
            phases: tuple[tuple[float, float, float], ...] = ()
            if self.device == "sdm630":
                shares = (0.40, 0.33, 0.27)
                volts = [round(230 + 3 * jitter(f"v{n}", minute), 2) for n in (1, 2, 3)]
                powers = [round(net * s, 1) for s in shares]
                powers[2] = round(net - powers[0] - powers[1], 1)
                phases = tuple((v, round(abs(p) / v, 3), p) for v, p in zip(volts, powers))
                voltage = round(sum(volts) / 3, 2)
                current = round(sum(p[1] for p in phases), 3)
            else:
                voltage = round(230 + 3 * jitter("v", minute), 2)
                current = round(abs(net) / voltage, 3)
            return Readout(self.import_wh, self.export_wh, voltage, current, net, frequency, phases)

    def served_import(self, true_wh: int, value_fault: str | None) -> float:
        """The import energy (Wh, maybe non-finite or negative) an answer carries under a value fault; remembers the
        last value served so 'rollback' reads below what a client saw before."""
        with self._lock:
            last = self._last_served_import_wh
            if value_fault == "nan":
                return math.nan
            if value_fault == "inf":
                return math.inf
            if value_fault == "negative":
                return -float(max(true_wh, 1))
            if value_fault == "rollback":
                return float(max((last if last is not None else true_wh) - ROLLBACK_WH, 0))
            self._last_served_import_wh = true_wh
            return float(true_wh)
