"""Deployment operations for a shared cluster, each on a real solana-test-validator through `gtx`: a separate
upgrade authority, 1x allocation and ExtendProgram on a grown upgrade (cost shown first), a buffer written here,
handed to another authority and applied by it (the multisig path), `gtx program show|dump|close|list`, `gtx verify`
(match and mismatch), the priority fee and the simulated compute-unit limit of RpcChain — and the failure paths:
a wrong authority gets the exact error and leaves the program data byte-identical. Ports 22100..22132 (faucet
23101); skipped when the validator binary is absent."""
from __future__ import annotations

import json
import os
import pty
import select
import struct
import sys
import time
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from typer.testing import CliRunner

from gridtokenx_cli.bench import blockbench_cu as bb
from gridtokenx_cli.chain.workspace import REPO_ROOT, Workspace
from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.keypairs import write_keypair
from gridtokenx_cli.localnet import Localnet
from gridtokenx_cli.testing.validator import needs_validator

pytestmark = needs_validator

PORT = 22100
PROGRAM = "blockbench"
runner = CliRunner()
WITH_BUFFERS_DIR = {("deploy",), ("upgrade",), ("buffers", "list"), ("buffers", "close"), ("buffers", "write")}


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    n = Localnet(root=tmp_path_factory.mktemp("localnet-deploy-ops"), rpc_port=PORT)
    n.up(reset=True)
    yield n
    n.down()
    assert n.pid() is None


@pytest.fixture(scope="module")
def chain(net):
    from gridtokenx_cli.chain.rpc import RpcChain

    c = RpcChain(net.url)
    yield c
    c.close()


@pytest.fixture(scope="module")
def keys(chain, tmp_path_factory) -> dict[str, tuple[Keypair, Path]]:
    """payer (pays, the default signer), authority (the upgrade authority, e.g. a multisig member's key),
    stranger (funded, but holds no authority)."""
    folder = tmp_path_factory.mktemp("keys")
    out = {}
    for name, sol in (("payer", 100), ("authority", 2), ("stranger", 2)):
        kp = Keypair()
        chain.airdrop(kp.pubkey(), sol * 10**9)
        write_keypair(folder / f"{name}.json", kp)
        out[name] = (kp, folder / f"{name}.json")
    return out


@pytest.fixture(scope="module")
def cli(net, keys, tmp_path_factory):
    """`gtx --json` against this validator, signed by the payer unless `keypair` says otherwise."""
    buffers = tmp_path_factory.mktemp("buffers")

    def run(*args: str, keypair: Path | None = None, stdin: str | None = None):
        extra = ["--buffers-dir", str(buffers)] if tuple(args[:1]) in WITH_BUFFERS_DIR or tuple(args[:2]) in \
            WITH_BUFFERS_DIR else []
        argv = ["--url", net.url, "--keypair", str(keypair or keys["payer"][1]), "--json", *args, *extra]
        return runner.invoke(app, hoist_global_options(argv), input=stdin)
    run.buffers = buffers
    return run


@pytest.fixture(scope="module")
def so() -> bytes:
    return Workspace.load().so_path(PROGRAM).read_bytes()


def programdata(chain, program_id: Pubkey) -> bytes:
    from gridtokenx_cli.deploy import programdata_address

    acc = chain.get_account(programdata_address(program_id))
    return bytes(acc.data) if acc else b""


def authority_of(chain, program_id: Pubkey) -> str | None:
    from gridtokenx_cli.deploy import read_program

    info = read_program(chain, program_id)
    return info.authority if info else None


@pytest.fixture(scope="module")
def deployed(cli, chain, keys, so):
    """blockbench deployed by the payer with `authority` as its upgrade authority (a keypair that signs)."""
    out = cli("deploy", PROGRAM, "--upgrade-authority", str(keys["authority"][1]))
    assert out.exit_code == 0, out.output
    [row] = json.loads(out.stdout)
    print(f"\ndeploy of {PROGRAM}: {row['chunks_total']} chunks in {row['seconds']} s")
    return row


def test_deploy_allocates_1x_and_takes_a_separate_upgrade_authority(deployed, chain, keys, so, cli):
    pid = Workspace.load().program_id(PROGRAM)
    assert not deployed["upgraded"] and deployed["upgrade_authority"] == str(keys["authority"][0].pubkey())
    data = programdata(chain, pid)
    assert len(data) == 45 + len(so) and data[45:] == so  # 1x, not the Solana CLI's 2x
    shown = cli("program", "show", PROGRAM)
    assert shown.exit_code == 0, shown.output
    info = json.loads(shown.stdout)
    assert info["kind"] == "program" and info["upgrade_authority"] == str(keys["authority"][0].pubkey())
    assert info["data_len"] == len(so) and info["last_deploy_slot"] > 0 and not info["immutable"]
    assert info["lamports"] == chain.get_balance(pid) + chain.get_balance(Pubkey.from_string(info["programdata"]))
    ok = chain.send(bb.ix_cpu_heavy(keys["payer"][0].pubkey(), 8, 1), keys["payer"][0])
    assert ok.ok and ok.event("CpuHeavyDone").data["checksum"] == bb.cpu_heavy_expected(8, 1)["checksum"]
    verified = cli("verify", PROGRAM)
    assert verified.exit_code == 0 and json.loads(verified.stdout)["result"] == "match"


def test_usage_errors_name_the_field(deployed, cli):
    out = cli("deploy", PROGRAM, "--upgrade-authority", "not-a-key")
    assert out.exit_code == 2 and "--upgrade-authority: 'not-a-key' is neither a keypair file nor a public key" \
        in out.output
    vault = str(Keypair().pubkey())
    out = cli("upgrade", PROGRAM, "--upgrade-authority", vault)
    assert out.exit_code == 2 and f"--upgrade-authority: {vault} is a public key, but an upgrade is signed by the " \
        f"upgrade authority; give its keypair, or for an authority that signs elsewhere (a multisig) run `gtx " \
        f"buffers write {PROGRAM}` and `gtx buffers set-authority BUFFER {vault}`" in " ".join(out.output.split())
    out = cli("deploy", "--max-len", "100")
    assert out.exit_code == 2 and "--max-len: applies to one program" in out.output
    out = runner.invoke(app, ["--priority-fee", "cheap", "status"])
    assert out.exit_code == 2 and "--priority-fee: priority fee 'cheap' is neither a number of micro-lamports " \
        "nor 'auto'" in out.output
    out = runner.invoke(app, ["--cu-limit", "1400001", "status"])
    assert out.exit_code == 2 and "--cu-limit: compute-unit limit 1400001 is outside 1..1,400,000" in out.output
    out = cli("upgrade", PROGRAM, "--buffer", "x", "--so", str(Workspace.load().so_path(PROGRAM)))
    assert out.exit_code == 2 and "--buffer: --so and --buffer both name the new program" in out.output
    out = cli("deploy", PROGRAM, "--max-len", "100")
    assert out.exit_code == 1 and "--max-len 100 is smaller than the program" in out.output
    out = cli("program", "close", PROGRAM)
    assert out.exit_code == 2 and "--yes: closing program" in out.output
    out = cli("verify", "nonsense")
    assert out.exit_code == 2 and "PROGRAM: 'nonsense' is neither a program of Anchor.toml nor an address" in \
        " ".join(out.output.split())


def test_an_upgrade_by_the_wrong_authority_is_refused_and_changes_nothing(deployed, net, cli, chain, keys, so):
    from gridtokenx_cli.chain import TransactionRejected
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.deploy import Deployer, ix_upgrade

    pid = Workspace.load().program_id(PROGRAM)
    before = programdata(chain, pid)
    payer, authority = keys["payer"][0].pubkey(), keys["authority"][0].pubkey()
    out = cli("upgrade", PROGRAM)  # signed by the payer, who is not the upgrade authority
    assert out.exit_code == 1
    assert f"the upgrade authority of {pid} is {authority}, not {payer}; sign with that keypair " \
           f"(--upgrade-authority KEYPAIR)" in " ".join(out.output.split())
    assert programdata(chain, pid) == before and not list(cli.buffers.glob("*.json"))  # checked before writing
    # the loader itself refuses it too (the check above is not the only guard): a complete buffer of the payer's,
    # Upgrade signed by the payer -> rejected in simulation, never sent
    with RpcChain(net.url, compute_unit_limit="simulate") as simulating:  # what the CLI uses
        d = Deployer(simulating, keys["payer"][0], state_dir=cli.buffers)
        buffer, *_ = d.write_buffer("wrong-authority", so)
        with pytest.raises(TransactionRejected, match="IncorrectAuthority") as rejected:
            simulating.send(ix_upgrade(pid, buffer.pubkey(), payer, payer), keys["payer"][0], check=True)
        sig = rejected.value.outcome.signature
        assert chain.call("get_signature_statuses", [sig]).value[0] is None  # simulated, not sent
        assert programdata(chain, pid) == before
        assert d.close_buffers() == [str(buffer.pubkey())]


def test_a_grown_program_is_extended_then_upgraded(deployed, net, cli, chain, keys, so, tmp_path):
    pid = Workspace.load().program_id(PROGRAM)
    grown = tmp_path / "grown.so"
    grown.write_bytes(so + bytes(16 * 1024))  # a larger ELF file: trailing zeroes after the section headers
    payer_before = chain.get_balance(keys["payer"][0].pubkey())
    rent = chain.call("get_minimum_balance_for_rent_exemption", 45 + len(so) + 16 * 1024).value - \
        chain.get_balance(Pubkey.from_string(json.loads(cli("program", "show", PROGRAM).stdout)["programdata"]))
    out = runner.invoke(app, hoist_global_options([
        "--url", net.url, "--keypair", str(keys["payer"][1]), "upgrade",
        PROGRAM, "--so", str(grown), "--upgrade-authority", str(keys["authority"][1]),
        "--buffers-dir", str(cli.buffers)]))
    assert out.exit_code == 0, out.output
    # the cost is shown before it is paid (stderr, before the result table)
    text = " ".join(out.output.split())
    assert f"extending the program data account by 16,384 bytes ({len(so):,} -> {len(so) + 16384:,}): " \
           f"{rent:,} lamports" in text
    assert text.index("extending the program data") < text.index("gtx deploy")
    data = programdata(chain, pid)
    assert len(data) == 45 + len(so) + 16384 and data[45:] == grown.read_bytes()
    assert chain.get_balance(keys["payer"][0].pubkey()) < payer_before - rent  # the payer paid rent and fees
    from gridtokenx_cli.deploy import extend_program_checked_active

    print(f"\nextend: ExtendProgram{'Checked' if extend_program_checked_active(chain) else ''}, {rent:,} lamports")
    ok = chain.send(bb.ix_cpu_heavy(keys["payer"][0].pubkey(), 8, 2), keys["payer"][0])
    assert ok.ok
    # verify trims trailing zeroes: the grown binary is the same program as the original build
    assert json.loads(cli("verify", PROGRAM).stdout)["result"] == "match"
    tampered = tmp_path / "tampered.so"
    body = bytearray(so)
    body[len(body) // 2] ^= 0xFF
    tampered.write_bytes(bytes(body))
    differ = cli("verify", PROGRAM, "--so", str(tampered))
    assert differ.exit_code == 1
    result = json.loads(differ.stdout)
    assert result["result"] == "differ" and result["onchain_len"] == result["local_len"] == len(so.rstrip(b"\0"))


def test_buffer_handed_over_and_applied_by_the_new_authority(deployed, net, cli, chain, keys, so, tmp_path):
    """The multisig path: the payer writes a buffer, hands it to the upgrade authority, which applies it."""
    from gridtokenx_cli.deploy import read_program

    pid = Workspace.load().program_id(PROGRAM)
    written = cli("buffers", "write", PROGRAM)
    assert written.exit_code == 0, written.output
    info = json.loads(written.stdout)
    buffer = Pubkey.from_string(info["buffer"])
    assert info["authority"] == str(keys["payer"][0].pubkey()) and info["chunks_written"] == info["chunks_total"]
    assert read_program(chain, buffer).data_len == len(so)
    before = programdata(chain, pid)
    authority = keys["authority"][0].pubkey()

    # not handed over yet: the buffer's authority is the payer, not the upgrade authority
    out = cli("upgrade", PROGRAM, "--buffer", str(buffer), "--upgrade-authority", str(keys["authority"][1]))
    assert out.exit_code == 1 and f"the authority of buffer {buffer} is {keys['payer'][0].pubkey()}, not the " \
        f"upgrade authority {authority}; hand it over first" in " ".join(out.output.split())
    # only the buffer's authority can hand it over
    out = cli("buffers", "set-authority", str(buffer), str(authority), keypair=keys["stranger"][1])
    assert out.exit_code == 1 and f"the authority of buffer {buffer} is {keys['payer'][0].pubkey()}, not " \
        f"{keys['stranger'][0].pubkey()}" in " ".join(out.output.split())
    assert read_program(chain, buffer).authority == str(keys["payer"][0].pubkey())

    # the hand-over, checked (the new authority co-signs), the payer's key read from stdin
    payer_json = json.dumps(list(bytes(keys["payer"][0])))
    out = runner.invoke(app, hoist_global_options(["--url", net.url, "-k", "stdin", "--json",
                                                   "buffers", "set-authority", str(buffer),
                                                   str(keys["authority"][1])]), input=payer_json)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["authority"] == str(authority)
    assert read_program(chain, buffer).authority == str(authority)
    assert programdata(chain, pid) == before  # nothing applied yet

    # the upgrade authority applies it, its keypair typed at a terminal prompt (a real pty)
    secret = str(keys["authority"][0])  # base58 of the 64 bytes
    pid_child, fd = pty.fork()
    if pid_child == 0:
        os.chdir(REPO_ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "gridtokenx_cli", "--url", net.url,
                                  "--keypair", str(keys["payer"][1]), "--json", "upgrade", PROGRAM, "--buffer",
                                  str(buffer), "--upgrade-authority", "prompt://", "--buffers-dir",
                                  str(cli.buffers)])
    output = _answer_prompt(fd, b"keypair", secret.encode())
    _, status = os.waitpid(pid_child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode(errors="replace")
    assert secret.encode() not in output  # not echoed
    assert chain.get_account(buffer) is None  # consumed by the upgrade
    after = programdata(chain, pid)
    assert after[45:45 + len(so)] == so and after[45 + len(so):] == bytes(len(after) - 45 - len(so))
    assert authority_of(chain, pid) == str(authority)


def _answer_prompt(fd: int, marker: bytes, answer: bytes, timeout: float = 180.0) -> bytes:
    out, answered = b"", False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
        if not answered and marker in out:
            os.write(fd, answer + b"\n")
            answered = True
    assert answered, out
    return out


def test_program_list_dump_and_close(deployed, cli, chain, keys, so, tmp_path):
    from gridtokenx_cli.deploy import CHUNK, Deployer

    payer, owner = keys["payer"][0], keys["stranger"][0]
    d = Deployer(chain, payer, state_dir=tmp_path / "buffers")
    disposable = Keypair()
    # deployed by the payer, the authority handed to a bare public key in the same transaction, 4 KiB of room
    result = d.deploy("disposable", Workspace.load().so_path(PROGRAM), program_keypair=disposable,
                      upgrade_authority=owner.pubkey(), max_len=len(so) + 4096)
    did = disposable.pubkey()
    bid = Workspace.load().program_id(PROGRAM)
    assert result.upgrade_authority == authority_of(chain, did) == str(owner.pubkey())
    assert len(programdata(chain, did)) == 45 + len(so) + 4096

    assert json.loads(cli("program", "list").stdout) == []  # default: the programs of --keypair (the payer)
    mine = json.loads(cli("program", "list", keypair=keys["stranger"][1]).stdout)
    assert [r["program_id"] for r in mine] == [str(did)]
    theirs = json.loads(cli("program", "list", "--authority", str(keys["authority"][0].pubkey())).stdout)
    assert [r["program_id"] for r in theirs] == [str(bid)]
    everything = json.loads(cli("program", "list", "--all").stdout)
    assert {str(did), str(bid)} <= {r["program_id"] for r in everything}

    dumped = cli("program", "dump", str(did), str(tmp_path / "dump.so"))
    assert dumped.exit_code == 0, dumped.output
    assert (tmp_path / "dump.so").read_bytes() == so + bytes(4096) and json.loads(dumped.stdout)["bytes_trimmed"] \
        == len(so.rstrip(b"\0"))

    before = programdata(chain, did)
    out = cli("program", "close", str(did))  # no --yes
    assert out.exit_code == 2 and f"--yes: closing program {did} is irreversible: it stops, and its id can never " \
        f"be deployed again" in " ".join(out.output.split())
    out = cli("program", "close", str(did), "--yes")  # the payer deployed it but no longer holds the authority
    assert out.exit_code == 1 and f"the upgrade authority of {did} is {owner.pubkey()}, not " \
        f"{payer.pubkey()}" in " ".join(out.output.split())
    out = cli("program", "close", PROGRAM, "--yes", keypair=keys["authority"][1])  # one of the workspace's
    assert out.exit_code == 2 and f"--bypass-warning: {bid} is `{PROGRAM}` of this workspace's Anchor.toml" in \
        " ".join(out.output.split())
    assert programdata(chain, did) == before and programdata(chain, bid)

    balance = chain.get_balance(payer.pubkey())
    closed = cli("program", "close", str(did), "--yes", "--recipient", str(payer.pubkey()), keypair=keys["stranger"][1])
    assert closed.exit_code == 0, closed.output
    reclaimed = json.loads(closed.stdout)["lamports"]
    assert reclaimed > 0 and chain.get_balance(payer.pubkey()) == balance + reclaimed
    assert programdata(chain, did) == b""
    assert json.loads(cli("program", "show", str(did)).stdout)["kind"] == "closed-program"
    stopped = chain.send(_retarget(bb.ix_cpu_heavy(payer.pubkey(), 8, 1), did), payer)
    assert not stopped.ok  # the program no longer runs
    from gridtokenx_cli.deploy import DeployError

    with pytest.raises(DeployError, match=f"{did} is not a deployed upgradeable program .* \\(it is a closed program"):
        d.deploy("disposable", Workspace.load().so_path(PROGRAM), program_keypair=disposable)
    out = cli("verify", str(did), "--so", str(Workspace.load().so_path(PROGRAM)))
    assert out.exit_code == 1 and "(it is a closed program)" in out.output

    # a buffer closes too (no --yes: nothing irreversible), by its authority only
    buffer, *_ = d.write_buffer("abandoned", so[:CHUNK * 2])
    address = str(buffer.pubkey())
    shown = json.loads(cli("program", "show", address).stdout)
    assert shown["kind"] == "buffer" and shown["upgrade_authority"] == str(payer.pubkey())
    out = cli("program", "close", address, keypair=keys["stranger"][1])
    assert out.exit_code == 1 and f"the authority of buffer {address} is {payer.pubkey()}, not " \
        f"{owner.pubkey()}" in " ".join(out.output.split())
    out = cli("program", "close", address)
    assert out.exit_code == 0 and json.loads(out.stdout)["lamports"] == shown["lamports"]
    assert chain.get_account(buffer.pubkey()) is None


def _retarget(ix, program_id: Pubkey):
    from solders.instruction import Instruction

    return Instruction(program_id, bytes(ix.data), list(ix.accounts))


def test_priority_fee_and_simulated_compute_unit_limit(deployed, net, chain, keys):
    from gridtokenx_cli.chain.rpc import COMPUTE_BUDGET, RpcChain, units_with_margin

    payer = keys["payer"][0]
    c = RpcChain(net.url, priority_fee=20_000, compute_unit_limit="simulate")
    try:
        before = chain.get_balance(payer.pubkey())
        sent = c.send(bb.ix_cpu_heavy(payer.pubkey(), 64, 3), payer, check=True)
        fee = before - chain.get_balance(payer.pubkey())
        tx = chain.call("get_transaction", sent.signature, encoding="base64", max_supported_transaction_version=0)
        message = tx.value.transaction.transaction.message
        budget = {bytes(ix.data)[0]: bytes(ix.data)[1:] for ix in message.instructions
                  if message.account_keys[ix.program_id_index] == COMPUTE_BUDGET}
        limit = struct.unpack("<I", budget[2])[0]
        assert struct.unpack("<Q", budget[3])[0] == 20_000
        # cpu_heavy is deterministic: the simulation consumed what the transaction did, the limit is that x 1.1 + 1,000
        assert sent.ok and limit == units_with_margin(sent.compute_units) < 200_000
        assert fee == 5000 + (20_000 * limit + 999_999) // 1_000_000  # the priority fee is priced on the limit
        print(f"\ncpu_heavy(64): {sent.compute_units} CU, limit {limit}, fee {fee} lamports (5000 base)")

        # a high price on a modest balance: 500,000 micro-lamports x 1.4M CU would be 0.7 SOL, more than the 0.05
        # SOL it has, so the simulation is priced at 0; the real transaction, on its measured limit, costs ~0.005
        modest = Keypair()
        chain.airdrop(modest.pubkey(), 5 * 10**7)
        with RpcChain(net.url, priority_fee=500_000, compute_unit_limit="simulate") as pricey:
            assert pricey.send(bb.ix_cpu_heavy(modest.pubkey(), 64, 3), modest, check=True).ok
        assert chain.get_balance(modest.pubkey()) == 5 * 10**7 - 5000 - (500_000 * limit + 999_999) // 1_000_000

        # a failing transaction is reported from its simulation, decoded like a sent one, and never sent
        before = chain.get_balance(payer.pubkey())
        rejected = c.send(bb.ix_cpu_heavy(payer.pubkey(), 0, 9), payer)
        assert not rejected.ok and (rejected.error.code, rejected.error.name) == (bb.Err.InvalidSize, "InvalidSize")
        assert chain.call("get_signature_statuses", [rejected.signature]).value[0] is None
        assert chain.get_balance(payer.pubkey()) == before  # no fee: nothing was sent
    finally:
        c.close()


def test_chunk_writes_are_not_simulated_one_by_one(net, keys, so, tmp_path):
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.deploy import CHUNK, Deployer

    c = RpcChain(net.url, priority_fee=1_000, compute_unit_limit="simulate")
    try:
        d = Deployer(c, keys["payer"][0], state_dir=tmp_path)
        before = c.stats["simulated"]
        buffer, total, written = d.write_buffer("simulated-once", so)
        assert total == written == len(range(0, len(so), CHUNK))
        assert c.stats["simulated"] - before == 2  # the buffer's creation and the first chunk, not 1 per chunk
        assert bytes(c.get_account(buffer.pubkey()).data)[37:] == so
        assert d.close_buffers() == [str(buffer.pubkey())]
    finally:
        c.close()


def test_auto_priority_fee_follows_recent_fees_of_the_accounts(deployed, net, chain, keys):
    from gridtokenx_cli.chain.rpc import RpcChain, fee_percentile, writable_accounts

    payer = keys["payer"][0]
    store_seed = 77
    paid = RpcChain(net.url, priority_fee=30_000, compute_unit_limit=50_000)
    auto = RpcChain(net.url, priority_fee="auto", compute_unit_limit=50_000)
    try:
        init = bb.ix_init_store(payer.pubkey(), store_seed)
        assert paid.send(init, payer).ok
        store, _ = bb.store_pda(payer.pubkey(), store_seed)
        for i in range(12):  # recent transactions writing `store` that paid 30,000 micro-lamports per CU
            assert paid.send(bb.ix_io_write(payer.pubkey(), store, i % 4, 4, i), payer).ok
        write = bb.ix_io_write(payer.pubkey(), store, 0, 4, 99)
        accounts = writable_accounts([write], payer.pubkey())
        assert store in accounts
        raw = [r["prioritizationFee"] for r in auto.json_rpc("getRecentPrioritizationFees",
                                                              [[str(a) for a in accounts]])]
        expected = fee_percentile(raw)
        assert 30_000 in raw and auto.priority_fee_for(accounts) == expected
        before = chain.get_balance(payer.pubkey())
        assert auto.send(write, payer).ok
        assert before - chain.get_balance(payer.pubkey()) == 5000 + (expected * 50_000 + 999_999) // 1_000_000
        print(f"\nauto priority fee over {len(raw)} recent slots: {expected} micro-lamports/CU")
    finally:
        paid.close()
        auto.close()


def test_fee_percentile_is_the_nearest_rank_with_floor_zero():
    from gridtokenx_cli.chain.rpc import fee_percentile

    assert fee_percentile([]) == 0
    assert fee_percentile([0] * 100) == 0
    assert fee_percentile([0] * 74 + [500] * 26) == 500  # a quarter of the recent slots paid: auto pays too
    assert fee_percentile([0] * 76 + [500] * 24) == 0  # fewer: the account is not contended
    assert fee_percentile([3, 1, 2, 4], 50) == 3
    assert fee_percentile([7]) == 7
