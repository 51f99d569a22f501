"""A local solana-test-validator on loopback: start (waiting for health), stop, status, logs, reset.

State lives in the workspace under .gtx/localnet/: the ledger, validator.pid and validator.log. The binary comes
from $GTX_VALIDATOR, else the cache that scripts/install-validator.sh fills, else PATH.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .chain.workspace import REPO_ROOT, Workspace
from .toolchain.native_programs import NATIVE_PROGRAMS

DEFAULT_RPC_PORT = 8899
# SIMD-0500 `disable_sbpf_v0_v1_v2_deployment`: active by default, as on clusters that adopted it; programs built
# with `gtx build --sbpf v0` deploy only on a validator started with `--deactivate-feature` naming it
SBPF_V0_DEPLOYMENT_GATE = "B8JJXCy5amZyWG9r7EnUYLwzXSXTxG7GZ1qZ1qggo83g"
VALIDATOR_VERSION = "4.2.2"
PROGRAM_METADATA_NAME = "program_metadata"
PROGRAM_METADATA_ID = NATIVE_PROGRAMS[PROGRAM_METADATA_NAME]


class LocalnetError(Exception):
    pass


def validator_binary() -> Path:
    explicit = os.environ.get("GTX_VALIDATOR")
    if explicit:
        if not Path(explicit).is_file():
            raise LocalnetError(f"GTX_VALIDATOR={explicit} does not exist; unset it or run scripts/install-validator.sh")
        return Path(explicit)
    cache = Path(os.environ.get("GTX_CACHE_DIR") or Path.home() / ".cache" / "gridtokenx")
    # scripts/install-validator.sh's default build (opt-level 1, see README), then an opt-level 3 build if present
    for build in ("release-o1", "release", ""):
        candidate = cache / f"validator-{VALIDATOR_VERSION}{'-' + build if build else ''}" / "bin" / "solana-test-validator"
        if candidate.exists():
            return candidate
    found = shutil.which("solana-test-validator")
    if found:
        return Path(found)
    raise LocalnetError("solana-test-validator not found: run scripts/install-validator.sh (builds it from "
                        "crates.io and caches it) or set GTX_VALIDATOR")


def rpc_call(url: str, method: str, params: list | None = None, timeout: float = 2.0):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        reply = json.loads(resp.read())
    if "error" in reply:
        raise LocalnetError(f"{method}: {reply['error']}")
    return reply["result"]


def _running(pid: int) -> bool:
    """Alive and not a zombie: a validator started by this process stays a zombie until reaped, so `os.kill(pid, 0)`
    alone would make `down` wait out its whole timeout after the validator has already exited."""
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our exited child
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


@dataclass
class Localnet:
    root: Path = REPO_ROOT / ".gtx" / "localnet"
    rpc_port: int = DEFAULT_RPC_PORT

    @property
    def ledger(self) -> Path:
        return self.root / "ledger"

    @property
    def pid_file(self) -> Path:
        return self.root / "validator.pid"

    @property
    def log_file(self) -> Path:
        return self.root / "validator.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rpc_port}"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _running(pid) else None

    def healthy(self) -> bool:
        try:
            return rpc_call(self.url, "getHealth") == "ok"
        except (OSError, urllib.error.URLError, LocalnetError, ValueError):
            return False

    def up(self, *, genesis_programs: dict[str, tuple[Path, str]] | None = None, timeout: float = 120.0,
           reset: bool = False, deactivate_features: list[str] | tuple[str, ...] = ()) -> int:
        """Start the validator (idempotent). genesis_programs: name -> (.so path, upgrade authority pubkey),
        loaded with --upgradeable-program for a fast start without deploying. Every feature is active unless
        `deactivate_features` names it (a new genesis only)."""
        existing = self.pid()
        if existing and self.healthy():
            if genesis_programs:
                raise LocalnetError(f"a validator (pid {existing}) already runs; programs load only into a new "
                                    f"genesis: `gtx localnet down` first, then up with --reset")
            return existing
        if existing:
            raise LocalnetError(f"a validator (pid {existing}) is running but not healthy; `gtx localnet down` first")
        if self.healthy():  # someone else's node on our port would pass every health check below
            raise LocalnetError(f"{self.url} already answers, but not from a validator started in {self.root}; "
                                f"stop it or use another port (GTX_LOCALNET_PORT)")
        self.root.mkdir(parents=True, exist_ok=True)
        args = [str(validator_binary()), "--ledger", str(self.ledger), "--bind-address", "127.0.0.1",
                "--rpc-port", str(self.rpc_port), "--faucet-port", str(self.rpc_port + 1001), "--quiet"]
        if self.rpc_port != DEFAULT_RPC_PORT:  # a second validator: keep clear of the default's gossip/TPU ports
            args += ["--gossip-port", str(self.rpc_port + 2),
                     "--dynamic-port-range", f"{self.rpc_port + 3}-{self.rpc_port + 32}"]  # agave's minimum: 26
        if reset:
            args.append("--reset")
        for feature in deactivate_features:
            args += ["--deactivate-feature", feature]
        ws = Workspace.load()
        for name, (so, authority) in (genesis_programs or {}).items():
            args += ["--upgradeable-program", str(ws.program_id(name)), str(so), authority]
        args += self.program_metadata_args(ws, new_genesis=reset or not self.ledger.exists())
        log = open(self.log_file, "ab")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=self.root, start_new_session=True)
        self.pid_file.write_text(str(proc.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise LocalnetError(f"validator exited with {proc.returncode}; see {self.log_file}:\n"
                                    + self.tail(20))
            if self.healthy():
                return proc.pid
            time.sleep(0.5)
        self.down()
        raise LocalnetError(f"validator not healthy after {timeout:.0f} s; see {self.log_file}")

    @staticmethod
    def program_metadata_args(ws: Workspace, *, new_genesis: bool) -> list[str]:
        """Our Program Metadata program (where Anchor 1.x keeps IDLs; the validator does not bundle one) at its
        canonical address, when it is built: no keypair exists for that address, so it only enters at genesis."""
        so = ws.so_path(PROGRAM_METADATA_NAME)
        if not new_genesis or not so.exists():
            return []
        return ["--bpf-program", PROGRAM_METADATA_ID, str(so)]

    def down(self, timeout: float = 30.0) -> bool:
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.2)
        if self.pid() is not None:
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def reset(self) -> None:
        self.down()
        shutil.rmtree(self.ledger, ignore_errors=True)

    def status(self) -> dict:
        info: dict = {"url": self.url, "pid": self.pid(), "ledger": str(self.ledger), "healthy": self.healthy()}
        if info["healthy"]:
            info["slot"] = rpc_call(self.url, "getSlot")
            info["version"] = rpc_call(self.url, "getVersion").get("solana-core")
            ws = Workspace.load()
            programs = {}
            for name, pid in sorted(ws.program_ids.items()):
                acc = rpc_call(self.url, "getAccountInfo", [str(pid), {"encoding": "base64"}])["value"]
                programs[name] = bool(acc and acc.get("executable"))
            info["programs"] = programs
        return info

    def tail(self, lines: int = 50) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
