"""What every meter source returns and raises. The gateway sees only this module's types."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class PhaseValues:
    """Instantaneous values of one phase of a polyphase meter (SDM630: L1, L2, L3); None where the meter answered a
    value that is not a finite number."""

    voltage_v: float | None
    current_a: float | None
    power_w: float | None


@dataclass(frozen=True)
class MeterSample:
    """One read of a meter's cumulative registers. Energies are whole Wh (the chain counts Wh): sources convert the
    device's unit (kWh float32 on Eastron, kWh with 3 decimals in IEC 62056-21) exactly, rounding to the nearest Wh.
    The gateway turns two consecutive samples into one interval reading (export delta = produced, import delta =
    consumed)."""

    import_wh: int   # cumulative energy taken from the grid (consumption), OBIS 1.8.0 / SDM 0x0048
    export_wh: int   # cumulative energy delivered to the grid (production), OBIS 2.8.0 / SDM 0x004A
    read_at: int     # unix seconds when the sample was taken (gateway clock)
    voltage_v: float | None = None
    current_a: float | None = None
    power_w: float | None = None
    frequency_hz: float | None = None
    phases: tuple[PhaseValues, ...] = ()   # per-phase values where the device has them (SDM630), else empty


class SourceError(Exception):
    """A read that produced no trustworthy sample; the gateway counts it by `kind` and reads again later."""

    kind = "error"


class SourceTimeout(SourceError):
    kind = "timeout"


class FrameError(SourceError):
    """CRC (Modbus RTU), BCC (IEC 62056-21), or otherwise malformed frame / garbage bytes."""

    kind = "frame"


class InvalidReading(SourceError):
    """The frame was fine but the values are not: NaN/inf, negative, or a register that went backwards."""

    kind = "invalid"


class SourceUnavailable(SourceError):
    """The port or host could not be opened/connected at all (unplugged adapter, refused TCP connection)."""

    kind = "unavailable"


class DeviceRejected(SourceError):
    """The device answered with a well-formed refusal (a Modbus exception response, e.g. illegal data address):
    usually a wrong register map or device id, so retrying will not help."""

    kind = "rejected"


class MeterSource(ABC):
    """A connection to one meter."""

    @abstractmethod
    def read(self) -> MeterSample:
        """Read the energy registers (and instantaneous values where the device has them); raises SourceError."""

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
