"""Attacks through committed keys (issue #11 "Trust", item 8): `keys/` is in git, so its bootstrap keypair and
program keypairs are public. A program built with the localnet bootstrap key, deployed to a real cluster, can be
initialised by anyone holding a clone (who then administers it); a program keypair from git lets anyone deploy
their own program at that address first.

Defences tested here: the bootstrap key is chosen at build time (`gtx build --bootstrap-authority`) and compiled
in (checked in LiteSVM against the real governance program), every build records it, and `gtx deploy` / `gtx
upgrade` / `gtx init` refuse the committed keys on any URL that is not loopback — before connecting anywhere
(the URLs used here, under the reserved `.invalid` domain, are never contacted).
"""
from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner


from gridtokenx_cli.testing import svm_lite as h  # noqa: E402
from gridtokenx_cli import deployment_keys as dk  # noqa: E402
from gridtokenx_cli.chain.workspace import REPO_ROOT, Workspace  # noqa: E402
from gridtokenx_cli.cli import app  # noqa: E402
from gridtokenx_cli.cli.common import hoist_global_options  # noqa: E402
from gridtokenx_cli.testing import governance as gov  # noqa: E402
from gridtokenx_cli.testing.governance import CommonError  # noqa: E402
from gridtokenx_cli.generated.governance import instructions as gix  # noqa: E402
from gridtokenx_cli.toolchain.build import build_programs  # noqa: E402
from solders.keypair import Keypair  # noqa: E402

REMOTE = "http://cluster.invalid:8899"  # not loopback; the refusals come before any connection
runner = CliRunner()


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options(list(args)))


def init_governance(svm, authority: Keypair, payer: Keypair):
    ix = gix.initialize_governance({"rec_authority": Keypair().pubkey()},
                                   {"authority": authority.pubkey(),
                                    "governance_config": gov.governance_config_pda()[0]})
    return h.send(svm, ix, payer, [authority])


@pytest.mark.parametrize("url, loopback", [
    ("localnet", True), ("http://127.0.0.1:8899", True), ("http://localhost:8899", True),
    ("http://127.8.9.10:8899", True), ("http://[::1]:8899", True), ("127.0.0.1:8899", True),
    ("devnet", False), ("mainnet-beta", False), ("https://api.mainnet-beta.solana.com", False),
    ("http://10.0.0.5:8899", False), ("http://192.168.1.2:8899", False), (REMOTE, False),
    ("http://localhost.evil.invalid:8899", False),
])
def test_only_loopback_counts_as_this_machine(url, loopback):
    assert dk.is_loopback_url(url) is loopback


def test_every_build_records_the_localnet_key_by_default():
    ws = Workspace.load()
    localnet = dk.localnet_bootstrap_pubkey()
    assert ws.deployable(), "gtx build runs before the tests"
    for name in ws.deployable():
        record = json.loads(ws.so_path(name).with_name(f"{name}.build.json").read_text())
        assert record == {"program": name, "bootstrap_authority": str(localnet), "localnet_bootstrap": True}


def test_committed_keys_are_known_from_git():
    committed = dk.committed_pubkeys()
    assert committed[dk.localnet_bootstrap_pubkey()] == "keys/bootstrap-authority-keypair.json"
    ws = Workspace.load()
    for name, program_id in ws.program_ids.items():
        assert committed[program_id] == f"keys/programs/{name}-keypair.json"


def test_deploy_of_a_localnet_build_to_a_remote_cluster_is_refused():
    result = gtx("-u", REMOTE, "deploy", "governance")
    assert result.exit_code == 1, result.output
    err = " ".join(result.stderr.split())
    assert f"refusing to deploy to {REMOTE}" in err
    assert f"governance: built with the localnet bootstrap key {dk.localnet_bootstrap_pubkey()}" in err
    assert "program keypair" in err and "is committed as keys/programs/governance-keypair.json" in err
    assert "gtx keys new-deployment DIR" in err and "--bootstrap-authority" in err


def test_upgrade_with_a_binary_of_unknown_origin_to_a_remote_cluster_is_refused(tmp_path):
    so = tmp_path / "governance.so"
    so.write_bytes(Workspace.load().so_path("governance").read_bytes())  # no build record beside it
    result = gtx("-u", REMOTE, "upgrade", "governance", "--so", str(so))
    assert result.exit_code == 1, result.output
    assert "has no build record (governance.build.json)" in " ".join(result.stderr.split())


def test_init_of_a_remote_cluster_with_the_committed_bootstrap_key_is_refused():
    result = gtx("--backend", "rpc", "-u", REMOTE, "init")
    assert result.exit_code == 1, result.output
    err = " ".join(result.stderr.split())
    assert f"refusing to initialise programs on {REMOTE}" in err
    assert "committed as keys/bootstrap-authority-keypair.json" in err and "gtx keys new-deployment" in err


def test_localnet_keys_stay_usable_on_loopback(tmp_path):
    ws = Workspace.load()
    dk.check_cluster_deploy("http://127.0.0.1:8899", {"governance": (ws.so_path("governance"),
                                                                     ws.keypair_path("governance"))})
    dk.check_cluster_init("localnet", dk.localnet_bootstrap_pubkey())


def test_new_deployment_makes_private_keys_and_never_overwrites(tmp_path):
    target = tmp_path / "deployment"
    result = gtx("keys", "new-deployment", str(target), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    files = [target / "bootstrap-authority-keypair.json",
             *(target / "programs" / f"{n}-keypair.json" for n in out["programs"])]
    assert set(out["programs"]) == set(Workspace.load().program_ids)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    pubkeys = [str(dk.keypair_pubkey(f)) for f in files]
    assert pubkeys == [out["bootstrap_authority"], *out["programs"].values()]
    assert len(set(pubkeys)) == len(pubkeys) and not set(pubkeys) & {str(k) for k in dk.committed_pubkeys()}
    before = {f: f.read_bytes() for f in files}
    again = gtx("keys", "new-deployment", str(target))
    assert again.exit_code == 2
    assert "DIR:" in again.stderr and "is not an empty folder" in again.stderr
    assert {f: f.read_bytes() for f in files} == before


def test_new_deployment_keys_pass_the_init_check(tmp_path):
    assert gtx("keys", "new-deployment", str(tmp_path / "d")).exit_code == 0
    dk.check_cluster_init(REMOTE, dk.keypair_pubkey(tmp_path / "d" / "bootstrap-authority-keypair.json"))


def test_build_rejects_a_malformed_bootstrap_key():
    result = gtx("build", "governance", "--no-idl", "--bootstrap-authority", "not-a-key")
    assert result.exit_code == 2
    assert "--bootstrap-authority" in result.stderr and "not a valid public key" in result.stderr


@pytest.mark.slow
def test_bootstrap_key_is_compiled_in_and_the_localnet_key_loses_its_power(tmp_path):
    """A deployment build: only its own bootstrap key initialises governance; the committed key is refused by
    the program itself, and the build record lets the deploy check pass with the deployment's program keys."""
    deployment = Keypair()
    out = tmp_path / "deploy"
    (result,) = build_programs(["governance"], idl=False, bootstrap_authority=str(deployment.pubkey()),
                               out_dir=out)
    so = Path(result.so_path)
    assert so.parent == out
    record = json.loads((out / "governance.build.json").read_text())
    assert record == {"program": "governance", "bootstrap_authority": str(deployment.pubkey()),
                      "localnet_bootstrap": False}

    # LiteSVM (solders 0.26) runs the v0 link of the same build, which carries its own record
    embedded = Path(result.embedded_so_path)
    assert json.loads(embedded.with_name("governance.build.json").read_text()) == record
    svm = h.new_svm({gov.PROGRAM_ID: embedded})
    payer = h.funded_keypair(svm)
    attacker = h.funded_keypair(svm, keypair=gov.bootstrap_keypair())  # the key anyone with a clone holds
    assert attacker.pubkey() == dk.localnet_bootstrap_pubkey()
    config = gov.governance_config_pda()[0]
    before = h.snapshots(svm, attacker.pubkey(), config)
    h.assert_rejected(svm, init_governance(svm, attacker, payer), CommonError.NotBootstrapAuthority, before)
    h.expect_ok(init_governance(svm, h.funded_keypair(svm, keypair=deployment), payer))
    assert gov.fetch_governance_config(svm).admin.authority == deployment.pubkey()

    fresh_program_key = tmp_path / "governance-keypair.json"
    fresh_program_key.write_text(json.dumps(list(bytes(Keypair()))))
    dk.check_cluster_deploy(REMOTE, {"governance": (so, fresh_program_key)})
    with pytest.raises(dk.DeploymentKeyError, match="is committed as keys/programs/governance-keypair.json"):
        dk.check_cluster_deploy(REMOTE, {"governance": (so, REPO_ROOT / "keys" / "programs" /
                                                        "governance-keypair.json")})
