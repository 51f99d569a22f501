"""`gtx meter …` commands, and the daemon as a process under a (real, socket-level) systemd notify protocol with its
RPC unreachable: READY=1 and WATCHDOG=1 arrive, readings queue up, /healthz and /metrics say so, SIGTERM exits 0."""
from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request

from solders.keypair import Keypair
from typer.testing import CliRunner

from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.meter.emulator import start_emulator
from gridtokenx_cli.meter.queue import ReadingQueue
from gridtokenx_cli.meter.signing import load_keypair_file, sign_reading, write_keypair_file
from gridtokenx_cli.meter.sources.base import MeterSample

runner = CliRunner()


def gtx(*args):
    return runner.invoke(app, hoist_global_options(list(args)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_meter_keys_writes_a_private_keypair_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "m.json"
    out = gtx("meter", "keys", str(path), "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["meter_pubkey"] == str(load_keypair_file(path).pubkey())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = gtx("meter", "keys", str(path))
    assert again.exit_code == 2 and "PATH" in again.output and "--force" in again.output
    assert str(load_keypair_file(path).pubkey()) == data["meter_pubkey"]  # untouched
    assert gtx("meter", "keys", str(path), "--force").exit_code == 0
    assert str(load_keypair_file(path).pubkey()) != data["meter_pubkey"]


def write_config(tmp_path, rpc_url: str, http_port: int, source: dict, gateway_key=True) -> object:
    if gateway_key:
        write_keypair_file(tmp_path / "gw.json", Keypair())
    write_keypair_file(tmp_path / "m1.json", Keypair())
    src = ", ".join(f"{k} = {json.dumps(v)}" for k, v in source.items())
    cfg = tmp_path / "gateway.toml"
    cfg.write_text(f'[gateway]\nrpc_url = "{rpc_url}"\nkeypair = "gw.json"\nqueue = "q.sqlite"\n'
                   f'listen = "127.0.0.1:{http_port}"\nmin_reading_interval = 1\nbackoff_max = 1\n'
                   f'[[meter]]\nid = "cli-m1"\nkeypair = "m1.json"\ninterval = 0.5\nsource = {{ {src} }}\n')
    return cfg


def test_meter_run_usage_errors_name_the_key(tmp_path):
    missing = gtx("meter", "run", "--config", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and "--config" in missing.output
    cfg = write_config(tmp_path, "http://127.0.0.1:1", 9, {"kind": "modbus-tcp"}, gateway_key=False)
    no_key = gtx("meter", "run", "--config", str(cfg))
    assert no_key.exit_code == 2 and "gateway.keypair" in no_key.output and "gtx meter keys" in no_key.output
    cfg.write_text(cfg.read_text().replace('id = "cli-m1"', 'id = "' + "x" * 40 + '"'))
    long_id = gtx("meter", "run", "--config", str(cfg))
    assert long_id.exit_code == 2 and "meter[0].id" in long_id.output
    status = gtx("meter", "status", "--config", str(cfg))
    assert status.exit_code == 2


def test_meter_status_reports_the_queue(tmp_path):
    cfg = write_config(tmp_path, "http://127.0.0.1:1", free_port(), {"kind": "modbus-tcp"})
    q = ReadingQueue(tmp_path / "q.sqlite")
    key = load_keypair_file(tmp_path / "m1.json")
    mid = b"cli-m1".ljust(32, b"\0")
    sign = lambda p, c, ts: sign_reading(key, mid, p, c, ts)  # noqa: E731
    for i in range(4):
        q.record_sample("cli-m1", MeterSample(100 + i, 50 + 2 * i, 1_000 + i), sign)
    first, second, _ = q.readings("cli-m1")
    q.mark_delivered(first.id, "confirmed")
    q.mark_rejected(second.id, "ReadingRejected:OutOfRange")
    out = gtx("meter", "status", "--config", str(cfg), "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["daemon"] == "not running" and data["queue_depth"] == 1
    (m,) = data["meters"]
    assert (m["meter"], m["queued"], m["delivered"], m["rejected"], m["last_rejection"]) == \
        ("cli-m1", 1, 1, 1, "ReadingRejected:OutOfRange")
    assert m["delivered_produced_wh"] == 2 and m["delivered_consumed_wh"] == 1
    table = gtx("meter", "status", "--config", str(cfg))
    assert table.exit_code == 0 and "cli-m1" in table.output and "OutOfRange" in table.output


def test_daemon_notifies_systemd_queues_while_rpc_is_down_and_stops_cleanly(tmp_path):
    emulator = start_emulator("modbus-tcp", ["sdm120"], [1], "127.0.0.1:0", seed=3, time_scale=600)
    host, port = emulator.address.rsplit(":", 1)
    http_port = free_port()
    dead_rpc = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    cfg = write_config(tmp_path, dead_rpc, http_port,
                       {"kind": "modbus-tcp", "host": host, "port": int(port), "device": "sdm120", "unit": 1})
    notify_path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify_path)
    sock.settimeout(20)
    env = {**os.environ, "NOTIFY_SOCKET": notify_path, "WATCHDOG_USEC": "1000000"}
    code = "import sys; sys.modules['solders.litesvm'] = None; from gridtokenx_cli.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "meter", "run", "--config", str(cfg)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        messages = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and messages.count("WATCHDOG=1") < 2:
            messages.append(sock.recv(256).decode())
        assert messages[0] == "READY=1" and messages.count("WATCHDOG=1") >= 2, messages
        q = ReadingQueue(tmp_path / "q.sqlite")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and q.depth() < 3:
            time.sleep(0.2)
        assert q.depth() >= 3  # queued although the chain is unreachable
        health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{http_port}/healthz", timeout=5).read())
        assert health["status"] == "ok" and health["rpc_up"] is False and health["queue_depth"] >= 3
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=5).read().decode()
        assert "gtx_gateway_rpc_up 0" in metrics
        assert 'gtx_meter_readings_submitted_total{meter="cli-m1"} 0' in metrics
        read = [line for line in metrics.splitlines() if line.startswith('gtx_meter_readings_read_total{meter="cli-m1"}')]
        assert read and float(read[0].split()[-1]) >= 4
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        events = [json.loads(line)["event"] for line in proc.stderr.read().decode().splitlines()
                  if line.startswith("{")]
        assert events[0] == "gateway_started" and "rpc_unavailable" in events and events[-1] == "gateway_stopped"
        assert "reading_queued" in events
        q.close()
    finally:
        if proc.poll() is None:
            proc.kill()
        emulator.stop()
        sock.close()
