"""A validator, a bootstrapped platform, emulated Modbus TCP meters on a running clock and a gateway.toml: the rig the
gateway's process tests (crash safety, outage, the wheel and arm64 installs) run the daemon against."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from solders.keypair import Keypair

from gridtokenx_cli.chain.workspace import Workspace
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.localnet import Localnet
from gridtokenx_cli.meter import onchain
from gridtokenx_cli.meter.emulator import start_emulator
from gridtokenx_cli.meter.provision import provision
from gridtokenx_cli.meter.queue import DELIVERED, ReadingQueue
from gridtokenx_cli.meter.signing import write_keypair_file
from gridtokenx_cli.platform import PROGRAMS
from gridtokenx_cli.testing.svm_lite import program_so


INITIAL_IMPORT, INITIAL_EXPORT = 1_234_567, 345_678
# the daemon must run where solders has no litesvm (aarch64 wheels): make it unimportable, then run `gtx`
NO_LITESVM_GTX = ("import sys; sys.modules['solders.litesvm'] = None; "
                  "from gridtokenx_cli.cli import main; main()")


def wait_for(predicate, timeout: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Rig:
    """A validator, a bootstrapped platform, emulated meters on a running clock and a gateway.toml."""

    def __init__(self, root: Path, rpc_port: int, meters: int = 3):
        from gridtokenx_cli.chain.rpc import RpcChain

        for name in PROGRAMS:
            program_so(name)
        self.root = root
        ws = Workspace.load()
        boot = str(gov.bootstrap_keypair().pubkey())
        self.localnet = Localnet(root=root / "localnet", rpc_port=rpc_port)
        self.localnet.up(reset=True, genesis_programs={n: (ws.so_path(n), boot) for n in PROGRAMS})
        self.chain = RpcChain(self.localnet.url)
        self.ids = [f"vm-{i}" for i in range(1, meters + 1)]
        keys = {t: Keypair() for t in self.ids}
        self.platform = provision(self.chain, list(keys.items()), min_reading_interval=5, lenient=True)
        for t, k in keys.items():
            write_keypair_file(root / f"{t}.json", k)
        write_keypair_file(root / "gateway.json", self.platform.api_gateway)
        self.emulator = start_emulator("modbus-tcp", ["sdm120"], list(range(1, meters + 1)), "127.0.0.1:0",
                                       seed=11, time_scale=0)
        host, port = self.emulator.address.rsplit(":", 1)
        self.http_port = rpc_port + 900
        lines = ["[gateway]", f'rpc_url = "{self.localnet.url}"', 'keypair = "gateway.json"',
                 'queue = "queue.sqlite"', f'listen = "127.0.0.1:{self.http_port}"', "confirm_timeout = 10",
                 "backoff_initial = 0.2", "backoff_max = 3", "submit_idle = 0.1"]
        for i, t in enumerate(self.ids, start=1):
            lines += ["[[meter]]", f'id = "{t}"', f'keypair = "{t}.json"', "interval = 5",
                      f'source = {{ kind = "modbus-tcp", host = "{host}", port = {port}, device = "sdm120", '
                      f'unit = {i} }}']
        self.config = root / "gateway.toml"
        self.config.write_text("\n".join(lines) + "\n")
        self.log = open(root / "gateway.log", "ab")
        self.proc: subprocess.Popen | None = None
        self._clock_stop = threading.Event()
        self._clock: threading.Thread | None = None
        self._emulator_stopped = False

    def start_clock(self, emulated_per_tick: float = 600, tick: float = 0.5) -> None:
        def run():
            while not self._clock_stop.wait(tick):
                self.emulator.advance(emulated_per_tick)

        self._clock = threading.Thread(target=run, daemon=True)
        self._clock.start()

    def stop_clock(self) -> None:
        self._clock_stop.set()
        if self._clock:
            self._clock.join()

    def start_daemon(self) -> subprocess.Popen:
        self.proc = subprocess.Popen([sys.executable, "-c", NO_LITESVM_GTX, "meter", "run", "--config",
                                      str(self.config)], stdout=self.log, stderr=self.log, cwd=self.root,
                                     start_new_session=True)
        return self.proc

    def kill_daemon(self, sig=signal.SIGKILL) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/healthz", timeout=2) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return json.loads(e.read())
        except OSError:
            return None

    def queue(self) -> ReadingQueue:
        return ReadingQueue(self.root / "queue.sqlite")

    def final_registers(self) -> dict[str, tuple[int, int]]:
        return {t: (self.emulator.meter(i).import_wh, self.emulator.meter(i).export_wh)
                for i, t in enumerate(self.ids, start=1)}

    def wait_drained_to(self, final: dict, timeout: float) -> None:
        """Wait until the final registers are queued, take the meters offline (so no further zero-energy readings
        are cut while the backlog drains: on a loaded 2-core machine confirmation is slower than production), then
        wait until everything is delivered."""
        q = self.queue()
        try:
            def queued():
                for t, regs in final.items():
                    rs = q.readings(t)
                    if not rs or (rs[-1].import_wh, rs[-1].export_wh) != regs:
                        return False
                return True
            wait_for(queued, 60, "every final register queued")
            self.stop_emulator()
            wait_for(lambda: q.depth() == 0, timeout, "the queue drained")
        finally:
            q.close()

    def stop_emulator(self) -> None:
        if not self._emulator_stopped:
            self._emulator_stopped = True
            self.emulator.stop()

    def assert_exactly_once(self) -> dict:
        q = self.queue()
        delivered_total = 0
        how = {"confirmed": 0, "on-chain": 0}
        for t in self.ids:
            readings = q.readings(t)
            assert all(r.state == DELIVERED for r in readings), [(r.seq, r.state, r.outcome) for r in readings
                                                                 if r.state != DELIVERED]
            for r in readings:
                how[r.outcome] += 1
            base = q.baseline(t)
            assert (base.first_import_wh, base.first_export_wh) == (INITIAL_IMPORT, INITIAL_EXPORT)
            acc = onchain.decode_meter(self.chain.account_data(onchain.meter_account(onchain_id(t))), b"")
            imp, exp = self.final_registers()[t]
            assert (acc.total_consumption, acc.total_generation) == (imp - INITIAL_IMPORT, exp - INITIAL_EXPORT), t
            assert acc.reading_count == len(readings), t
            # consecutive readings tile the registers: no gap, no overlap
            prev_i, prev_e = INITIAL_IMPORT, INITIAL_EXPORT
            for r in readings:
                assert (r.consumed, r.produced) == (r.import_wh - prev_i, r.export_wh - prev_e)
                prev_i, prev_e = r.import_wh, r.export_wh
            delivered_total += len(readings)
        q.close()
        cfg = self.platform.fetch_oracle_config()
        # nothing was ever submitted twice: a duplicate would have been recorded as Backdated
        assert (cfg.total_readings, cfg.valid_readings, cfg.rejected_readings) == (delivered_total,) * 2 + (0,)
        return {"readings": delivered_total, **how}

    def close(self) -> None:
        self.stop_clock()
        if self.proc and self.proc.poll() is None:
            self.kill_daemon(signal.SIGTERM)
        self.stop_emulator()
        self.chain.close()
        self.localnet.down()
        self.log.close()


def onchain_id(text_id: str) -> bytes:
    return text_id.encode().ljust(32, b"\0")
