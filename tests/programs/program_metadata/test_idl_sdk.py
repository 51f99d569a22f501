"""gridtokenx_cli.onchain_idl on LiteSVM (our Program Metadata program at its canonical address): every refusal of
upload_idl / fetch_idl with its exact message and the accounts unchanged, the resume of an unfinished upload, and
the `gtx idl` usage errors (which stop before any network access)."""
from __future__ import annotations

import json
import os

import pytest
from solders.account import Account
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from typer.testing import CliRunner

from gridtokenx_cli.chain.embedded import EmbeddedChain
from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.clients import program_metadata as pm
from gridtokenx_cli.onchain_idl import IdlUploadError, fetch_idl, upload_idl
from gridtokenx_cli.testing.program_metadata import (add_upgradeable_program, new_svm_with_program_metadata,
                                                     program_metadata_so)
from gridtokenx_cli.testing.svm_lite import assert_unchanged, expect_ok, funded_keypair, send, snapshots

IDL = json.dumps({"name": "x", "instructions": [{"name": "a"}]}).encode()


@pytest.fixture()
def env():
    svm = new_svm_with_program_metadata()
    payer = funded_keypair(svm, 50 * 10**9)
    program = Pubkey.new_unique()
    programdata = add_upgradeable_program(svm, program, payer.pubkey())
    return svm, EmbeddedChain(programs=[], svm=svm), payer, program, programdata


def refused(call, message: str, svm, *addresses: Pubkey) -> None:
    before = snapshots(svm, *addresses)
    with pytest.raises(IdlUploadError) as e:
        call()
    assert str(e.value) == message
    assert_unchanged(svm, before)


def test_programs_that_cannot_take_a_canonical_idl(env):
    svm, chain, payer, _, _ = env
    missing = Pubkey.new_unique()
    refused(lambda: upload_idl(chain, payer, payer, missing, IDL),
            f"program {missing} is not deployed on this cluster; deploy it first (gtx deploy)",
            svm, pm.canonical_address(missing))
    frozen = Pubkey.new_unique()
    add_upgradeable_program(svm, frozen, None)
    refused(lambda: upload_idl(chain, payer, payer, frozen, IDL),
            f"program {frozen} has no upgrade authority (immutable): nobody can write its canonical IDL account",
            svm, pm.canonical_address(frozen))
    old_loader = Pubkey.new_unique()
    loader_v2 = Pubkey.from_string("BPFLoader2111111111111111111111111111111111")
    svm.set_account(old_loader, Account(10**9, program_metadata_so(), loader_v2, True, 0))
    refused(lambda: upload_idl(chain, payer, payer, old_loader, IDL),
            f"program {old_loader} is owned by {loader_v2}, not the upgradeable loader: its canonical metadata can "
            f"only be written by the program's own keypair", svm, pm.canonical_address(old_loader))


def test_accounts_in_the_way(env):
    svm, chain, payer, program, programdata = env
    address = pm.canonical_address(program)
    # someone else's account at the address (cannot happen on a real cluster without the PDA; a corrupt fixture)
    svm.set_account(address, Account(10**9, b"\x02" + bytes(200), Pubkey.new_unique(), False, 0))
    owner = svm.get_account(address).owner
    refused(lambda: upload_idl(chain, payer, payer, program, IDL),
            f"{address} exists but is not a Program Metadata account (owner {owner}); nothing was written", svm,
            address)
    with pytest.raises(ValueError) as e:
        fetch_idl(chain, program)
    assert str(e.value) == f"{address} is owned by {owner}, not the Program Metadata program"


def test_immutable_idl_is_refused(env):
    svm, chain, payer, program, programdata = env
    upload_idl(chain, payer, payer, program, IDL)
    address = pm.canonical_address(program)
    expect_ok(send(svm, [pm.ix_set_immutable(address, payer.pubkey(), program, programdata)], payer))
    changed = json.dumps({"name": "y"}).encode()
    refused(lambda: upload_idl(chain, payer, payer, program, changed),
            f"the IDL account {address} was made immutable; it cannot be changed", svm, address)
    assert upload_idl(chain, payer, payer, program, IDL).action == "unchanged"  # equal content: nothing to do


def test_an_unfinished_upload_is_reported_then_restarted(env):
    svm, chain, payer, program, programdata = env
    address = pm.canonical_address(program)
    big = json.dumps({"name": "big", "blob": os.urandom(3_000).hex()}).encode()
    stored = pm.pack_content(big)
    assert len(stored) > 800  # the buffer path
    from solders.system_program import TransferParams, transfer
    fund = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=address,
                                   lamports=svm.minimum_balance_for_rent_exemption(96 + len(stored))))
    managed = {"target_program": program, "programdata": programdata}
    expect_ok(send(svm, [fund, pm.ix_allocate(address, payer.pubkey(), seed="idl", **managed),
                         *pm.extend_instructions(address, payer.pubkey(), len(stored), **managed)], payer))
    with pytest.raises(ValueError) as e:
        fetch_idl(chain, program)
    assert str(e.value) == f"{address} holds an unfinished upload (a buffer, not yet initialized); upload again"
    r = upload_idl(chain, payer, payer, program, big)
    assert r.action == "created" and fetch_idl(chain, program).content == big


def test_fetch_of_url_and_external_data(env):
    svm, chain, payer, program, programdata = env
    address = pm.canonical_address(program)
    url = b"https://example.org/idl.json"
    from solders.system_program import TransferParams, transfer
    fund = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=address, lamports=10**8))
    expect_ok(send(svm, [fund, pm.ix_initialize(address, payer.pubkey(), program, compression=pm.Compression.NONE,
                                                data_source=pm.DataSource.URL, data=url, programdata=programdata)],
                   payer))
    with pytest.raises(ValueError) as e:
        fetch_idl(chain, program)
    assert str(e.value) == f"the IDL of {program} is published at a URL, not on-chain: https://example.org/idl.json"
    # external: 32-byte address, u32 offset, u32 length (0 = to the end)
    holder = Pubkey.new_unique()
    svm.set_account(holder, Account(10**9, b"junk" + pm.pack_content(IDL), Pubkey.new_unique(), False, 0))
    external = bytes(holder) + (4).to_bytes(4, "little") + (0).to_bytes(4, "little")
    expect_ok(send(svm, [pm.ix_set_data(address, payer.pubkey(), data_source=pm.DataSource.EXTERNAL, data=external,
                                        target_program=program, programdata=programdata)], payer))
    assert fetch_idl(chain, program).content == IDL
    svm.set_account(holder, Account(0, b"", Pubkey.default(), False, 0))
    with pytest.raises(ValueError) as e:
        fetch_idl(chain, program)
    assert str(e.value) == f"the IDL of {program} points to {holder}, which does not exist"


runner = CliRunner()


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options(list(args)))


def test_cli_usage_errors_name_the_field(tmp_path):
    keypair = tmp_path / "k.json"
    keypair.write_text(json.dumps(list(bytes(Keypair()))))
    out = gtx("-k", str(keypair), "-u", "http://127.0.0.1:9", "idl", "upload", "nope")
    assert out.exit_code == 2 and "PROGRAM: unknown program 'nope'" in out.output
    missing = tmp_path / "missing.json"
    out = gtx("-k", str(keypair), "-u", "http://127.0.0.1:9", "idl", "upload", "trading", "--idl", str(missing))
    assert out.exit_code == 2 and f"--idl: {missing} does not exist" in " ".join(out.output.split())
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    out = gtx("-k", str(keypair), "-u", "http://127.0.0.1:9", "idl", "upload", "trading", "--idl", str(bad))
    assert out.exit_code == 2 and f"--idl: {bad} is not JSON" in " ".join(out.output.split())
    out = gtx("-u", "http://127.0.0.1:9", "idl", "upload", str(Pubkey.new_unique()))
    assert out.exit_code == 2 and "--idl: no default IDL for the program id" in " ".join(out.output.split())
    out = gtx("-u", "http://127.0.0.1:9", "idl", "fetch", "nope")
    assert out.exit_code == 2 and "PROGRAM: unknown program 'nope'" in out.output


def test_writes_that_never_land_are_written_again(env, monkeypatch):
    """A lossy link: every third broadcast Write is dropped before it reaches LiteSVM. The upload reads the buffer
    back and writes the missing chunks again; the stored IDL is complete."""
    import gridtokenx_cli.onchain_idl as onchain_idl

    svm, _, payer, program, _ = env

    class LossyLink(EmbeddedChain):
        dropped = 0

        def broadcast(self, tx):
            self.sent = getattr(self, "sent", 0) + 1
            if self.sent % 3 == 0:
                LossyLink.dropped += 1
                return tx.signatures[0]  # never delivered
            return super().broadcast(tx)

    monkeypatch.setattr(onchain_idl, "CONFIRM_TIMEOUT", 0.2)
    big = json.dumps({"name": "big", "blob": os.urandom(20_000).hex()}).encode()
    r = upload_idl(LossyLink(programs=[], svm=svm), payer, payer, program, big)
    assert r.action == "created" and LossyLink.dropped > 5
    assert fetch_idl(EmbeddedChain(programs=[], svm=svm), program).content == big
