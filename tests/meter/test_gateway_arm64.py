"""The meter gateway on arm64, as on a Raspberry Pi: an arm64 Debian bookworm root (scripts/arm64-root.sh, qemu-user
through binfmt_misc, cached outside the repo) gets a venv with this checkout's wheel and its [gateway] extra
(aarch64 wheels from the index: solders there has no LiteSVM), and runs `gtx meter run` inside the root against
emulated Modbus TCP meters and a solana-test-validator on the host (same loopback). Every reading must land
exactly once. Prints the install time and the daemon's peak RSS and CPU per delivered reading under emulation
(docs/meter-gateway.md records them).

Needs root (chroot, mounts); skipped, naming why, when this machine cannot run arm64 binaries."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridtokenx_cli.meter.queue import DELIVERED
from gridtokenx_cli.testing.meter_rig import Rig, wait_for  # noqa: E402
from gridtokenx_cli.testing.validator import needs_validator  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "arm64-root.sh"
CACHE = Path(os.environ.get("GTX_CACHE_DIR") or Path.home() / ".cache" / "gridtokenx")
VENV_IN_ROOT = "/opt/gtx-venv"

pytestmark = [needs_validator,
              pytest.mark.skipif(os.geteuid() != 0, reason="the arm64 root needs root (chroot and mounts)")]


def arm64(*args: str, binds: dict[Path, str] = {}, workdir: str | None = None,  # noqa: B006 - read only
          timeout: float = 1800) -> subprocess.CompletedProcess:
    cmd = ["bash", str(SCRIPT)]
    for src, dest in binds.items():
        cmd += ["--bind", f"{src}:{dest}"]
    if workdir:
        cmd += ["--workdir", workdir]
    return subprocess.run([*cmd, "--run", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def arm64_root() -> Path:
    started = time.monotonic()
    r = subprocess.run(["bash", str(SCRIPT), "--print-root"], capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        pytest.fail(f"scripts/arm64-root.sh failed:\n{r.stderr[-3000:]}")
    print(f"\narm64 root ready in {time.monotonic() - started:.1f} s: {r.stdout.strip()}")
    return Path(r.stdout.strip())


@pytest.fixture(scope="module")
def arm64_venv(arm64_root, tmp_path_factory) -> Path:
    """A venv for the root, kept in the cache (keyed by the root and the dependency pins), with this checkout's
    wheel installed fresh each time."""
    pins = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]
    venv = CACHE / f"arm64-venv-{arm64_root.name}-{pins}"
    stamp = venv / ".gtx-complete"
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, timeout=600)
    [wheel] = dist.glob("gridtokenx_cli-*.whl")
    binds = {venv: VENV_IN_ROOT, dist: "/wheels"}
    started = time.monotonic()
    if not stamp.exists():
        subprocess.run(["rm", "-rf", str(venv)], check=True)
        venv.mkdir(parents=True)
        r = arm64("python3", "-m", "venv", VENV_IN_ROOT, binds=binds)
        assert r.returncode == 0, r.stderr
        r = arm64(f"{VENV_IN_ROOT}/bin/pip", "install", "-q", f"/wheels/{wheel.name}[gateway]", binds=binds)
        assert r.returncode == 0, r.stderr[-3000:]
        stamp.write_text("complete\n")
    else:
        r = arm64(f"{VENV_IN_ROOT}/bin/pip", "install", "-q", "--no-deps", "--force-reinstall",
                  f"/wheels/{wheel.name}", binds=binds)
        assert r.returncode == 0, r.stderr[-3000:]
    print(f"\narm64 venv: wheel installed in {time.monotonic() - started:.1f} s ({venv})")
    return venv


def test_the_arm64_gateway_has_no_litesvm_and_reads_the_packaged_facts(arm64_venv, tmp_path):
    code = ("import platform, gridtokenx_cli.idls as i\n"
            "try:\n    import solders.litesvm\n    print('litesvm')\nexcept ImportError:\n    print('no litesvm')\n"
            "print(platform.machine()); print(i.generated_program_id('oracle'))")
    r = arm64(f"{VENV_IN_ROOT}/bin/python", "-c", code, binds={arm64_venv: VENV_IN_ROOT}, timeout=600)
    assert r.returncode == 0, r.stderr
    litesvm, machine, oracle = r.stdout.splitlines()[-3:]
    assert (litesvm, machine) == ("no litesvm", "aarch64")
    from gridtokenx_cli import idls

    assert oracle == str(idls.generated_program_id("oracle"))


class Arm64Rig(Rig):
    """The validator rig, with the daemon run inside the arm64 root (the work directory bound at /work)."""

    def __init__(self, root: Path, rpc_port: int, venv: Path):
        super().__init__(root, rpc_port)
        self.venv = venv

    def start_daemon(self) -> subprocess.Popen:
        cmd = ["bash", str(SCRIPT), "--bind", f"{self.venv}:{VENV_IN_ROOT}", "--bind", f"{self.root}:/work",
               "--workdir", "/work", "--run", f"{VENV_IN_ROOT}/bin/gtx", "meter", "run", "--config",
               "/work/gateway.toml"]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log, start_new_session=True)
        return self.proc

    def kill_daemon(self, sig=signal.SIGKILL) -> int:
        os.killpg(self.proc.pid, sig)
        return self.proc.wait(timeout=120)

    def daemon_usage(self) -> tuple[int, float]:
        """(peak RSS in kB, CPU seconds) of the process group's emulated Python (qemu runs it as a host process)."""
        peak, cpu, tick = 0, 0.0, os.sysconf("SC_CLK_TCK")
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            if int(stat[3]) != self.proc.pid:  # process group
                continue
            if "python" not in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                continue
            hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
            peak = max(peak, hwm)
            cpu += (int(stat[11]) + int(stat[12])) / tick
        return peak, cpu


def test_gateway_on_arm64_delivers_every_reading_exactly_once(arm64_venv, tmp_path):
    rig = Arm64Rig(tmp_path, 19600, arm64_venv)
    try:
        started = time.monotonic()
        rig.start_daemon()
        q = rig.queue()
        wait_for(lambda: all(q.baseline(t) for t in rig.ids), 300, "baselines (arm64, emulated)")
        ready = time.monotonic() - started
        rig.start_clock()
        wait_for(lambda: sum(1 for r in q.readings() if r.state == DELIVERED) >= 3 * len(rig.ids), 600,
                 "deliveries from the arm64 gateway")
        assert rig.proc.poll() is None, (tmp_path / "gateway.log").read_text()[-3000:]
        rig.stop_clock()
        rig.wait_drained_to(rig.final_registers(), 600)
        rss_kb, cpu = rig.daemon_usage()
        assert rig.kill_daemon(signal.SIGTERM) in (0, 143)
        q.close()
        figures = rig.assert_exactly_once()
        assert figures["readings"] >= 3 * len(rig.ids)
        print(f"\narm64 gateway (qemu-user): first baselines after {ready:.1f} s, {figures['readings']} readings, "
              f"peak RSS {rss_kb / 1024:.1f} MiB, CPU {cpu:.1f} s = {cpu / figures['readings']:.2f} s per reading")
    finally:
        rig.close()
