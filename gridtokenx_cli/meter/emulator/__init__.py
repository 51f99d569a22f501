"""Meter emulator: Eastron SDM120/SDM630 on Modbus RTU (pty or serial port) and Modbus TCP, and IEC 62056-21
mode C meters on a pty, driven by deterministic household profiles on a steppable clock, with injectable faults.
See docs/meter-sources.md."""
from .iec62056 import Iec62056Emulator, serve_iec62056
from .meter import FAULT_KINDS, EmulatedMeter, FaultPlan, Readout
from .modbus_rtu import ModbusRtuEmulator, serve_modbus_rtu
from .modbus_tcp import ModbusTcpEmulator, serve_modbus_tcp
from .run import EmulatorConfig, RunningEmulator, parse_faults, run_emulator, start_emulator

__all__ = [
    "FAULT_KINDS", "EmulatedMeter", "EmulatorConfig", "FaultPlan", "Iec62056Emulator", "ModbusRtuEmulator",
    "ModbusTcpEmulator", "Readout", "RunningEmulator", "parse_faults", "run_emulator", "serve_iec62056",
    "serve_modbus_rtu", "serve_modbus_tcp", "start_emulator",
]
