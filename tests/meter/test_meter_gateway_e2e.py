"""End to end on the embedded chain: emulated meters (Modbus TCP, Modbus RTU on a pseudo-terminal, IEC 62056-21 on a
pseudo-terminal, with injected line and value faults) → the real sources → the gateway daemon (threads, SQLite
queue, /metrics) → oracle → registry. The registry's totals must equal the emulators' registers exactly."""
from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest
from solders.keypair import Keypair

from gridtokenx_cli.chain.embedded import EmbeddedChain
from gridtokenx_cli.meter import onchain
from gridtokenx_cli.meter.config import parse_config
from gridtokenx_cli.meter.daemon import Gateway
from gridtokenx_cli.meter.emulator import start_emulator
from gridtokenx_cli.meter.metrics import EventLog
from gridtokenx_cli.meter.provision import provision
from gridtokenx_cli.meter.queue import DELIVERED, ReadingQueue
from gridtokenx_cli.meter.signing import write_keypair_file
from gridtokenx_cli.platform import PROGRAMS
from gridtokenx_cli.testing.svm_lite import program_so

INITIAL_IMPORT, INITIAL_EXPORT = 1_234_567, 345_678


def wait_for(predicate, timeout: float, what: str, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture(scope="module")
def binaries():
    for name in PROGRAMS:
        program_so(name)


def test_emulated_meters_through_the_gateway_to_exact_registry_totals(binaries, tmp_path):
    tcp = start_emulator("modbus-tcp", ["sdm120", "sdm630"], [1, 2], "127.0.0.1:0", seed=7, time_scale=0,
                         faults="")
    rtu = start_emulator("modbus-rtu", ["sdm120"], [5], None, seed=8, time_scale=0, baudrate=38400)
    iec = start_emulator("iec62056", ["iec"], [9], None, seed=9, time_scale=0)
    emulators = [tcp, rtu, iec]
    # line faults (a retry absorbs them) and value faults (the read fails; the next one carries the energy)
    tcp.meter(1).faults.inject("crc", 2)
    host, port = tcp.address.rsplit(":", 1)
    sources = {
        "tcp-sdm120": (tcp.meter(1), {"kind": "modbus-tcp", "host": host, "port": int(port), "device": "sdm120",
                                      "unit": 1}),
        "tcp-sdm630": (tcp.meter(2), {"kind": "modbus-tcp", "host": host, "port": int(port), "device": "sdm630",
                                      "unit": 2}),
        "rtu-sdm120": (rtu.meter(5), {"kind": "modbus-rtu", "port": rtu.address, "device": "sdm120", "unit": 5,
                                      "baudrate": 38400}),
        "iec-meter": (iec.meter(9), {"kind": "iec62056", "port": iec.address, "address": iec.meter(9).address}),
    }
    keys = {}
    for text_id in sources:
        keys[text_id] = Keypair()
        write_keypair_file(tmp_path / f"{text_id}.json", keys[text_id])

    chain = EmbeddedChain(programs=list(PROGRAMS))
    chain.set_unix_timestamp(int(time.time()))
    platform = provision(chain, list(keys.items()), min_reading_interval=0, lenient=True)
    cfg = parse_config({
        "gateway": {"rpc_url": "embedded", "keypair": "unused.json", "queue": str(tmp_path / "q.sqlite"),
                    "listen": "127.0.0.1:0", "min_reading_interval": 1, "submit_idle": 0.05},
        "meter": [{"id": t, "keypair": f"{t}.json", "interval": 0.5, "source": src}
                  for t, (_, src) in sources.items()]}, tmp_path)
    log_lines: list[str] = []

    class Sink:
        def write(self, s):
            log_lines.append(s)

        def flush(self):
            pass

    gw = Gateway(cfg, chain=chain, gateway_key=platform.api_gateway, log=EventLog("json", Sink()))
    q = ReadingQueue(cfg.queue)
    stop_clock = threading.Event()
    try:
        gw.start()
        wait_for(lambda: all(q.baseline(t) for t in sources), 30, "a baseline sample of every meter")
        # value faults after the baseline (a wrong *first* value is indistinguishable from a true one)
        tcp.meter(2).faults.inject("nan", 1)
        tcp.meter(2).faults.inject("rollback", 1)

        def tick():  # the emulated clock: half an hour of household per 0.3 s (the day passes in seconds)
            while not stop_clock.wait(0.3):
                for e in emulators:
                    e.advance(1800)

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        wait_for(lambda: all(len(q.readings(t)) >= 6 for t in sources), 60, "six readings per meter")
        port_ = gw.http.server_address[1]
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port_}/metrics", timeout=5).read().decode()
        health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port_}/healthz", timeout=5).read())
        stop_clock.set()
        ticker.join()
        final = {t: (m.import_wh, m.export_wh) for t, (m, _) in sources.items()}
        # the gateway reads the final registers, cuts the last interval and delivers everything
        wait_for(lambda: all(q.readings(t) and (q.readings(t)[-1].import_wh, q.readings(t)[-1].export_wh) == final[t]
                             for t in sources) and q.depth() == 0, 60, "the final registers delivered")
    finally:
        stop_clock.set()
        gw.stop()
        for e in emulators:
            e.stop()

    assert health["status"] == "ok" and health["rpc_up"] is True
    for t in sources:
        assert f'gtx_meter_readings_submitted_total{{meter="{t}"}}' in metrics
    assert "gtx_gateway_queue_depth" in metrics
    for t, (meter, _) in sources.items():
        acc = onchain.decode_meter(chain.account_data(onchain.meter_account(onchain_id(t))), b"")
        readings = q.readings(t)
        assert all(r.state == DELIVERED for r in readings), [(r.seq, r.state, r.outcome, r.produced, r.consumed)
                                                             for r in readings if r.state != DELIVERED]
        assert q.baseline(t).first_import_wh == INITIAL_IMPORT and q.baseline(t).first_export_wh == INITIAL_EXPORT
        assert acc.total_consumption == meter.import_wh - INITIAL_IMPORT, t
        assert acc.total_generation == meter.export_wh - INITIAL_EXPORT, t
        assert acc.total_consumption > 0 and acc.total_generation > 0, t  # the profile ran through day and evening
        assert acc.reading_count == len(readings)
    cfg_on_chain = platform.fetch_oracle_config()
    assert cfg_on_chain.rejected_readings == 0
    assert cfg_on_chain.valid_readings == sum(len(q.readings(t)) for t in sources)
    # the injected faults were seen and counted, not turned into energy
    assert gw.counters.source_errors[("tcp-sdm630", "invalid")] == 2
    events = [json.loads(line)["event"] for line in log_lines]
    assert "reading_queued" in events and "reading_delivered" in events and "source_error" in events


def onchain_id(text_id: str) -> bytes:
    return text_id.encode().ljust(32, b"\0")
