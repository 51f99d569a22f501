"""The meter gateway installed from a wheel, as on a Raspberry Pi: `pip wheel` of this checkout, then
`pip install gridtokenx-cli[gateway]` into a fresh venv outside the checkout (no Anchor.toml, no idl/, no
keys/ anywhere near it), then `gtx meter run` from that venv — with `solders.litesvm` unimportable, as on
aarch64 — reading emulated Modbus TCP meters and delivering to a local solana-test-validator. Every reading
must land exactly once (program ids, IDLs and error tables come from the wheel's package data)."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridtokenx_cli.testing.meter_rig import Rig, wait_for  # noqa: E402
from gridtokenx_cli.meter.queue import DELIVERED
from gridtokenx_cli.testing.validator import needs_validator  # noqa: E402

pytestmark = needs_validator
ROOT = Path(__file__).resolve().parents[2]
NO_LITESVM = "import sys; sys.modules['solders.litesvm'] = None; from gridtokenx_cli.cli import main; main()"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, timeout=600)
    [built] = dist.glob("gridtokenx_cli-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory, wheel) -> Path:
    """A venv with the wheel and its [gateway] extra only (not the test, bench or build extras)."""
    base = tmp_path_factory.mktemp("wheel")
    built = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True, timeout=300)
    subprocess.run([str(base / "venv" / "bin" / "pip"), "install", "-q", f"{wheel}[gateway]"], check=True,
                   timeout=900, cwd=base)
    print(f"\nwheel installed with [gateway] in {time.monotonic() - built:.1f} s")
    return base / "venv"


def test_install_gateway_script(wheel, tmp_path):
    """scripts/install-gateway.sh into a prefix (no systemd, no user here): a venv with the gateway, a config
    skeleton that `gtx meter run` reads and refuses until meters are listed (exit 2 naming [[meter]])."""
    etc, var, prefix = tmp_path / "etc", tmp_path / "var", tmp_path / "opt"
    r = subprocess.run(["bash", str(ROOT / "scripts" / "install-gateway.sh"), "--prefix", str(prefix), "--config-dir",
                        str(etc), "--state-dir", str(var), "--no-systemd", "--no-user", str(wheel)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    assert "installed gtx 0.1.0" in r.stdout and "next:" in r.stdout
    assert (etc / "gateway.toml").stat().st_mode & 0o777 == 0o640
    run = subprocess.run([str(prefix / ".venv" / "bin" / "gtx"), "meter", "run", "--config", str(etc / "gateway.toml")],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 2 and "[[meter]]" in run.stderr, run.stderr
    again = subprocess.run(["bash", str(ROOT / "scripts" / "install-gateway.sh"), "--prefix", str(prefix),
                            "--config-dir", str(etc), "--state-dir", str(var), "--no-systemd", "--no-user",
                            str(wheel)], capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr  # idempotent; the config is kept
    missing = subprocess.run(["bash", str(ROOT / "scripts" / "install-gateway.sh"), str(tmp_path / "none.whl")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "WHEEL:" in missing.stderr


def run_in_venv(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "python"), "-c", NO_LITESVM, *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_the_wheel_carries_the_program_facts_and_only_the_gateway_dependencies(wheel_venv, tmp_path):
    py = str(wheel_venv / "bin" / "python")
    code = ("import importlib.util as u, gridtokenx_cli, gridtokenx_cli.idls as i; "
            "print(gridtokenx_cli.__file__); print(i.available()); print(i.legacy_idl('oracle')['name']); "
            "print([m for m in ('matplotlib', 'psycopg', 'elftools', 'pytest') if u.find_spec(m)])")
    r = subprocess.run([py, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    location, programs, oracle, extras = r.stdout.splitlines()
    assert str(ROOT) not in location and "site-packages" in location
    assert programs == str(["governance", "energy_token", "registry", "oracle", "trading", "blockbench", "tpc"])
    assert oracle == "oracle" and extras == "[]"
    version = run_in_venv(wheel_venv, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("gtx "), version.stderr
    # the CLI's program commands load on the rpc backend without LiteSVM
    for group in ("trade", "registry", "oracle", "status"):
        r = run_in_venv(wheel_venv, group, "--help", cwd=tmp_path)
        assert r.returncode == 0, (group, r.stderr)


class WheelRig(Rig):
    """The validator rig, with the daemon run by the wheel's venv from a directory with no checkout files."""

    def __init__(self, root: Path, rpc_port: int, venv: Path):
        super().__init__(root, rpc_port)
        self.venv = venv
        assert not (root / "Anchor.toml").exists() and not (root / "idl").exists()

    def start_daemon(self) -> subprocess.Popen:
        self.proc = subprocess.Popen([str(self.venv / "bin" / "python"), "-c", NO_LITESVM, "meter", "run",
                                      "--config", str(self.config)], stdout=self.log, stderr=self.log,
                                     cwd=self.root, start_new_session=True, env={"PATH": "/usr/bin:/bin"})
        return self.proc


def test_gateway_from_the_wheel_delivers_every_reading_exactly_once(wheel_venv, tmp_path):
    rig = WheelRig(tmp_path, 19500, wheel_venv)
    try:
        rig.start_daemon()
        q = rig.queue()
        wait_for(lambda: all(q.baseline(t) for t in rig.ids), 90, "baselines")
        rig.start_clock()
        wait_for(lambda: sum(1 for r in q.readings() if r.state == DELIVERED) >= 3 * len(rig.ids), 180,
                 "deliveries")
        assert rig.proc.poll() is None, (tmp_path / "gateway.log").read_text()[-3000:]
        rig.stop_clock()
        rig.wait_drained_to(rig.final_registers(), 300)
        assert rig.kill_daemon(signal.SIGTERM) == 0
        q.close()
        figures = rig.assert_exactly_once()
        assert figures["readings"] >= 3 * len(rig.ids)
        print(f"\nwheel gateway: {figures}")
    finally:
        rig.close()
