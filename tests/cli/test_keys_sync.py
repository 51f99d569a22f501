"""`gtx keys sync`: the program keypairs decide the ids; declare_id!, the shared crate's ids, Anchor.toml and
target/deploy follow. Exercised on a temporary copy of those files, never on the checkout's own."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from solders.keypair import Keypair
from typer.testing import CliRunner

from gridtokenx_cli.chain.workspace import REPO_ROOT
from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.cli.keys import write_keypair

runner = CliRunner()


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options(list(args)))


@pytest.fixture()
def workspace(tmp_path) -> Path:
    """Anchor.toml, every programs/*/src/lib.rs, the shared crate's lib.rs and ids.rs, keys/programs/."""
    shutil.copy(REPO_ROOT / "Anchor.toml", tmp_path / "Anchor.toml")
    for lib in REPO_ROOT.glob("programs/*/src/lib.rs"):
        dest = tmp_path / lib.relative_to(REPO_ROOT)
        dest.parent.mkdir(parents=True)
        shutil.copy(lib, dest)
    common = tmp_path / "crates" / "gridtokenx-common" / "src"
    common.mkdir(parents=True)
    for name in ("lib.rs", "ids.rs"):
        shutil.copy(REPO_ROOT / "crates" / "gridtokenx-common" / "src" / name, common / name)
    shutil.copytree(REPO_ROOT / "keys" / "programs", tmp_path / "keys" / "programs")
    return tmp_path


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_checkout_is_in_step():
    out = gtx("keys", "sync", "--check", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["mismatches"] == []


def test_check_lists_every_stale_spelling_and_changes_nothing(workspace):
    new_trading, new_governance = Keypair(), Keypair()
    write_keypair(workspace / "keys" / "programs" / "trading-keypair.json", new_trading)
    write_keypair(workspace / "keys" / "programs" / "governance-keypair.json", new_governance)
    before = snapshot(workspace)

    out = gtx("keys", "sync", "--check", "--json", "--root", str(workspace))
    assert out.exit_code == 1, out.output
    found = {(m["program"], m["file"], m["expected"]) for m in json.loads(out.stdout)["mismatches"]}
    assert found == {
        ("trading", "Anchor.toml", str(new_trading.pubkey())),
        ("trading", "programs/trading/src/lib.rs", str(new_trading.pubkey())),
        ("trading", "crates/gridtokenx-common/src/ids.rs", str(new_trading.pubkey())),
        ("governance", "Anchor.toml", str(new_governance.pubkey())),
        ("governance", "programs/governance/src/lib.rs", str(new_governance.pubkey())),
        ("governance", "crates/gridtokenx-common/src/ids.rs", str(new_governance.pubkey())),
        ("governance", "crates/gridtokenx-common/src/lib.rs", str(new_governance.pubkey())),
    }
    assert snapshot(workspace) == before  # --check writes nothing


def test_sync_rewrites_only_the_ids_then_check_passes(workspace):
    old = json.loads((workspace / "keys" / "programs" / "trading-keypair.json").read_text())
    old_id = str(Keypair.from_bytes(bytes(old)).pubkey())
    new = Keypair()
    write_keypair(workspace / "keys" / "programs" / "trading-keypair.json", new)
    before = snapshot(workspace)

    out = gtx("keys", "sync", "--json", "--root", str(workspace))
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["fixed"] is True
    after = snapshot(workspace)
    changed = {f for f in after if after[f] != before[f]}
    assert changed == {"Anchor.toml", "programs/trading/src/lib.rs", "crates/gridtokenx-common/src/ids.rs"}
    for f in changed:  # nothing but the id moved: comments, order and every other id are kept
        assert after[f] == before[f].replace(old_id, str(new.pubkey()))
        assert old_id not in after[f]

    again = gtx("keys", "sync", "--check", "--json", "--root", str(workspace))
    assert again.exit_code == 0 and json.loads(again.stdout)["mismatches"] == []


def test_a_program_missing_from_anchor_toml_is_added(workspace):
    toml = workspace / "Anchor.toml"
    text = toml.read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("oracle = "))
    toml.write_text(text.replace(line + "\n", ""))
    out = gtx("keys", "sync", "--check", "--json", "--root", str(workspace))
    assert out.exit_code == 1
    assert [(m["program"], m["file"], m["found"]) for m in json.loads(out.stdout)["mismatches"]] == \
        [("oracle", "Anchor.toml", None)]
    assert gtx("keys", "sync", "--root", str(workspace)).exit_code == 0
    import tomllib
    assert tomllib.loads(toml.read_text())["programs"]["localnet"] == tomllib.loads(text)["programs"]["localnet"]


def test_a_missing_keypair_is_an_error_not_a_new_id(workspace):
    (workspace / "keys" / "programs" / "oracle-keypair.json").unlink()
    before = snapshot(workspace)
    out = gtx("keys", "sync", "--root", str(workspace))
    assert out.exit_code == 1
    assert "oracle: no keypair keys/programs/oracle-keypair.json" in out.output
    assert snapshot(workspace) == before
    assert not (workspace / "keys" / "programs" / "oracle-keypair.json").exists()


def test_root_without_anchor_toml_is_a_usage_error(tmp_path):
    out = gtx("keys", "sync", "--root", str(tmp_path))
    assert out.exit_code == 2 and "--root" in out.output
