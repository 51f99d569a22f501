"""Emulated Eastron meters on a Modbus RTU bus: hand-written RTU framing (device id, PDU, CRC-16 low byte first,
frames delimited by line silence) over a pseudo-terminal or a real serial port. Several device ids share the bus;
frames with a bad CRC or for an absent id get no answer, as on a real bus."""
from __future__ import annotations

from collections.abc import Iterable

from ..sources.modbus import crc16_modbus
from .line import Line
from .meter import EmulatedMeter
from .modbus_common import answer_pdu, eligible_faults
from .server import EmulatorServer

RTU_FAULTS = ("timeout", "crc", "garbage")


class ModbusRtuEmulator(EmulatorServer):
    protocol = "modbus-rtu"

    def __init__(self, meters: Iterable[EmulatedMeter], path: str | None = None, *, baudrate: int = 9600,
                 parity: str = "N", stopbits: int = 1, bytesize: int = 8):
        super().__init__(meters)
        self.baudrate = baudrate
        self.line = Line(path, baudrate=baudrate, bytesize=bytesize, parity=parity, stopbits=stopbits)
        # RTU ends a frame after 3.5 character times of silence; 2 ms floor for fast rates and scheduler jitter
        self.frame_gap = max(3.5 * (1 + bytesize + (parity != "N") + stopbits) / baudrate, 0.002)

    @property
    def address(self) -> str:
        return self.line.path

    @property
    def path(self) -> str:
        return self.line.path

    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            chunk = self.line.read(self.frame_gap if buffer else 0.05)
            if chunk:
                buffer += chunk
                continue
            if buffer:
                self._handle_frame(buffer)
                buffer = b""

    def _handle_frame(self, frame: bytes) -> None:
        self.stats["frames"] += 1
        peer = self.line.peer_baudrate()
        if peer is not None and peer != self.baudrate:
            self.stats["line_errors"] += 1   # a UART at another rate would see only noise
            return
        if len(frame) < 4 or crc16_modbus(frame[:-2]) != frame[-2:]:
            self.stats["bad_crc"] += 1
            return
        device_id, pdu = frame[0], frame[1:-2]
        meter = self.meters.get(device_id)
        if meter is None:
            self.stats["other_ids"] += 1     # someone else's meter (or broadcast): stay silent
            return
        fault = meter.faults.take(eligible_faults(meter, pdu, RTU_FAULTS))
        if fault == "timeout":
            self.stats["withheld"] += 1
            return
        if fault == "garbage":
            self.line.write(meter.faults.garbage(9))
            self.stats["garbage"] += 1
            return
        answer = bytes([device_id]) + answer_pdu(meter, pdu, fault)
        crc = crc16_modbus(answer)
        if fault == "crc":
            crc = bytes(b ^ 0xFF for b in crc)
        self.line.write(answer + crc)
        self.stats["answers"] += 1

    def _close(self) -> None:
        self.line.close()


def serve_modbus_rtu(path: str | None, *meters: EmulatedMeter, baudrate: int = 9600, parity: str = "N",
                     stopbits: int = 1, bytesize: int = 8) -> ModbusRtuEmulator:
    """Start serving in a background thread. path=None makes a pseudo-terminal; clients open `.path`."""
    return ModbusRtuEmulator(meters, path, baudrate=baudrate, parity=parity, stopbits=stopbits,
                             bytesize=bytesize).start()
