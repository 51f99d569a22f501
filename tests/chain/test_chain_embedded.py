"""The chain interface on the embedded backend: outcomes, Anchor error and event decoding, signers, clock."""
from __future__ import annotations

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli.bench import blockbench_cu as bb
from gridtokenx_cli.chain import TransactionRejected, Workspace, open_chain
from gridtokenx_cli.testing.svm_lite import program_so


@pytest.fixture()
def chain():
    program_so("blockbench")
    c = open_chain("embedded", programs=["blockbench"])
    yield c
    c.close()


@pytest.fixture()
def payer(chain) -> Keypair:
    kp = Keypair()
    chain.airdrop(kp.pubkey(), 10_000_000_000)
    return kp


def test_workspace_reads_program_ids_from_anchor_toml():
    ws = Workspace.load()
    assert ws.program_id("blockbench") == bb.PROGRAM_ID
    with pytest.raises(KeyError, match="not in Anchor.toml"):
        ws.program_id("nope")


def test_success_carries_compute_units_and_decoded_events(chain, payer):
    outcome = chain.send(bb.ix_cpu_heavy(payer.pubkey(), 16, 5), payer)
    assert outcome.ok and outcome.error is None
    assert 1_000 < outcome.compute_units < 10_000
    event = outcome.event("CpuHeavyDone")
    assert event.program == "blockbench"
    expected = bb.cpu_heavy_expected(16, 5)
    assert event.data["n"] == 16
    assert event.data["checksum"] == expected["checksum"]
    assert bytes(event.data["digest"]) == expected["digest"]


def test_program_error_is_decoded_by_name(chain, payer):
    outcome = chain.send(bb.ix_cpu_heavy(payer.pubkey(), 0, 5), payer)
    assert not outcome.ok
    assert (outcome.error.code, outcome.error.name) == (bb.Err.InvalidSize, "InvalidSize")
    assert outcome.events == []


def test_anchor_framework_error_is_decoded(chain, payer):
    from solders.instruction import Instruction

    outcome = chain.send(Instruction(bb.PROGRAM_ID, b"\x01" * 8, []), payer)
    assert (outcome.error.code, outcome.error.name) == (101, "InstructionFallbackNotFound")


def test_check_raises_with_the_decoded_error(chain, payer):
    with pytest.raises(TransactionRejected, match=r"SizeTooLarge \(6001\)"):
        chain.send(bb.ix_cpu_heavy(payer.pubkey(), bb.MAX_SORT + 1, 5), payer, check=True)


def test_missing_signer_is_a_usage_error_before_sending(chain, payer):
    stranger = Keypair()
    with pytest.raises(ValueError, match=str(stranger.pubkey())):
        chain.send(bb.ix_do_nothing(stranger.pubkey()), payer)


def test_extra_signers_are_ignored(chain, payer):
    assert chain.send(bb.ix_do_nothing(payer.pubkey()), payer, [Keypair()]).ok


def test_same_instruction_twice_is_not_a_duplicate(chain, payer):
    assert chain.send(bb.ix_do_nothing(payer.pubkey()), payer).ok
    assert chain.send(bb.ix_do_nothing(payer.pubkey()), payer).ok


def test_accounts_and_balances(chain, payer):
    store, _bump = bb.store_pda(payer.pubkey(), 1)
    assert chain.get_account(store) is None
    assert chain.send(bb.ix_init_store(payer.pubkey(), 1), payer).ok
    data = chain.account_data(store)
    assert bb.decode_store(data)["authority"] == payer.pubkey()
    assert chain.get_balance(Pubkey.new_unique()) == 0


def test_clock_control(chain):
    chain.set_unix_timestamp(1_700_000_000)
    assert chain.get_clock().unix_timestamp == 1_700_000_000
