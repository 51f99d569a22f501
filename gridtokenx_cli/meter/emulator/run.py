"""Starting emulators from plain arguments (what `gtx meter emulate` passes): protocol, device types, ids, a serial
path / pty / TCP address, profile seed, faults and time scale. `start_emulator` returns a running handle (background
threads, usable with `with`); `run_emulator` blocks until interrupted."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .iec62056 import Iec62056Emulator
from .meter import FAULT_KINDS, EmulatedMeter
from .modbus_rtu import ModbusRtuEmulator
from .modbus_tcp import ModbusTcpEmulator
from .server import EmulatorServer

PROTOCOLS = ("modbus-rtu", "modbus-tcp", "iec62056")
DEFAULT_TCP_ADDRESS = "127.0.0.1:5020"


def parse_faults(spec: str) -> list[tuple[str, int | float]]:
    """"crc:2,timeout:0.05" -> [("crc", 2), ("timeout", 0.05)]: an integer is a count (the next N answers), a number
    with a decimal point is a per-answer probability."""
    faults: list[tuple[str, int | float]] = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        kind, _, amount = item.partition(":")
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r} in {spec!r}; known: {', '.join(FAULT_KINDS)}")
        amount = amount or "1"
        try:
            value: int | float = float(amount) if "." in amount else int(amount)
        except ValueError:
            raise ValueError(f"fault {kind!r}: {amount!r} is neither a count (2) nor a rate (0.05)") from None
        if value < 0 or (isinstance(value, float) and value > 1):
            raise ValueError(f"fault {kind!r}: a count must be >= 0 and a rate within 0..1, got {amount}")
        faults.append((kind, value))
    return faults


def parse_tcp_address(address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"TCP address must be HOST:PORT, got {address!r}")
    return host or "127.0.0.1", int(port)


@dataclass
class EmulatorConfig:
    protocol: str = "modbus-rtu"
    devices: Sequence[str] = ("sdm120",)     # one per id, or a single type for all ids
    ids: Sequence[int] = (1,)
    address: str | None = None               # rtu/iec: serial path, None = new pty; tcp: HOST:PORT
    seed: int = 1
    faults: str = ""                         # see parse_faults; applied to every meter
    time_scale: float = 1.0                  # emulated seconds per real second; 0 freezes the clock
    baudrate: int | None = None              # rtu: bus rate (default 9600); iec: highest rate offered (9600)
    import_wh: int = 1_234_567
    export_wh: int = 345_678


@dataclass
class RunningEmulator:
    server: EmulatorServer
    meters: list[EmulatedMeter]
    time_scale: float
    _ticker: threading.Thread | None = field(default=None, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def address(self) -> str:
        """What a client connects to: the serial/pty path, or HOST:PORT."""
        return self.server.address

    def meter(self, device_id: int) -> EmulatedMeter:
        return self.server.meters[device_id]

    def advance(self, seconds: float) -> None:
        for meter in self.meters:
            meter.advance(seconds)

    def _tick(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(0.2):
            now = time.monotonic()
            self.advance((now - last) * self.time_scale)
            last = now

    def start_clock(self) -> None:
        if self.time_scale > 0 and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="emulator-clock", daemon=True)
            self._ticker.start()

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        self.server.stop()

    def wait(self) -> None:
        self.server.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def build_meters(protocol: str, devices: Sequence[str], ids: Sequence[int], seed: int, faults: str,
                 import_wh: int = 1_234_567, export_wh: int = 345_678) -> list[EmulatedMeter]:
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
    if not ids:
        raise ValueError("give at least one device id")
    if len(devices) not in (1, len(ids)):
        raise ValueError(f"give one device type for all ids or one per id ({len(ids)}), got {len(devices)}")
    types = list(devices) * len(ids) if len(devices) == 1 else list(devices)
    if protocol == "iec62056":
        if set(types) != {"iec"}:
            raise ValueError("an IEC 62056-21 line carries device type 'iec' only")
    elif "iec" in types:
        raise ValueError("device type 'iec' speaks IEC 62056-21; use sdm120 or sdm630 for Modbus")
    plan = parse_faults(faults)
    meters = []
    for device, device_id in zip(types, ids):
        meter = EmulatedMeter(device=device, device_id=device_id, seed=seed, import_wh=import_wh, export_wh=export_wh)
        for kind, amount in plan:
            if isinstance(amount, int):
                meter.faults.inject(kind, amount)
            else:
                meter.faults.set_rate(kind, amount)
        meters.append(meter)
    return meters


def start_emulator(protocol: str, devices: Sequence[str], ids: Sequence[int], address: str | None = None,
                   seed: int = 1, faults: str = "", time_scale: float = 1.0, baudrate: int | None = None,
                   import_wh: int = 1_234_567, export_wh: int = 345_678) -> RunningEmulator:
    """Start an emulator in background threads and return its handle (use `.address`; `with` stops it)."""
    if time_scale < 0:
        raise ValueError(f"time scale must be >= 0, got {time_scale}")
    meters = build_meters(protocol, devices, ids, seed, faults, import_wh, export_wh)
    server: EmulatorServer
    if protocol == "modbus-rtu":
        server = ModbusRtuEmulator(meters, address, baudrate=baudrate or 9600)
    elif protocol == "modbus-tcp":
        host, port = parse_tcp_address(address or DEFAULT_TCP_ADDRESS)
        server = ModbusTcpEmulator(meters, host, port)
    else:
        server = Iec62056Emulator(meters, address, max_baudrate=baudrate or 9600)
    running = RunningEmulator(server=server.start(), meters=meters, time_scale=time_scale)
    running.start_clock()
    return running


def run_emulator(config: EmulatorConfig, on_ready: Callable[[RunningEmulator], None] | None = None) -> None:
    """Blocking form: start, call on_ready (e.g. print the pty path), serve until Ctrl-C, then stop cleanly."""
    running = start_emulator(config.protocol, config.devices, config.ids, config.address, config.seed,
                             config.faults, config.time_scale, config.baudrate, config.import_wh, config.export_wh)
    try:
        if on_ready is not None:
            on_ready(running)
        running.wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
