"""Modbus sources: Eastron SDM120 / SDM630 over Modbus RTU (serial) or Modbus TCP, through pymodbus' sync clients.

A ModbusLink is one pymodbus client (a serial bus or a TCP connection) with a lock; several meters (device ids)
share it through link.source(...). Each request is one pymodbus attempt (pymodbus' own retries are off) so that
every failure is classified before we decide to retry:

    pymodbus outcome                                        -> our error
    ConnectionException (port/host cannot be opened)        -> SourceUnavailable
    ModbusIOException, nothing received at all              -> SourceTimeout
    ModbusIOException, bytes received but no valid frame    -> FrameError  (pymodbus drops a frame whose CRC does
        not match and then waits out the timeout, so a CRC error or garbage surfaces as "no response"; the bytes
        seen through trace_packet tell the two apart)
    response.isError() (Modbus exception response)          -> DeviceRejected
    NaN / inf / negative / rolled-back energy               -> InvalidReading (not retried: the frame was fine)
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

from .base import DeviceRejected, FrameError, MeterSample, MeterSource, PhaseValues, SourceError, SourceTimeout, \
    SourceUnavailable
from .energy import CumulativeGuard, kwh_float_to_wh
from .registers import FLOAT32_REGISTERS, DeviceMap, device_map

# pymodbus logs every timeout at ERROR; without a handler Python's last-resort handler would print them to stderr.
# The gateway counts them as SourceErrors instead; an application that configures logging still receives them.
logging.getLogger("pymodbus").addHandler(logging.NullHandler())

INSTANTANEOUS_QUANTITIES = ("voltage", "current", "power", "frequency")
PHASE_QUANTITIES = tuple(f"{q}_l{n}" for n in (1, 2, 3) for q in ("voltage", "current", "power"))


def crc16_modbus(data: bytes) -> bytes:
    """CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), as the two bytes sent on the wire (low byte first)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc.to_bytes(2, "little")


class ModbusLink:
    """One Modbus client shared by the meters on a serial bus or behind a TCP gateway."""

    def __init__(self, client: ModbusSerialClient | ModbusTcpClient, description: str, rtu: bool):
        self.client = client
        self.description = description
        self._rtu = rtu
        self._lock = threading.Lock()
        self._received = b""

    @classmethod
    def rtu(cls, port: str, *, baudrate: int = 9600, parity: str = "N", stopbits: int = 1, bytesize: int = 8,
            timeout: float = 1.0) -> ModbusLink:
        link = cls.__new__(cls)
        client = ModbusSerialClient(port, baudrate=baudrate, parity=parity, stopbits=stopbits, bytesize=bytesize,
                                    timeout=timeout, retries=0, trace_packet=link._trace)
        cls.__init__(link, client, f"{port} {baudrate} {bytesize}{parity}{stopbits}", rtu=True)
        return link

    @classmethod
    def tcp(cls, host: str, port: int = 502, *, timeout: float = 1.0) -> ModbusLink:
        link = cls.__new__(cls)
        client = ModbusTcpClient(host, port=port, timeout=timeout, retries=0, trace_packet=link._trace)
        cls.__init__(link, client, f"{host}:{port}", rtu=False)
        return link

    def _trace(self, sending: bool, data: bytes) -> bytes:
        if not sending:
            self._received = data   # pymodbus passes the whole receive buffer so far
        return data

    def read_input_registers(self, address: int, count: int, device_id: int) -> list[int]:
        """One request, no retry; raises the SourceError that matches what happened on the wire."""
        where = f"{self.description} id {device_id} @0x{address:04X}"
        with self._lock:
            self._received = b""
            try:
                response = self.client.read_input_registers(address, count=count, device_id=device_id)
            except ConnectionException as exc:
                self.client.close()  # reopen on the next request
                raise SourceUnavailable(f"{where}: cannot reach the device ({exc})") from None
            except ModbusIOException:
                if self._received:
                    raise FrameError(f"{where}: {self._describe_bad_frame(self._received, device_id)}") from None
                raise SourceTimeout(f"{where}: no answer") from None
            except ModbusException as exc:
                raise FrameError(f"{where}: {exc}") from None
        if response.isError():
            raise DeviceRejected(f"{where}: Modbus exception code {getattr(response, 'exception_code', '?')}")
        registers = list(response.registers)
        if len(registers) != count:
            raise FrameError(f"{where}: asked for {count} registers, got {len(registers)}")
        return registers

    def _describe_bad_frame(self, data: bytes, device_id: int) -> str:
        shown = data[:16].hex(" ") + (" …" if len(data) > 16 else "")
        if self._rtu and len(data) >= 5 and data[0] == device_id and crc16_modbus(data[:-2]) != data[-2:]:
            return f"CRC mismatch in {len(data)}-byte answer ({shown})"
        return f"{len(data)} bytes that are not a valid answer ({shown})"

    def decode_float32(self, registers: list[int]) -> float:
        value = self.client.convert_from_registers(registers, data_type=self.client.DATATYPE.FLOAT32)
        assert isinstance(value, (int, float))  # FLOAT32 of two registers is one number
        return float(value)

    def source(self, device: str | DeviceMap = "sdm120", device_id: int = 1, *, retries: int = 2,
               read_instantaneous: bool = True, clock: Callable[[], float] = time.time) -> ModbusMeterSource:
        return ModbusMeterSource(self, device, device_id, retries=retries, read_instantaneous=read_instantaneous,
                                 clock=clock)

    def close(self) -> None:
        with self._lock:
            self.client.close()


class ModbusMeterSource(MeterSource):
    """One Eastron meter (device id) on a ModbusLink."""

    def __init__(self, link: ModbusLink, device: str | DeviceMap, device_id: int, *, retries: int = 2,
                 read_instantaneous: bool = True, clock: Callable[[], float] = time.time, owns_link: bool = False):
        if not 1 <= device_id <= 247:
            raise ValueError(f"device_id must be 1..247 (Modbus unicast addresses), got {device_id}")
        if retries < 0:
            raise ValueError(f"retries must be >= 0, got {retries}")
        self.link = link
        self.map = device if isinstance(device, DeviceMap) else device_map(device)
        self.device_id = device_id
        self.retries = retries
        self.read_instantaneous = read_instantaneous
        self.clock = clock
        self.guard = CumulativeGuard()
        self.transient_errors: Counter[str] = Counter()  # faults that a retry absorbed (or not), by kind
        self._owns_link = owns_link

    def _read_block(self, address: int, count: int) -> list[int]:
        for attempt in range(self.retries + 1):
            try:
                return self.link.read_input_registers(address, count, self.device_id)
            except (SourceTimeout, FrameError) as exc:
                self.transient_errors[exc.kind] += 1
                if attempt == self.retries:
                    raise
        raise AssertionError("unreachable")

    def _read_quantities(self, quantities: tuple[str, ...]) -> dict[str, float]:
        values: dict[str, float] = {}
        for address, registers in self.map.blocks(quantities):
            words = self._read_block(address, FLOAT32_REGISTERS * len(registers))
            for i, register in enumerate(registers):
                values[register.quantity] = self.link.decode_float32(words[2 * i: 2 * i + 2])
        return values

    def read(self) -> MeterSample:
        read_at = int(self.clock())
        energy = self._read_quantities(self.map.energy_quantities)
        import_wh = kwh_float_to_wh(energy["import_energy"], "import energy")
        export_wh = kwh_float_to_wh(energy["export_energy"], "export energy")
        self.guard.accept(import_wh, export_wh)
        if not self.read_instantaneous:
            return MeterSample(import_wh=import_wh, export_wh=export_wh, read_at=read_at)
        present = {r.quantity for r in self.map.registers}
        wanted = tuple(q for q in INSTANTANEOUS_QUANTITIES + PHASE_QUANTITIES if q in present)
        values = {q: (v if math.isfinite(v) else None) for q, v in self._read_quantities(wanted).items()}
        phases = tuple(
            PhaseValues(voltage_v=values[f"voltage_l{n}"], current_a=values[f"current_l{n}"],
                        power_w=values[f"power_l{n}"])
            for n in (1, 2, 3) if f"voltage_l{n}" in values
        )
        return MeterSample(import_wh=import_wh, export_wh=export_wh, read_at=read_at, voltage_v=values.get("voltage"),
                           current_a=values.get("current"), power_w=values.get("power"),
                           frequency_hz=values.get("frequency"), phases=phases)

    def close(self) -> None:
        if self._owns_link:
            self.link.close()


def modbus_rtu_source(port: str, device: str = "sdm120", device_id: int = 1, *, baudrate: int | None = None,
                      parity: str = "N", stopbits: int = 1, bytesize: int = 8, timeout: float = 1.0, retries: int = 2,
                      read_instantaneous: bool = True, clock: Callable[[], float] = time.time) -> ModbusMeterSource:
    """A meter alone on a serial port (the source closes the port). For several meters on one bus use
    ModbusLink.rtu(...).source(...) once per device id: a serial port is opened exclusively."""
    mapping = device_map(device)
    link = ModbusLink.rtu(port, baudrate=baudrate or mapping.default_baudrate, parity=parity, stopbits=stopbits,
                          bytesize=bytesize, timeout=timeout)
    return ModbusMeterSource(link, mapping, device_id, retries=retries, read_instantaneous=read_instantaneous,
                             clock=clock, owns_link=True)


def modbus_tcp_source(host: str, port: int = 502, device: str = "sdm120", device_id: int = 1, *,
                      timeout: float = 1.0, retries: int = 2, read_instantaneous: bool = True,
                      clock: Callable[[], float] = time.time) -> ModbusMeterSource:
    """A meter behind a Modbus TCP server or RTU-to-TCP gateway (device_id = the unit id on that gateway)."""
    link = ModbusLink.tcp(host, port, timeout=timeout)
    return ModbusMeterSource(link, device, device_id, retries=retries, read_instantaneous=read_instantaneous,
                             clock=clock, owns_link=True)


__all__ = ["ModbusLink", "ModbusMeterSource", "SourceError", "crc16_modbus", "modbus_rtu_source",
           "modbus_tcp_source"]
