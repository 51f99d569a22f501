"""Meter sources, one module per protocol/device family; register maps are data (see each module)."""
from .base import (
    DeviceRejected,
    FrameError,
    InvalidReading,
    MeterSample,
    MeterSource,
    PhaseValues,
    SourceError,
    SourceTimeout,
    SourceUnavailable,
)

__all__ = [
    "DeviceRejected", "FrameError", "InvalidReading", "MeterSample", "MeterSource", "PhaseValues", "SourceError",
    "SourceTimeout", "SourceUnavailable",
]
