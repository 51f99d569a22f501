"""Emulated Eastron meters behind a Modbus TCP server (MBAP framing: transaction id, protocol id 0, length, unit id),
the way an RTU-to-TCP gateway exposes a bus: the unit id selects the meter; an absent unit id gets exception 0x0B
(gateway target device failed to respond). TCP has no CRC, so the 'crc' fault corrupts the MBAP header instead
(protocol id 0xFFFF), which a client must reject just the same."""
from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterable

from .meter import EmulatedMeter
from .modbus_common import answer_pdu, eligible_faults, exception_pdu
from .server import EmulatorServer

TCP_FAULTS = ("timeout", "crc", "garbage")
GATEWAY_TARGET_FAILED = 0x0B
MAX_PDU = 253


class ModbusTcpEmulator(EmulatorServer):
    protocol = "modbus-tcp"

    def __init__(self, meters: Iterable[EmulatedMeter], host: str = "127.0.0.1", port: int = 0):
        super().__init__(meters)
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.1)
        self.host, self.port = self._listener.getsockname()[:2]
        self._connections: list[threading.Thread] = []

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._stop.is_set():
                    return
                raise
            self.stats["connections"] += 1
            thread = threading.Thread(target=self._serve_connection, args=(conn,), daemon=True)
            thread.start()
            self._connections.append(thread)

    def _recv_exact(self, conn: socket.socket, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            try:
                chunk = conn.recv(size - len(data))
            except TimeoutError:
                if self._stop.is_set():
                    return None
                continue
            if not chunk:
                return None
            data += chunk
        return data

    def _serve_connection(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        with conn, contextlib.suppress(ConnectionError):  # a client killed mid-frame is a client gone, like a close
            while not self._stop.is_set():
                header = self._recv_exact(conn, 7)
                if header is None:
                    return
                transaction_id, protocol_id, length, unit_id = struct.unpack(">HHHB", header)
                if protocol_id != 0 or not 2 <= length <= MAX_PDU + 1:
                    self.stats["bad_header"] += 1
                    return          # cannot resynchronise a byte stream: drop the connection
                pdu = self._recv_exact(conn, length - 1)
                if pdu is None:
                    return
                self.stats["frames"] += 1
                meter = self.meters.get(unit_id)
                if meter is None:
                    answer = exception_pdu(pdu[0], GATEWAY_TARGET_FAILED)
                    conn.sendall(struct.pack(">HHHB", transaction_id, 0, len(answer) + 1, unit_id) + answer)
                    continue
                fault = meter.faults.take(eligible_faults(meter, pdu, TCP_FAULTS))
                if fault == "timeout":
                    self.stats["withheld"] += 1
                    continue
                if fault == "garbage":
                    conn.sendall(meter.faults.garbage(9))
                    self.stats["garbage"] += 1
                    continue
                answer = answer_pdu(meter, pdu, fault)
                protocol = 0xFFFF if fault == "crc" else 0
                conn.sendall(struct.pack(">HHHB", transaction_id, protocol, len(answer) + 1, unit_id) + answer)
                self.stats["answers"] += 1

    def _close(self) -> None:
        self._listener.close()
        for thread in self._connections:
            thread.join(timeout=1)


def serve_modbus_tcp(host: str, port: int, *meters: EmulatedMeter) -> ModbusTcpEmulator:
    """Start serving in a background thread; port 0 picks a free port (see `.port`)."""
    return ModbusTcpEmulator(meters, host, port).start()
