"""`gtx` through Typer's runner: --json output parsed, usage errors name the field and exit 2."""
from __future__ import annotations

import json
import stat

import pytest
from typer.testing import CliRunner

from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_embedded_state(tmp_path, monkeypatch):
    """The embedded chain persists between commands (cli/session.py): every test starts from an empty one."""
    monkeypatch.setenv("GTX_EMBEDDED_STATE", str(tmp_path / "embedded-state.json"))


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options(list(args)))


def test_global_options_may_follow_the_subcommand():
    assert hoist_global_options(["keys", "show", "x.json", "--json", "-u", "devnet"]) == \
        ["--json", "-u", "devnet", "keys", "show", "x.json"]
    assert hoist_global_options(["keys", "show", "--", "--json"]) == ["keys", "show", "--", "--json"]


def test_keys_new_writes_a_private_keypair_and_show_reads_it(tmp_path):
    path = tmp_path / "k.json"
    created = gtx("keys", "new", str(path), "--json")
    assert created.exit_code == 0, created.output
    pubkey = json.loads(created.stdout)["pubkey"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shown = gtx("keys", "show", str(path), "--json")
    assert shown.exit_code == 0
    assert json.loads(shown.stdout) == {"path": str(path), "pubkey": pubkey, "mode": "0o600", "private": True}


def test_defaults_come_from_the_solana_cli_config(tmp_path, monkeypatch):
    key = tmp_path / "from-config.json"
    assert gtx("keys", "new", str(key)).exit_code == 0
    config = tmp_path / "config.yml"
    config.write_text(f"---\njson_rpc_url: \"http://127.0.0.1:18999\"\nkeypair_path: {key}\ncommitment: confirmed\n")
    monkeypatch.setenv("GTX_SOLANA_CONFIG", str(config))
    from gridtokenx_cli.cli.common import settings_from

    settings = settings_from(None, None, "embedded", False)
    assert (settings.url, settings.keypair_path) == ("http://127.0.0.1:18999", key)
    # `keys show` without a path shows the config's keypair; an explicit -k wins over the config
    shown = gtx("keys", "show", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["path"] == str(key)
    other = tmp_path / "explicit.json"
    assert gtx("keys", "new", str(other)).exit_code == 0
    assert json.loads(gtx("keys", "show", "-k", str(other), "--json").stdout)["path"] == str(other)
    assert settings_from("devnet", None, "embedded", False).url == "devnet"


def test_keys_new_refuses_to_overwrite(tmp_path):
    path = tmp_path / "k.json"
    assert gtx("keys", "new", str(path)).exit_code == 0
    before = path.read_bytes()
    again = gtx("keys", "new", str(path))
    assert again.exit_code == 2
    assert "--force" in again.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("content,problem", [(None, "does not exist"), ("not json", "is not a Solana keypair")])
def test_bad_keypair_file_is_a_one_line_usage_error(tmp_path, content, problem):
    path = tmp_path / "k.json"
    if content is not None:
        path.write_text(content)
    result = gtx("keys", "show", str(path))
    assert result.exit_code == 2
    assert problem in result.stderr and "PATH" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_backend_is_a_usage_error(tmp_path):
    result = gtx("--backend", "warp", "keys", "show", str(tmp_path / "k.json"))
    assert result.exit_code == 2
    assert "--backend" in result.stderr


def test_build_json_reports_each_program():
    result = gtx("build", "blockbench", "--no-idl", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    (report,) = out["programs"]
    assert report["name"] == "blockbench" and report["size"] > 0 and report["so_path"].endswith("blockbench.so")
    # the parts a cold build spends its time in; a warm one still runs cargo and the link check
    assert set(out["parts_seconds"]) <= {"std", "tools", "build-std", "sbf", "codegen-venv", "idl", "clients"}
    assert out["parts_seconds"]["sbf"] > 0


def test_build_unknown_program_fails_with_the_list():
    result = gtx("build", "nope", "--no-idl")
    assert result.exit_code == 1
    assert "unknown program(s) nope" in result.stderr


def test_bench_blockbench_json_lists_compute_units():
    result = gtx("bench", "blockbench", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    by_name = {(r["instruction"], r["params"]): r for r in rows}
    assert by_name[("do_nothing", "")]["cu"] > 0
    assert all(r["ok"] for r in rows)


def test_localnet_up_without_a_validator_binary_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("GTX_VALIDATOR", str(tmp_path / "missing-validator"))
    result = gtx("localnet", "up", "--timeout", "1")
    assert result.exit_code == 1
    assert "install-validator.sh" in result.stderr


def test_localnet_status_when_nothing_runs_exits_1(monkeypatch, tmp_path):
    from gridtokenx_cli.cli import localnet as localnet_cli
    from gridtokenx_cli.localnet import Localnet

    monkeypatch.setattr(localnet_cli, "_localnet", lambda: Localnet(root=tmp_path / "localnet", rpc_port=18999))
    result = gtx("localnet", "status", "--json")
    assert result.exit_code == 1
    status = json.loads(result.stdout)
    assert status["healthy"] is False and status["pid"] is None


def test_deploy_unknown_program_is_a_usage_error(tmp_path):
    keypair = tmp_path / "payer.json"
    assert gtx("keys", "new", str(keypair)).exit_code == 0
    result = gtx("deploy", "nope", "-k", str(keypair), "-u", "http://127.0.0.1:18999")
    assert result.exit_code == 2
    assert "unknown program(s) nope" in result.stderr


def test_init_on_the_embedded_chain_creates_every_config_in_order():
    result = gtx("init", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [s["step"] for s in report["steps"]] == [
        "governance.initialize_governance", "energy_token.initialize_token", "registry.initialize_registry",
        "oracle.initialize_oracle", "trading.create_quote_mint", "trading.initialize_market"]
    assert all(s["created"] for s in report["steps"])
    assert report["addresses"]["grx_mint"] and report["addresses"]["book"]
    assert "fee_vault" not in report["addresses"]


def test_init_rejects_a_missing_bootstrap_keypair(tmp_path):
    result = gtx("init", "--bootstrap-keypair", str(tmp_path / "none.json"))
    assert result.exit_code == 2
    assert "--bootstrap-keypair" in result.stderr


def test_status_json_lists_programs():
    result = gtx("status", "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["backend"] == "embedded"
    assert info["programs"]["registry"] is True and info["programs"]["trading"] is True
