"""`gtx registry|token|trade|oracle|governance` through Typer's runner on the embedded chain (real SBF programs in
LiteSVM, state persisted between commands in a state file).

One platform is bootstrapped once per module (`gtx init`, role keys handed to test keypairs, two users, a meter
with two signed readings, a settlement, a validated certificate); every test starts from a copy of that state
file, so tests do not depend on each other's order.
"""
from __future__ import annotations

import json
import shutil
import time

import pytest
from typer.testing import CliRunner

from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.chain.workspace import REPO_ROOT

runner = CliRunner()
BOOTSTRAP = str(REPO_ROOT / "keys" / "bootstrap-authority-keypair.json")
GRX = 10**9  # base units per GRX
QUOTE = 10**6
GROUPS = ("registry", "token", "trade", "oracle", "governance")


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options([str(a) for a in args]))


def ok(*args: str) -> dict | list:
    """Run with --json, expect exit 0, return the parsed output."""
    result = gtx(*args, "--json")
    assert result.exit_code == 0, f"gtx {' '.join(map(str, args))}: {result.output}"
    return json.loads(result.stdout)


def rejected(name: str, *args: str) -> dict:
    """Run with --json, expect an on-chain rejection: exit 1, the error named on stderr and in the JSON."""
    result = gtx(*args, "--json")
    assert result.exit_code == 1, result.output
    assert name in result.stderr and "Traceback" not in result.output
    body = json.loads(result.stdout)
    assert body["ok"] is False and body["error"]["name"] == name
    return body


def usage(field: str, *args: str) -> str:
    result = gtx(*args)
    assert result.exit_code == 2, result.output
    assert field in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def failure(text: str, *args: str) -> str:
    result = gtx(*args)
    assert result.exit_code == 1, result.output
    assert text in result.stderr and "Traceback" not in result.output
    return result.stderr


class Keys:
    def __init__(self, root):
        self.root = root
        self.pub: dict[str, str] = {}
        for name in ("alice", "bob", "meter", "rec", "gw", "o1", "o2", "o3", "admin2", "carol"):
            self.pub[name] = ok("keys", "new", root / f"{name}.json")["pubkey"]

    def __getitem__(self, name: str) -> str:
        return str(self.root / f"{name}.json")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return Keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def base_state(tmp_path_factory, keys):
    path = tmp_path_factory.mktemp("base") / "state.json"
    mp = pytest.MonkeyPatch()
    mp.setenv("GTX_EMBEDDED_STATE", str(path))
    try:
        assert gtx("init").exit_code == 0
        # role keys: the tests hold the REC authority's and the API gateway's keypair files
        assert ok("governance", "set-rec-authority", keys.pub["rec"], "-k", BOOTSTRAP)["rec_authority"] == \
            keys.pub["rec"]
        # the readings below are stamped 2 h and 1 h before the meter's registration (now): the oracle lets
        # readings reach back first_reading_max_interval before registration
        cfg = ok("oracle", "update-config", "--api-gateway", keys.pub["gw"], "--max-deviation-percent", "200",
                 "--first-reading-max-interval", 3 * 3600, "-k", BOOTSTRAP)["config"]
        assert cfg["api_gateway"] == keys.pub["gw"] and cfg["max_deviation_percent"] == 200
        assert ok("registry", "register-user", "-k", keys["alice"])["user"]["user_type"] == "Prosumer"
        assert ok("registry", "register-user", "--type", "consumer", "-k", keys["bob"])["user"]["user_type"] == \
            "Consumer"
        meter = ok("registry", "register-meter", "m1", "--type", "wind", "--capacity-w", 100_000,
                   "--meter-keypair", keys["meter"], "-k", keys["alice"])["meter"]
        assert meter["meter_pubkey"] == keys.pub["meter"] and meter["owner"] == keys.pub["alice"]
        assert (meter["capacity_w"], meter["approved"], meter["retired"]) == (100_000, True, False)
        assert meter["meter_type"] == "Wind"
        assert ok("oracle", "init-meter", "m1", "-k", keys["gw"])["meter_state"]["total_readings"] == 0
        now = int(time.time())
        # readings from within the hour before registration (the oracle credits nothing from earlier)
        for ts, produced in ((now - 3000, 5000), (now - 1200, 6000)):
            out = ok("oracle", "submit-reading", "m1", "--produced", produced, "--consumed", 1000,
                     "--timestamp", ts, "--meter-keypair", keys["meter"], "-k", keys["gw"])
            assert out["accepted"] is True
        settled = ok("registry", "settle", "m1", "-k", keys["alice"])
        assert settled["meter"]["settled_net_generation"] == 9000
        assert settled["grx_balance_base_units"] == 9000 * 10**6
        cert = ok("governance", "issue-erc", "c1", "--meter", "m1", "--amount", 8000, "-k", keys["rec"])
        assert cert["certificate"]["status"] == "Issued" and cert["meter_claimed_erc_generation"] == 8000
        assert ok("governance", "validate-erc", "c1", "-k", keys["rec"])["certificate"]["status"] == "Validated"
        assert ok("trade", "faucet", "--to", keys.pub["bob"], "--amount", 100, "-k", BOOTSTRAP)["balances"][
            "quote_base_units"] == 100 * QUOTE
    finally:
        mp.undo()
    return path


@pytest.fixture
def state(base_state, tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    shutil.copy(base_state, path)
    monkeypatch.setenv("GTX_EMBEDDED_STATE", str(path))
    return path


# ----------------------------------------------------------------------------- coverage and conventions

#: every instruction of the five programs' IDL -> the command that sends it ("init" = gtx init; CPI-only
#: instructions are reached through the command that makes the CPI)
INSTRUCTION_COMMANDS = {
    "registry": {
        "initialize_registry": "init", "register_user": "registry register-user",
        "register_meter": "registry register-meter", "deactivate_meter": "registry deactivate-meter",
        "set_registry_options": "registry set-options", "approve_meter": "registry approve-meter",
        "rekey_meter": "registry rekey-meter", "transfer_meter": "registry transfer-meter",
        "retire_meter": "registry retire-meter",
        "reactivate_meter": "registry reactivate-meter", "resume_meter": "registry resume-meter",
        "settle_and_mint_tokens": "registry settle", "update_meter_reading": "oracle submit-reading",
        "update_claimed_erc_generation": "governance issue-erc",
        "propose_authority_transfer": "registry propose-authority",
        "accept_authority_transfer": "registry accept-authority",
        "cancel_authority_transfer": "registry cancel-authority"},
    "energy_token": {
        "initialize_token": "init", "mint_tokens_direct": "token mint", "transfer_tokens": "token transfer",
        "burn_tokens": "token burn", "propose_authority_transfer": "token propose-authority",
        "accept_authority_transfer": "token accept-authority", "cancel_authority_transfer": "token cancel-authority"},
    "trading": {
        "initialize_market": "init", "place_buy_order": "trade buy", "place_sell_order": "trade sell",
        "claim_seat": "trade buy", "deposit": "trade buy", "withdraw": "trade withdraw",
        "cancel_order": "trade cancel", "match_orders": "trade match", "set_market_mode": "trade mode",
        "execute_batch_auction": "trade auction", "emit_market_depth": "trade depth",
        "initialize_pool": "trade pool-init", "swap": "trade swap", "withdraw_fees": "trade withdraw-fees",
        "propose_authority_transfer": "trade propose-authority", "accept_authority_transfer": "trade accept-authority",
        "cancel_authority_transfer": "trade cancel-authority"},
    "oracle": {
        "initialize_oracle": "init", "initialize_meter_state": "oracle init-meter",
        "submit_meter_reading": "oracle submit-reading", "submit_meter_reading_consensus": "oracle submit-consensus",
        "update_oracle_config": "oracle update-config", "trigger_market_clearing": "oracle trigger-clearing",
        "propose_authority_transfer": "oracle propose-authority",
        "accept_authority_transfer": "oracle accept-authority", "cancel_authority_transfer": "oracle cancel-authority"},
    "governance": {
        "initialize_governance": "init", "emergency_pause": "governance pause",
        "emergency_unpause": "governance unpause", "set_rec_authority": "governance set-rec-authority",
        "issue_erc": "governance issue-erc", "validate_erc_for_trading": "governance validate-erc",
        "transfer_erc": "governance transfer-erc", "revoke_erc": "governance revoke-erc",
        "sync_grx_freeze": "governance sync-grx-freeze",
        "propose_authority_transfer": "governance propose-authority",
        "accept_authority_transfer": "governance accept-authority",
        "cancel_authority_transfer": "governance cancel-authority"},
}


@pytest.mark.parametrize("program", sorted(INSTRUCTION_COMMANDS))
def test_every_idl_instruction_has_a_command(program):
    idl = json.loads((REPO_ROOT / "idl" / f"{program}.json").read_text())
    names = {ix["name"] for ix in idl["instructions"]}
    assert names == set(INSTRUCTION_COMMANDS[program])
    for command in set(INSTRUCTION_COMMANDS[program].values()):
        result = gtx(*command.split(), "--help")
        assert result.exit_code == 0, f"{command}: {result.output}"


def test_commands_before_init_name_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("GTX_EMBEDDED_STATE", str(tmp_path / "empty.json"))
    for group, command in (("registry", "config"), ("token", "info"), ("trade", "market"), ("oracle", "config"),
                           ("governance", "config")):
        failure("gtx init", group, command)


def test_missing_keypair_file_is_a_usage_error(state, tmp_path):
    usage("--keypair", "registry", "register-user", "-k", tmp_path / "nobody.json")


def test_state_survives_between_commands_and_a_corrupt_file_names_the_fix(state):
    assert ok("registry", "config")["user_count"] == 2
    state.write_text("{not json")
    failure("delete it", "registry", "config")


# ----------------------------------------------------------------------------- registry


def test_registry_show_user_meter_and_config(state, keys):
    user = ok("registry", "show-user", keys.pub["alice"])
    assert user["owner"] == keys.pub["alice"] and user["meter_count"] == 1
    meter = ok("registry", "show-meter", "m1")
    assert (meter["total_generation"], meter["total_consumption"], meter["reading_count"]) == (11000, 2000, 2)
    assert meter["settled_net_generation"] == 9000 and meter["claimed_erc_generation"] == 8000
    assert meter["unsettled_wh"] == 0 and meter["oracle_state"] is True
    cfg = ok("registry", "config")
    assert (cfg["user_count"], cfg["meter_count"]) == (2, 1)
    failure("not a registered user", "registry", "show-user", keys.pub["carol"])


def test_registry_deactivate_reactivate_resume(state, keys):
    assert ok("registry", "deactivate-meter", "m1", "-k", keys["alice"])["meter"]["active"] is False
    rejected("MeterInactive", "oracle", "submit-reading", "m1", "--produced", 10, "--consumed", 0,
             "--meter-keypair", keys["meter"], "-k", keys["gw"])
    rejected("MeterInactive", "registry", "deactivate-meter", "m1", "-k", keys["alice"])
    assert ok("registry", "reactivate-meter", "m1", "-k", BOOTSTRAP)["meter"]["active"] is True  # admin may too
    # an admin deactivation sticks: only the admin undoes it
    assert ok("registry", "deactivate-meter", "m1", "-k", BOOTSTRAP)["meter"]["deactivated_by_admin"] is True
    rejected("ReactivationRequiresAdmin", "registry", "reactivate-meter", "m1", "-k", keys["alice"])
    assert ok("registry", "reactivate-meter", "m1", "-k", BOOTSTRAP)["meter"]["active"] is True
    before = ok("registry", "show-meter", "m1")
    resume_at = before["last_reading_at"] + 60
    resumed = ok("registry", "resume-meter", "m1", "--at", resume_at, "-k", BOOTSTRAP)
    assert resumed["meter"]["last_reading_at"] == resume_at
    assert resumed["meter"]["total_generation"] == before["total_generation"]


def test_registry_rejections_leave_state_unchanged(state, keys):
    before = ok("registry", "show-meter", "m1")
    rejected("NothingToSettle", "registry", "settle", "m1", "-k", keys["alice"])
    rejected("NotAuthority", "registry", "resume-meter", "m1", "-k", keys["alice"])  # owner is not the admin
    assert ok("registry", "show-meter", "m1") == before
    rejected("UnauthorizedMeterAuthority", "registry", "deactivate-meter", "m1", "-k", keys["bob"])
    assert ok("registry", "show-meter", "m1")["active"] is True


def test_registry_meter_trust_commands(state, keys, tmp_path):
    """set-options, register-meter with a proof made by `gtx meter pop` on the gateway, approve-meter,
    rekey-meter, transfer-meter, retire-meter."""
    assert ok("registry", "set-options", "--require-meter-approval", "-k", BOOTSTRAP)["config"][
        "require_meter_approval"] is True
    rejected("NotAuthority", "registry", "set-options", "--no-require-meter-approval", "-k", keys["alice"])
    gw_key = tmp_path / "m2.json"
    ok("meter", "keys", gw_key)
    pop = ok("meter", "pop", gw_key, "--owner", keys.pub["alice"], "--meter-id", "m2", "--capacity-w", 3_000)
    assert pop["purpose"] == "register-meter" and "--signature" in pop["command"]
    # the proof binds the capacity: the CLI refuses a signature made for another one before sending
    usage("--signature", "registry", "register-meter", "m2", "--capacity-w", 4_000, "--meter-pubkey",
          pop["meter_pubkey"], "--signature", pop["signature"], "-k", keys["alice"])
    m2 = ok("registry", "register-meter", "m2", "--capacity-w", 3_000, "--meter-pubkey", pop["meter_pubkey"],
            "--signature", pop["signature"], "-k", keys["alice"])["meter"]
    assert (m2["meter_pubkey"], m2["capacity_w"], m2["approved"]) == (pop["meter_pubkey"], 3_000, False)
    rejected("NotAuthority", "registry", "approve-meter", "m2", "-k", keys["alice"])
    assert ok("registry", "approve-meter", "m2", "-k", BOOTSTRAP)["meter"]["approved"] is True
    rejected("MeterAlreadyApproved", "registry", "approve-meter", "m2", "-k", BOOTSTRAP)
    # re-key: the new key signs (keypair here; `gtx meter pop --rekey-from` for a pre-made proof)
    new_key = tmp_path / "m2b.json"
    new_pub = ok("meter", "keys", new_key)["meter_pubkey"]
    rekey_pop = ok("meter", "pop", new_key, "--owner", keys.pub["alice"], "--meter-id", "m2",
                   "--rekey-from", pop["meter_pubkey"])
    rekeyed = ok("registry", "rekey-meter", "m2", "--new-meter-pubkey", new_pub, "--signature",
                 rekey_pop["signature"], "-k", keys["alice"])["meter"]
    assert (rekeyed["meter_pubkey"], rekeyed["approved"]) == (new_pub, False)  # approval required: again
    rejected("NotMeterOwner", "registry", "rekey-meter", "m2", "--new-meter-keypair", keys["meter"], "-k",
             keys["bob"])
    moved = ok("registry", "transfer-meter", "m2", "--new-owner-keypair", keys["bob"], "-k", keys["alice"])
    assert moved["meter"]["owner"] == keys.pub["bob"]
    assert ok("registry", "show-user", keys.pub["bob"])["meter_count"] == 1
    rejected("NotAuthority", "registry", "retire-meter", "m2", "-k", keys["bob"])
    retired = ok("registry", "retire-meter", "m2", "-k", BOOTSTRAP)["meter"]
    assert (retired["retired"], retired["active"]) == (True, False)
    rejected("MeterRetired", "registry", "reactivate-meter", "m2", "-k", BOOTSTRAP)


def test_registry_usage_errors(state, keys):
    usage("METER_ID", "registry", "register-meter", "x" * 33, "--capacity-w", 1_000, "--meter-keypair",
          keys["meter"], "-k", keys["alice"])
    usage("--meter-pubkey", "registry", "register-meter", "m2", "--capacity-w", 1_000, "-k", keys["alice"])
    usage("--meter-pubkey", "registry", "register-meter", "m2", "--capacity-w", 1_000, "--meter-pubkey", "not-a-key",
          "--signature", "1" * 88, "-k", keys["alice"])
    usage("--signature", "registry", "register-meter", "m2", "--capacity-w", 1_000, "--meter-pubkey",
          keys.pub["meter"], "-k", keys["alice"])
    usage("--capacity-w", "registry", "register-meter", "m2", "--capacity-w", 0, "--meter-keypair", keys["meter"],
          "-k", keys["alice"])
    usage("--type", "registry", "register-user", "--type", "alien", "-k", keys["carol"])
    usage("--at", "registry", "resume-meter", "m1", "--at", "-5", "-k", BOOTSTRAP)
    err = failure("unknown meter 'nope'", "registry", "settle", "nope", "-k", keys["alice"])
    assert "gtx registry register-meter" in err
    failure("not a registered user", "registry", "register-meter", "m2", "--capacity-w", 1_000, "--meter-keypair",
            keys["meter"], "-k", keys["carol"])


# ----------------------------------------------------------------------------- token


def test_token_mint_transfer_burn(state, keys):
    supply = ok("token", "info")["total_supply"]
    minted = ok("token", "mint", "--to", keys.pub["bob"], "--amount", "2.5", "-k", BOOTSTRAP)
    assert minted["balance"]["base_units"] == 2_500_000_000 and minted["supply"] == supply + 2_500_000_000
    moved = ok("token", "transfer", "--to", keys.pub["carol"], "--amount", "1", "-k", keys["bob"])
    assert moved["from"]["base_units"] == 1_500_000_000 and moved["to"]["grx"] == "1.000000000"
    burned = ok("token", "burn", "--amount", "0.25", "-k", keys["carol"])
    assert burned["balance"]["base_units"] == 750_000_000 and burned["total_burned"] == 250_000_000
    info = ok("token", "info")
    assert info["total_supply"] == info["mint_supply"] == supply + 2_250_000_000
    assert ok("token", "balance", keys.pub["carol"])["grx"] == "0.750000000"


def test_token_rejections_leave_balances_unchanged(state, keys):
    before = ok("token", "info")
    rejected("UnauthorizedMinter", "token", "mint", "--to", keys.pub["bob"], "--amount", 1, "-k", keys["bob"])
    rejected("InsufficientBalance", "token", "burn", "--amount", 1000, "-k", keys["alice"])
    assert ok("token", "info") == before
    assert ok("token", "balance", keys.pub["alice"])["base_units"] == 9000 * 10**6


def test_token_usage_errors(state, keys):
    usage("--amount", "token", "transfer", "--to", keys.pub["bob"], "--amount", "-1", "-k", keys["alice"])
    usage("--amount", "token", "transfer", "--to", keys.pub["bob"], "--amount", "1.0000000001", "-k", keys["alice"])
    usage("--amount", "token", "burn", "--amount", "lots", "-k", keys["alice"])
    usage("--to", "token", "mint", "--to", "abc", "--amount", 1, "-k", BOOTSTRAP)
    usage("OWNER", "token", "balance", "zz")


# ----------------------------------------------------------------------------- trade


def test_trade_sell_buy_fill_at_the_ask_price_book_depth_withdraw(state, keys):
    sell = ok("trade", "sell", "--amount", 3000, "--price", "0.1", "--certificate", "c1", "-k", keys["alice"])
    assert (sell["order_id"], sell["filled_wh"], sell["resting_wh"], sell["price"]) == (0, 0, 3000, 100_000)
    assert sell["balances"]["grx_base_units"] == 6000 * 10**6  # 3000 Wh deposited into the seat, locked
    assert sell["balances"]["seat"]["grx_locked"] == 3000 * 10**6 and sell["balances"]["seat"]["grx_free"] == 0
    # the bid crosses the resting ask: filled at once at the ASK's price; bob deposited 2000 Wh × 0.12
    buy = ok("trade", "buy", "--amount", 2000, "--price", "0.12", "-k", keys["bob"])
    assert (buy["order_id"], buy["filled_wh"], buy["resting_wh"]) == (1, 2000, 0)
    [fill] = buy["fills"]
    assert (fill["buy_order_id"], fill["sell_order_id"], fill["amount_wh"], fill["price"]) == (1, 0, 2000, 100_000)
    assert (fill["quote_amount"], fill["fee"], fill["buyer_refund"]) == (200_000, 500, 40_000)
    bob = buy["balances"]
    assert bob["quote_base_units"] == 100 * QUOTE - 240_000
    assert bob["seat"] | {"slot": 0} == {"slot": 0, "grx_free": 2000 * 10**6, "grx_locked": 0, "quote_free": 40_000,
                                          "quote_locked": 0, "open_orders": 0}
    book = ok("trade", "book")
    assert book["bids"] == [] and book["mode"] == "Continuous" and book["next_order_id"] == 2
    [ask] = book["asks"]
    assert (ask["order_id"], ask["price"], ask["price_quote_per_kwh"], ask["remaining_wh"], ask["owner"],
            ask["certificate_id"]) == (0, 100_000, "0.1", 1000, keys.pub["alice"], "c1")
    assert "asks (1)" in gtx("trade", "book").stdout
    depth = ok("trade", "depth")
    assert depth == {"bids": [], "asks": [{"price": 100_000, "amount_wh": 1000, "orders": 1}], "source": "book"}
    emitted = ok("trade", "depth", "--emit", "-k", keys["bob"])
    assert (emitted["bids"], emitted["asks"], emitted["orders_seen"]) == ([], depth["asks"], 1)
    assert [o["order_id"] for o in ok("trade", "orders", "--owner", keys.pub["alice"])] == [0]
    assert ok("trade", "orders", "-k", keys["bob"]) == []
    # proceeds: withdrawn from the seats to the wallets
    out = ok("trade", "withdraw", "--all", "-k", keys["bob"])
    assert out["withdrawn"] == {"grx_base_units": 2000 * 10**6, "quote_base_units": 40_000}
    assert (out["balances"]["grx_base_units"], out["balances"]["quote_base_units"]) == \
        (2000 * 10**6, 100 * QUOTE - 200_000)
    assert out["balances"]["seat"]["grx_free"] == out["balances"]["seat"]["quote_free"] == 0
    assert ok("trade", "balance", keys.pub["alice"])["seat"]["quote_free"] == 199_500
    out = ok("trade", "withdraw", "--quote", "0.1995", "-k", keys["alice"])
    assert out["balances"]["quote_base_units"] == 199_500 and out["balances"]["seat"]["quote_free"] == 0
    market = ok("trade", "market")
    assert (market["total_volume_wh"], market["total_trades"], market["last_clearing_price"],
            market["fees_unclaimed"]) == (2000, 1, 100_000, 500)
    assert market["book_summary"] | {"seats": 2} == {"bids": 0, "asks": 1, "seats": 2, "order_capacity": 512,
                                                     "seat_capacity": 1024, "next_order_id": 2}
    status = ok("status")["market"]
    assert (status["mode"], status["bids"], status["asks"], status["trades"], status["fees_unclaimed"]) == \
        ("Continuous", 0, 1, 1, 500)


def test_trade_crank_post_only_ioc_and_cancel(state, keys):
    ok("trade", "sell", "--amount", 1000, "--price", "0.1", "--certificate", "c1", "-k", keys["alice"])
    ok("trade", "sell", "--amount", 1000, "--price", "0.11", "--certificate", "c1", "--post-only", "-k",
       keys["alice"])
    # --match-limit 1: one ask filled now, the rest of the bid rests crossed until the crank
    capped = ok("trade", "buy", "--amount", 3000, "--price", "0.12", "--match-limit", 1, "-k", keys["bob"])
    assert (capped["order_id"], capped["filled_wh"], capped["resting_wh"]) == (2, 1000, 2000)
    cranked = ok("trade", "match", "--max-pairs", 4, "-k", keys["carol"])  # anyone cranks
    [fill] = cranked["fills"]
    assert (fill["buy_order_id"], fill["sell_order_id"], fill["amount_wh"], fill["price"]) == (2, 1, 1000, 110_000)
    assert (cranked["total_trades"], cranked["bids"], cranked["asks"]) == (2, 1, 0)
    rejected("NoCrossingOrders", "trade", "match", "-k", keys["carol"])
    ok("trade", "sell", "--amount", 500, "--price", "0.13", "--certificate", "c1", "--post-only", "-k", keys["alice"])
    rejected("PostOnlyWouldCross", "trade", "sell", "--amount", 10, "--price", "0.12", "--certificate", "c1",
             "--post-only", "-k", keys["alice"])
    ioc = ok("trade", "buy", "--amount", 1000, "--price", "0.13", "--ioc", "-k", keys["bob"])
    assert (ioc["filled_wh"], ioc["resting_wh"], ioc["cancelled_wh"]) == (500, 0, 500)
    assert ioc["fills"][0]["price"] == 130_000
    # cancel bob's resting bid (1000 Wh at 0.12): its locked quote returns to the seat's free balance
    [bid] = ok("trade", "orders", "-k", keys["bob"])
    assert (bid["order_id"], bid["remaining_wh"], bid["side"]) == (2, 1000, "Buy")
    before = ok("trade", "balance", keys.pub["bob"])["seat"]
    failure("belongs to " + keys.pub["bob"], "trade", "cancel", 2, "-k", keys["alice"])
    cancelled = ok("trade", "cancel", 2, "-k", keys["bob"])
    assert (cancelled["unfilled_wh"], cancelled["released"]) == (1000, 120_000)
    seat = cancelled["balances"]["seat"]
    assert (seat["quote_free"], seat["quote_locked"], seat["open_orders"]) == \
        (before["quote_free"] + 120_000, 0, 0)
    failure("no resting order 2", "trade", "cancel", 2, "-k", keys["bob"])
    assert ok("trade", "book")["bids"] == []
    # bob bought 1000 + 1000 + 500 Wh: take 1 GRX (1000 Wh) of it to the wallet
    out = ok("trade", "withdraw", "--grx", 1, "-k", keys["bob"])
    assert out["withdrawn"] == {"grx_base_units": GRX, "quote_base_units": 0}
    assert (out["balances"]["grx_base_units"], out["balances"]["seat"]["grx_free"]) == (GRX, 1500 * 10**6)
    assert "market depth" in gtx("trade", "depth").stdout and ok("trade", "depth")["bids"] == []


def test_trade_auction_mode(state, keys):
    rejected("NotAuthority", "trade", "mode", "auction", "-k", keys["alice"])
    assert ok("trade", "mode", "auction", "-k", BOOTSTRAP)["mode"] == "Auction"
    # in auction mode orders only rest, even when they cross
    ok("trade", "sell", "--amount", 1000, "--price", "0.1", "--certificate", "c1", "-k", keys["alice"])
    assert ok("trade", "buy", "--amount", 1000, "--price", "0.2", "-k", keys["bob"])["resting_wh"] == 1000
    ok("trade", "buy", "--amount", 500, "--price", "0.05", "-k", keys["bob"])
    rejected("InvalidOrderOptions", "trade", "buy", "--amount", 10, "--price", "0.2", "--ioc", "-k", keys["bob"])
    rejected("WrongMarketMode", "trade", "match", "-k", keys["bob"])
    auction = ok("trade", "auction", "-k", keys["carol"])
    assert auction["volume_wh"] == 1000 and 100_000 <= auction["clearing_price"] <= 200_000
    [fill] = auction["fills"]
    assert (fill["buy_order_id"], fill["sell_order_id"], fill["amount_wh"]) == (1, 0, 1000)
    assert (auction["bids"], auction["asks"], auction["total_trades"]) == (1, 0, 1)
    rejected("NoCrossingOrders", "trade", "auction", "-k", keys["carol"])
    assert ok("trade", "mode", "continuous", "-k", BOOTSTRAP)["mode"] == "Continuous"
    rejected("WrongMarketMode", "trade", "auction", "-k", keys["carol"])
    assert [(o["order_id"], o["price"]) for o in ok("trade", "book")["bids"]] == [(2, 50_000)]


def test_trade_pool_swap_and_fees(state, keys):
    boot = ok("keys", "show", BOOTSTRAP)["pubkey"]
    ok("token", "mint", "--to", boot, "--amount", 10, "-k", BOOTSTRAP)
    ok("trade", "faucet", "--to", boot, "--amount", 100, "-k", BOOTSTRAP)
    pool = ok("trade", "pool-init", "--curve", "wind", "--grx", 5, "--quote", 50, "-k", BOOTSTRAP)["pool"]
    assert (pool["grx_reserve"], pool["quote_reserve"], pool["curve"]) == (5 * GRX, 50 * QUOTE, "SteepWind")
    swapped = ok("trade", "swap", "--curve", "wind", "--direction", "buy", "--amount-in", 1, "-k", keys["bob"])
    got = swapped["balances"]["grx_base_units"]
    assert got == 5 * GRX * QUOTE // (50 * QUOTE + QUOTE)  # constant product, 1 quote in
    assert swapped["pool"]["total_swaps"] == 1 and swapped["pool"]["grx_reserve"] == 5 * GRX - got
    assert ok("trade", "pool", "--curve", "wind")["quote_reserve"] == 51 * QUOTE
    # fees from a fill (the seller pays, rounded up), then withdrawn by the market admin
    ok("trade", "sell", "--amount", 2000, "--price", "0.1", "--certificate", "c1", "-k", keys["alice"])
    ok("trade", "buy", "--amount", 2000, "--price", "0.1", "-k", keys["bob"])
    market = ok("trade", "market")
    assert market["total_fees"] == market["fees_unclaimed"] == 200_000 * 25 // 10_000
    out = ok("trade", "withdraw-fees", "--amount", "0.0005", "--to", keys.pub["carol"], "-k", BOOTSTRAP)
    assert out["fees_unclaimed"] == 0 and out["balances"]["quote_base_units"] == 500
    rejected("InsufficientFees", "trade", "withdraw-fees", "--amount", "0.000001", "-k", BOOTSTRAP)
    rejected("NotAuthority", "trade", "withdraw-fees", "--amount", "0.000001", "-k", keys["bob"])


def test_trade_rejections_leave_state_unchanged(state, keys):
    ok("trade", "sell", "--amount", 1000, "--price", "0.2", "--certificate", "c1", "-k", keys["alice"])
    ok("trade", "buy", "--amount", 1000, "--price", "0.1", "-k", keys["bob"])
    before = ok("trade", "book"), ok("trade", "balance", keys.pub["alice"])
    ok("trade", "faucet", "--to", keys.pub["alice"], "--amount", 1, "-k", BOOTSTRAP)
    # alice's bid would cross her own ask
    rejected("SelfTrade", "trade", "buy", "--amount", 10, "--price", "0.25", "-k", keys["alice"])
    rejected("InsufficientErcEnergy", "trade", "sell", "--amount", 7001, "--price", "0.3", "--certificate", "c1",
             "-k", keys["alice"])
    failure("has no GRX account", "trade", "sell", "--amount", 10, "--price", 1, "--certificate", "c1",
            "-k", keys["bob"])
    ok("token", "mint", "--to", keys.pub["bob"], "--amount", 1, "-k", BOOTSTRAP)
    rejected("ErcNotOwned", "trade", "sell", "--amount", 10, "--price", 1, "--certificate", "c1", "-k", keys["bob"])
    after = ok("trade", "book"), ok("trade", "balance", keys.pub["alice"])
    assert after[0] == before[0] and after[1]["seat"] == before[1]["seat"]
    assert after[1]["quote_base_units"] == before[1]["quote_base_units"] + QUOTE  # only the faucet
    assert ok("trade", "market")["total_trades"] == 0
    # state checks the CLI makes before sending, each naming the fix
    failure("has no quote account", "trade", "buy", "--amount", 10, "--price", "0.2", "-k", keys["carol"])
    err = failure("needs", "trade", "buy", "--amount", 1_000_000, "--price", "0.2", "-k", keys["bob"])
    assert "gtx trade faucet" in err
    err = failure("more than the seat's free", "trade", "withdraw", "--quote", 1, "-k", keys["bob"])
    assert "100,000 locked" in err
    failure("no free balance", "trade", "withdraw", "--all", "-k", keys["alice"])
    failure("no seat in the market", "trade", "withdraw", "--all", "-k", keys["carol"])


def test_trade_usage_errors(state, keys):
    err = usage("--price", "trade", "buy", "--amount", 10, "--price", "0.1234567", "-k", keys["bob"])
    assert "--price: 0.1234567 is not a multiple of the 0.001 quote/kWh tick; use 0.123" in err
    assert "use 0.001" in usage("--price", "trade", "buy", "--amount", 10, "--price", "0.0001", "-k", keys["bob"])
    usage("--price", "trade", "buy", "--amount", 10, "--price", "0", "-k", keys["bob"])
    usage("--price", "trade", "sell", "--amount", 10, "--price", "cheap", "--certificate", "c1", "-k", keys["alice"])
    usage("--amount", "trade", "buy", "--amount", "-10", "--price", 1, "-k", keys["bob"])
    usage("--post-only", "trade", "buy", "--amount", 10, "--price", 1, "--post-only", "--ioc", "-k", keys["bob"])
    usage("--match-limit", "trade", "buy", "--amount", 10, "--price", 1, "--match-limit", 256, "-k", keys["bob"])
    usage("--max-pairs", "trade", "match", "--max-pairs", 0, "-k", keys["bob"])
    usage("MODE", "trade", "mode", "sideways", "-k", BOOTSTRAP)
    usage("--grx", "trade", "withdraw", "-k", keys["bob"])
    usage("--all", "trade", "withdraw", "--all", "--grx", 1, "-k", keys["bob"])
    usage("--quote", "trade", "withdraw", "--quote", "0.0000001", "-k", keys["bob"])
    usage("ORDER_ID", "trade", "cancel", "first", "-k", keys["bob"])
    usage("--owner", "trade", "orders", "--owner", "nobody")
    usage("--curve", "trade", "pool", "--curve", "hydro")
    usage("--direction", "trade", "swap", "--curve", "wind", "--direction", "sideways", "--amount-in", 1)
    failure("no resting order 7", "trade", "cancel", 7, "-k", keys["bob"])
    failure("unknown certificate 'c9'", "trade", "sell", "--amount", 1, "--price", 1, "--certificate", "c9",
            "-k", keys["alice"])
    failure("no wind pool", "trade", "swap", "--curve", "wind", "--direction", "buy", "--amount-in", 1,
            "-k", keys["bob"])


# ----------------------------------------------------------------------------- oracle


def test_oracle_reading_validation_rejection_is_recorded(state, keys):
    before = ok("registry", "show-meter", "m1")
    out = ok("oracle", "submit-reading", "m1", "--produced", 10, "--consumed", 0,
             "--timestamp", before["last_reading_at"] - 10, "--meter-keypair", keys["meter"], "-k", keys["gw"])
    assert out["accepted"] is False and out["reject_reason"] == "Backdated"
    assert out["meter_state"]["rejected_readings"] == 1 and out["meter_state"]["valid_readings"] == 2
    assert ok("registry", "show-meter", "m1")["total_generation"] == before["total_generation"]
    assert ok("oracle", "config")["rejected_backdated"] == 1


def test_oracle_hard_rejections_leave_state_unchanged(state, keys):
    before = (ok("registry", "show-meter", "m1"), ok("oracle", "meter-state", "m1"))
    rejected("SignerKeyMismatch", "oracle", "submit-reading", "m1", "--produced", 10, "--consumed", 0,
             "--meter-keypair", keys["alice"], "-k", keys["gw"])
    rejected("UnauthorizedGateway", "oracle", "submit-reading", "m1", "--produced", 10, "--consumed", 0,
             "--meter-keypair", keys["meter"], "-k", keys["bob"])
    rejected("NotAuthority", "oracle", "update-config", "--max-energy", 5, "-k", keys["bob"])
    assert (ok("registry", "show-meter", "m1"), ok("oracle", "meter-state", "m1")) == before


def test_oracle_consensus_clearing_and_meter_state(state, keys):
    oracles = [keys.pub[n] for n in ("o1", "o2", "o3")]
    # 2 of 3 would let one faulty oracle decide with one honest partner: refused before sending, naming the option
    usage("--consensus-threshold", "oracle", "update-config", *[a for k in oracles for a in ("--backup-oracle", k)],
          "--consensus-threshold", 2, "-k", BOOTSTRAP)
    cfg = ok("oracle", "update-config", *[a for k in oracles for a in ("--backup-oracle", k)],
             "--consensus-threshold", 3, "-k", BOOTSTRAP)["config"]
    assert cfg["backup_oracles"] == oracles and cfg["consensus_threshold"] == 3
    assert cfg["api_gateway"] == keys.pub["gw"] and cfg["max_deviation_percent"] == 200  # kept
    out = ok("oracle", "submit-consensus", "m1", "--reading", f"{keys['o1']}:6000:1000",
             "--reading", f"{keys['o2']}:7000:1200", "--reading", f"{keys['o3']}:6000:1000", "-k", keys["bob"])
    assert out["accepted"] is True, out["reject_reason"]
    reached = [e for e in out["events"] if e["name"] == "ConsensusReached"]
    assert len(reached) == 1
    totals = out["meter_totals"]  # o1's (= o3's) reading, the median pair, taken whole
    assert (totals["total_generation"], totals["total_consumption"]) == (11000 + 6000, 2000 + 1000)
    rejected("InsufficientConsensus", "oracle", "submit-consensus", "m1", "--reading", f"{keys['o1']}:1:1",
             "-k", keys["bob"])
    cleared = ok("oracle", "trigger-clearing", "-k", keys["gw"])
    assert cleared["clearing_count"] == 1 and cleared["last_clearing_at"] > 0
    state_view = ok("oracle", "meter-state", "m1")
    assert state_view["valid_readings"] == 3 and state_view["meter_id"] == "m1"
    assert ok("oracle", "update-config", "--clear-backup-oracles", "--consensus-threshold", 1,
              "-k", BOOTSTRAP)["config"]["backup_oracles"] == []


def test_oracle_plausibility_config(state, keys):
    before = ok("oracle", "config")
    assert before["type_ceiling_w"] == [1_000_000, 5_000_000, 1_000_000, 1_000_000]
    cfg = ok("oracle", "update-config", "--type-ceiling", "Wind=2000000", "--type-ceiling", "Grid=50000",
             "--capacity-margin-percent", 20, "--first-reading-max-interval", 900, "--deviation-floor-percent", 10,
             "-k", BOOTSTRAP)["config"]
    assert cfg["type_ceiling_w"] == [1_000_000, 2_000_000, 1_000_000, 50_000]  # only the types given change
    assert (cfg["capacity_margin_percent"], cfg["first_reading_max_interval"], cfg["deviation_floor_percent"]) == \
        (20, 900, 10)
    assert cfg["max_deviation_percent"] == before["max_deviation_percent"] and "rejected_capacity" in cfg
    restored = ok("oracle", "update-config", "--type-ceiling", "Wind=5000000", "--type-ceiling", "Grid=1000000",
                  "--capacity-margin-percent", before["capacity_margin_percent"],
                  "--first-reading-max-interval", before["first_reading_max_interval"],
                  "--deviation-floor-percent", before["deviation_floor_percent"], "-k", BOOTSTRAP)["config"]
    assert {k: v for k, v in restored.items() if not k.startswith(("rejected", "total", "valid"))} == \
        {k: v for k, v in before.items() if not k.startswith(("rejected", "total", "valid"))}


def test_oracle_usage_errors(state, keys):
    usage("--produced", "oracle", "submit-reading", "m1", "--produced", "-1", "--consumed", 0,
          "--meter-keypair", keys["meter"], "-k", keys["gw"])
    usage("--meter-keypair", "oracle", "submit-reading", "m1", "--produced", 1, "--consumed", 0,
          "--meter-keypair", keys.root / "missing.json", "-k", keys["gw"])
    usage("--reading", "oracle", "submit-consensus", "m1", "--reading", "o1.json:5", "-k", keys["bob"])
    usage("--api-gateway", "oracle", "update-config", "--api-gateway", "xyz", "-k", BOOTSTRAP)
    usage("--max-deviation-percent", "oracle", "update-config", "--max-deviation-percent", 70000, "-k", BOOTSTRAP)
    usage("--reading", "oracle", "submit-consensus", "m1", "--reading", f"{keys['o1']}:1:1",
          "--reading", f"{keys['o2']}:1:1", "-k", keys["bob"])  # even count
    usage("--type-ceiling", "oracle", "update-config", "--type-ceiling", "Nuclear=5", "-k", BOOTSTRAP)
    usage("--type-ceiling", "oracle", "update-config", "--type-ceiling", "Solar=0", "-k", BOOTSTRAP)
    usage("--capacity-margin-percent", "oracle", "update-config", "--capacity-margin-percent", 101, "-k", BOOTSTRAP)
    usage("--first-reading-max-interval", "oracle", "update-config", "--first-reading-max-interval", 0,
          "-k", BOOTSTRAP)
    usage("--deviation-floor-percent", "oracle", "update-config", "--deviation-floor-percent", 101, "-k", BOOTSTRAP)
    failure("gtx registry register-meter", "oracle", "init-meter", "ghost", "-k", keys["gw"])


# ----------------------------------------------------------------------------- governance


def test_governance_pause_blocks_every_program(state, keys):
    paused = ok("governance", "pause", "-k", BOOTSTRAP)
    assert paused["paused"] is True and paused["grx_accounts_frozen"] >= 2  # alice's, bob's, the escrow
    assert "GrxFreezeSynced" in [e["name"] for e in paused["events"]]
    rejected("SystemPaused", "registry", "register-user", "-k", keys["carol"])
    rejected("SystemPaused", "token", "transfer", "--to", keys.pub["bob"], "--amount", 1, "-k", keys["alice"])
    rejected("SystemPaused", "trade", "buy", "--amount", 10, "--price", 1, "-k", keys["bob"])
    rejected("AlreadyPaused", "governance", "pause", "-k", BOOTSTRAP)
    synced = ok("governance", "sync-grx-freeze", "-k", keys["bob"])  # permissionless; nothing left to freeze
    assert synced["frozen"] == 0 and synced["unchanged"] == paused["grx_accounts_frozen"]
    unpaused = ok("governance", "unpause", "-k", BOOTSTRAP)
    assert unpaused["paused"] is False and unpaused["grx_accounts_thawed"] == paused["grx_accounts_frozen"]
    assert ok("governance", "config")["pause_count"] == 1
    assert ok("token", "transfer", "--to", keys.pub["bob"], "--amount", 1, "-k", keys["alice"])
    assert ok("registry", "register-user", "-k", keys["carol"])["user"]["owner"] == keys.pub["carol"]


def test_governance_certificate_lifecycle(state, keys):
    cert = ok("governance", "certificate", "c1")
    assert (cert["energy_amount"], cert["owner"], cert["expired"]) == (8000, keys.pub["alice"], False)
    before = ok("registry", "show-meter", "m1")
    rejected("InsufficientUnclaimedEnergy", "governance", "issue-erc", "c2", "--meter", "m1", "--amount", 3001,
             "-k", keys["rec"])
    rejected("NotRecAuthority", "governance", "issue-erc", "c2", "--meter", "m1", "--amount", 10, "-k", keys["alice"])
    assert ok("registry", "show-meter", "m1") == before
    failure("unknown certificate 'c2'", "governance", "certificate", "c2")
    issued = ok("governance", "issue-erc", "c2", "--meter", "m1", "--amount", 3000, "-k", keys["rec"])
    assert issued["meter_claimed_erc_generation"] == 11000
    moved = ok("governance", "transfer-erc", "c1", "--to", keys.pub["bob"], "-k", keys["alice"])
    assert moved["certificate"]["owner"] == keys.pub["bob"]
    rejected("NotCertificateOwner", "governance", "transfer-erc", "c1", "--to", keys.pub["carol"], "-k", keys["alice"])
    assert ok("governance", "revoke-erc", "c1", "-k", keys["rec"])["certificate"]["status"] == "Revoked"
    rejected("InvalidErcStatus", "governance", "validate-erc", "c1", "-k", keys["rec"])
    cfg = ok("governance", "config")
    assert (cfg["erc_issued"], cfg["erc_revoked"], cfg["rec_authority"]) == (2, 1, keys.pub["rec"])


def test_governance_usage_errors(state, keys):
    usage("CERTIFICATE_ID", "governance", "issue-erc", "c" * 33, "--meter", "m1", "--amount", 1, "-k", keys["rec"])
    usage("--amount", "governance", "issue-erc", "c3", "--meter", "m1", "--amount", 0, "-k", keys["rec"])
    usage("--to", "governance", "transfer-erc", "c1", "--to", "bob", "-k", keys["alice"])
    usage("NEW_REC_AUTHORITY", "governance", "set-rec-authority", "nope", "-k", BOOTSTRAP)
    failure("unknown meter 'ghost'", "governance", "issue-erc", "c3", "--meter", "ghost", "--amount", 1,
            "-k", keys["rec"])


# ----------------------------------------------------------------------------- admin handover, every program

ADMIN_OF = {"registry": ("registry", "config"), "token": ("token", "info"), "trade": ("trade", "market"),
            "oracle": ("oracle", "config"), "governance": ("governance", "config")}


@pytest.mark.parametrize("group", GROUPS)
def test_authority_transfer_propose_cancel_accept(state, keys, group):
    boot = ok("keys", "show", BOOTSTRAP)["pubkey"]
    proposed = ok(group, "propose-authority", keys.pub["admin2"], "-k", BOOTSTRAP)
    assert proposed["pending_authority"] == keys.pub["admin2"]
    assert ok(*ADMIN_OF[group])["admin"]["pending_authority"] == keys.pub["admin2"]
    ok(group, "cancel-authority", "-k", BOOTSTRAP)
    admin = ok(*ADMIN_OF[group])["admin"]
    assert admin["authority"] == boot and admin["pending_authority"] == "11111111111111111111111111111111"
    ok(group, "propose-authority", keys.pub["admin2"], "-k", BOOTSTRAP)
    rejected("NotPendingAuthority", group, "accept-authority", "-k", keys["bob"])
    assert ok(*ADMIN_OF[group])["admin"]["authority"] == boot
    ok(group, "accept-authority", "-k", keys["admin2"])
    assert ok(*ADMIN_OF[group])["admin"]["authority"] == keys.pub["admin2"]
    usage("NEW_AUTHORITY", group, "propose-authority", "not-a-key", "-k", keys["admin2"])


def test_unreachable_rpc_is_one_line(keys):
    result = gtx("--backend", "rpc", "-u", "http://127.0.0.1:9", "registry", "show-meter", "m1")
    assert result.exit_code == 1, result.output
    assert "unreachable" in result.stderr and "Traceback" not in result.output
