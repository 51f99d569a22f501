"""The emulator's end of a serial line: the master side of a fresh pseudo-terminal (clients get the slave's path), or
a real serial port (e.g. one end of a null-modem cable). On a pty Linux keeps the baud rate the client set, so the
emulator can check it (peer_baudrate), but forces 8 data bits and no parity: 7E1 cannot be checked on a pty, and
both ends simply agree on it (see docs/meter-sources.md)."""
from __future__ import annotations

import errno
import os
import select
import termios
import tty

import serial

_SPEEDS = {getattr(termios, f"B{b}"): b for b in (50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800,
                                                   9600, 19200, 38400, 57600, 115200, 230400)}


class Line:
    def __init__(self, path: str | None = None, *, baudrate: int = 9600, bytesize: int = 8, parity: str = "N",
                 stopbits: int = 1):
        self._serial: serial.Serial | None = None
        self._slave_fd: int | None = None
        if path is None:
            self.fd, self._slave_fd = os.openpty()
            # raw on both sides before the client opens: no echo, no CR/LF translation of binary frames
            tty.setraw(self.fd)
            tty.setraw(self._slave_fd)
            self.path = os.ttyname(self._slave_fd)
        else:
            self._serial = serial.Serial(path, baudrate=baudrate, bytesize=bytesize, parity=parity,
                                         stopbits=stopbits, timeout=0)
            self.fd = self._serial.fileno()
            self.path = path
        self.is_pty = path is None

    def set_baudrate(self, baudrate: int) -> None:
        if self._serial is not None:
            self._serial.baudrate = baudrate

    def peer_baudrate(self) -> int | None:
        """The baud rate the client configured on its end (pty only; on a real port the UART would just garble)."""
        if self._slave_fd is None:
            return None
        try:
            return _SPEEDS.get(termios.tcgetattr(self._slave_fd)[4])
        except termios.error:
            return None

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self.fd, 4096)
        except OSError as exc:
            if exc.errno == errno.EIO:   # pty with no slave open right now
                return b""
            raise

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def discard_input(self) -> None:
        while self.read(0):
            pass

    def close(self) -> None:
        if self._serial is not None:
            self._serial.close()
        else:
            for fd in (self.fd, self._slave_fd):
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
