"""``gtx meter run``: poll every meter at its interval, queue each interval reading in SQLite, deliver them to the
oracle exactly once, and report on /healthz, /metrics, the log and systemd.

Threads: one poller per meter (sources block on serial/TCP I/O), one submitter (the only thread that talks to the
chain), one HTTP server on loopback; the main thread handles signals and the systemd watchdog. Each thread has its
own SQLite connection; WAL lets them read while another writes.

Only the rpc backend is used at run time, and nothing here imports ``solders.litesvm`` (aarch64 wheels lack it);
tests hand an embedded chain in through ``Gateway(chain=…)``.
"""
from __future__ import annotations

import json
import logging
import signal
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from solders.keypair import Keypair

from gridtokenx_cli.chain.base import ChainError

from . import onchain
from .config import GatewayConfig, MeterConfig
from .metrics import EventLog, ProcessCounters, render, sd_notify, watchdog_interval
from .queue import ReadingQueue
from .signing import load_keypair_file, sign_reading
from .sources.base import MeterSource, SourceError
from .submitter import Backoff, MeterIdentity, Submitter, transport_for

#: the oracle's default minimum interval, assumed until the chain has been read once
DEFAULT_MIN_READING_INTERVAL = 60
ORACLE_REFRESH_SECONDS = 300
META_MIN_INTERVAL = "chain_min_reading_interval"


def open_source(spec: dict) -> MeterSource:
    """A meter source from a ``source = {kind = …}`` table (see docs/meter-gateway.md for the keys)."""
    spec = dict(spec)
    kind = spec.pop("kind")
    if kind == "modbus-tcp":
        from .sources.modbus import modbus_tcp_source

        return modbus_tcp_source(spec.pop("host", "127.0.0.1"), int(spec.pop("port", 502)),
                                 spec.pop("device", "sdm120"), int(spec.pop("unit", 1)), **spec)
    if kind == "modbus-rtu":
        from .sources.modbus import modbus_rtu_source

        return modbus_rtu_source(spec.pop("port"), spec.pop("device", "sdm120"), int(spec.pop("unit", 1)), **spec)
    if kind == "iec62056":
        from .sources.iec62056 import Iec62056Source

        return Iec62056Source(spec.pop("port"), **spec)
    raise ValueError(f"unknown source kind {kind!r}: use modbus-tcp, modbus-rtu or iec62056")


class Gateway:
    def __init__(self, cfg: GatewayConfig, *, chain=None, gateway_key: Keypair | None = None,
                 source_factory: Callable[[dict], MeterSource] = open_source, log: EventLog | None = None):
        self.cfg = cfg
        self._chain = chain
        self.gateway_key = gateway_key or load_keypair_file(cfg.keypair)
        self.source_factory = source_factory
        self.log = log or EventLog(cfg.log_format)
        self.counters = ProcessCounters()
        self.stop_event = threading.Event()
        self.meter_keys = {m.id: load_keypair_file(m.keypair) for m in cfg.meters}
        self.threads: list[threading.Thread] = []
        self.submitter_heartbeat = time.monotonic()
        self.holds: dict[str, str] = {}
        self.unauthorized: str | None = None
        self.http: ThreadingHTTPServer | None = None
        self._fatal: BaseException | None = None
        ReadingQueue(cfg.queue).close()  # create the schema once, before the threads race for it

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        for m in self.cfg.meters:
            self._spawn(f"poll-{m.id}", self._poll_loop, m)
        self._spawn("submitter", self._submit_loop)
        self._start_http()
        self.log("gateway_started", meters=[m.id for m in self.cfg.meters], rpc_url=self.cfg.rpc_url,
                 queue=str(self.cfg.queue), gateway=str(self.gateway_key.pubkey()),
                 listen=f"{self.cfg.listen_host}:{self.http.server_address[1] if self.http else '-'}")

    def _spawn(self, name: str, target, *args) -> None:
        t = threading.Thread(target=self._guard, args=(name, target, *args), name=name, daemon=True)
        t.start()
        self.threads.append(t)

    def _guard(self, name: str, target, *args) -> None:
        try:
            target(*args)
        except BaseException as e:  # a dead thread must take the daemon down (systemd restarts it), not linger
            self._fatal = e
            self.log("thread_died", level="error", thread=name, error=repr(e), trace=traceback.format_exc())
            self.stop_event.set()

    def stop(self) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=30)
        if self.http:
            self.http.shutdown()
            self.http.server_close()
        self.log("gateway_stopped")

    def healthy(self) -> tuple[bool, str]:
        if self._fatal is not None:
            return False, f"thread died: {self._fatal!r}"
        dead = [t.name for t in self.threads if not t.is_alive()]
        if dead and not self.stop_event.is_set():
            return False, f"threads stopped: {', '.join(dead)}"
        stale = time.monotonic() - self.submitter_heartbeat
        limit = self.cfg.confirm_timeout + self.cfg.backoff_max + 90
        if stale > limit:
            return False, f"submitter stuck for {stale:.0f} s"
        return True, "ok"

    def run_forever(self) -> int:
        """Until SIGTERM/SIGINT: READY=1 once running, WATCHDOG=1 while healthy. Returns the exit code."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop_event.set())
        self.start()
        sd_notify("READY=1")
        ping = watchdog_interval()
        while not self.stop_event.wait(min(ping or 1.0, 1.0)):
            ok, why = self.healthy()
            if ping and ok:
                sd_notify("WATCHDOG=1")
            elif not ok:
                self.log("unhealthy", level="warning", reason=why)
        sd_notify("STOPPING=1")
        self.stop()
        return 1 if self._fatal is not None else 0

    # ------------------------------------------------------------------ polling
    def min_gap(self, q: ReadingQueue) -> int:
        if self.cfg.min_reading_interval is not None:
            return self.cfg.min_reading_interval
        return int(q.meta(META_MIN_INTERVAL, str(DEFAULT_MIN_READING_INTERVAL)) or DEFAULT_MIN_READING_INTERVAL)

    def _poll_loop(self, m: MeterConfig) -> None:
        q = ReadingQueue(self.cfg.queue)
        key, mid = self.meter_keys[m.id], m.meter_id
        sign = lambda p, c, ts: sign_reading(key, mid, p, c, ts)  # noqa: E731
        source: MeterSource | None = None
        reopen = Backoff(0.5, max(m.interval, 5.0) * 4)
        next_tick = time.monotonic()
        try:
            while not self.stop_event.is_set():
                if source is None:
                    try:
                        source = self.source_factory(m.source)
                        reopen.reset()
                    except Exception as e:  # noqa: BLE001 - any failure to open is retried, and counted
                        self.counters.source_error(m.id, "unavailable")
                        self.log("source_open_failed", level="warning", meter=m.id, error=str(e))
                        self.stop_event.wait(reopen.next_delay())
                        continue
                try:
                    sample = source.read()
                except SourceError as e:
                    self.counters.source_error(m.id, e.kind)
                    self.log("source_error", level="warning", meter=m.id, kind=e.kind, error=str(e))
                    if e.kind == "unavailable":
                        source.close()
                        source = None
                else:
                    self.counters.sample(m.id)
                    result = q.record_sample(m.id, sample, sign, min_gap=self.min_gap(q))
                    if result.kind == "reading":
                        r = result.reading
                        assert r is not None  # a "reading" result carries it
                        self.log("reading_queued", meter=m.id, seq=r.seq, reading_ts=r.reading_ts,
                                 produced=r.produced, consumed=r.consumed, import_wh=r.import_wh,
                                 export_wh=r.export_wh)
                    elif result.kind in ("baseline", "reset"):
                        self.log(f"meter_{result.kind}", level="info" if result.kind == "baseline" else "warning",
                                 meter=m.id, import_wh=sample.import_wh, export_wh=sample.export_wh)
                next_tick += m.interval
                now = time.monotonic()
                if next_tick < now:  # a slow read: skip the missed ticks instead of bursting
                    next_tick = now
                self.stop_event.wait(next_tick - now)
        finally:
            if source is not None:
                source.close()
            q.close()

    # ------------------------------------------------------------------ submitting
    def _open_chain(self):
        if self._chain is not None:
            return self._chain
        from gridtokenx_cli.chain.rpc import RpcChain

        return RpcChain(self.cfg.rpc_url)  # a list: nodes of one cluster, failed over between

    def _on_failover(self, event: dict) -> None:
        self.log("rpc_failover", level="warning", **event)

    def _check_oracle(self, transport, q: ReadingQueue) -> None:
        (data,) = transport.accounts([onchain.oracle_config()])
        cfg = onchain.decode_oracle_config(data)
        if cfg is None:
            self.unauthorized = "oracle not initialised"
        elif cfg.api_gateway != self.gateway_key.pubkey():
            self.unauthorized = f"OracleConfig.api_gateway is {cfg.api_gateway}, not this gateway's key"
        else:
            self.unauthorized = None
            q.set_meta(META_MIN_INTERVAL, str(cfg.min_reading_interval))
            for m in self.cfg.meters:
                if m.interval < cfg.min_reading_interval and self.cfg.min_reading_interval is None:
                    self.log("interval_below_chain_minimum", level="warning", meter=m.id, interval=m.interval,
                             min_reading_interval=cfg.min_reading_interval,
                             effect="readings are cut every min_reading_interval seconds")
        if self.unauthorized:
            self.log("gateway_not_authorised", level="error", reason=self.unauthorized,
                     effect="nothing is sent; readings stay queued")

    def _submit_loop(self) -> None:
        chain = self._open_chain()
        endpoints = getattr(chain, "endpoints", None)
        if endpoints is not None:
            endpoints.listeners.append(self._on_failover)
            # the failover is this log's `rpc_failover` event: the chain's own warning line (logging's last-resort
            # handler on stderr) would be a line of plain text among the JSON ones
            failover_log = logging.getLogger("gridtokenx_cli.chain.failover")
            if not any(isinstance(h, logging.NullHandler) for h in failover_log.handlers):
                failover_log.addHandler(logging.NullHandler())
        transport = transport_for(chain)
        q = ReadingQueue(self.cfg.queue)
        idents = [MeterIdentity(m.id, m.meter_id, self.meter_keys[m.id]) for m in self.cfg.meters]
        sub = Submitter(q, transport, self.gateway_key, idents, confirm_timeout=self.cfg.confirm_timeout,
                        on_event=self.log)
        self.submitter = sub
        backoff = Backoff(self.cfg.backoff_initial, self.cfg.backoff_max)
        checked_at = None
        try:
            while not self.stop_event.is_set():
                self.submitter_heartbeat = time.monotonic()
                try:
                    if checked_at is None or time.monotonic() - checked_at > ORACLE_REFRESH_SECONDS \
                            or self.unauthorized:
                        self._check_oracle(transport, q)
                        checked_at = time.monotonic()
                    if self.unauthorized:
                        self.counters.round_done()
                        self.stop_event.wait(backoff.next_delay())
                        continue
                    report = sub.run_round()
                    self.holds = {m: s.split(": ", 1)[1] for m, s in sub.meter_status.items() if s != "ok"}
                    if backoff.failures:
                        self.log("rpc_recovered", after_failures=backoff.failures, queue_depth=q.depth())
                    backoff.reset()
                    self.counters.round_done()
                    if not report.sent and not report.delivered and not report.rejected:
                        self.stop_event.wait(self.cfg.submit_idle)
                except ChainError as e:
                    self.counters.rpc_error()
                    delay = backoff.next_delay()
                    self.log("rpc_unavailable", level="warning", error=str(e)[:300], retry_in=round(delay, 2),
                             queue_depth=q.depth())
                    self.stop_event.wait(delay)
        finally:
            q.close()
            transport.close()
            if endpoints is not None:
                endpoints.listeners.remove(self._on_failover)
            if self._chain is None:
                chain.close()

    # ------------------------------------------------------------------ HTTP
    def _start_http(self) -> None:
        gateway = self
        meters = [m.id for m in self.cfg.meters]
        local = threading.local()

        def queue() -> ReadingQueue:
            if not hasattr(local, "q"):
                local.q = ReadingQueue(gateway.cfg.queue)
            return local.q

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                if self.path == "/metrics":
                    body = render(gateway.counters, queue().stats(), meters, gateway.holds).encode()
                    self._send(200, body, "text/plain; version=0.0.4; charset=utf-8")
                elif self.path == "/healthz":
                    ok, why = gateway.healthy()
                    stats = queue().stats()
                    body = json.dumps({
                        "status": "ok" if ok else "unhealthy", "reason": why, "rpc_up": bool(gateway.counters.rpc_up),
                        "authorised": gateway.unauthorized is None, "unauthorised_reason": gateway.unauthorized,
                        "queue_depth": sum(s.get("queued", 0) + s.get("sending", 0) for s in stats.values()),
                        "held": gateway.holds}).encode()
                    self._send(200 if ok else 503, body, "application/json")
                else:
                    self._send(404, b"not found: try /healthz or /metrics\n", "text/plain")

            def _send(self, code: int, body: bytes, ctype: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # the event log is the log; no per-request noise
                pass

        self.http = ThreadingHTTPServer((self.cfg.listen_host, self.cfg.listen_port), Handler)
        self.http.daemon_threads = True
        t = threading.Thread(target=self.http.serve_forever, name="http", daemon=True)
        t.start()
