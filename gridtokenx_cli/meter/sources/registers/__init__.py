"""Register maps as data: one module per manufacturer, one DeviceMap per model. A source reads what a map lists;
the emulator serves exactly the same map, so a client/emulator disagreement shows up as a Modbus exception."""
from __future__ import annotations

from dataclasses import dataclass

FLOAT32_REGISTERS = 2  # an IEEE-754 float32 spans two 16-bit registers, high word first (Eastron byte order)


@dataclass(frozen=True)
class Register:
    address: int        # 0-based wire address of the first of the two registers (datasheet 3xxxx minus 30001)
    quantity: str       # what the value is, e.g. "import_energy", "voltage_l1"
    unit: str
    description: str


@dataclass(frozen=True)
class DeviceMap:
    name: str
    registers: tuple[Register, ...]
    function_code: int = 4          # Eastron measurement values are input registers
    default_baudrate: int = 9600
    energy_quantities: tuple[str, str] = ("import_energy", "export_energy")

    def register(self, quantity: str) -> Register:
        for register in self.registers:
            if register.quantity == quantity:
                return register
        raise KeyError(f"{self.name} has no register for {quantity!r}")

    def by_address(self) -> dict[int, Register]:
        return {register.address: register for register in self.registers}

    def blocks(self, quantities: list[str] | tuple[str, ...]) -> list[tuple[int, list[Register]]]:
        """Group the wanted quantities into contiguous runs, one request each (no gaps: a reserved register in a
        gap could make a real meter answer 'illegal data address')."""
        wanted = sorted((self.register(q) for q in quantities), key=lambda r: r.address)
        blocks: list[tuple[int, list[Register]]] = []
        for register in wanted:
            if blocks and blocks[-1][0] + FLOAT32_REGISTERS * len(blocks[-1][1]) == register.address:
                blocks[-1][1].append(register)
            else:
                blocks.append((register.address, [register]))
        return blocks


from .eastron import SDM120, SDM630  # noqa: E402  (maps use the classes above)

DEVICE_MAPS: dict[str, DeviceMap] = {m.name: m for m in (SDM120, SDM630)}


def device_map(name: str) -> DeviceMap:
    try:
        return DEVICE_MAPS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown Modbus device type {name!r}; known: {', '.join(sorted(DEVICE_MAPS))}") from None


__all__ = ["DEVICE_MAPS", "DeviceMap", "FLOAT32_REGISTERS", "Register", "SDM120", "SDM630", "device_map"]
