"""Meter sources, one module per protocol/device family; register maps are data (see each module)."""
from .base import FrameError, InvalidReading, MeterSample, MeterSource, SourceError, SourceTimeout

__all__ = ["FrameError", "InvalidReading", "MeterSample", "MeterSource", "SourceError", "SourceTimeout"]
