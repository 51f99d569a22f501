"""Modbus application layer of the emulated Eastron meters (shared by the RTU and TCP servers): function 4 over
the device's register map, float32 big-endian values, exception responses for anything else."""
from __future__ import annotations

import struct

from ..sources.registers import FLOAT32_REGISTERS, device_map
from .meter import VALUE_FAULTS, EmulatedMeter

ILLEGAL_FUNCTION, ILLEGAL_DATA_ADDRESS, ILLEGAL_DATA_VALUE = 1, 2, 3
MAX_READ_REGISTERS = 125   # Modbus application protocol limit for function 3/4


def exception_pdu(function_code: int, code: int) -> bytes:
    return bytes([function_code | 0x80, code])


def covers_energy(meter: EmulatedMeter, pdu: bytes) -> bool:
    """Whether a request reads the import energy register (value faults apply only to such answers)."""
    if len(pdu) != 5:
        return False
    address, count = struct.unpack(">HH", pdu[1:5])
    energy = device_map(meter.device).register("import_energy").address
    return address <= energy < address + count


def eligible_faults(meter: EmulatedMeter, pdu: bytes, transport: tuple[str, ...]) -> tuple[str, ...]:
    return transport + (VALUE_FAULTS if covers_energy(meter, pdu) else ())


def answer_pdu(meter: EmulatedMeter, pdu: bytes, value_fault: str | None) -> bytes:
    mapping = device_map(meter.device)
    function_code = pdu[0] if pdu else 0
    if function_code != mapping.function_code:
        return exception_pdu(function_code, ILLEGAL_FUNCTION)
    if len(pdu) != 5:
        return exception_pdu(function_code, ILLEGAL_DATA_VALUE)
    address, count = struct.unpack(">HH", pdu[1:5])
    if not 1 <= count <= MAX_READ_REGISTERS:
        return exception_pdu(function_code, ILLEGAL_DATA_VALUE)
    by_address = mapping.by_address()
    wanted = range(address, address + count, FLOAT32_REGISTERS)
    if count % FLOAT32_REGISTERS or any(a not in by_address for a in wanted):
        return exception_pdu(function_code, ILLEGAL_DATA_ADDRESS)   # half a float, or a register the map lacks
    values = register_values(meter, value_fault)
    payload = b"".join(struct.pack(">f", values[by_address[a].quantity]) for a in wanted)
    return bytes([function_code, len(payload)]) + payload


def register_values(meter: EmulatedMeter, value_fault: str | None) -> dict[str, float]:
    readout = meter.readout()
    values = {
        "import_energy": meter.served_import(readout.import_wh, value_fault) / 1000,   # float32 kWh from exact Wh
        "export_energy": readout.export_wh / 1000,
        "voltage": readout.voltage_v,
        "current": readout.current_a,
        "power": readout.power_w,
        "frequency": readout.frequency_hz,
    }
    for n, (volts, amps, watts) in enumerate(readout.phases, start=1):
        values[f"voltage_l{n}"], values[f"current_l{n}"], values[f"power_l{n}"] = volts, amps, watts
    return values
