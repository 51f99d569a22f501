"""`gtx demo` through Typer's runner: a small community on LiteSVM, conservation, determinism, chart, usage."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.platform import PROGRAMS
from gridtokenx_cli.testing.svm_lite import program_so

runner = CliRunner()
GRX_PER_WH = 1_000_000


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options(list(args)))


@pytest.fixture(scope="module")
def binaries():
    for name in PROGRAMS:
        program_so(name)


@pytest.fixture(scope="module")
def small_run(binaries, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "tmp"
    res = gtx("demo", "--meters", "4", "--hours", "2", "--seed", "3", "--out", str(out), "--json")
    assert res.exit_code == 0, res.output
    return out, json.loads(res.stdout)


def test_demo_json_report_is_written_and_printed(small_run):
    out, report = small_run
    assert json.loads((out / "report.json").read_text()) == report
    assert report["config"]["meters"] == 4 and report["config"]["intervals"] == 8
    assert "auction mode" in report["config"]["clearing"] and report["config"]["max_auction_certificates"] >= 20
    assert report["failures"] == []


def test_demo_conservation(small_run):
    _, r = small_run
    e, g = r["energy"], r["grx"]
    assert e["settled_wh"] > 0 and e["traded_wh"] > 0
    assert g["supply"] == g["minted"] == e["settled_wh"] * GRX_PER_WH == g["token_info_total_supply"]
    assert g["conserved"] is True
    assert e["traded_wh"] <= e["settled_wh"] <= e["produced_wh"]
    assert e["traded_wh"] == e["market_total_volume_wh"] == sum(iv["traded_wh"] for iv in r["intervals"])
    # every seat is withdrawn after each interval's auction: the vaults hold only the unclaimed fees
    assert e["fees"] == e["fees_unclaimed"] == e["market_total_fees"] == e["quote_vault"] > 0
    assert e["grx_vault"] == 0
    priced = [iv for iv in r["intervals"] if iv["clearing_price"] is not None]
    assert priced
    for iv in priced:
        assert iv["traded_wh"] <= min(iv["bid_wh"], iv["ask_wh"])
        assert iv["min_ask"] <= iv["clearing_price"] <= iv["max_bid"]
        for rnd in iv["rounds"]:
            assert rnd["min_ask"] <= rnd["price"] <= rnd["max_bid"]


def test_demo_shows_rejections_pause_and_ercs(small_run):
    _, r = small_run
    reasons = r["readings"]["rejected_by_reason"]
    assert set(reasons) == {"FutureTimestamp", "Backdated", "RateLimited", "OutOfRange", "RatioExceeded",
                            "ExcessiveDeviation", "CapacityExceeded", "SignerKeyMismatch"}
    # all but the forged signature (a failed transaction) are counted by the oracle
    assert r["readings"]["oracle_rejected"] == sum(reasons.values()) - reasons["SignerKeyMismatch"]
    assert r["pause"]["order_rejected"] and r["pause"]["error"] == "SystemPaused"
    # the pause reaches GRX: a holder's raw Token-2022 transfer fails on the frozen account (AccountFrozen = 17)
    assert r["pause"]["raw_transfer_rejected"] and "Custom(17)" in r["pause"]["raw_transfer_error"]
    assert r["ercs"]["issued"] > 0 and r["ercs"]["issued"] == r["ercs"]["governance_erc_issued"]
    cu = r["compute_units"]
    for name in ("submit_meter_reading", "settle_and_mint_tokens", "issue_erc", "place_sell_order",
                 "place_buy_order", "set_market_mode", "execute_batch_auction", "withdraw", "emergency_pause",
                 "emergency_unpause", "sync_grx_freeze"):
        assert 0 < cu[name]["min"] <= cu[name]["mean"] <= cu[name]["max"]


def test_demo_chart_is_a_png(small_run):
    out, _ = small_run
    data = (out / "chart.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1_000


def test_demo_is_deterministic(small_run, tmp_path):
    out, _ = small_run
    res = gtx("demo", "--meters", "4", "--hours", "2", "--seed", "3", "--out", str(tmp_path), "--json")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "report.json").read_text() == (out / "report.json").read_text()


def test_demo_table_output(binaries, tmp_path):
    res = gtx("demo", "--meters", "2", "--hours", "1", "--seed", "5", "--out", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "Compute units per instruction" in res.stdout and str(tmp_path) in res.stdout.replace("\n", "")


@pytest.mark.parametrize("args, field", [(["--meters", "0"], "--meters"), (["--hours", "0"], "--hours")])
def test_demo_bad_argument_exits_2(args, field, tmp_path):
    res = gtx("demo", *args, "--out", str(tmp_path))
    assert res.exit_code == 2
    assert field in res.output
