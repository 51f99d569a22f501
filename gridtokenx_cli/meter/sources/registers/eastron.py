"""Eastron SDM120-Modbus and SDM630-Modbus (V2) input registers, function code 4, float32 big-endian.
Addresses from the Eastron Modbus protocol documents (30001-based register numbers minus 30001)."""
from __future__ import annotations

from . import DeviceMap, Register

SDM120 = DeviceMap(
    name="sdm120",
    default_baudrate=2400,  # factory setting; configurable on the meter
    registers=(
        Register(0x0000, "voltage", "V", "Voltage"),
        Register(0x0006, "current", "A", "Current"),
        Register(0x000C, "power", "W", "Active power"),
        Register(0x0046, "frequency", "Hz", "Frequency"),
        Register(0x0048, "import_energy", "kWh", "Import active energy"),
        Register(0x004A, "export_energy", "kWh", "Export active energy"),
    ),
)

SDM630 = DeviceMap(
    name="sdm630",
    default_baudrate=9600,
    registers=(
        Register(0x0000, "voltage_l1", "V", "Phase 1 line to neutral volts"),
        Register(0x0002, "voltage_l2", "V", "Phase 2 line to neutral volts"),
        Register(0x0004, "voltage_l3", "V", "Phase 3 line to neutral volts"),
        Register(0x0006, "current_l1", "A", "Phase 1 current"),
        Register(0x0008, "current_l2", "A", "Phase 2 current"),
        Register(0x000A, "current_l3", "A", "Phase 3 current"),
        Register(0x000C, "power_l1", "W", "Phase 1 active power"),
        Register(0x000E, "power_l2", "W", "Phase 2 active power"),
        Register(0x0010, "power_l3", "W", "Phase 3 active power"),
        Register(0x002A, "voltage", "V", "Average line to neutral volts"),
        Register(0x0030, "current", "A", "Sum of line currents"),
        Register(0x0034, "power", "W", "Total system power"),
        Register(0x0046, "frequency", "Hz", "Frequency of supply voltages"),
        Register(0x0048, "import_energy", "kWh", "Import active energy"),
        Register(0x004A, "export_energy", "kWh", "Export active energy"),
    ),
)
