"""The IDL on-chain against a real solana-test-validator (ports 19450..19482): our Program Metadata program is in
the genesis at ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S, trading is loaded at genesis with an upgrade authority
the test holds, and `gtx idl upload` / `gtx idl fetch` round-trip idl/trading.json through the canonical
[program, "idl"] account; a wrong authority is refused with the exact error and nothing changes."""
from __future__ import annotations

import json

import pytest
from solders.keypair import Keypair
from typer.testing import CliRunner

from gridtokenx_cli.chain.workspace import Workspace
from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.cli.keys import write_keypair
from gridtokenx_cli.clients import program_metadata as pm
from gridtokenx_cli.localnet import Localnet
from gridtokenx_cli.testing.validator import needs_validator

pytestmark = needs_validator

PORT = 19450
runner = CliRunner()


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options(list(args)))


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """payer (fees) and the upgrade authority of trading, as keypair files."""
    root = tmp_path_factory.mktemp("idl-keys")
    out = {}
    for name in ("payer", "authority", "stranger"):
        kp = Keypair()
        write_keypair(root / f"{name}.json", kp)
        out[name] = (kp, root / f"{name}.json")
    return out


@pytest.fixture(scope="module")
def net(tmp_path_factory, keys):
    ws = Workspace.load()
    assert ws.so_path("program_metadata").exists(), "run `gtx build program_metadata`"
    n = Localnet(root=tmp_path_factory.mktemp("localnet-idl"), rpc_port=PORT)
    n.up(reset=True, genesis_programs={"trading": (ws.so_path("trading"), str(keys["authority"][0].pubkey()))})
    yield n
    n.down()
    assert n.pid() is None


@pytest.fixture(scope="module")
def chain(net, keys):
    from gridtokenx_cli.chain.rpc import RpcChain

    c = RpcChain(net.url)
    for name in ("payer", "stranger"):
        c.airdrop(keys[name][0].pubkey(), 10 * 10**9)
    yield c
    c.close()


def cli(net, keys, *args: str, signer: str = "payer"):
    return gtx("--url", net.url, "--keypair", str(keys[signer][1]), "--json", "idl", *args)


def trading_id():
    return Workspace.load().program_id("trading")


def snapshot(chain, address):
    acc = chain.get_account(address)
    return None if acc is None else (acc.lamports, bytes(acc.data), acc.owner)


def test_program_metadata_is_in_the_genesis(chain):
    acc = chain.get_account(pm.PROGRAM_METADATA_ID)
    assert acc is not None and acc.executable


def test_fetch_before_upload_says_what_to_do(net, keys, chain):
    out = cli(net, keys, "fetch", "trading")
    assert out.exit_code == 1
    assert (f"no IDL for trading on {net.url}: neither the Program Metadata account "
            f"{pm.canonical_address(trading_id())} nor a legacy Anchor IDL account exists") in " ".join(out.output.split())


def test_upload_then_fetch_returns_the_identical_json(net, keys, chain, tmp_path):
    from gridtokenx_cli.onchain_idl import fetch_idl

    path = Workspace.load().idl_path("trading")
    out = cli(net, keys, "upload", "trading", "--authority", str(keys["authority"][1]))
    assert out.exit_code == 0, out.output
    row = json.loads(out.stdout)
    assert row["action"] == "created" and row["address"] == str(pm.canonical_address(trading_id()))
    assert row["json_bytes"] == len(path.read_bytes()) and row["stored_bytes"] > 800  # the buffer path
    print(f"\ntrading IDL: {row['json_bytes']} bytes JSON, {row['stored_bytes']} stored, "
          f"{row['transactions']} transactions")
    fetched = tmp_path / "trading.json"
    out = cli(net, keys, "fetch", "trading", "--out", str(fetched))
    assert out.exit_code == 0, out.output
    info = json.loads(out.stdout)
    assert (info["canonical"], info["mutable"], info["compression"], info["format"]) == (True, True, "zlib", "json")
    assert json.loads(fetched.read_text()) == json.loads(path.read_text())
    assert fetch_idl(chain, trading_id()).content == path.read_bytes()  # byte for byte
    # the same IDL again: nothing to send
    again = cli(net, keys, "upload", "trading", "--authority", str(keys["authority"][1]))
    assert again.exit_code == 0 and (json.loads(again.stdout)["action"], json.loads(again.stdout)["transactions"]) \
        == ("unchanged", 0)


def test_wrong_authority_is_refused_and_nothing_changes(net, keys, chain, tmp_path):
    address = pm.canonical_address(trading_id())
    before = snapshot(chain, address)
    assert before is not None
    changed = json.loads(Workspace.load().idl_path("trading").read_text()) | {"docs": ["changed"]}
    idl_file = tmp_path / "changed.json"
    idl_file.write_text(json.dumps(changed))
    out = cli(net, keys, "upload", "trading", "--idl", str(idl_file), "--authority", str(keys["stranger"][1]))
    assert out.exit_code == 1
    stranger, authority = keys["stranger"][0].pubkey(), keys["authority"][0].pubkey()
    assert (f"error: authority {stranger} is not the upgrade authority of {trading_id()} (that is {authority}); "
            f"sign with the upgrade authority's keypair (--authority KEYPAIR)") in " ".join(out.output.split())
    # the program itself refuses it too, whatever a client checks first
    ix = pm.ix_set_data(address, stranger, data=pm.pack_content(b'{"docs": ["changed"]}'),
                        target_program=trading_id(), programdata=pm.programdata_address(trading_id()))
    outcome = chain.send(ix, keys["stranger"][0])
    assert not outcome.ok and "IncorrectAuthority" in str(outcome.raw_error)
    assert snapshot(chain, address) == before


def test_a_changed_idl_replaces_the_stored_one(net, keys, chain, tmp_path):
    from gridtokenx_cli.onchain_idl import fetch_idl

    changed = json.loads(Workspace.load().idl_path("trading").read_text())
    changed["instructions"] = changed["instructions"][:3]  # smaller: SetData from a buffer, then Trim
    idl_file = tmp_path / "smaller.json"
    idl_file.write_text(json.dumps(changed))
    out = cli(net, keys, "upload", "trading", "--idl", str(idl_file), "--authority", str(keys["authority"][1]))
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["action"] == "updated"
    assert fetch_idl(chain, trading_id()).content == idl_file.read_bytes()


def test_deploy_writes_the_idl_unless_no_idl(net, keys, chain, tmp_path):
    """`gtx deploy` ends with the IDL upload (a line per program on stderr; stdout stays the deploy's rows)."""
    from gridtokenx_cli.onchain_idl import fetch_idl

    ws = Workspace.load()
    payer = ["--url", net.url, "--keypair", str(keys["payer"][1]), "--json"]
    out = gtx(*payer, "deploy", "energy_token", "--no-idl", "--buffers-dir", str(tmp_path / "b1"))
    assert out.exit_code == 0, out.output
    assert [r["program"] for r in json.loads(out.stdout)] == ["energy_token"]
    assert "IDL" not in out.stderr and chain.get_account(pm.canonical_address(ws.program_id("energy_token"))) is None
    out = gtx(*payer, "deploy", "tpc", "--buffers-dir", str(tmp_path / "b2"))
    assert out.exit_code == 0, out.output
    assert [r["program"] for r in json.loads(out.stdout)] == ["tpc"]
    assert f"IDL tpc: created at {pm.canonical_address(ws.program_id('tpc'))}" in " ".join(out.stderr.split())
    assert fetch_idl(chain, ws.program_id("tpc")).content == ws.idl_path("tpc").read_bytes()
