"""The meter gateway: sources (Modbus RTU/TCP, IEC 62056-21), the meter emulator, and the store-and-forward daemon."""
