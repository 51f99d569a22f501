"""The network path against a real solana-test-validator (built by scripts/install-validator.sh): localnet
lifecycle, deploy through the upgradeable loader, the rpc backend's outcomes, upgrade, platform bootstrap.
Skipped, naming the fix, when the validator binary has not been built on this machine."""
from __future__ import annotations

import pytest
from solders.keypair import Keypair

from gridtokenx_cli.bench import blockbench_cu as bb

from gridtokenx_cli.testing.validator import needs_validator, rpc_chain_of, running_localnet  # noqa: E402

pytestmark = needs_validator


@pytest.fixture(scope="module")
def localnet(tmp_path_factory):
    yield from running_localnet(tmp_path_factory, 18899)


@pytest.fixture(scope="module")
def chain(localnet):
    yield from rpc_chain_of(localnet)


@pytest.fixture(scope="module")
def payer(chain) -> Keypair:
    kp = Keypair()
    chain.airdrop(kp.pubkey(), 200 * 10**9)
    return kp


@pytest.fixture(scope="module")
def deployer(chain, payer, tmp_path_factory):
    from gridtokenx_cli.deploy import Deployer

    return Deployer(chain, payer, state_dir=tmp_path_factory.mktemp("buffers"))


def test_status_reports_a_healthy_validator(localnet):
    info = localnet.status()
    assert info["healthy"] and info["version"].startswith("4.2")
    assert info["programs"]["blockbench"] is False


def test_deploy_then_run_instructions_over_rpc(deployer, chain, payer):
    from gridtokenx_cli.deploy import programdata_address

    result = deployer.deploy("blockbench")
    assert not result.upgraded and result.chunks_written == result.chunks_total > 0
    assert chain.get_account(bb.PROGRAM_ID).executable
    assert chain.get_account(programdata_address(bb.PROGRAM_ID)) is not None
    assert not list(deployer.state_dir.glob("*-buffer.json"))  # buffer consumed, keypair forgotten

    ok = chain.send(bb.ix_cpu_heavy(payer.pubkey(), 32, 9), payer)
    assert ok.ok and ok.compute_units > 0
    assert ok.event("CpuHeavyDone").data["checksum"] == bb.cpu_heavy_expected(32, 9)["checksum"]
    rejected = chain.send(bb.ix_cpu_heavy(payer.pubkey(), 0, 9), payer)
    assert not rejected.ok and (rejected.error.code, rejected.error.name) == (bb.Err.InvalidSize, "InvalidSize")


def test_interrupted_buffer_write_resumes(deployer, chain):
    so = deployer.ws.so_path("blockbench").read_bytes()
    # a first attempt that wrote only part of the buffer: create it and write the first chunk by hand
    from gridtokenx_cli.deploy import BUFFER_HEADER, CHUNK

    buffer = deployer.buffer_keypair("blockbench")
    deployer.write_buffer("blockbench", so[:CHUNK] + bytes(len(so) - CHUNK))  # creates it, writes chunk 0 only
    acc = chain.get_account(buffer.pubkey())
    assert bytes(acc.data)[BUFFER_HEADER:BUFFER_HEADER + CHUNK] == so[:CHUNK]
    same, total, written = deployer.write_buffer("blockbench", so)
    assert same.pubkey() == buffer.pubkey()
    zero_chunks = sum(1 for o in range(CHUNK, len(so), CHUNK) if not any(so[o:o + CHUNK]))
    assert written == total - 1 - zero_chunks  # chunks already in place are not written again
    assert bytes(chain.get_account(buffer.pubkey()).data)[BUFFER_HEADER:] == so
    assert deployer.close_buffers() == [str(buffer.pubkey())]
    assert chain.get_account(buffer.pubkey()) is None


def test_upgrade_keeps_the_program_id_and_its_data(deployer, chain, payer):
    store, _ = bb.store_pda(payer.pubkey(), 5)
    assert chain.send(bb.ix_init_store(payer.pubkey(), 5), payer).ok
    before = chain.account_data(store)
    result = deployer.upgrade("blockbench")
    assert result.upgraded
    assert chain.account_data(store) == before
    assert chain.send(bb.ix_io_read(store, 0, 4), payer).ok
