"""Faults against a real solana-test-validator (ports 18966..18998): programs loaded at genesis with
`gtx localnet up --load-programs` (and what that saves over deploying), a `gtx deploy` SIGKILLed halfway that the
rerun resumes from the kept buffer, a validator restarted under a running client (RpcChain reconnects), and a
node that stays down (a clear ChainError after the reconnect window). Skipped when the validator is absent."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from typer.testing import CliRunner

from gridtokenx_cli.bench import blockbench_cu as bb
from gridtokenx_cli.chain import ChainError
from gridtokenx_cli.chain.workspace import REPO_ROOT, Workspace
from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.cli.keys import write_keypair
from gridtokenx_cli.localnet import Localnet

from gridtokenx_cli.testing.validator import needs_validator  # noqa: E402

pytestmark = needs_validator

PORT = 18966
GTX = str(REPO_ROOT / ".venv" / "bin" / "gtx")
runner = CliRunner()


def gtx(*args: str, env: dict | None = None):
    return runner.invoke(app, hoist_global_options(list(args)), env=env)


@pytest.fixture(scope="module")
def payer(tmp_path_factory) -> tuple[Keypair, "os.PathLike"]:
    kp = Keypair()
    path = tmp_path_factory.mktemp("keys") / "payer.json"
    write_keypair(path, kp)
    return kp, path




@pytest.fixture(scope="module")
def net(tmp_path_factory, payer):
    """Started through the CLI with every built program in the genesis, upgrade authority = the payer."""
    root = tmp_path_factory.mktemp("localnet-faults")
    env = {"GTX_LOCALNET_DIR": str(root), "GTX_LOCALNET_PORT": str(PORT)}
    out = gtx("--keypair", str(payer[1]), "--json", "localnet", "up", "--reset", "--load-programs", env=env)
    assert out.exit_code == 0, out.output
    info = json.loads(out.stdout)
    print(f"\nlocalnet up --load-programs ({len(info['loaded_programs'])} programs): {info['seconds']} s to healthy")
    n = Localnet(root=root, rpc_port=PORT)
    n.startup = info
    yield n
    n.down()
    assert n.pid() is None


@pytest.fixture(scope="module")
def chain(net, payer):
    from gridtokenx_cli.chain.rpc import RpcChain

    c = RpcChain(net.url, reconnect_timeout=90.0)
    c.airdrop(payer[0].pubkey(), 100 * 10**9)
    yield c
    c.close()


def test_programs_loaded_at_genesis_are_deployed_and_upgradeable(net, chain, payer):
    from gridtokenx_cli.deploy import Deployer

    ws = Workspace.load()
    assert net.startup["loaded_programs"] == ws.deployable()
    assert all(net.status()["programs"][n] for n in ws.deployable())
    kp = payer[0]
    ok = chain.send(bb.ix_cpu_heavy(kp.pubkey(), 8, 1), kp)
    assert ok.ok and ok.event("CpuHeavyDone").data["checksum"] == bb.cpu_heavy_expected(8, 1)["checksum"]
    d = Deployer(chain, kp)
    assert all(d.upgrade_authority(n) == (True, kp.pubkey()) for n in ws.deployable())
    # a running validator cannot take genesis programs; the CLI says how
    again = gtx("--keypair", str(payer[1]), "localnet", "up", "--load-programs",
                env={"GTX_LOCALNET_DIR": str(net.root), "GTX_LOCALNET_PORT": str(PORT)})
    assert again.exit_code == 1 and "already runs" in again.output


def _written_chunks(chain, buffer: Pubkey, so: bytes) -> int:
    from gridtokenx_cli.deploy import BUFFER_HEADER, CHUNK

    acc = chain.get_account(buffer)
    if acc is None:
        return 0
    data = bytes(acc.data)[BUFFER_HEADER:]
    return sum(1 for o in range(0, len(so), CHUNK) if any(so[o:o + CHUNK]) and data[o:o + CHUNK] == so[o:o + CHUNK])


def test_deploy_killed_halfway_resumes_from_its_buffer(net, chain, payer, tmp_path):
    from gridtokenx_cli.deploy import CHUNK, programdata_address, PROGRAMDATA_HEADER

    ws = Workspace.load()
    so = ws.so_path("trading").read_bytes()
    total = len(range(0, len(so), CHUNK))
    buffers = tmp_path / "buffers"
    cmd = [GTX, "--url", net.url, "--keypair", str(payer[1]), "--json", "deploy", "trading",
           "--buffers-dir", str(buffers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    buffer_file = buffers / "trading-buffer.json"
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if buffer_file.exists():
            buffer = Keypair.from_bytes(bytes(json.loads(buffer_file.read_text()))).pubkey()
            written = _written_chunks(chain, buffer, so)
            if written >= 200:
                break
        time.sleep(0.2)
    assert proc.poll() is None, f"deploy finished before it could be killed: {proc.communicate()}"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    kept = _written_chunks(chain, buffer, so)
    assert 200 <= kept < total and buffer_file.exists()
    print(f"\nkilled after {kept}/{total} chunks of trading")

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    [row] = json.loads(rerun.stdout)
    assert row["upgraded"]  # loaded at genesis, so this deploy is an upgrade
    assert row["chunks_total"] == total and row["chunks_written"] <= total - kept
    assert not buffer_file.exists()
    data = bytes(chain.get_account(programdata_address(ws.program_id("trading"))).data)
    assert data[PROGRAMDATA_HEADER:PROGRAMDATA_HEADER + len(so)] == so
    assert chain.get_account(buffer) is None  # the upgrade consumed the buffer


def test_validator_restart_mid_run_is_survived(net, chain, payer):
    kp = payer[0]
    before = chain.stats["reconnect_retries"]
    restarted = threading.Event()

    def restart():
        net.down()
        time.sleep(2.0)  # the client keeps calling a dead port meanwhile
        net.up()  # same ledger: state and programs survive
        restarted.set()

    t = threading.Thread(target=restart)
    t.start()
    time.sleep(0.3)
    try:
        outcomes = [chain.send(bb.ix_cpu_heavy(kp.pubkey(), 8, seed), kp) for seed in range(3)]
    finally:
        t.join()  # never leave a restart running past the module's teardown
    assert restarted.is_set()
    assert all(o.ok for o in outcomes)
    assert [o.event("CpuHeavyDone").data["checksum"] for o in outcomes] == \
        [bb.cpu_heavy_expected(8, s)["checksum"] for s in range(3)]
    assert chain.stats["reconnect_retries"] > before  # it did lose the node, and recovered
    print(f"\nreconnect retries during the restart: {chain.stats['reconnect_retries'] - before}")


def test_a_node_that_stays_down_gives_a_clear_chain_error(net, payer):
    from gridtokenx_cli.chain.rpc import RpcChain

    net.down()
    try:
        c = RpcChain(net.url, reconnect_timeout=3.0)
        with pytest.raises(ChainError, match=r"unreachable after \d+ attempts over 3 s \(get_balance\)"):
            c.get_balance(payer[0].pubkey())
        assert c.stats["reconnect_retries"] >= 3  # backoff 0.25, 0.5, 1 s fit the 3 s window, then it gave up
        c.close()
        out = gtx("--url", net.url, "idl", "fetch", "registry")  # a CLI command: one line, exit 1
        assert out.exit_code == 1 and "unreachable" in out.output
    finally:
        net.up()
