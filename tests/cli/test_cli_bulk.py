"""`gtx registry register-meters FILE.csv` and `gtx oracle submit-readings FILE.csv` on the embedded chain (real
programs in LiteSVM): every row's result in the result file, a rerun skips what is done (from the result file, or
found on chain when a crash lost the result), bad input refused whole before anything is sent (exit 2, every
problem named by row and column), a failed row named and the others landed (exit 1). The pipelined path itself is
tested against a real validator in tests/chain/test_pipeline.py; one rpc run here goes through it end to end."""
from __future__ import annotations

import csv
import json
import time

import pytest
from solders.keypair import Keypair
from typer.testing import CliRunner

from gridtokenx_cli.chain.workspace import REPO_ROOT
from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.clients import meter_pop
from gridtokenx_cli.keypairs import write_keypair

runner = CliRunner()
BOOTSTRAP = str(REPO_ROOT / "keys" / "bootstrap-authority-keypair.json")


def gtx(*args):
    return runner.invoke(app, hoist_global_options([str(a) for a in args]))


def ok(*args) -> dict:
    result = gtx(*args, "--json")
    assert result.exit_code == 0, f"gtx {' '.join(map(str, args))}: {result.output}"
    return json.loads(result.stdout)


def results_of(path) -> dict[int, dict]:
    with open(path, newline="") as f:
        return {int(r["row"]): r for r in csv.DictReader(f)}


def write_csv(path, header, rows) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def platform(tmp_path, monkeypatch):
    """A fresh embedded platform: the API gateway is `gw`, alice a registered prosumer."""
    monkeypatch.setenv("GTX_EMBEDDED_STATE", str(tmp_path / "state.json"))
    keys = {}
    for name in ("alice", "bob", "gw"):
        keys[name] = tmp_path / f"{name}.json"
        write_keypair(keys[name], Keypair())
    assert gtx("init").exit_code == 0
    from gridtokenx_cli.keypairs import keypair_pubkey

    ok("oracle", "update-config", "--api-gateway", str(keypair_pubkey(keys["gw"])), "--first-reading-max-interval",
       3 * 3600, "--min-reading-interval", 60, "-k", BOOTSTRAP)
    ok("registry", "register-user", "-k", keys["alice"])
    return keys


def meter_file(tmp_path, n: int, owner_key) -> tuple:
    """n meters: the first n-1 with keypair files, the last by public key + proof of possession (`gtx meter pop`)."""
    from gridtokenx_cli.keypairs import keypair_pubkey

    owner = keypair_pubkey(owner_key)
    rows, meter_keys = [], {}
    for i in range(n):
        kp = Keypair()
        meter_keys[f"bulk-{i}"] = tmp_path / f"meter-{i}.json"
        write_keypair(meter_keys[f"bulk-{i}"], kp)
        if i < n - 1:
            rows.append([f"bulk-{i}", "solar", 50_000, f"meter-{i}.json", "", ""])
        else:
            sig = meter_pop.sign_register_meter(kp, owner, f"bulk-{i}".encode().ljust(32, b"\0"), 50_000)
            rows.append([f"bulk-{i}", "wind", 50_000, "", str(kp.pubkey()), str(sig)])
    path = tmp_path / "meters.csv"
    write_csv(path, ["meter_id", "type", "capacity_w", "meter_keypair", "meter_pubkey", "signature"], rows)
    return path, meter_keys


def test_register_meters_lands_every_row_and_a_rerun_skips_them(platform, tmp_path):
    path, _ = meter_file(tmp_path, 5, platform["alice"])
    out = ok("registry", "register-meters", path, "-k", platform["alice"])
    assert (out["rows"], out["sent"], out["by_status"]) == (5, 5, {"registered": 5})
    results = results_of(tmp_path / "meters.results.csv")
    assert [results[i]["status"] for i in range(1, 6)] == ["registered"] * 5
    assert all(results[i]["signature"] for i in range(1, 6))
    shown = ok("registry", "show-meter", "bulk-4")
    assert shown["meter_type"] == "Wind" and shown["capacity_w"] == 50_000
    # rerun: the result file says done; nothing is sent
    again = ok("registry", "register-meters", path, "-k", platform["alice"])
    assert (again["skipped"], again["sent"]) == (5, 0)
    # a crash that lost the result file: the meters are found on chain (registered to alice with these keys)
    (tmp_path / "meters.results.csv").unlink()
    recovered = ok("registry", "register-meters", path, "-k", platform["alice"])
    assert (recovered["already_on_chain"], recovered["sent"]) == (5, 0)
    assert {r["status"] for r in results_of(tmp_path / "meters.results.csv").values()} == {"registered"}


def test_register_meters_refuses_bad_input_whole_naming_row_and_column(platform, tmp_path):
    write_keypair(tmp_path / "good.json", Keypair())
    path = tmp_path / "bad.csv"
    write_csv(path, ["meter_id", "type", "capacity_w", "meter_keypair"], [
        ["ok-1", "solar", 1000, "good.json"],
        ["ok-1", "solar", 1000, "good.json"],            # duplicate id
        ["x" * 33, "solar", 1000, "good.json"],           # too long
        ["ok-2", "nuclear", 1000, "good.json"],           # unknown type
        ["ok-3", "solar", "lots", "good.json"],           # not a number
        ["ok-4", "solar", 1000, "missing.json"],          # no such keypair file
    ])
    result = gtx("registry", "register-meters", path, "-k", platform["alice"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    for expected in ("row 2, column meter_id", "row 3, column meter_id", "row 4, column type",
                     "row 5, column capacity_w", "row 6, column meter_keypair"):
        assert expected in result.stderr, (expected, result.stderr)
    assert not (tmp_path / "bad.results.csv").exists()  # nothing sent, nothing recorded
    assert gtx("registry", "show-meter", "ok-1").exit_code == 1  # and nothing registered
    unknown = tmp_path / "cols.csv"
    write_csv(unknown, ["meter_id", "capacity", "meter_keypair"], [["a", 1, "good.json"]])
    result = gtx("registry", "register-meters", unknown, "-k", platform["alice"])
    assert result.exit_code == 2 and "missing column(s) capacity_w" in result.stderr
    assert "unknown column(s) capacity" in result.stderr


def test_register_meters_names_a_failed_row_and_lands_the_others(platform, tmp_path):
    path, _ = meter_file(tmp_path, 3, platform["alice"])
    ok("registry", "register-meters", path, "-k", platform["alice"])
    # bob lists one of alice's meters among two new ones: that row fails on chain, the others land
    ok("registry", "register-user", "-k", platform["bob"])
    for i in (7, 8):
        write_keypair(tmp_path / f"b{i}.json", Keypair())
    bob_file = tmp_path / "bob.csv"
    write_csv(bob_file, ["meter_id", "capacity_w", "meter_keypair"],
              [["bob-7", 1000, "b7.json"], ["bulk-0", 1000, "b8.json"], ["bob-8", 1000, "b8.json"]])
    result = gtx("registry", "register-meters", bob_file, "-k", platform["bob"], "--json")
    assert result.exit_code == 1 and "1 row(s) failed" in result.stderr
    rows = results_of(tmp_path / "bob.results.csv")
    assert rows[1]["status"] == rows[3]["status"] == "registered"
    assert rows[2]["status"].startswith("failed:") and rows[2]["error"]
    assert ok("registry", "show-meter", "bulk-0")["owner"] == str(Keypair.from_json(
        (platform["alice"]).read_text()).pubkey())  # alice's meter is untouched


def test_submit_readings_lands_in_order_per_meter_records_rejections_and_resumes(platform, tmp_path):
    path, meter_keys = meter_file(tmp_path, 3, platform["alice"])
    ok("registry", "register-meters", path, "-k", platform["alice"])
    for mid in meter_keys:
        ok("oracle", "init-meter", mid, "-k", platform["gw"])
    now = int(time.time())
    rows = []
    for k in range(4):  # interleaved meters, each in time order, readings 10 min apart in the last hour
        for i, mid in enumerate(meter_keys):
            rows.append([mid, 400 + k, 100, now - 3000 + 600 * k, meter_keys[mid].name])
    rows.append(["bulk-0", 10**12, 0, now - 100, meter_keys["bulk-0"].name])  # absurd: rejected on chain, recorded
    readings = tmp_path / "readings.csv"
    write_csv(readings, ["meter_id", "produced_wh", "consumed_wh", "timestamp", "meter_keypair"], rows)
    out = ok("oracle", "submit-readings", readings, "-k", platform["gw"])
    assert out["by_status"].get("accepted") == 12 and out["sent"] == 13, out
    results = results_of(tmp_path / "readings.results.csv")
    assert results[13]["status"].startswith("rejected:"), results[13]
    for mid in meter_keys:
        state = ok("registry", "show-meter", mid)
        assert state["reading_count"] == 4 and state["total_generation"] == 400 + 401 + 402 + 403
    # rerun: all done; with the result file lost, the readings are found on chain (at or before the meter's last)
    assert ok("oracle", "submit-readings", readings, "-k", platform["gw"])["skipped"] == 13
    (tmp_path / "readings.results.csv").unlink()
    recovered = ok("oracle", "submit-readings", readings, "-k", platform["gw"])
    assert recovered["already_on_chain"] == 12 and recovered["sent"] == 1  # the rejected one is sent again…
    assert results_of(tmp_path / "readings.results.csv")[13]["status"].startswith("rejected:")  # …and rejected again
    assert ok("registry", "show-meter", "bulk-0")["reading_count"] == 4  # nothing counted twice


def test_submit_readings_refuses_out_of_order_rows_and_unready_meters(platform, tmp_path):
    path, meter_keys = meter_file(tmp_path, 2, platform["alice"])
    ok("registry", "register-meters", path, "-k", platform["alice"])
    now = int(time.time())
    readings = tmp_path / "r.csv"
    write_csv(readings, ["meter_id", "produced_wh", "consumed_wh", "timestamp", "meter_keypair"],
              [["bulk-0", 1, 1, now - 100, "meter-0.json"], ["bulk-0", 1, 1, now - 200, "meter-0.json"],
               ["bulk-1", -5, 1, now - 100, "meter-1.json"]])
    result = gtx("oracle", "submit-readings", readings, "-k", platform["gw"])
    assert result.exit_code == 2
    assert "row 2, column timestamp" in result.stderr and "row 3, column produced_wh" in result.stderr
    write_csv(readings, ["meter_id", "produced_wh", "consumed_wh", "timestamp", "meter_keypair"],
              [["bulk-0", 1, 1, now - 100, "meter-0.json"]])
    result = gtx("oracle", "submit-readings", readings, "-k", platform["gw"])
    assert result.exit_code == 1 and "gtx oracle init-meter bulk-0" in result.stderr
    assert not (tmp_path / "r.results.csv").exists()
