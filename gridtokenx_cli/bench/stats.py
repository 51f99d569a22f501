"""Latency statistics from per-request measurements (never derived from throughput)."""
from __future__ import annotations

import math
from typing import Sequence

PERCENTILES = (50, 95, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0…100) with linear interpolation between closest ranks (NumPy's default method):
    rank h = (n - 1)·q/100, value = v[⌊h⌋] + (h - ⌊h⌋)·(v[⌊h⌋+1] - v[⌊h⌋]) over the sorted values."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0…100")
    ordered = sorted(values)
    h = (len(ordered) - 1) * q / 100
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def summarize(latencies_s: Sequence[float]) -> dict:
    """{count, mean, min, max, p50, p95, p99} in milliseconds; zeros when nothing was measured."""
    if not latencies_s:
        return {"count": 0, "mean": 0.0, "min": 0.0, "max": 0.0, **{f"p{q}": 0.0 for q in PERCENTILES}}
    ms = [v * 1000 for v in latencies_s]
    out = {"count": len(ms), "mean": sum(ms) / len(ms), "min": min(ms), "max": max(ms)}
    for q in PERCENTILES:
        out[f"p{q}"] = percentile(ms, q)
    return out


def cu_summary(values: Sequence[int]) -> dict | None:
    if not values:
        return None
    return {"count": len(values), "mean": sum(values) / len(values), "min": min(values), "max": max(values),
            "p50": percentile(values, 50)}


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None
