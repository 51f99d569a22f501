"""Clients that survive a node (issue #16): RpcChain and RpcPipeline given several URLs fail over on connection
errors, timeouts and a node whose slot stops moving, and a transaction caught in a failover lands exactly once.

Real components only, with one solana-test-validator (ports 23500..23532; two independent validators would be two
chains): a dead URL (a port bound but not listening: connection refused), a black hole (a TCP server that accepts
and never answers: bounded by the request timeout), a TCP front-end (a byte-for-byte forwarder to the validator,
like an RPC load balancer) killed or frozen mid-workload — the same chain behind both URLs, so exactly-once is
meaningful — and a second, real validator that answers but whose slot never moves (`--ticks-per-slot 100000`,
ports 23600..23632; started only for its two tests). The gateway (`gtx meter run`, a real process; its own
validator with the platform on 23650) is run with `rpc_url = [front-end, direct]` and the front-end killed.
The failover between the nodes of one cluster is tests/validator/test_cluster_failover.py. The gateway's
`rpc_url` list and `-u a,b` parsing are checked here too."""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import threading
import time

import pytest
from solders.hash import Hash
from solders.keypair import Keypair
from solders.system_program import TransferParams, transfer
from typer.testing import CliRunner

from gridtokenx_cli.chain import TxOutcome
from gridtokenx_cli.chain.base import Chain
from gridtokenx_cli.chain.pipeline import Job, RpcPipeline, pipeline_for
from gridtokenx_cli.chain.rpc import RpcChain, RpcEndpoints, parse_urls
from gridtokenx_cli.testing.validator import needs_validator, running_localnet

SOL = 10**9
LIVE_PORT = 23500
DEAD_PORT, HOLE_PORT, FRONT_PORT = 23590, 23591, 23592
STALLED_PORT = 23600
GATEWAY_RIG_PORT = 23650
LOGGER = "gridtokenx_cli.chain.failover"


# ----------------------------------------------------------------------------- real endpoints of every kind

class TcpFrontEnd:
    """A TCP forwarder to 127.0.0.1:`target` (an RPC front-end): bytes pass unchanged both ways. `freeze()` keeps
    accepting and reading but forwards nothing (a hung node: requests time out), `kill()` closes the listener and
    every connection (connection refused from then on). target=None: a black hole from the start."""

    def __init__(self, port: int, target: int | None):
        self.target = target
        self.frozen = threading.Event()
        if target is None:
            self.frozen.set()
        self.alive = True
        self.conns: list[socket.socket] = []
        self.server = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"  # port 0: one the kernel picks
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.alive:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.conns.append(client)
            if self.target is None:
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.conns.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _swallow(self, conn: socket.socket) -> None:
        try:
            while self.alive and conn.recv(65536):
                pass
        except OSError:
            pass

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                while self.frozen.is_set() and self.alive:
                    time.sleep(0.05)
                if not self.alive:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def freeze(self) -> None:
        self.frozen.set()

    def kill(self) -> None:
        self.alive = False
        self.server.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()


@pytest.fixture(scope="module")
def localnet(tmp_path_factory):
    yield from running_localnet(tmp_path_factory, LIVE_PORT, "failover-localnet")


@pytest.fixture(scope="module")
def live(localnet):
    chain = RpcChain(localnet.url)
    yield chain
    chain.close()


@pytest.fixture
def dead_url():
    """A port bound but not listening: every connection is refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", DEAD_PORT))
    yield f"http://127.0.0.1:{DEAD_PORT}"
    s.close()


@pytest.fixture
def black_hole():
    hole = TcpFrontEnd(HOLE_PORT, None)
    yield hole.url
    hole.kill()


@pytest.fixture
def front_end(localnet):
    # a port of the kernel's choosing: a killed front-end's connections may still hold a fixed one
    fe = TcpFrontEnd(0, LIVE_PORT)
    yield fe
    fe.kill()


@pytest.fixture
def stalled_validator(tmp_path):
    """A real solana-test-validator that answers every call but never leaves slot 0 (100,000 ticks per slot)."""
    from gridtokenx_cli.localnet import rpc_call, validator_binary

    url = f"http://127.0.0.1:{STALLED_PORT}"
    log = open(tmp_path / "stalled.log", "wb")
    proc = subprocess.Popen([str(validator_binary()), "--ledger", str(tmp_path / "ledger"), "--bind-address",
                             "127.0.0.1", "--rpc-port", str(STALLED_PORT), "--faucet-port", str(STALLED_PORT + 1001),
                             "--gossip-port", str(STALLED_PORT + 2), "--dynamic-port-range",
                             f"{STALLED_PORT + 3}-{STALLED_PORT + 32}", "--quiet", "--reset",
                             "--ticks-per-slot", "100000"], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if rpc_call(url, "getHealth") == "ok":
                    break
            except Exception:  # noqa: BLE001 - not up yet
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "stalled.log").read_text()[-2000:]
            time.sleep(0.5)
        assert rpc_call(url, "getSlot") == 0
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        log.close()
    assert proc.poll() is not None


def _funded(chain, lamports: int = 100 * SOL) -> Keypair:
    kp = Keypair()
    chain.airdrop(kp.pubkey(), lamports)
    return kp


def _transfer_job(payer: Keypair, to, lamports: int) -> Job:
    def build(blockhash: Hash):
        return Chain.sign([transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=to, lamports=lamports))],
                          payer, [], blockhash)

    return Job(build)


def _failover_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


# ----------------------------------------------------------------------------- no validator needed

def test_url_lists_parse_and_monikers_still_work():
    assert parse_urls("localnet") == ["http://127.0.0.1:8899"]
    assert parse_urls("http://a:1") == ["http://a:1"]
    assert parse_urls("http://a:1, localnet,http://a:1") == ["http://a:1", "http://127.0.0.1:8899"]
    assert parse_urls(["http://a:1", "devnet"]) == ["http://a:1", "https://api.devnet.solana.com"]
    with pytest.raises(ValueError, match="entry 2"):
        parse_urls("http://a:1,,http://b:2")
    ep = RpcEndpoints("http://a:1")
    assert not ep.multiple and not ep.fail_over("http://a:1", "x") and ep.failovers == 0  # one URL: never moves
    assert not ep.check_due()  # and never pays for a stall check
    ep = RpcEndpoints("http://a:1,http://b:2,http://c:3")
    assert ep.others("http://b:2") == ["http://c:3", "http://a:1"]
    assert ep.fail_over("http://a:1", "refused") and ep.current == "http://b:2"
    assert not ep.fail_over("http://a:1", "late report from another thread") and ep.failovers == 1


def test_cli_url_list_is_checked_and_loopback_means_every_entry():
    from gridtokenx_cli.cli import app
    from gridtokenx_cli.cli.common import hoist_global_options
    from gridtokenx_cli.deployment_keys import is_loopback_url

    for bad, why in (("http://127.0.0.1:1,,http://127.0.0.1:2", "entry 2"), ("http://127.0.0.1:1,ftp://x", "entry 2")):
        out = CliRunner().invoke(app, hoist_global_options(["-u", bad, "--backend", "rpc", "program", "show",
                                                            "11111111111111111111111111111111"]))
        assert out.exit_code == 2 and "--url" in out.output and why in out.output, out.output
    assert is_loopback_url("http://127.0.0.1:1,localhost:2,localnet")
    # a real cluster's URL behind a loopback one must not pass the committed-key checks
    assert not is_loopback_url("http://127.0.0.1:8899,https://api.mainnet-beta.solana.com")


def test_gateway_rpc_url_takes_a_string_or_an_array():
    from gridtokenx_cli.meter.config import ConfigError, parse_config

    base = {"gateway": {"rpc_url": "localnet", "keypair": "k"},
            "meter": [{"id": "a", "keypair": "k", "source": {"kind": "modbus-tcp"}}]}
    assert parse_config(base).rpc_url == "localnet"  # a string stays as it was
    urls = ["http://10.0.0.1:8899", "http://10.0.0.2:8899"]
    assert parse_config({**base, "gateway": {**base["gateway"], "rpc_url": urls}}).rpc_url == tuple(urls)
    for value, key, problem in (([], "gateway.rpc_url", "empty"), (["http://a:1", 3], "gateway.rpc_url[1]", "3"),
                                (["http://a:1", ""], "gateway.rpc_url[1]", "''"),
                                (["http://a:1,http://b:2"], "gateway.rpc_url[0]", "not one URL"),
                                (7, "gateway.rpc_url", "neither"), ("", "gateway.rpc_url", "missing")):
        with pytest.raises(ConfigError) as e:
            parse_config({**base, "gateway": {**base["gateway"], "rpc_url": value}})
        assert e.value.key == key and problem in e.value.problem, (value, e.value)
        assert "rpc_url = " in e.value.fix


def test_gateway_config_error_exits_2_naming_the_field(tmp_path):
    from gridtokenx_cli.cli import app

    cfg = tmp_path / "gateway.toml"
    cfg.write_text('[gateway]\nrpc_url = ["http://127.0.0.1:8899", 5]\nkeypair = "gw.json"\n[[meter]]\nid = "m"\n'
                   'keypair = "m.json"\nsource = { kind = "modbus-tcp", host = "127.0.0.1", port = 502 }\n')
    out = CliRunner().invoke(app, ["meter", "run", "--config", str(cfg)])
    assert out.exit_code == 2, out.output
    assert "gateway.rpc_url[1]: 5 is not one URL" in out.output


# ----------------------------------------------------------------------------- one validator + dead endpoints

@needs_validator
def test_first_url_dead_calls_and_sends_go_to_the_second(localnet, live, dead_url, caplog):
    caplog.set_level(logging.WARNING, LOGGER)
    chain = RpcChain(f"{dead_url},{localnet.url}")
    try:
        assert chain.url == dead_url and chain.stats["failovers"] == 0
        t0 = time.monotonic()
        payer = _funded(chain)
        assert time.monotonic() - t0 < 60  # no reconnect backoff (a loaded machine confirms slowly)
        assert chain.stats["failovers"] == 1 and chain.stats["url"] == localnet.url == chain.url
        assert chain.stats["reconnect_retries"] == 0  # moved at once, no backoff
        target = Keypair().pubkey()
        out = chain.send(transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=target, lamports=1_004_321)),
                         payer)
        assert out.ok and live.get_balance(target) == 1_004_321
        # the pipeline of this chain shares its endpoints: already on the live node
        with pipeline_for(chain) as pipe:
            assert pipe.url == localnet.url
            (piped,) = pipe.run([_transfer_job(payer, target, 1_000)])
        assert isinstance(piped, TxOutcome) and piped.ok and live.get_balance(target) == 1_005_321
    finally:
        chain.close()
    lines = _failover_lines(caplog)
    assert len(lines) == 1 and lines[0].startswith(f"RPC failover 1: {dead_url} -> {localnet.url} (")
    assert "ConnectError" in lines[0] or "Connect" in lines[0], lines


@needs_validator
def test_cli_takes_a_url_list_and_reads_from_the_live_node(localnet, dead_url, tmp_path):
    from gridtokenx_cli.cli import app
    from gridtokenx_cli.cli.common import hoist_global_options
    from gridtokenx_cli.keypairs import write_keypair

    key = tmp_path / "k.json"
    write_keypair(key, Keypair())
    nobody = Keypair().pubkey()
    t0 = time.monotonic()
    out = CliRunner().invoke(app, hoist_global_options(["-u", f"{dead_url},{localnet.url}", "-k", str(key),
                                                        "--backend", "rpc", "program", "show", str(nobody)]))
    # answered by the second URL (the message names the node that answered), at once
    assert out.exit_code == 1 and f"no account at {nobody} on {localnet.url}" in out.output, out.output
    assert time.monotonic() - t0 < 60


@needs_validator
def test_pipeline_with_a_dead_first_url_lands_every_job_once(localnet, live, dead_url):
    payer = _funded(live)
    targets = [Keypair().pubkey() for _ in range(5)]
    n = 60
    with RpcPipeline([dead_url, localnet.url], resend_interval=0.5) as pipe:
        results = pipe.run([_transfer_job(payer, targets[i % 5], 1_000_000 + i) for i in range(n)])
        stats = pipe.stats
    assert all(isinstance(r, TxOutcome) and r.ok for r in results), [r for r in results if not getattr(r, "ok", 0)][:3]
    assert stats.failovers >= 1 and stats.url == localnet.url
    assert stats.confirmed == n and stats.resigned == 0
    expected = {t: sum(1_000_000 + i for i in range(n) if i % 5 == k) for k, t in enumerate(targets)}
    assert {t: live.get_balance(t) for t in targets} == expected


@needs_validator
def test_a_node_that_never_answers_costs_one_bounded_timeout(localnet, live, black_hole, caplog):
    caplog.set_level(logging.WARNING, LOGGER)
    payer = _funded(live)
    chain = RpcChain([black_hole, localnet.url], request_timeout=2.0)
    try:
        t0 = time.monotonic()
        assert chain.get_balance(payer.pubkey()) == 100 * SOL
        took = time.monotonic() - t0
        assert 1.5 <= took < 15, took  # a request timeout (and a 2 s slot probe), then the live node
        assert chain.stats["failovers"] == 1 and chain.url == localnet.url
    finally:
        chain.close()
    assert "Timeout" in _failover_lines(caplog)[0]

    target = Keypair().pubkey()
    t0 = time.monotonic()
    with RpcPipeline([black_hole, localnet.url], request_timeout=2.0) as pipe:
        results = pipe.run([_transfer_job(payer, target, 1_000_000 + i) for i in range(10)])
        assert pipe.stats.failovers >= 1 and pipe.url == localnet.url
    print(f"pipeline behind a black hole: 10 transfers in {time.monotonic() - t0:.1f} s")
    assert all(isinstance(r, TxOutcome) and r.ok for r in results), results
    assert live.get_balance(target) == sum(1_000_000 + i for i in range(10))


# ----------------------------------------------------------------------------- mid-workload, one chain behind both

@needs_validator
def test_front_end_killed_mid_workload_pipeline_lands_every_transfer_exactly_once(localnet, live, front_end,
                                                                                   caplog):
    """[front-end, direct]: the front-end is killed after a third of the outcomes; transactions sent through it
    are resent (same bytes) to the direct URL, none is lost or executed twice."""
    caplog.set_level(logging.WARNING, LOGGER)
    payer = _funded(live, 500 * SOL)
    targets = [Keypair().pubkey() for _ in range(20)]
    n = 450
    jobs = [_transfer_job(payer, targets[i % 20], 1_000_000 + i) for i in range(n)]
    done = []
    killed_at: list[float] = []

    def on_result(i, job, result):
        done.append(i)
        if len(done) == n // 3 and not killed_at:
            front_end.kill()
            killed_at.append(time.monotonic())

    t0 = time.monotonic()
    with RpcPipeline([front_end.url, localnet.url], window=150, resend_interval=1.0) as pipe:
        results = pipe.run(jobs, on_result=on_result)
        stats = pipe.stats
    took = time.monotonic() - t0
    print(f"{n} transfers, front-end killed after {n // 3}: {took:.1f} s; failovers {stats.failovers}, resent "
          f"{stats.resent}, re-signed {stats.resigned}, send errors {stats.send_errors}")
    assert killed_at and stats.failovers == 1 and stats.url == localnet.url
    assert all(isinstance(r, TxOutcome) and r.ok for r in results), [r for r in results if not getattr(r, "ok", 0)][:3]
    assert len({r.signature for r in results}) == n
    expected = {t: 0 for t in targets}
    for i in range(n):
        expected[targets[i % 20]] += 1_000_000 + i
    assert {t: live.get_balance(t) for t in targets} == expected  # none lost, none twice
    assert len(_failover_lines(caplog)) == 1


@needs_validator
def test_front_end_frozen_mid_workload_rpc_chain_sends_each_transfer_once(localnet, live, front_end):
    """RpcChain.send in a loop through [front-end, direct]; the front-end hangs (accepts, forwards nothing) mid
    workload: the stuck request times out (bounded), the chain moves, every transfer lands once."""
    payer = _funded(live)
    target = Keypair().pubkey()
    chain = RpcChain([front_end.url, localnet.url], request_timeout=3.0)
    amounts = [1_000_000 + i for i in range(24)]
    outcomes = []
    try:
        t0 = time.monotonic()
        for i, amount in enumerate(amounts):
            if i == 8:
                front_end.freeze()
            outcomes.append(chain.send(transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=target,
                                                               lamports=amount)), payer))
        print(f"24 sends, front-end frozen after 8: {time.monotonic() - t0:.1f} s; stats {chain.stats}")
        assert chain.stats["failovers"] == 1 and chain.url == localnet.url
    finally:
        chain.close()
    assert all(o.ok for o in outcomes) and len({o.signature for o in outcomes}) == len(amounts)
    assert live.get_balance(target) == sum(amounts)


# ----------------------------------------------------------------------------- a node that answers but stalls

@needs_validator
def test_rpc_chain_leaves_a_node_whose_slot_stopped(localnet, live, stalled_validator, caplog):
    caplog.set_level(logging.WARNING, LOGGER)
    payer = _funded(live)
    chain = RpcChain([stalled_validator, localnet.url], stall_timeout=3.0)
    try:
        assert chain.call("get_slot").value == 0  # the stalled node answers
        t0 = time.monotonic()
        while chain.stats["failovers"] == 0 and time.monotonic() - t0 < 20:
            chain.call("get_slot")
            time.sleep(0.3)
        took = time.monotonic() - t0
        assert chain.stats["failovers"] == 1 and chain.url == localnet.url
        assert 2.0 <= took <= 12.0, took  # stall_timeout (3 s) after the first sighting, checked every second
        assert chain.call("get_slot").value > 0
        assert chain.get_balance(payer.pubkey()) == 100 * SOL
    finally:
        chain.close()
    (line,) = _failover_lines(caplog)
    assert f"{stalled_validator} -> {localnet.url} (stalled: slot 0 unchanged for" in line
    assert f"while {localnet.url} is at slot" in line


@needs_validator
def test_pipeline_leaves_a_node_whose_slot_stopped(localnet, live, stalled_validator):
    payer = _funded(live)
    target = Keypair().pubkey()
    with RpcPipeline([stalled_validator, localnet.url], stall_timeout=3.0, blockhash_refresh=0.5) as pipe:
        t0 = time.monotonic()
        while pipe.stats.failovers == 0 and time.monotonic() - t0 < 20:
            time.sleep(0.2)
        assert pipe.stats.failovers == 1 and pipe.stats.url == localnet.url, pipe.stats
        time.sleep(1.0)  # a blockhash of the live node
        results = pipe.run([_transfer_job(payer, target, 1_000_000 + i) for i in range(10)])
    assert all(isinstance(r, TxOutcome) and r.ok for r in results)
    assert live.get_balance(target) == sum(1_000_000 + i for i in range(10))


# ----------------------------------------------------------------------------- the gateway with a URL list

@needs_validator
def test_gateway_with_a_url_list_delivers_every_reading_once_across_a_failover(tmp_path):
    """`gtx meter run` (a real process) with rpc_url = [front-end, direct] against a validator with the platform;
    the front-end is killed while readings flow: one `rpc_failover` event, every reading on chain exactly once."""
    import json
    import signal as sig

    from gridtokenx_cli.meter.queue import DELIVERED
    from gridtokenx_cli.testing.meter_rig import Rig, wait_for

    rig = Rig(tmp_path, GATEWAY_RIG_PORT)
    fe = TcpFrontEnd(FRONT_PORT + 1, GATEWAY_RIG_PORT)
    try:
        single = f'rpc_url = "{rig.localnet.url}"'
        assert single in rig.config.read_text()
        rig.config.write_text(rig.config.read_text().replace(single, f'rpc_url = ["{fe.url}", "{rig.localnet.url}"]'))
        rig.start_daemon()
        q = rig.queue()
        wait_for(lambda: all(q.baseline(t) for t in rig.ids), 90, "baselines")
        rig.start_clock()
        wait_for(lambda: sum(1 for r in q.readings() if r.state == DELIVERED) >= 6, 120, "deliveries via the front-end")
        fe.kill()
        killed_at = time.monotonic()
        delivered_at_kill = sum(1 for r in q.readings() if r.state == DELIVERED)
        wait_for(lambda: sum(1 for r in q.readings() if r.state == DELIVERED) >= delivered_at_kill + 6, 120,
                 "deliveries after the front-end died")
        print(f"gateway: 6 more readings delivered {time.monotonic() - killed_at:.1f} s after the front-end died")
        rig.stop_clock()
        rig.wait_drained_to(rig.final_registers(), 240)
        assert rig.health()["status"] == "ok"
        assert rig.kill_daemon(sig.SIGTERM) == 0
        q.close()
        figures = rig.assert_exactly_once()
        lines = (tmp_path / "gateway.log").read_text().splitlines()
        events = [json.loads(line) for line in lines]  # every line is JSON (no stray plain-text warning)
        failovers = [e for e in events if e["event"] == "rpc_failover"]
        assert len(failovers) == 1, failovers
        assert (failovers[0]["from_url"], failovers[0]["to_url"], failovers[0]["failovers"]) == \
            (fe.url, rig.localnet.url, 1)
        print(f"gateway across a failover: {figures}; {failovers[0]['reason']}")
    finally:
        fe.kill()
        rig.close()
