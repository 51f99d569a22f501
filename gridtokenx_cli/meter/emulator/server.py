"""The background-thread / `with` form shared by every emulator server."""
from __future__ import annotations

from typing import TypeVar

import threading
from collections import Counter
from collections.abc import Iterable

from .meter import EmulatedMeter


_Server = TypeVar("_Server", bound="EmulatorServer")


class EmulatorServer:
    """Runs `_serve()` on a daemon thread until stop(). `stats` counts requests, answers and what was refused."""

    protocol = "?"

    def __init__(self, meters: Iterable[EmulatedMeter]):
        self.meters: dict[int, EmulatedMeter] = {}
        for meter in meters:
            if meter.device_id in self.meters:
                raise ValueError(f"two meters with device id {meter.device_id} on one {self.protocol} server")
            self.meters[meter.device_id] = meter
        if not self.meters:
            raise ValueError("an emulator server needs at least one meter")
        self.stats: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def address(self) -> str:
        raise NotImplementedError

    def start(self: _Server) -> _Server:
        self._thread = threading.Thread(target=self._run, name=f"emulator-{self.protocol}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._serve()
        except BaseException as exc:   # surfaced by stop()/check() instead of dying silently in the thread
            self._error = exc

    def _serve(self) -> None:
        raise NotImplementedError

    def check(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"{self.protocol} emulator failed: {self._error!r}") from self._error

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close()
        self.check()

    def _close(self) -> None:
        pass

    def wait(self) -> None:
        """Block until stop() is called from elsewhere (or the server fails)."""
        while not self._stop.wait(0.5):
            if self._thread is not None and not self._thread.is_alive():
                break
        self.check()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
