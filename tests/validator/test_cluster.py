"""A real 3-validator cluster (`gtx cluster`, agave-validator 4.2.2, equal stake, ports 23000..23150): blockbench
deployed through the SDK deploy path (gridtokenx_cli/deploy.py), a short workload of transfers and do_nothing calls
through RpcChain while the current leader is SIGKILLed and later restarted; every transaction must land exactly
once; `down` must leave no process and no namespace. Skipped, saying why and how to build them, when the agave
binaries are absent (never built here: scripts/install-validator.sh --cluster, about 70 min cold).

Equal stake and 3 nodes: 2 live nodes hold exactly 2/3 of the stake, and agave's supermajority tests are strict
(`stake / total > 2/3`: solana-core consensus.rs check_vote_stake_threshold, commitment_service.rs
get_highest_super_majority_root), so while one of three is down the survivors keep producing blocks (processed
slot advances) but nothing new is confirmed or finalized; the test measures that and asserts that finalization
resumes once the node is back. A 4-node cluster (3/4 > 2/3) keeps finalizing through the loss of one node; that
is the second test (GTX_CLUSTER_TEST_4=1, it needs more CPU than this 2-core machine spares in CI).
"""
from __future__ import annotations

import os
import struct
import subprocess
import threading
import time

import pytest
from solders.keypair import Keypair
from solders.system_program import TransferParams, transfer

from gridtokenx_cli.bench import blockbench_cu as bb
from gridtokenx_cli.chain.workspace import Workspace
from gridtokenx_cli.testing.validator import needs_validator
from gridtokenx_cli.cluster import Cluster, ClusterLayout, Node, agave_binaries, netns_support, rpc_call, subnet_octet

BINARIES, WHY_MISSING = agave_binaries()
needs_agave = pytest.mark.skipif(BINARIES is None, reason=f"no agave cluster binaries: {WHY_MISSING}")
NETNS, WHY_NO_NETNS = netns_support()

BASE_PORT = 23000
TRANSFERS = 30
CALLS = 20


def finalized(url: str) -> int:
    return rpc_call(url, "getSlot", [{"commitment": "finalized"}])


def processed(url: str) -> int:
    return rpc_call(url, "getSlot", [{"commitment": "processed"}])


def leftovers(base_port: int) -> str:
    """Namespaces and links of this cluster still on the machine ("" when none)."""
    out = subprocess.run("ip netns list; ip -br link", shell=True, capture_output=True, text=True).stdout
    return "\n".join(line for line in out.splitlines() if f"gtx{base_port}" in line or f"{base_port}n" in line)


def sbpf_version(so) -> int:
    return struct.unpack_from("<I", so.read_bytes()[:64], 48)[0]  # ELF e_flags: the SBPF version


@pytest.fixture(scope="module")
def payer() -> Keypair:
    return Keypair()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, payer):
    c = Cluster(tmp_path_factory.mktemp("cluster"), BASE_PORT)
    t0 = time.monotonic()
    try:
        c.up(3, fund=[str(payer.pubkey())], log=print)
        print(f"cluster up (3 nodes) to healthy + finalized: {time.monotonic() - t0:.1f} s")
        yield c
    finally:
        lay = c.layout()
        pids = [c.node_pid(n.index) for n in lay.nodes] if lay else []
        print("down:", c.down())
        for pid in pids:
            assert pid is None or not os.path.exists(f"/proc/{pid}") or \
                open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z", f"validator {pid} still runs"
        assert c.helper_pid() is None
        assert leftovers(BASE_PORT) == ""


@pytest.fixture(scope="module")
def chain(cluster):
    from gridtokenx_cli.chain.rpc import RpcChain

    # one URL: node 0's, which the test never kills (the leader killed below is always another node)
    ch = RpcChain(cluster.node(0).url)
    try:
        yield ch
    finally:
        ch.close()


@needs_agave
def test_every_node_is_staked_and_votes(cluster):
    info = cluster.status()
    stakes = {row["identity"]: row.get("vote_stake") for row in info["nodes"]}
    assert len(set(stakes.values())) == 1 and None not in stakes.values(), stakes  # equal stake, all in genesis
    assert all(row["health"] == "ok" for row in info["nodes"]), info["nodes"]
    assert all(row["leader_slots_in_epoch"] > 0 for row in info["nodes"]), info["nodes"]
    time.sleep(4)
    again = cluster.status()
    for before, after in zip(info["nodes"], again["nodes"]):
        assert after["vote_credits"] >= before["vote_credits"]
    print({row["node"]: (row["slot"], row["finalized"], row["vote_credits"], row.get("rss_mib"), row.get("cpu_s"))
           for row in again["nodes"]})


@needs_agave
def test_faucet_serves_request_airdrop(cluster, chain, payer):
    assert chain.get_balance(payer.pubkey()) > 0  # funded in the genesis
    kp = Keypair()
    chain.airdrop(kp.pubkey(), 3 * 10**9)
    assert chain.get_balance(kp.pubkey()) == 3 * 10**9


@needs_agave
def test_deploy_blockbench_through_the_sdk(cluster, chain, payer, tmp_path_factory):
    from gridtokenx_cli.deploy import Deployer, onchain_program_bytes

    ws = Workspace.load()
    so = ws.so_path("blockbench")
    if not so.exists():
        pytest.skip("target/deploy/blockbench.so is not built: gtx build blockbench")
    if sbpf_version(so) < 3:
        pytest.skip(f"{so} is SBPF v{sbpf_version(so)}: a solana-genesis development cluster activates every "
                    f"feature, disable_sbpf_v0_v1_v2_deployment included, so only SBPF v3 deploys (gtx build)")
    t0 = time.monotonic()
    result = Deployer(chain, payer, state_dir=tmp_path_factory.mktemp("buffers")).deploy("blockbench")
    print(f"blockbench deployed: {result.chunks_total} chunks in {time.monotonic() - t0:.1f} s")
    assert onchain_program_bytes(chain, ws.program_id("blockbench"))[:len(so.read_bytes())] == so.read_bytes()


def _leader_other_than(cluster, keep: int, timeout: float = 30.0) -> int:
    """The node that leads the current slot, once it is not `keep` (leaders rotate every 4 slots)."""
    ids = {n.identity: n.index for n in cluster.layout().nodes}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        leader = ids.get(rpc_call(cluster.node(keep).url, "getSlotLeader", [{"commitment": "processed"}]))
        if leader is not None and leader != keep:
            return leader
        time.sleep(0.1)
    raise AssertionError("no other leader within the timeout")


@needs_agave
def test_leader_killed_mid_workload(cluster, chain, payer):
    """Kill the current leader after a third of the workload; measure what 2 of 3 do; restart it; every
    transaction landed exactly once."""
    program_deployed = chain.get_account(Workspace.load().program_id("blockbench")) is not None
    recipient = Keypair().pubkey()
    amounts = [1_000_000 + i for i in range(TRANSFERS)]
    jobs: list = []
    for i, amount in enumerate(amounts):  # transfers, and a do_nothing call after most of them
        jobs.append(("transfer", amount))
        if program_deployed and i < CALLS:
            jobs.append(("do_nothing", i))
    outcomes: list = []
    errors: list = []
    third = threading.Event()

    def workload():
        for n, (kind, value) in enumerate(jobs):
            try:
                if kind == "transfer":
                    ix = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=recipient, lamports=value))
                else:
                    ix = bb.ix_do_nothing(payer.pubkey())
                outcomes.append((kind, value, chain.send(ix, payer, check=True)))
            except Exception as e:  # noqa: BLE001 - recorded, asserted below
                errors.append((kind, value, repr(e)))
            if n == len(jobs) // 3:
                third.set()

    url0 = cluster.node(0).url
    sender = threading.Thread(target=workload, daemon=True)
    t_start = time.monotonic()
    sender.start()
    assert third.wait(600), "the first third of the workload did not finish in 600 s"
    victim = _leader_other_than(cluster, keep=0)
    fin_at_kill, slot_at_kill = finalized(url0), processed(url0)
    cluster.kill(victim)
    t_kill = time.monotonic()
    print(f"killed node {victim} (leader of slot {slot_at_kill}); finalized {fin_at_kill}")

    # at least 20 s, and until the survivors made 12 slots (a loaded machine's slots are slower than 400 ms)
    samples = [(0.0, slot_at_kill, fin_at_kill)]
    while time.monotonic() - t_kill < 20 or (samples[-1][1] < slot_at_kill + 12 and time.monotonic() - t_kill < 120):
        time.sleep(2)
        samples.append((round(time.monotonic() - t_kill, 1), processed(url0), finalized(url0)))
    print("after the kill (s, processed, finalized):", samples)
    assert samples[-1][1] >= slot_at_kill + 12, "the two surviving nodes stopped producing blocks"
    print(f"with 2 of 3 equal stakes (2/3 is not > 2/3): processed +{samples[-1][1] - slot_at_kill}, finalized "
          f"+{samples[-1][2] - fin_at_kill} in {samples[-1][0]} s")

    t_restart = time.monotonic()
    cluster.restart(victim)
    healthy_after = time.monotonic() - t_restart
    fin_before = finalized(url0)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and finalized(url0) <= fin_before + 5:
        time.sleep(1)
    resumed_after = time.monotonic() - t_restart
    print(f"restarted node {victim}: healthy after {healthy_after:.1f} s, finalization resumed after "
          f"{resumed_after:.1f} s (finalized {finalized(url0)})")
    assert finalized(url0) > fin_before + 5, "finalization did not resume after the restart"

    sender.join(900)
    assert not sender.is_alive(), "the workload did not finish"
    print(f"workload: {len(outcomes)} transactions in {time.monotonic() - t_start:.1f} s; "
          f"re-signed {chain.stats['resigned']}, reconnect retries {chain.stats['reconnect_retries']}")
    assert errors == []
    assert len(outcomes) == len(jobs) and all(o.ok for _, _, o in outcomes)
    # exactly once: each final signature is finalized without error, and the recipient holds the sum of the
    # amounts (a transfer landing twice under two signatures, or not at all, would change it)
    sigs = [o.signature for _, _, o in outcomes]
    deadline = time.monotonic() + 300
    while True:
        statuses = chain.call("get_signature_statuses", sigs, search_transaction_history=True).value
        if all(s is not None and str(s.confirmation_status).endswith("Finalized") for s in statuses) or \
                time.monotonic() > deadline:
            break
        time.sleep(1)
    assert all(s is not None and s.err is None for s in statuses)
    assert all(str(s.confirmation_status).endswith("Finalized") for s in statuses), statuses
    assert chain.get_balance(recipient) == sum(amounts)
    assert len(set(map(str, sigs))) == len(sigs)


@needs_agave
@pytest.mark.skipif(not os.environ.get("GTX_CLUSTER_TEST_4"), reason="4 nodes: set GTX_CLUSTER_TEST_4=1 (needs "
                    "more CPU than the 3-node test)")
def test_four_nodes_keep_finalizing_without_one(tmp_path, cluster):
    """3 of 4 equal stakes is a supermajority: finalization goes on while one node is down."""
    cluster.down()
    c = Cluster(tmp_path / "c4", BASE_PORT + 200)
    try:
        c.up(4, log=print)
        url = c.node(0).url
        victim = _leader_other_than(c, keep=0)
        c.kill(victim)
        before = finalized(url)
        time.sleep(20)
        after = finalized(url)
        print(f"4 nodes, node {victim} down: finalized {before} -> {after} in 20 s")
        assert after > before + 10
    finally:
        c.down()
    assert leftovers(BASE_PORT + 200) == ""


@pytest.mark.skipif(not NETNS, reason=f"no network namespaces here: {WHY_NO_NETNS}")
def test_netns_network_delays_every_packet_and_down_removes_it(tmp_path):
    """The --latency network without validators (runs wherever root may make namespaces): two namespaces on the
    bridge, 15 ms on every packet a node sends (netem, or the helper's delay line where the kernel has none):
    a UDP round trip between the nodes takes ~30 ms, an HTTP request through the loopback forwarder ~2 x 15 ms,
    a 4 MB TCP transfer passes intact; `down` leaves no namespace, veth or bridge."""
    import sys

    from solders.keypair import Keypair as Kp

    from gridtokenx_cli.cluster import netem_support
    from gridtokenx_cli.keypairs import write_keypair

    base = BASE_PORT + 300
    octet = subnet_octet(base)
    c = Cluster(tmp_path / "net", base)
    c.root.mkdir()
    lay = ClusterLayout(nodes=[Node(k, f"10.77.{octet}.{k + 2}", base + 50 * k, f"gtx{base}n{k}") for k in range(2)],
                        base_port=base, mode="netns", latency_ms=15, latency_applied=True,
                        latency_method="netem" if netem_support()[0] else "wire",
                        faucet_addr=f"10.77.{octet}.1:{base + 49}")
    write_keypair(c.root / "faucet.json", Kp())
    c.layout_file.write_text(lay.to_json())
    (tmp_path / "big.bin").write_bytes(os.urandom(4_000_000))
    procs = []
    a, b = lay.nodes
    try:
        c._make_network(lay, print)
        c.layout_file.write_text(lay.to_json())
        c._start_helper(lay)
        procs.append(subprocess.Popen(["ip", "netns", "exec", a.netns, sys.executable, "-m", "http.server", "-d",
                                       str(tmp_path), "--bind", a.ip, str(a.rpc_port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        echo = (f"import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('{b.ip}', "
                f"{b.gossip_port}))\nwhile True:\n    d, x = s.recvfrom(2000); s.sendto(d, x)")
        procs.append(subprocess.Popen(["ip", "netns", "exec", b.netns, sys.executable, "-c", echo]))
        ping = (f"import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)\n"
                f"time.sleep(1); r = []\nfor i in range(15):\n    t = time.perf_counter(); "
                f"s.sendto(b'x' * 1000, ('{b.ip}', {b.gossip_port})); s.recvfrom(2000); "
                f"r.append((time.perf_counter() - t) * 1000)\nprint(sorted(r)[7])")
        rtt = float(subprocess.run(["ip", "netns", "exec", a.netns, sys.executable, "-c", ping], check=True,
                                   capture_output=True, text=True).stdout)
        import urllib.request

        times = []
        for _ in range(5):
            t = time.perf_counter()
            urllib.request.urlopen(f"http://127.0.0.1:{a.rpc_port}/", timeout=10).read()
            times.append((time.perf_counter() - t) * 1000)
        got = urllib.request.urlopen(f"http://127.0.0.1:{a.rpc_port}/big.bin", timeout=60).read()
        print(f"{lay.latency_method}: udp rtt median {rtt:.1f} ms; http via forwarder median "
              f"{sorted(times)[2]:.1f} ms")
        assert 28 <= rtt <= 80, rtt
        assert sorted(times)[2] >= 28
        assert got == (tmp_path / "big.bin").read_bytes()
    finally:
        for p in procs:
            p.kill()
            p.wait()
        print("down:", c.down())
    assert c.helper_pid() is None
    assert leftovers(base) == ""


def test_faucet_reply_is_agaves_wire_format():
    """What a node's requestAirdrop gets back from the helper: u16 LE length + a bincode transfer from the faucet,
    signed, with the blockhash the node asked for (agave's faucet.rs protocol); a malformed request gets length 0."""
    import struct as st

    from solders.hash import Hash
    from solders.transaction import Transaction

    from gridtokenx_cli.cluster import FAUCET_REQUEST, faucet_reply

    faucet, to, blockhash = Keypair(), Keypair().pubkey(), Hash.new_unique()
    reply = faucet_reply(FAUCET_REQUEST.pack(0, 5_000, bytes(to), bytes(blockhash)), faucet)
    (length,) = st.unpack_from("<H", reply)
    tx = Transaction.from_bytes(reply[2:])
    assert length == len(reply) - 2 and tx.message.recent_blockhash == blockhash
    tx.verify()
    assert tx.message.account_keys[:2] == [faucet.pubkey(), to]
    assert faucet_reply(FAUCET_REQUEST.pack(1, 5_000, bytes(to), bytes(blockhash)), faucet) == b"\0\0"


def test_nofile_shim_lets_the_limit_request_succeed(tmp_path):
    """Where the hard open-file limit is below agave's 1,000,000 and cannot be raised, the shim makes the request
    succeed at the hard limit (elsewhere no shim is needed, and none is made)."""
    import resource
    import sys

    from gridtokenx_cli.cluster import AGAVE_NOFILE, nofile_shim

    shim, why = nofile_shim(tmp_path)
    if shim is None:
        assert why == ""
        pytest.skip("this process may raise the open-file limit to 1,000,000 itself: no shim needed")
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    probe = ("import resource\nresource.setrlimit(resource.RLIMIT_NOFILE, (%d, %d))\n"
             "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0], open('/proc/self/limits').read().count('%d'))"
             % (AGAVE_NOFILE, hard, hard))
    without = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert without.returncode != 0  # the refusal agave-validator would exit on
    with_shim = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               env={**os.environ, "LD_PRELOAD": str(shim)})
    assert with_shim.returncode == 0, with_shim.stderr
    reported, real = with_shim.stdout.split()
    assert int(reported) == AGAVE_NOFILE and int(real) >= 1  # the kernel's limit is still the hard one


def test_install_script_cluster_mode_never_builds_here_and_uses_its_cache(tmp_path):
    """--cluster: no verified seeds and GTX_VALIDATOR_NO_BUILD -> exit 3 naming why, nothing printed on stdout; a
    complete cache folder is printed as is. The default mode is untouched (tests/toolchain/test_install_validator.py)."""
    from gridtokenx_cli.chain.workspace import REPO_ROOT

    def run(cache, seed_dir):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AGAVE_", "GTX_"))}
        env |= {"GTX_CACHE_DIR": str(cache), "GTX_VALIDATOR_SEED_DIR": str(seed_dir), "GTX_VALIDATOR_NO_BUILD": "1"}
        return subprocess.run(["bash", str(REPO_ROOT / "scripts" / "install-validator.sh"), "--cluster"],
                              capture_output=True, text=True, env=env, timeout=120)

    r = run(tmp_path / "cache", tmp_path / "nowhere")
    assert r.returncode == 3 and r.stdout == "" and "GTX_VALIDATOR_NO_BUILD is set, so no build" in r.stderr
    assert ("no seed at" in r.stderr) or ("no pinned seed" in r.stderr)
    bindir = tmp_path / "cache" / "agave-4.2.2-release-o1" / "bin"
    bindir.mkdir(parents=True)
    for name in ("agave-validator", "solana-test-validator", "solana-genesis"):
        (bindir / name).write_text("#!/bin/sh\n")
        (bindir / name).chmod(0o755)
    r = run(tmp_path / "cache", tmp_path / "nowhere")
    assert r.returncode == 0 and r.stdout.strip() == str(bindir) and "cached at" in r.stderr
    bad = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "install-validator.sh"), "--what"],
                         capture_output=True, text=True)
    assert bad.returncode == 2


def test_cli_without_a_cluster_says_what_to_do(tmp_path):
    from typer.testing import CliRunner

    from gridtokenx_cli.cli import app

    env = {"GTX_CLUSTER_DIR": str(tmp_path / "none")}
    out = CliRunner().invoke(app, ["cluster", "status"], env=env)
    assert out.exit_code == 1 and "gtx cluster up` first" in out.output
    out = CliRunner().invoke(app, ["cluster", "down"], env=env)
    assert out.exit_code == 0
    if BINARIES is None:
        out = CliRunner().invoke(app, ["cluster", "up"], env=env)
        assert out.exit_code == 1 and "scripts/install-validator.sh --cluster" in out.output
    out = CliRunner().invoke(app, ["cluster", "up", "--nodes", "5"], env=env)
    assert out.exit_code == 2


@needs_validator
def test_faucet_request_and_reply_match_agaves_own_faucet(tmp_path):
    """agave's faucet (inside solana-test-validator, port 23360 + 1001) accepts the request the helper's protocol
    reads and answers with the same transaction as the helper would: same header, recipient, transfer data,
    blockhash and length; that transaction lands."""
    import base64
    import socket
    import struct as st

    from solders.hash import Hash
    from solders.transaction import Transaction

    from gridtokenx_cli.cluster import FAUCET_REQUEST, faucet_reply
    from gridtokenx_cli.localnet import Localnet

    net = Localnet(root=tmp_path / "ln", rpc_port=23360)
    net.up(reset=True)
    try:
        blockhash = Hash.from_string(rpc_call(net.url, "getLatestBlockhash")["value"]["blockhash"])
        to = Keypair().pubkey()
        request = FAUCET_REQUEST.pack(0, 7_000_000, bytes(to), bytes(blockhash))
        with socket.create_connection(("127.0.0.1", net.rpc_port + 1001), timeout=10) as sock:
            sock.sendall(request)
            (length,) = st.unpack("<H", sock.recv(2))
            raw = b""
            while len(raw) < length:
                raw += sock.recv(length - len(raw))
        real = Transaction.from_bytes(raw)
        ours = Transaction.from_bytes(faucet_reply(request, Keypair())[2:])
        assert len(bytes(ours)) == length
        assert real.message.header == ours.message.header
        assert real.message.account_keys[1:] == ours.message.account_keys[1:]
        assert real.message.recent_blockhash == ours.message.recent_blockhash == blockhash
        ri, oi = real.message.instructions[0], ours.message.instructions[0]
        assert (bytes(ri.data), bytes(ri.accounts), ri.program_id_index) == \
            (bytes(oi.data), bytes(oi.accounts), oi.program_id_index)
        rpc_call(net.url, "sendTransaction", [base64.b64encode(raw).decode(), {"encoding": "base64"}])
        deadline = time.monotonic() + 30
        while rpc_call(net.url, "getBalance", [str(to), {"commitment": "processed"}])["value"] != 7_000_000:
            assert time.monotonic() < deadline
            time.sleep(0.5)
    finally:
        net.down()
