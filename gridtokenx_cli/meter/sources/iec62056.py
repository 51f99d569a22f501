"""IEC 62056-21 (ex IEC 1107) mode C data readout over a serial optical probe / RS-485 line.

    client, 300 baud 7E1:  /?<address>!CR LF
    meter,  300 baud:      /XXXZ<ident>CR LF                 XXX manufacturer, Z = highest baud rate it offers
    client, 300 baud:      ACK 0 Z 0 CR LF                   protocol 0 (normal), rate Z, mode 0 (data readout)
    both switch to Z
    meter:                 STX <data lines> ! CR LF ETX BCC  BCC = XOR of every byte after STX through ETX

Energies come from OBIS 1.8.0 (import, A+) and 2.8.0 (export, A-), written like "1.8.0(012345.678*kWh)", optionally
with a "1-0:" medium/channel prefix; the decimal text is converted to Wh exactly. The line is 7 data bits: a byte
with the 8th bit set is what a real UART reports as a parity/framing error, so it counts as a FrameError.
"""
from __future__ import annotations

import errno
import re
import termios
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import serial

from .base import FrameError, InvalidReading, MeterSample, MeterSource, SourceTimeout, SourceUnavailable
from .energy import CumulativeGuard, decimal_energy_to_wh

STX, ETX, ACK, NAK = 0x02, 0x03, 0x06, 0x15
SIGN_ON_BAUD = 300
MODE_C_BAUDS = {"0": 300, "1": 600, "2": 1200, "3": 2400, "4": 4800, "5": 9600, "6": 19200}
IMPORT_OBIS, EXPORT_OBIS = "1.8.0", "2.8.0"
VOLTAGE_OBIS, CURRENT_OBIS, POWER_OBIS, FREQUENCY_OBIS = "32.7.0", "31.7.0", "16.7.0", "14.7.0"

_IDENT_RE = re.compile(rb"^/([A-Za-z]{3})([0-9A-Z])([\x20-\x7e]{1,16})\r\n$")
_LINE_RE = re.compile(r"^(?:\d+-\d+:)?(?P<obis>\d+\.\d+\.\d+)(?:\*\d+)?\((?P<value>[^)]*)\)$")


def bcc(data: bytes) -> int:
    """IEC 62056-21 block check character: XOR of the bytes (after STX, through ETX)."""
    check = 0
    for byte in data:
        check ^= byte
    return check


@dataclass(frozen=True)
class DataSet:
    obis: str
    value: str   # the number as written
    unit: str


def parse_data_block(block: str) -> dict[str, DataSet]:
    """The lines between STX and '!' -> {OBIS code: DataSet}; lines that are not data sets are a FrameError."""
    sets: dict[str, DataSet] = {}
    for line in block.split("\r\n"):
        if not line:
            continue
        match = _LINE_RE.match(line)
        if match is None:
            raise FrameError(f"not an IEC 62056-21 data set: {line!r}")
        value, _, unit = match["value"].partition("*")
        sets[match["obis"]] = DataSet(match["obis"], value, unit)
    return sets


def _float_or_none(sets: dict[str, DataSet], obis: str, scale_units: dict[str, float]) -> float | None:
    data_set = sets.get(obis)
    if data_set is None:
        return None
    try:
        return float(data_set.value) * scale_units.get(data_set.unit.lower(), 1.0)
    except ValueError:
        return None


def open_7e1(port: str, baudrate: int, timeout: float) -> serial.Serial:
    """Open a port at 7E1. Linux ptys refuse (EINVAL) a CS7|PARENB termios write that leaves the speed unchanged,
    which happens when the previous user left the pty at this very rate; stepping through another rate at 8N1
    first makes the 7E1 write a speed change, which the pty accepts. Real UARTs never take the fallback."""
    settings = dict(bytesize=serial.SEVENBITS, parity=serial.PARITY_EVEN, stopbits=serial.STOPBITS_ONE,
                    timeout=timeout)
    try:
        try:
            return serial.Serial(port, baudrate, **settings)
        except termios.error as exc:
            if exc.args[0] != errno.EINVAL:
                raise
            serial.Serial(port, 1200 if baudrate != 1200 else 2400).close()
            return serial.Serial(port, baudrate, **settings)
    except (serial.SerialException, OSError, termios.error) as exc:
        raise SourceUnavailable(f"{port}: cannot open at {baudrate} 7E1 ({exc})") from None


class Iec62056Source(MeterSource):
    """One meter on a serial port, read in mode C data readout. The port is opened for each read (300 baud 7E1) and
    closed afterwards, so the meter's and the client's state start clean every time."""

    def __init__(self, port: str, *, address: str = "", timeout: float = 2.0, retries: int = 1,
                 max_baudrate: int = 19200, clock: Callable[[], float] = time.time):
        if retries < 0:
            raise ValueError(f"retries must be >= 0, got {retries}")
        if not re.fullmatch(r"[0-9A-Za-z ]{0,32}", address):
            raise ValueError(f"IEC 62056-21 device address must be up to 32 letters/digits, got {address!r}")
        self.port = port
        self.address = address
        self.timeout = timeout
        self.retries = retries
        self.max_baudrate = max_baudrate
        self.clock = clock
        self.guard = CumulativeGuard()
        self.transient_errors: Counter[str] = Counter()
        self.identification: str | None = None
        self.last_baudrate: int | None = None

    def read(self) -> MeterSample:
        for attempt in range(self.retries + 1):
            try:
                read_at = int(self.clock())
                sets = self._readout()
                break
            except (SourceTimeout, FrameError) as exc:
                self.transient_errors[exc.kind] += 1
                if attempt == self.retries:
                    raise
        for obis in (IMPORT_OBIS, EXPORT_OBIS):
            if obis not in sets:
                raise InvalidReading(f"{self.port}: readout has no {obis}")
        import_wh = decimal_energy_to_wh(sets[IMPORT_OBIS].value, sets[IMPORT_OBIS].unit, "import energy (1.8.0)")
        export_wh = decimal_energy_to_wh(sets[EXPORT_OBIS].value, sets[EXPORT_OBIS].unit, "export energy (2.8.0)")
        self.guard.accept(import_wh, export_wh)
        power_kw = _float_or_none(sets, POWER_OBIS, {"kw": 1.0, "w": 0.001})
        return MeterSample(
            import_wh=import_wh, export_wh=export_wh, read_at=read_at,
            voltage_v=_float_or_none(sets, VOLTAGE_OBIS, {}),
            current_a=_float_or_none(sets, CURRENT_OBIS, {}),
            power_w=None if power_kw is None else power_kw * 1000,
            frequency_hz=_float_or_none(sets, FREQUENCY_OBIS, {}),
        )

    def _readout(self) -> dict[str, DataSet]:
        line = open_7e1(self.port, SIGN_ON_BAUD, self.timeout)
        try:
            line.reset_input_buffer()
            line.write(b"/?" + self.address.encode() + b"!\r\n")
            line.flush()
            ident = line.read_until(b"\n")
            if not ident:
                raise SourceTimeout(f"{self.port}: no identification after sign-on")
            match = _IDENT_RE.match(ident)
            if match is None:
                raise FrameError(f"{self.port}: malformed identification {ident[:40]!r}")
            self.identification = match.group(0)[1:-2].decode()
            offered = match.group(2).decode()
            if offered not in MODE_C_BAUDS:
                raise FrameError(f"{self.port}: identification offers baud character {offered!r}, not mode C")
            rate_char = max((c for c, b in MODE_C_BAUDS.items() if b <= min(MODE_C_BAUDS[offered],
                                                                                self.max_baudrate)), default="0")
            line.write(bytes([ACK]) + b"0" + rate_char.encode() + b"0\r\n")
            line.flush()    # the ACK goes out at 300 baud; only then switch
            if MODE_C_BAUDS[rate_char] != line.baudrate:   # (a same-rate 7E1 rewrite is EINVAL on a pty)
                line.baudrate = MODE_C_BAUDS[rate_char]
            self.last_baudrate = line.baudrate
            return self._read_data_message(line)
        finally:
            line.close()

    def _read_data_message(self, line: serial.Serial) -> dict[str, DataSet]:
        first = line.read(1)
        if not first:
            raise SourceTimeout(f"{self.port}: no data message after acknowledgement")
        if first[0] != STX:
            rest = line.read(line.in_waiting or 0)
            raise FrameError(f"{self.port}: data message does not start with STX: {(first + rest)[:24].hex(' ')}")
        body = line.read_until(bytes([ETX]))
        check = line.read(1)
        if not body.endswith(bytes([ETX])) or not check:
            raise FrameError(f"{self.port}: data message cut short after {len(body)} bytes")
        high = [b for b in body + check if b & 0x80]
        if high:
            raise FrameError(f"{self.port}: {len(high)} byte(s) with the 8th bit set on a 7-bit line (parity error)")
        if bcc(body) != check[0]:
            raise FrameError(f"{self.port}: BCC mismatch (computed 0x{bcc(body):02X}, received 0x{check[0]:02X})")
        text = body[:-1].decode("ascii")
        if not text.endswith("!\r\n"):
            raise FrameError(f"{self.port}: data block does not end with '!' CR LF")
        return parse_data_block(text[:-3])


__all__ = ["Iec62056Source", "DataSet", "MODE_C_BAUDS", "bcc", "parse_data_block"]
