"""A permissioned multi-validator cluster on this machine: N agave-validator processes (2-4) that share one genesis
in which each is a staked validator of equal stake (a consortium's proof-of-authority set), PoH in sleep mode.

State under .gtx/cluster/ (or any root): cluster.json (the layout), faucet.json, genesis/ (solana-genesis' output),
node-K/ (identity/vote/stake keypairs, ledger/, validator.log, validator.pid), helper.pid/helper.log (the faucet
that serves requestAirdrop, and in netns mode the loopback forwarders to each node's RPC).

Two network modes:

* loopback: every node binds 127.0.0.1 with its own ports;
* netns (`latency=` given, root with CAP_NET_ADMIN): every node runs in its own network namespace, attached by a
  veth pair to a bridge whose host side holds 10.77.X.1 (X = base port / 100 mod 256); node K is 10.77.X.(K+2).
  The delay/jitter/loss is a netem qdisc on each node's veth (so every packet a node sends is delayed: node-to-node
  round trips see twice the delay). Each node's RPC (and its websocket port) is also forwarded from
  127.0.0.1:<port>, so `-u http://127.0.0.1:PORT` works in both modes. `down` deletes every namespace, veth and the
  bridge it made.

Binaries: `agave_binaries()` is the one place they are looked up (scripts/install-validator.sh --cluster builds or
seeds them).
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .chain.workspace import REPO_ROOT

AGAVE_VERSION = "4.2.2"
DEFAULT_BASE_PORT = 22000
PORTS_PER_NODE = 50          # rpc, rpc+1 websocket, rpc+2 gossip, rpc+3 .. rpc+43 dynamic range (agave's minimum: 26)
FAUCET_OFFSET = 49           # base + 49: the faucet (inside node 0's block, which leaves it unused)
MAX_NODES = 4
NODE_NICE = 10               # the machine is shared: validators yield to interactive work
STAKE_LAMPORTS = 1_000_000 * 10**9       # per validator, equal
IDENTITY_LAMPORTS = 1_000 * 10**9        # pays the votes
FAUCET_LAMPORTS = 500_000_000 * 10**9
PAYER_LAMPORTS = 1_000_000 * 10**9
SYSTEM_PROGRAM = "11111111111111111111111111111111"
BPF_LOADER_2 = "BPFLoader2111111111111111111111111111111111"
DEFAULT_ROOT = REPO_ROOT / ".gtx" / "cluster"


class ClusterError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------
# binaries

def agave_cache_dirs() -> list[Path]:
    cache = Path(os.environ.get("GTX_CACHE_DIR") or Path.home() / ".cache" / "gridtokenx")
    return [cache / f"agave-{AGAVE_VERSION}-{build}" / "bin" for build in ("release-o1", "release")]


BUILD_HINT = ("scripts/install-validator.sh --cluster  (builds agave-validator, solana-test-validator and "
              f"solana-genesis {AGAVE_VERSION} from crates.io at opt-level 1 into "
              f"~/.cache/gridtokenx/agave-{AGAVE_VERSION}-release-o1/bin, or installs a verified seed; "
              "a cold build took about 70 min on 2 cores)")


def agave_binaries() -> tuple[dict[str, Path] | None, str]:
    """({"agave-validator": path, "solana-genesis": path}, "") or (None, why they are missing and how to get them).
    $GTX_AGAVE_BIN_DIR overrides the cache that `scripts/install-validator.sh --cluster` fills."""
    explicit = os.environ.get("GTX_AGAVE_BIN_DIR")
    dirs = [Path(explicit)] if explicit else agave_cache_dirs()
    wanted = ("agave-validator", "solana-genesis")
    for d in dirs:
        found = {name: d / name for name in wanted}
        if all(p.is_file() and os.access(p, os.X_OK) for p in found.values()):
            return found, ""
    looked = ", ".join(str(d) for d in dirs)
    return None, f"agave-validator and solana-genesis {AGAVE_VERSION} not found in {looked}; build them with: {BUILD_HINT}"


# ---------------------------------------------------------------------------------------------------------------
# the open-file limit agave-validator insists on

AGAVE_NOFILE = 1_000_000  # solana-core resource_limits.rs; agave-validator enforces it (execute.rs: enforce_ulimit_nofile)

NOFILE_SHIM_C = r"""
/* LD_PRELOAD for agave-validator where the hard RLIMIT_NOFILE is below 1,000,000 and cannot be raised (a container
   without CAP_SYS_RESOURCE): a setrlimit(RLIMIT_NOFILE) that fails sets the soft limit to the hard one and reports
   success; getrlimit then reports the requested soft limit. The validator really has the hard limit's descriptors
   (a few thousand are used by a small cluster's node). Written by gridtokenx_cli/cluster.py. */
#define _GNU_SOURCE
#include <dlfcn.h>
#define NOFILE 7 /* RLIMIT_NOFILE on Linux */
struct lim { unsigned long cur, max; }; /* struct rlimit and rlimit64 on 64-bit Linux */
typedef int (*set_fn)(int, const struct lim *);
typedef int (*get_fn)(int, struct lim *);
static unsigned long wanted;
static int set_nofile(const char *name, int res, const struct lim *r) {
  set_fn real = (set_fn)dlsym(RTLD_NEXT, name);
  get_fn get = (get_fn)dlsym(RTLD_NEXT, "getrlimit");
  int rc = real(res, r);
  if (rc != 0 && res == NOFILE) {
    struct lim hard;
    if (get(NOFILE, &hard) == 0) {
      hard.cur = hard.max;
      if (real(NOFILE, &hard) == 0) { wanted = r->cur; return 0; }
    }
  }
  return rc;
}
static int get_nofile(const char *name, int res, struct lim *r) {
  int rc = ((get_fn)dlsym(RTLD_NEXT, name))(res, r);
  if (rc == 0 && res == NOFILE && wanted) { r->cur = wanted; if (r->max < wanted) r->max = wanted; }
  return rc;
}
int setrlimit(int res, const struct lim *r) { return set_nofile("setrlimit", res, r); }
int setrlimit64(int res, const struct lim *r) { return set_nofile("setrlimit64", res, r); }
int getrlimit(int res, struct lim *r) { return get_nofile("getrlimit", res, r); }
int getrlimit64(int res, struct lim *r) { return get_nofile("getrlimit64", res, r); }
"""


def nofile_shim(root: Path) -> tuple[Path | None, str]:
    """(None, "") when agave-validator can raise its open-file limit to 1,000,000 itself; else (the LD_PRELOAD
    library that lets it start, why), compiled into `root` with the system C compiler."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard >= AGAVE_NOFILE:
        return None, ""
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, AGAVE_NOFILE))  # CAP_SYS_RESOURCE may raise it
        return None, ""
    except (ValueError, OSError):
        pass
    why = (f"the hard open-file limit is {hard:,} and this process may not raise it (no CAP_SYS_RESOURCE); "
           f"agave-validator refuses to start below {AGAVE_NOFILE:,}, so it runs with an LD_PRELOAD shim that lets "
           f"its setrlimit succeed at {hard:,}")
    src, lib = root / "nofile-shim.c", root / "nofile-shim.so"
    if not lib.exists():
        src.write_text(NOFILE_SHIM_C)
        cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if cc is None:
            raise ClusterError(f"{why}; but no C compiler (cc) is installed to build it")
        out = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(lib), str(src), "-ldl"], capture_output=True,
                             text=True)
        if out.returncode != 0:
            raise ClusterError(f"{why}; building it failed: {out.stderr.strip()}")
    return lib, why


# ---------------------------------------------------------------------------------------------------------------
# JSON-RPC

def rpc_call(url: str, method: str, params: list | None = None, timeout: float = 3.0):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        reply = json.loads(resp.read())
    if "error" in reply:
        raise ClusterError(f"{method}: {reply['error'].get('message', reply['error'])}")
    return reply["result"]


def _try_rpc(url: str, method: str, params: list | None = None, timeout: float = 3.0):
    try:
        return rpc_call(url, method, params, timeout)
    except (OSError, urllib.error.URLError, ClusterError, ValueError):
        return None


def node_health(url: str) -> str:
    """getHealth's answer: "ok", the node's reason for not being healthy (behind by N slots, unknown), or
    "no answer"."""
    try:
        return str(rpc_call(url, "getHealth", timeout=2))
    except ClusterError as e:
        return str(e).removeprefix("getHealth: ")
    except (OSError, urllib.error.URLError, ValueError):
        return "no answer"


def _running(pid: int | None) -> bool:
    """Alive, or still dying: a killed validator's main thread turns zombie while its other threads are still
    exiting, and until the last one is gone its ledger lock is held (a restart then fails: "Unable to lock …
    ledger directory"). Only a zombie with no other thread left (or no process) counts as stopped."""
    if not pid:
        return False
    try:
        os.waitpid(pid, os.WNOHANG)  # reap our own exited child (returns once its whole thread group is gone)
    except ChildProcessError:
        pass
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    zombie = fields.get("State", "").strip().startswith("Z")
    threads = int(fields.get("Threads", "1").strip() or 1)
    return not (zombie and threads <= 1)


def process_usage(pid: int) -> dict:
    """RSS (MiB) and CPU seconds (user+sys) of a live process, from /proc."""
    try:
        rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if line.startswith("VmRSS:"))
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return {"rss_mib": round(rss_kb / 1024, 1), "cpu_s": round((int(fields[11]) + int(fields[12])) / ticks, 1)}
    except (OSError, StopIteration, ValueError, IndexError):
        return {}


# ---------------------------------------------------------------------------------------------------------------
# network namespaces

def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def netns_support() -> tuple[bool, str]:
    """(True, "") when this process may create network namespaces, bridges and veth pairs, else (False, why)."""
    if shutil.which("ip") is None:
        return False, "the `ip` command (iproute2) is not installed"
    probe = f"gtx-probe-{os.getpid()}"
    try:
        made = _ip("netns", "add", probe, check=False)
        if made.returncode != 0:
            return False, f"`ip netns add` failed ({made.stderr.strip() or made.returncode}): needs root/CAP_SYS_ADMIN"
        veth = _ip("-n", probe, "link", "add", "gtxpa", "type", "veth", "peer", "name", "gtxpb", check=False)
        if veth.returncode != 0:
            return False, f"cannot create a veth pair ({veth.stderr.strip()})"
        return True, ""
    finally:
        _ip("netns", "del", probe, check=False)


def netem_support() -> tuple[bool, str]:
    """(True, "") when the kernel has the netem qdisc (tried on a veth in a throw-away namespace)."""
    if shutil.which("tc") is None:
        return False, "the `tc` command (iproute2) is not installed"
    probe = f"gtx-netem-{os.getpid()}"
    try:
        if _ip("netns", "add", probe, check=False).returncode != 0:
            return False, "no network namespaces"
        _ip("-n", probe, "link", "add", "gtxpa", "type", "veth", "peer", "name", "gtxpb", check=False)
        tried = subprocess.run(["ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev", "gtxpa", "root", "netem",
                                "delay", "1ms"], capture_output=True, text=True)
        if tried.returncode != 0:
            return False, (f"the kernel has no netem qdisc (`tc qdisc add … netem` says: {tried.stderr.strip()}; "
                           "CONFIG_NET_SCH_NETEM is not built in and no module can be loaded)")
        return True, ""
    finally:
        _ip("netns", "del", probe, check=False)


# ---------------------------------------------------------------------------------------------------------------
# layout

@dataclass
class Node:
    index: int
    ip: str
    rpc_port: int
    netns: str | None = None
    identity: str = ""
    vote: str = ""
    stake: str = ""

    @property
    def ws_port(self) -> int:
        return self.rpc_port + 1

    @property
    def gossip_port(self) -> int:
        return self.rpc_port + 2

    @property
    def dynamic_range(self) -> str:
        return f"{self.rpc_port + 3}-{self.rpc_port + 43}"

    @property
    def url(self) -> str:
        """Reachable from the host: loopback in both modes (netns mode forwards it)."""
        return f"http://127.0.0.1:{self.rpc_port}"

    @property
    def name(self) -> str:
        return f"node-{self.index}"


@dataclass
class ClusterLayout:
    nodes: list[Node]
    base_port: int
    mode: str = "loopback"                 # or "netns"
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    loss_pct: float = 0.0
    latency_applied: bool = False
    latency_method: str = ""               # "netem" (kernel qdisc) or "wire" (delay line in the helper process)
    latency_note: str = ""
    genesis_hash: str = ""
    shred_version: int = 0
    faucet: str = ""
    faucet_addr: str = ""
    bridge: str | None = None
    veths: list[str] = field(default_factory=list)
    funded: list[str] = field(default_factory=list)
    created: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> "ClusterLayout":
        raw = json.loads(text)
        raw["nodes"] = [Node(**n) for n in raw["nodes"]]
        return cls(**raw)


def ports_in_use(base_port: int, nodes: int) -> list[int]:
    """The loopback ports a cluster at base_port would need (every node's RPC, websocket and gossip, TCP; gossip
    also UDP; the faucet) that something already holds."""
    import socket

    wanted = [(base_port + FAUCET_OFFSET, socket.SOCK_STREAM)]
    for k in range(nodes):
        rpc = base_port + PORTS_PER_NODE * k
        wanted += [(rpc, socket.SOCK_STREAM), (rpc + 1, socket.SOCK_STREAM), (rpc + 2, socket.SOCK_STREAM),
                   (rpc + 2, socket.SOCK_DGRAM)]
    busy = []
    for port, kind in wanted:
        with socket.socket(socket.AF_INET, kind) as sock:
            if kind == socket.SOCK_STREAM:  # connections in TIME_WAIT from an earlier cluster do not count
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                busy.append(port)
    return sorted(set(busy))


def subnet_octet(base_port: int) -> int:
    return (base_port // 100) % 256


# ---------------------------------------------------------------------------------------------------------------
# the cluster

class Cluster:
    def __init__(self, root: Path = DEFAULT_ROOT, base_port: int = DEFAULT_BASE_PORT):
        self.root = Path(root)
        self.base_port = base_port

    # -- state
    @property
    def layout_file(self) -> Path:
        return self.root / "cluster.json"

    def layout(self) -> ClusterLayout | None:
        try:
            return ClusterLayout.from_json(self.layout_file.read_text())
        except FileNotFoundError:
            return None

    def node_dir(self, k: int) -> Path:
        return self.root / f"node-{k}"

    def node_pid(self, k: int) -> int | None:
        try:
            pid = int((self.node_dir(k) / "validator.pid").read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _running(pid) else None

    def helper_pid(self) -> int | None:
        try:
            pid = int((self.root / "helper.pid").read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _running(pid) else None

    def node(self, k: int) -> Node:
        lay = self._need_layout()
        if not 0 <= k < len(lay.nodes):
            raise ClusterError(f"no node {k}: the cluster has nodes 0..{len(lay.nodes) - 1}")
        return lay.nodes[k]

    def _need_layout(self) -> ClusterLayout:
        lay = self.layout()
        if lay is None:
            raise ClusterError(f"no cluster in {self.root}: `gtx cluster up` first")
        return lay

    STATE = ("cluster.json", "faucet.json", "genesis", "genesis.log", "primordial.yaml", "helper.pid", "helper.log",
             "nofile-shim.c", "nofile-shim.so")

    def clear(self) -> None:
        """Delete this tool's state under root (only its own files: root may be any directory)."""
        self.root.mkdir(parents=True, exist_ok=True)
        for name in self.STATE:
            path = self.root / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        for path in self.root.glob("node-[0-9]"):
            shutil.rmtree(path)

    def urls(self) -> list[str]:
        lay = self._need_layout()
        return [n.url for n in lay.nodes]

    # -- up
    def up(self, nodes: int = 3, *, latency_ms: float = 0.0, jitter_ms: float = 0.0, loss_pct: float = 0.0,
           fund: list[str] | None = None, timeout: float = 300.0, log=None) -> ClusterLayout:
        """A new cluster (the old state under root is removed first; refused while one runs). `fund`: public keys
        given PAYER_LAMPORTS in the genesis. Returns when every node answers getHealth "ok" and the finalized slot
        advances."""
        say = log or (lambda _msg: None)
        if not 2 <= nodes <= MAX_NODES:
            raise ClusterError(f"--nodes must be 2..{MAX_NODES}, not {nodes}")
        bins, why = agave_binaries()
        if bins is None:
            raise ClusterError(why)
        if self.layout() is not None and (any(self.node_pid(n.index) for n in self._need_layout().nodes)
                                          or self.helper_pid()):
            raise ClusterError(f"a cluster runs in {self.root}: `gtx cluster down` first")
        busy = ports_in_use(self.base_port, nodes)
        if busy:
            raise ClusterError(f"port(s) {', '.join(map(str, busy))} on 127.0.0.1 are in use (not by a cluster "
                               f"running in {self.root}); stop what holds them or choose another --base-port")
        self.down(quiet=True)
        self.clear()

        mode, note, applied, method = "loopback", "", False, ""
        if latency_ms or jitter_ms or loss_pct:
            ok, why = netns_support()
            if not ok:
                note = f"latency not applied, running on loopback: no network namespaces here ({why})"
            else:
                mode = "netns"
                ok, why = netem_support()
                applied = True
                method = "netem" if ok else "wire"
                if not ok:
                    note = (f"{why}: the delay/jitter/loss is applied by a delay line in the helper process "
                            f"instead (each node's frames pass through it; docs/cluster.md)")
            if note:
                say(f"note: {note}")
        octet = subnet_octet(self.base_port)
        lay = ClusterLayout(nodes=[], base_port=self.base_port, mode=mode, latency_ms=latency_ms,
                            jitter_ms=jitter_ms, loss_pct=loss_pct, latency_applied=applied, latency_method=method,
                            latency_note=note,
                            created=time.time())
        for k in range(nodes):
            ip = f"10.77.{octet}.{k + 2}" if mode == "netns" else "127.0.0.1"
            ns = f"gtx{self.base_port}n{k}" if mode == "netns" else None
            lay.nodes.append(Node(k, ip, self.base_port + PORTS_PER_NODE * k, ns))
        host_ip = f"10.77.{octet}.1" if mode == "netns" else "127.0.0.1"
        lay.faucet_addr = f"{host_ip}:{self.base_port + FAUCET_OFFSET}"

        self._make_keys(lay)
        lay.funded = list(fund or [])
        self._genesis(lay, bins["solana-genesis"], say)
        self.layout_file.write_text(lay.to_json())
        try:
            if mode == "netns":
                self._make_network(lay, say)
                self.layout_file.write_text(lay.to_json())
            self._start_helper(lay)
            for node in lay.nodes:
                self._start_node(lay, node, first=True, binary=bins["agave-validator"])
                if node.index == 0:  # the others' entrypoint: wait for its gossip/ip-echo port
                    self._wait_port(node, node.gossip_port, 120)
            self.wait_ready(timeout=timeout, say=say)
        except BaseException:
            self.down(quiet=True)
            raise
        return lay

    def _make_keys(self, lay: ClusterLayout) -> None:
        from solders.keypair import Keypair

        from .keypairs import write_keypair

        faucet = Keypair()
        write_keypair(self.root / "faucet.json", faucet)
        lay.faucet = str(faucet.pubkey())
        for node in lay.nodes:
            d = self.node_dir(node.index)
            d.mkdir(parents=True)
            for role in ("identity", "vote", "stake"):
                kp = Keypair()
                write_keypair(d / f"{role}.json", kp)
                setattr(node, role, str(kp.pubkey()))

    def _genesis(self, lay: ClusterLayout, solana_genesis: Path, say) -> None:
        gen = self.root / "genesis"
        args = [str(solana_genesis), "--ledger", str(gen), "--cluster-type", "development",
                "--hashes-per-tick", "sleep",
                "--bootstrap-validator-lamports", str(IDENTITY_LAMPORTS),
                "--bootstrap-validator-stake-lamports", str(STAKE_LAMPORTS),
                "--faucet-pubkey", str(self.root / "faucet.json"), "--faucet-lamports", str(FAUCET_LAMPORTS)]
        for node in lay.nodes:
            args += ["--bootstrap-validator", node.identity, node.vote, node.stake]
        if lay.funded:
            accounts = self.root / "primordial.yaml"
            accounts.write_text("".join(f'{pk}:\n  balance: {PAYER_LAMPORTS}\n  owner: "{SYSTEM_PROGRAM}"\n'
                                        f'  data: ""\n  executable: false\n' for pk in lay.funded))
            args += ["--primordial-accounts-file", str(accounts)]
        args += self._program_metadata_args()
        t0 = time.monotonic()
        out = subprocess.run(args, capture_output=True, text=True)
        (self.root / "genesis.log").write_text(" ".join(args) + "\n" + out.stdout + out.stderr)
        if out.returncode != 0:
            raise ClusterError(f"solana-genesis failed ({out.returncode}): {(out.stderr or out.stdout).strip()[-2000:]}")
        for line in out.stdout.splitlines():
            if line.strip().startswith("Genesis hash:"):
                lay.genesis_hash = line.split(":", 1)[1].strip()
            elif line.strip().startswith("Shred version:"):
                lay.shred_version = int(line.split(":", 1)[1].strip())
        if not lay.genesis_hash:
            raise ClusterError(f"solana-genesis printed no genesis hash; see {self.root / 'genesis.log'}")
        for node in lay.nodes:
            shutil.copytree(gen, self.node_dir(node.index) / "ledger")
        say(f"genesis {lay.genesis_hash} (shred version {lay.shred_version}): {len(lay.nodes)} validators of "
            f"{STAKE_LAMPORTS // 10**9:,} SOL stake each, PoH sleep, {time.monotonic() - t0:.1f} s")

    @staticmethod
    def _program_metadata_args() -> list[str]:
        """Our Program Metadata program (where `gtx deploy` writes IDLs) at its canonical address, as `gtx localnet`
        has it, when it is built."""
        from .chain.workspace import Workspace
        from .localnet import PROGRAM_METADATA_ID, PROGRAM_METADATA_NAME

        so = Workspace.load().so_path(PROGRAM_METADATA_NAME)
        return ["--bpf-program", PROGRAM_METADATA_ID, BPF_LOADER_2, str(so)] if so.exists() else []

    # -- network namespaces
    def _make_network(self, lay: ClusterLayout, say) -> None:
        octet = subnet_octet(lay.base_port)
        bridge = f"gtxb{lay.base_port}"
        _ip("link", "add", bridge, "type", "bridge")
        lay.bridge = bridge
        self.layout_file.write_text(lay.to_json())
        _ip("addr", "add", f"10.77.{octet}.1/24", "dev", bridge)
        _ip("link", "set", bridge, "up")
        for node in lay.nodes:
            assert node.netns
            host_end, ns_end = f"gtxv{lay.base_port}n{node.index}", f"gtxp{lay.base_port}n{node.index}"
            _ip("netns", "add", node.netns)
            _ip("link", "add", host_end, "type", "veth", "peer", "name", ns_end)
            lay.veths.append(host_end)
            self.layout_file.write_text(lay.to_json())
            if lay.latency_method == "wire":
                # node <-> host_end ==(delay line in the helper)== wire_in <-> wire_br (a bridge port)
                wire_in, wire_br = f"gtxu{lay.base_port}n{node.index}", f"gtxw{lay.base_port}n{node.index}"
                _ip("link", "add", wire_in, "type", "veth", "peer", "name", wire_br)
                lay.veths.append(wire_in)
                self.layout_file.write_text(lay.to_json())
                _ip("link", "set", wire_br, "master", bridge)
                for dev in (wire_br, wire_in, host_end):
                    _ip("link", "set", dev, "up")
            else:
                _ip("link", "set", host_end, "master", bridge)
                _ip("link", "set", host_end, "up")
            _ip("link", "set", ns_end, "netns", node.netns)
            _ip("-n", node.netns, "addr", "add", f"{node.ip}/24", "dev", ns_end)
            _ip("-n", node.netns, "link", "set", ns_end, "up")
            _ip("-n", node.netns, "link", "set", "lo", "up")
            if lay.latency_method == "netem":
                netem = ["delay", f"{lay.latency_ms}ms"]
                if lay.jitter_ms:
                    netem += [f"{lay.jitter_ms}ms", "distribution", "normal"]
                if lay.loss_pct:
                    netem += ["loss", f"{lay.loss_pct}%"]
                subprocess.run(["ip", "netns", "exec", node.netns, "tc", "qdisc", "add", "dev", ns_end, "root",
                                "netem", *netem], check=True, capture_output=True, text=True)
        say(f"network: bridge {bridge} 10.77.{octet}.1/24, namespaces {', '.join(n.netns or '' for n in lay.nodes)}"
            + (f", {lay.latency_method} delay {lay.latency_ms} ms jitter {lay.jitter_ms} ms loss {lay.loss_pct} %"
               if lay.latency_applied else ""))

    def _remove_network(self, lay: ClusterLayout) -> list[str]:
        removed = []
        for node in lay.nodes:
            if node.netns and _ip("netns", "del", node.netns, check=False).returncode == 0:
                removed.append(node.netns)
        for veth in lay.veths:  # gone with its namespace peer; this catches one whose move into it failed
            if _ip("link", "del", veth, check=False).returncode == 0:
                removed.append(veth)
        if lay.bridge and _ip("link", "del", lay.bridge, check=False).returncode == 0:
            removed.append(lay.bridge)
        return removed

    # -- processes
    def _start_helper(self, lay: ClusterLayout) -> None:
        log = open(self.root / "helper.log", "ab")
        proc = subprocess.Popen([sys.executable, "-m", "gridtokenx_cli.cluster", "serve", str(self.root)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=str(REPO_ROOT))
        (self.root / "helper.pid").write_text(str(proc.pid))
        host, port = lay.faucet_addr.rsplit(":", 1)
        deadline = time.monotonic() + 20
        import socket

        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ClusterError(f"the faucet/forwarder helper exited ({proc.returncode}): "
                                   + (self.root / "helper.log").read_text()[-1500:])
            try:
                socket.create_connection((host, int(port)), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise ClusterError("the faucet helper did not listen within 20 s")

    def _wait_port(self, node: Node, port: int, timeout: float) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.node_pid(node.index) is None:
                raise ClusterError(f"node {node.index} exited; its log ends:\n" + self.tail(node.index, 25))
            try:
                socket.create_connection((node.ip, port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.3)
        raise ClusterError(f"node {node.index} did not open {node.ip}:{port} within {timeout:.0f} s")

    def node_args(self, lay: ClusterLayout, node: Node, *, first: bool, binary: Path) -> list[str]:
        d = self.node_dir(node.index)
        args = [str(binary), "--identity", str(d / "identity.json"), "--vote-account", str(d / "vote.json"),
                "--ledger", str(d / "ledger"), "--log", "-",
                "--bind-address", node.ip,
                "--rpc-port", str(node.rpc_port), "--gossip-port", str(node.gossip_port),
                "--dynamic-port-range", node.dynamic_range,
                "--expected-genesis-hash", lay.genesis_hash,
                "--rpc-faucet-address", lay.faucet_addr,
                "--full-rpc-api", "--enable-rpc-transaction-history", "--allow-private-addr",
                "--no-os-network-limits-test", "--no-poh-speed-test", "--no-port-check",
                "--no-genesis-fetch", "--no-snapshot-fetch",
                "--snapshot-interval-slots", "200", "--no-incremental-snapshots",
                "--limit-ledger-size"]
        if lay.shred_version:
            args += ["--expected-shred-version", str(lay.shred_version)]
        # A node bound to loopback learns its address from an entrypoint (agave's ip echo), so every node but the
        # very first start of node 0 names the others (one that answers is enough).
        if not (first and node.index == 0):
            for other in lay.nodes:
                if other.index != node.index:
                    args += ["--entrypoint", f"{other.ip}:{other.gossip_port}"]
        if first:  # every validator is in the genesis: the first leaders must not wait for a vote of their own
            args.append("--no-wait-for-vote-to-start-leader")
        return args

    def _start_node(self, lay: ClusterLayout, node: Node, *, first: bool, binary: Path | None = None) -> int:
        if binary is None:
            bins, why = agave_binaries()
            if bins is None:
                raise ClusterError(why)
            binary = bins["agave-validator"]
        d = self.node_dir(node.index)
        cmd = ["nice", "-n", str(NODE_NICE), *self.node_args(lay, node, first=first, binary=binary)]
        if node.netns:
            cmd = ["ip", "netns", "exec", node.netns, *cmd]
        env = dict(os.environ)
        shim, why = nofile_shim(self.root)
        if shim is not None:
            env["LD_PRELOAD"] = str(shim)
        log = open(d / "validator.log", "ab")
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} start: {' '.join(cmd)}\n".encode()
                  + (f"=== {why}\n".encode() if shim else b""))
        log.flush()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=str(d), start_new_session=True, env=env)
        (d / "validator.pid").write_text(str(proc.pid))
        return proc.pid

    def wait_ready(self, timeout: float = 300.0, say=None, nodes: list[int] | None = None) -> None:
        """Until the given nodes (default all) answer getHealth "ok", and the finalized slot of node 0's view
        (or the first listed) has advanced past 0."""
        lay = self._need_layout()
        which = nodes if nodes is not None else [n.index for n in lay.nodes]
        deadline = time.monotonic() + timeout
        pending = set(which)
        while time.monotonic() < deadline:
            for k in list(pending):
                if self.node_pid(k) is None:
                    raise ClusterError(f"node {k} exited; its log ({self.node_dir(k) / 'validator.log'}) ends:\n"
                                       + self.tail(k, 25))
                if _try_rpc(lay.nodes[k].url, "getHealth") == "ok":
                    pending.discard(k)
            if not pending:
                fin = _try_rpc(lay.nodes[which[0]].url, "getSlot", [{"commitment": "finalized"}])
                if fin:
                    if say:
                        say(f"healthy: nodes {', '.join(map(str, which))}; finalized slot {fin}")
                    return
            time.sleep(1.0)
        raise ClusterError(f"cluster not ready after {timeout:.0f} s (not healthy: {sorted(pending) or 'none'}; or "
                           f"nothing finalized); see {self.root}/node-*/validator.log")

    def kill(self, k: int, sig: int = signal.SIGKILL) -> int | None:
        """Stop node k (SIGKILL by default: a crash). Returns the pid it had, None when it did not run."""
        self.node(k)
        pid = self.node_pid(k)
        if pid is None:
            return None
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _running(pid):
            time.sleep(0.1)
        if _running(pid):
            os.killpg(pid, signal.SIGKILL)
            while _running(pid):
                time.sleep(0.1)
        return pid

    def restart(self, k: int, timeout: float = 300.0, wait: bool = True) -> int:
        """Stop node k if it runs, start it again on its ledger; waits until it is healthy."""
        lay = self._need_layout()
        node = self.node(k)
        self.kill(k, signal.SIGTERM)
        pid = self._start_node(lay, node, first=False)
        if wait:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.node_pid(k) is None:
                    raise ClusterError(f"node {k} exited on restart; its log ends:\n" + self.tail(k, 25))
                if _try_rpc(node.url, "getHealth") == "ok":
                    return pid
                time.sleep(1.0)
            raise ClusterError(f"node {k} not healthy {timeout:.0f} s after the restart")
        return pid

    def down(self, quiet: bool = False) -> dict:
        """Stop every node and the helper, remove the namespaces/veths/bridge. The ledgers stay (`up` replaces
        them)."""
        lay = self.layout()
        stopped: list[int] = []
        if lay is not None:
            for node in lay.nodes:
                pid = self.node_pid(node.index)
                if pid:
                    try:
                        os.killpg(pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
                    stopped.append(node.index)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and any(self.node_pid(k) for k in stopped):
                time.sleep(0.2)
            for k in stopped:
                pid = self.node_pid(k)
                if pid:
                    os.killpg(pid, signal.SIGKILL)
                    while _running(pid):
                        time.sleep(0.1)
        helper = self.helper_pid()
        if helper:
            os.killpg(helper, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and _running(helper):
                time.sleep(0.1)
            if _running(helper):
                os.killpg(helper, signal.SIGKILL)
        removed = self._remove_network(lay) if lay is not None else []
        if lay is not None:
            for node in lay.nodes:
                (self.node_dir(node.index) / "validator.pid").unlink(missing_ok=True)
        (self.root / "helper.pid").unlink(missing_ok=True)
        return {"stopped_nodes": stopped, "helper_stopped": bool(helper), "removed_network": removed}

    # -- status
    def status(self) -> dict:
        lay = self._need_layout()
        info: dict = {"root": str(self.root), "mode": lay.mode, "genesis_hash": lay.genesis_hash,
                      "shred_version": lay.shred_version, "faucet": lay.faucet_addr,
                      "helper_pid": self.helper_pid()}
        if lay.mode == "netns" or lay.latency_ms:
            info["latency"] = {"ms": lay.latency_ms, "jitter_ms": lay.jitter_ms, "loss_pct": lay.loss_pct,
                               "applied": lay.latency_applied, "note": lay.latency_note}
        live = next((n for n in lay.nodes if self.node_pid(n.index)
                     and _try_rpc(n.url, "getHealth", timeout=2) is not None), None)
        schedule_by_identity: dict[str, int] = {}
        credits: dict[str, dict] = {}
        epoch = None
        if live is not None:
            epoch = _try_rpc(live.url, "getEpochInfo")
            sched = _try_rpc(live.url, "getLeaderSchedule") or {}
            schedule_by_identity = {who: len(slots) for who, slots in sched.items()}
            votes = _try_rpc(live.url, "getVoteAccounts") or {}
            for group in ("current", "delinquent"):
                for v in votes.get(group, []):
                    ec = v.get("epochCredits") or []
                    credits[v["nodePubkey"]] = {"credits": ec[-1][1] if ec else 0, "delinquent": group == "delinquent",
                                                "last_vote": v.get("lastVote"), "root_slot": v.get("rootSlot"),
                                                "stake": v.get("activatedStake")}
            info["epoch"] = epoch
            cur = epoch["absoluteSlot"] if epoch else None
            if cur is not None:
                info["slot_leader"] = _try_rpc(live.url, "getSlotLeader")
                index = {n.identity: n.index for n in lay.nodes}
                upcoming = _try_rpc(live.url, "getSlotLeaders", [cur, 16]) or []
                info["next_leaders"] = [index.get(who, who) for who in upcoming]  # node index per slot from now
        rows = []
        for node in lay.nodes:
            pid = self.node_pid(node.index)
            row: dict = {"node": node.index, "pid": pid, "url": node.url, "ip": node.ip, "netns": node.netns,
                         "identity": node.identity, "leader_slots_in_epoch": schedule_by_identity.get(node.identity, 0)}
            if pid:
                row |= process_usage(pid)
                row["health"] = health = node_health(node.url)
                if health != "no answer":
                    row["slot"] = _try_rpc(node.url, "getSlot", [{"commitment": "processed"}])
                    row["confirmed"] = _try_rpc(node.url, "getSlot", [{"commitment": "confirmed"}])
                    row["finalized"] = _try_rpc(node.url, "getSlot", [{"commitment": "finalized"}])
            else:
                row["health"] = "down"
            row |= {f"vote_{k}": v for k, v in credits.get(node.identity, {}).items()}
            rows.append(row)
        info["nodes"] = rows
        return info

    def tail(self, k: int, lines: int = 50) -> str:
        path = self.node_dir(k) / "validator.log"
        if not path.exists():
            return ""
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 400 * lines))
            text = f.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------------------------
# the helper process: faucet (requestAirdrop) and, in netns mode, the loopback forwarders

FAUCET_REQUEST = struct.Struct("<IQ32s32s")  # bincode FaucetRequest::GetAirdrop { lamports, to, blockhash }


def faucet_reply(request: bytes, faucet) -> bytes:
    """The agave faucet's wire reply to one request: u16 LE length + bincode Transaction (0 length = refused)."""
    from solders.hash import Hash
    from solders.pubkey import Pubkey
    from solders.system_program import TransferParams, transfer
    from solders.transaction import Transaction

    variant, lamports, to, blockhash = FAUCET_REQUEST.unpack(request)
    if variant != 0 or lamports == 0:
        return b"\0\0"
    ix = transfer(TransferParams(from_pubkey=faucet.pubkey(), to_pubkey=Pubkey.from_bytes(to), lamports=lamports))
    tx = Transaction.new_signed_with_payer([ix], faucet.pubkey(), [faucet], Hash.from_bytes(blockhash))
    raw = bytes(tx)
    return struct.pack("<H", len(raw)) + raw


class DelayWire:
    """A network cable with netem's behaviour between two interfaces, for kernels without the netem qdisc: every
    frame arriving on `source` (what the node sends) goes out on `sink` after delay ± jitter (normal) ms, or is
    dropped with probability loss %; frames arriving on `sink` go to `source` at once. AF_PACKET sockets with
    PACKET_VNET_HDR carry the checksum/segmentation offload state along with each frame, so TCP's large
    segments and partial checksums pass unchanged."""

    PACKET_VNET_HDR = 15
    PACKET_OUTGOING = 4

    def __init__(self, source: str, sink: str, delay_ms: float, jitter_ms: float, loss_pct: float):
        import random
        import socket

        self.rng = random.Random()
        self.delay, self.jitter, self.loss = delay_ms / 1000, jitter_ms / 1000, loss_pct / 100
        self.socks = {}
        for name in (source, sink):
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))  # ETH_P_ALL
            sock.setsockopt(263, self.PACKET_VNET_HDR, 1)  # SOL_PACKET
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            sock.bind((name, 0))
            sock.setblocking(False)
            self.socks[name] = sock
        self.source, self.sink = source, sink
        self.stats = {"delayed": 0, "passed": 0, "dropped": 0}

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        loop.add_reader(self.socks[self.source].fileno(), self._pump, self.source, self.sink, True)
        loop.add_reader(self.socks[self.sink].fileno(), self._pump, self.sink, self.source, False)

    def _send(self, out: str, frame: bytes) -> None:
        try:
            self.socks[out].send(frame)
        except OSError:
            pass  # like a full queue: the frame is lost

    def _pump(self, name: str, out: str, delayed: bool) -> None:
        sock = self.socks[name]
        for _ in range(256):
            try:
                frame, addr = sock.recvfrom(70000)
            except BlockingIOError:
                return
            if addr[2] == self.PACKET_OUTGOING:  # our own send on this interface
                continue
            if not delayed:
                self.stats["passed"] += 1
                self._send(out, frame)
                continue
            if self.loss and self.rng.random() < self.loss:
                self.stats["dropped"] += 1
                continue
            wait = max(0.0, self.rng.gauss(self.delay, self.jitter) if self.jitter else self.delay)
            self.stats["delayed"] += 1
            self.loop.call_later(wait, self._send, out, frame)


async def _serve(root: Path) -> None:
    from .keypairs import read_keypair

    lay = ClusterLayout.from_json((root / "cluster.json").read_text())
    faucet = read_keypair(root / "faucet.json")

    async def faucet_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readexactly(FAUCET_REQUEST.size)
                writer.write(faucet_reply(request, faucet))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    host, port = lay.faucet_addr.rsplit(":", 1)
    servers = [await asyncio.start_server(faucet_conn, host, int(port))]
    if lay.mode == "netns":
        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            try:
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
            except ConnectionError:
                pass
            finally:
                w.close()

        def forwarder(target_host: str, target_port: int):
            async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                try:
                    r2, w2 = await asyncio.open_connection(target_host, target_port)
                except OSError:
                    writer.close()
                    return
                await asyncio.gather(pipe(reader, w2), pipe(r2, writer))
            return handle

        for node in lay.nodes:
            for p in (node.rpc_port, node.ws_port):
                servers.append(await asyncio.start_server(forwarder(node.ip, p), "127.0.0.1", p))
    if lay.latency_method == "wire":
        for node in lay.nodes:
            DelayWire(f"gtxv{lay.base_port}n{node.index}", f"gtxu{lay.base_port}n{node.index}",
                      lay.latency_ms, lay.jitter_ms, lay.loss_pct).start(asyncio.get_running_loop())
    print(f"helper: faucet {faucet.pubkey()} on {lay.faucet_addr}"
          + (f", forwarding 127.0.0.1 rpc/ws ports of {len(lay.nodes)} nodes" if lay.mode == "netns" else ""),
          flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "serve":
        lay = ClusterLayout.from_json((Path(argv[1]) / "cluster.json").read_text())
        if lay.latency_method != "wire":  # a delay line must not wait behind the validators it delays
            os.nice(NODE_NICE)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        asyncio.run(_serve(Path(argv[1])))
        return 0
    print("usage: python -m gridtokenx_cli.cluster serve ROOT", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
