"""Prometheus text exposition for the gateway, structured log lines and systemd notification.

Counters of what the queue holds (queued / submitted / rejected per meter) are computed from SQLite, so they are
monotonic across restarts; counters of what this process saw (samples read, source errors, RPC errors) live in
memory and start at 0 with the process, as Prometheus counters may.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from collections import Counter
from typing import Any, TextIO


class ProcessCounters:
    def __init__(self):
        self._lock = threading.Lock()
        self.read: Counter[str] = Counter()
        self.source_errors: Counter[tuple[str, str]] = Counter()
        self.last_sample_at: dict[str, float] = {}
        self.rpc_errors = 0
        self.rounds = 0
        self.rpc_up = 0
        self.started_at = time.time()

    def sample(self, meter: str) -> None:
        with self._lock:
            self.read[meter] += 1
            self.last_sample_at[meter] = time.time()

    def source_error(self, meter: str, kind: str) -> None:
        with self._lock:
            self.source_errors[(meter, kind)] += 1

    def round_done(self) -> None:
        with self._lock:
            self.rounds += 1
            self.rpc_up = 1

    def rpc_error(self) -> None:
        with self._lock:
            self.rpc_errors += 1
            self.rpc_up = 0


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(counters: ProcessCounters, stats: dict[str, dict], meters: list[str],
           holds: dict[str, str] | None = None) -> str:
    """The /metrics body (text format 0.0.4)."""
    lines: list[str] = []

    def family(name: str, kind: str, help_text: str, samples: list[tuple[dict[str, str], float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{text}}} {value}" if text else f"{name} {value}")

    def per_meter(fn) -> list[tuple[dict[str, str], float]]:
        return [({"meter": m}, fn(m)) for m in meters]

    s = lambda m: stats.get(m, {})  # noqa: E731
    family("gtx_meter_readings_read_total", "counter", "Samples read from the meter by this process.",
           per_meter(lambda m: counters.read.get(m, 0)))
    family("gtx_meter_source_errors_total", "counter", "Failed meter reads by error kind (this process).",
           [({"meter": m, "kind": k}, v) for (m, k), v in sorted(counters.source_errors.items())])
    family("gtx_meter_readings_queued_total", "counter", "Interval readings written to the queue.",
           per_meter(lambda m: sum(s(m).get(k, 0) for k in ("queued", "sending", "delivered", "rejected"))))
    family("gtx_meter_readings_submitted_total", "counter", "Readings accepted on chain.",
           per_meter(lambda m: s(m).get("delivered", 0)))
    family("gtx_meter_readings_rejected_total", "counter", "Readings rejected on chain (final, not retried).",
           per_meter(lambda m: s(m).get("rejected", 0)))
    family("gtx_meter_queue_depth", "gauge", "Readings not yet resolved (queued or in flight).",
           per_meter(lambda m: s(m).get("queued", 0) + s(m).get("sending", 0)))
    family("gtx_meter_last_success_timestamp_seconds", "gauge", "Unix time of the last reading accepted on chain.",
           per_meter(lambda m: s(m).get("last_delivered_at") or 0))
    family("gtx_meter_last_sample_timestamp_seconds", "gauge", "Unix time of the last successful meter read.",
           per_meter(lambda m: counters.last_sample_at.get(m, 0)))
    family("gtx_meter_held", "gauge", "1 while the submitter holds the meter (unregistered, paused, key mismatch).",
           per_meter(lambda m: 1 if holds and m in holds else 0))
    family("gtx_gateway_queue_depth", "gauge", "Unresolved readings of all meters.",
           [({}, sum(st.get("queued", 0) + st.get("sending", 0) for st in stats.values()))])
    family("gtx_gateway_rpc_up", "gauge", "1 when the last submit round reached the RPC.", [({}, counters.rpc_up)])
    family("gtx_gateway_rpc_errors_total", "counter", "Submit rounds aborted by an RPC error.",
           [({}, counters.rpc_errors)])
    family("gtx_gateway_submit_rounds_total", "counter", "Completed submit rounds.", [({}, counters.rounds)])
    family("gtx_gateway_start_timestamp_seconds", "gauge", "Unix time the daemon started.",
           [({}, counters.started_at)])
    return "\n".join(lines) + "\n"


class EventLog:
    """One line per event on stderr: JSON (``{"ts": …, "level": …, "event": …, …}``) or ``key=value`` text."""

    def __init__(self, fmt: str = "json", stream: TextIO | None = None):
        self.fmt = fmt
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()

    def __call__(self, event: str, level: str = "info", **fields: Any) -> None:
        record = {"ts": round(time.time(), 3), "level": level, "event": event, **fields}
        if self.fmt == "json":
            line = json.dumps(record, default=str, separators=(",", ":"))
        else:
            line = " ".join(f"{k}={v}" for k, v in record.items())
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()


def sd_notify(message: str) -> bool:
    """Send ``message`` (``READY=1``, ``WATCHDOG=1``, ``STATUS=…``) to $NOTIFY_SOCKET; False when not under
    systemd (or the socket is gone)."""
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return False
    address = "\0" + path[1:] if path.startswith("@") else path
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.sendto(message.encode(), address)
        return True
    except OSError:
        return False


def watchdog_interval() -> float | None:
    """Half of $WATCHDOG_USEC in seconds (systemd's advice), when the watchdog is meant for this process."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid.isdigit() and int(pid) != os.getpid()):
        return None
    try:
        return int(usec) / 2e6
    except ValueError:
        return None
