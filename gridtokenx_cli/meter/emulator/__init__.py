"""Meter emulator: Eastron SDM120/SDM630 on Modbus RTU (pty or serial port) and Modbus TCP, and IEC 62056-21
mode C meters on a pty, driven by deterministic household profiles on a steppable clock, with injectable faults."""
from .meter import FAULT_KINDS, EmulatedMeter, FaultPlan, Readout
from .modbus_rtu import ModbusRtuEmulator, serve_modbus_rtu

__all__ = ["FAULT_KINDS", "EmulatedMeter", "FaultPlan", "ModbusRtuEmulator", "Readout", "serve_modbus_rtu"]
