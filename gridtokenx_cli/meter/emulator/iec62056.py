"""Emulated IEC 62056-21 mode C meters on a serial line (a pty by default): sign-on at 300 baud, identification
offering a faster rate, ACK for data readout, switch, data message with BCC. On a pty the emulator checks the baud
rate the client set on its end at sign-on (300) and before sending the data (the rate acknowledged); a client on the
wrong rate is ignored, as a meter's UART would see only noise. Several meters may share the line; each answers
its own address, and an unaddressed sign-on ("/?!") is answered only when the line has a single meter."""
from __future__ import annotations

import math
import time
from collections.abc import Iterable

from ..sources.iec62056 import ACK, ETX, MODE_C_BAUDS, SIGN_ON_BAUD, STX, bcc
from .line import Line
from .meter import VALUE_FAULTS, EmulatedMeter
from .server import EmulatorServer

IEC_FAULTS = ("timeout", "garbage", "bcc") + VALUE_FAULTS
MANUFACTURER = "GTX"
ACK_WAIT_S = 2.0          # the meter gives up on a sign-on that is not acknowledged in time and returns to idle
BAUD_SWITCH_WAIT_S = 1.5  # how long it waits for the client to reach the acknowledged rate


def format_kwh(wh: float) -> str:
    """Whole Wh -> the meter's kWh text with 3 decimals (exact, integer arithmetic)."""
    if math.isnan(wh):
        return "NaN"
    if math.isinf(wh):
        return "inf"
    whole = int(wh)
    sign = "-" if whole < 0 else ""
    whole = abs(whole)
    return f"{sign}{whole // 1000:06d}.{whole % 1000:03d}"


class Iec62056Emulator(EmulatorServer):
    protocol = "iec62056-21"

    def __init__(self, meters: Iterable[EmulatedMeter], path: str | None = None, *, max_baudrate: int = 9600):
        super().__init__(meters)
        offered = [c for c, b in MODE_C_BAUDS.items() if b == max_baudrate]
        if not offered:
            raise ValueError(f"mode C rates are {sorted(MODE_C_BAUDS.values())}, got {max_baudrate}")
        self.baud_char = offered[0]
        self.line = Line(path, baudrate=SIGN_ON_BAUD, bytesize=7, parity="E", stopbits=1)

    @property
    def address(self) -> str:
        return self.line.path

    @property
    def path(self) -> str:
        return self.line.path

    def identification(self, meter: EmulatedMeter) -> bytes:
        return f"/{MANUFACTURER}{self.baud_char}EMU{meter.address}\r\n".encode()

    def data_message(self, meter: EmulatedMeter, fault: str | None) -> bytes:
        readout = meter.readout()
        value_fault = fault if fault in VALUE_FAULTS else None
        lines = [
            f"0.0.0({meter.address})",
            f"1.8.0({format_kwh(meter.served_import(readout.import_wh, value_fault))}*kWh)",
            f"2.8.0({format_kwh(readout.export_wh)}*kWh)",
            f"32.7.0({readout.voltage_v:05.1f}*V)",
            f"31.7.0({readout.current_a:06.2f}*A)",
            f"16.7.0({readout.power_w / 1000:+07.3f}*kW)",
            f"14.7.0({readout.frequency_hz:05.2f}*Hz)",
        ]
        body = ("\r\n".join(lines) + "\r\n!\r\n").encode("ascii") + bytes([ETX])
        check = bcc(body) ^ (0x01 if fault == "bcc" else 0)
        return bytes([STX]) + body + bytes([check])

    def _meter_for(self, address: bytes) -> EmulatedMeter | None:
        if not address:
            return next(iter(self.meters.values())) if len(self.meters) == 1 else None
        wanted = address.decode("ascii", "replace")
        return next((m for m in self.meters.values() if m.address == wanted), None)

    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            buffer += self.line.read(0.05)
            start = buffer.find(b"/?")
            if start < 0:
                buffer = buffer[-1:]
                continue
            end = buffer.find(b"!\r\n", start)
            if end < 0:
                buffer = buffer[start:][-64:]
                continue
            address, buffer = buffer[start + 2:end], buffer[end + 3:]
            self.stats["sign_ons"] += 1
            if self.line.peer_baudrate() not in (None, SIGN_ON_BAUD):
                self.stats["line_errors"] += 1
                continue
            meter = self._meter_for(address)
            if meter is None:
                self.stats["other_addresses"] += 1
                continue
            fault = meter.faults.take(IEC_FAULTS)
            if fault == "timeout":
                self.stats["withheld"] += 1
                continue
            self.line.write(self.identification(meter))
            buffer = self._readout_after_ack(meter, fault, buffer)

    def _readout_after_ack(self, meter: EmulatedMeter, fault: str | None, buffer: bytes) -> bytes:
        deadline = time.monotonic() + ACK_WAIT_S
        while not self._stop.is_set() and time.monotonic() < deadline:
            buffer += self.line.read(0.02)
            start = buffer.find(bytes([ACK]))
            if start < 0 or len(buffer) < start + 6:
                if b"/?" in buffer:     # a new sign-on instead of an ACK: start over
                    return buffer
                continue
            message, buffer = buffer[start:start + 6], buffer[start + 6:]
            protocol, rate, mode = chr(message[1]), chr(message[2]), chr(message[3])
            if message[4:] != b"\r\n" or protocol != "0" or mode != "0" or rate not in MODE_C_BAUDS \
                    or MODE_C_BAUDS[rate] > MODE_C_BAUDS[self.baud_char]:
                self.stats["unsupported_ack"] += 1   # programming mode or a rate we did not offer
                return buffer
            target = MODE_C_BAUDS[rate]
            if not self._wait_for_peer_rate(target):
                self.stats["line_errors"] += 1
                return buffer
            self.line.set_baudrate(target)
            if fault == "garbage":
                self.line.write(meter.faults.garbage(24))
                self.stats["garbage"] += 1
            else:
                self.line.write(self.data_message(meter, fault))
                self.stats["readouts"] += 1
            self.line.set_baudrate(SIGN_ON_BAUD)
            return buffer
        self.stats["no_ack"] += 1
        return buffer

    def _wait_for_peer_rate(self, target: int) -> bool:
        if not self.line.is_pty:
            time.sleep(0.3)    # a real line: give the client the reaction time the standard allows, then switch
            return True
        deadline = time.monotonic() + BAUD_SWITCH_WAIT_S
        while time.monotonic() < deadline:
            if self.line.peer_baudrate() == target:
                return True
            time.sleep(0.005)
        return False

    def _close(self) -> None:
        self.line.close()


def serve_iec62056(path: str | None, *meters: EmulatedMeter, max_baudrate: int = 9600) -> Iec62056Emulator:
    """Start serving in a background thread. path=None makes a pseudo-terminal; clients open `.path`."""
    return Iec62056Emulator(meters, path, max_baudrate=max_baudrate).start()
