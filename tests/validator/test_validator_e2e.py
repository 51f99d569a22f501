"""The whole platform on a real solana-test-validator, driven the way an operator would: every program deployed
with `gtx deploy` (CLI), `gtx init` over RPC, then the full trading flow through RpcChain (participants, meters,
meter-signed readings through the oracle, settlement minting GRX, an ERC issued and validated, the ≈ 148 KB
order book created by `gtx init`, an ask filled by a crossing bid, the match crank, a batch auction in auction
mode, withdrawals), an upgrade whose new behaviour is visible while the data stays, upgrade-authority transfer and
finalisation, the IDL commands, and a real blockhash expiry (the first blockhash of the module is stale by the
end, so one re-sign must happen). Ports 18933..18965; skipped when the validator binary is absent."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from solders.keypair import Keypair
from typer.testing import CliRunner

from gridtokenx_cli.bench import blockbench_cu as bb
from gridtokenx_cli.chain.workspace import REPO_ROOT, Workspace
from gridtokenx_cli.cli import app
from gridtokenx_cli.cli.common import hoist_global_options
from gridtokenx_cli.cli.keys import write_keypair

from gridtokenx_cli.testing.validator import needs_validator, running_localnet  # noqa: E402

pytestmark = needs_validator

PORT = 18933
QUOTE = 10**6
GRX_PER_WH = 1_000_000
PLATFORM = ["governance", "energy_token", "registry", "oracle", "trading"]
runner = CliRunner()


def probe_builds(cache_root: Path | None = None) -> tuple[Path, Path]:
    """blockbench as committed (v1) and with Anchor's `no-log-ix-name` feature (v2): the dispatcher of v2 no
    longer logs "Instruction: <Name>", a behaviour change visible in every transaction, with the same account
    layouts, so data written under v1 must read back under v2. Built by the project's pipeline from `git archive
    HEAD` (workspace manifest, programs/blockbench, crates/) into the build cache, keyed by the committed tree:
    uncommitted edits never leak in, and reruns hit the cache."""
    from gridtokenx_cli.toolchain.build import Toolchain

    tc = Toolchain(cache_root=cache_root, log=lambda m: print(m, file=sys.stderr))
    tree = subprocess.run(["git", "rev-parse", "HEAD:programs/blockbench"], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    src = tc.cache_root / "upgrade-probe" / tree[:16]
    if not (src / "Cargo.toml").exists():
        src.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "HEAD", "Cargo.toml", "Cargo.lock", "programs/blockbench",
                                  "crates"], cwd=REPO_ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    v1 = tc.build(src, "blockbench", src / "out", features=["custom-heap"], so_name="blockbench_v1")
    v2 = tc.build(src, "blockbench", src / "out", features=["custom-heap", "no-log-ix-name"], so_name="blockbench_v2")
    return Path(v1.so_path), Path(v2.so_path)


def gtx(*args: str):
    return runner.invoke(app, hoist_global_options(list(args)))


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    yield from running_localnet(tmp_path_factory, PORT, "localnet-e2e")


@pytest.fixture(scope="module")
def chain(net):
    from gridtokenx_cli.chain.rpc import RpcChain

    c = RpcChain(net.url)
    # the module's first blockhash; stale by the last test (deploys alone outlast its ~150 blocks)
    c.stale_blockhash = c.latest_blockhash()
    yield c
    c.close()


@pytest.fixture(scope="module")
def payer(chain, tmp_path_factory) -> tuple[Keypair, Path]:
    kp = Keypair()
    for _ in range(3):
        chain.airdrop(kp.pubkey(), 200 * 10**9)
    path = tmp_path_factory.mktemp("keys") / "payer.json"
    write_keypair(path, kp)
    return kp, path


@pytest.fixture(scope="module")
def cli(net, payer, tmp_path_factory):
    """`gtx` against this validator, signed by the payer, buffers in a temp dir."""
    buffers = tmp_path_factory.mktemp("buffers")

    def run(*args: str, keypair: Path | None = None):
        return gtx("--url", net.url, "--keypair", str(keypair or payer[1]), "--json", *args,
                   *(["--buffers-dir", str(buffers)] if args[0] in ("deploy", "upgrade", "buffers") else []))
    run.buffers = buffers
    return run


@pytest.fixture(scope="module")
def deployed(cli, chain):
    out = cli("deploy")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    print("\ndeploy figures: " + ", ".join(f"{r['program']} {r['chunks_total']} chunks {r['seconds']} s"
                                          for r in rows))
    return {r["program"]: r for r in rows}


@pytest.fixture(scope="module")
def platform(deployed, net, chain):
    out = gtx("--backend", "rpc", "--url", net.url, "--json", "init")
    assert out.exit_code == 0, out.output
    steps = json.loads(out.stdout)["steps"]
    assert [s["created"] for s in steps] == [True] * 6
    from gridtokenx_cli.platform import bootstrap_platform

    p = bootstrap_platform(chain)
    assert [s.created for s in p.steps] == [False] * 6  # idempotent: found what `gtx init` made
    return p


def test_gtx_deploy_puts_every_built_program_on_chain(deployed, chain):
    from gridtokenx_cli.deploy import programdata_address, PROGRAMDATA_HEADER

    ws = Workspace.load()
    assert set(PLATFORM) <= set(deployed) and set(deployed) == set(ws.deployable())
    for name, row in deployed.items():
        assert not row["upgraded"] and row["chunks_written"] == row["chunks_total"] > 0
        pid = ws.program_id(name)
        assert chain.get_account(pid).executable
        so = ws.so_path(name).read_bytes()
        data = bytes(chain.get_account(programdata_address(pid)).data)
        assert data[PROGRAMDATA_HEADER:PROGRAMDATA_HEADER + len(so)] == so  # the exact bytes, byte for byte


def test_full_trading_flow_over_rpc(platform, chain, net):
    from gridtokenx_cli.testing import trading as tc

    p = platform
    prosumer = p.register_participant("Prosumer")
    consumer = p.register_participant("Consumer", quote=10 * QUOTE)
    # rated capacities large enough for the compressed test intervals below (6 kWh in 200 s is 108 kW)
    solar = p.register_meter(prosumer, "SOLAR-RPC-1", "Solar", Keypair(), capacity_w=200_000)
    grid = p.register_meter(consumer, "GRID-RPC-1", "Grid", Keypair(), capacity_w=100_000)
    assert (p.fetch_registry_config().user_count, p.fetch_registry_config().meter_count) == (2, 2)

    # readings are backdated (the oracle only refuses the future) and 200 s apart (its minimum is 60 s)
    t1 = p.now() - 1_200
    t2 = t1 + 200
    out = p.submit_reading(solar, 5_000, 1_000, t1)
    assert {"MeterReadingAccepted", "MeterReadingUpdated"} <= {e.name for e in out.events}
    p.submit_reading(grid, 0, 2_000, t1)
    p.submit_reading(solar, 6_000, 1_500, t2)
    p.submit_reading(grid, 0, 2_500, t2)
    m = p.fetch_meter(solar)
    assert (m.total_generation, m.total_consumption, m.reading_count, m.last_reading_at) == (11_000, 2_500, 2, t2)
    # a reading that is not after the last one is rejected by validation, totals unchanged
    out = p.submit_reading(solar, 6_000, 1_000, t2)
    assert out.ok and "ReadingRejected" in {e.name for e in out.events}
    assert p.fetch_meter(solar).total_generation == 11_000

    out = p.settle(prosumer, solar)
    assert {"MeterSettled", "TokensMinted"} <= {e.name for e in out.events}
    assert p.token_balance(prosumer.grx) == 8_500 * GRX_PER_WH
    rejected = p.settle(consumer, grid, check=False)
    assert not rejected.ok and rejected.error.name == "NothingToSettle"

    cert, out = p.issue_erc("ERC-RPC-1", solar, 11_000)
    assert {"ErcIssued", "ErcGenerationClaimed"} <= {e.name for e in out.events}
    _, out = p.place_sell(prosumer, 4_000, 140_000, cert, check=False)
    assert not out.ok and out.error.name == "ErcNotValidated"
    assert p.token_balance(prosumer.grx) == 8_500 * GRX_PER_WH
    p.validate_erc(cert)

    # the order book (≈ 148 KB, created by create_account in `gtx init`'s initialize_market transaction)
    book_acc = chain.get_account(p.book)
    assert book_acc.owner == tc.PROGRAM_ID and len(book_acc.data) == tc.book_space(512, 1024)
    assert p.fetch_market().book == p.book and p.fetch_book().header.order_capacity == 512

    # an ask rests (seat + deposit + place in one transaction); a crossing bid fills at the ask's price
    sell, out = p.place_sell(prosumer, 4_000, 140_000, cert)
    assert out.event("OrderPlaced").data["resting_wh"] == 4_000
    buy, out = p.place_buy(consumer, 4_000, 160_000)
    ev = out.event("OrderMatched").data
    assert (ev["buy_order_id"], ev["sell_order_id"]) == (buy, sell)
    assert (ev["amount_wh"], ev["price"], ev["quote_amount"], ev["fee"], ev["buyer_refund"]) == \
        (4_000, 140_000, 560_000, 1_400, 80_000)
    p.withdraw(consumer)
    p.withdraw(prosumer)
    assert p.token_balance(consumer.grx) == 4_000 * GRX_PER_WH
    assert p.token_balance(consumer.quote) == 10 * QUOTE - 560_000
    assert p.token_balance(prosumer.quote) == 558_600 and p.token_balance(p.quote_escrow) == 1_400

    # a bid capped at one fill rests crossed; the crank fills the rest at the earlier order's price
    p.place_sell(prosumer, 1_000, 140_000, cert)
    ask2, _ = p.place_sell(prosumer, 1_000, 145_000, cert)
    buy2, out = p.place_buy(consumer, 2_000, 150_000, match_limit=1)
    assert (out.event("OrderPlaced").data["filled_wh"], out.event("OrderPlaced").data["resting_wh"]) == (1_000, 1_000)
    ev = p.crank().event("OrderMatched").data
    assert (ev["buy_order_id"], ev["sell_order_id"], ev["price"], ev["amount_wh"]) == (buy2, ask2, 145_000, 1_000)

    # auction mode: a uniform-price batch auction over the whole book
    p.set_market_mode(tc.MODE_AUCTION)
    p.place_sell(prosumer, 1_000, 140_000, cert)
    _, out = p.place_buy(consumer, 1_000, 150_000)
    assert out.event("OrderPlaced").data["resting_wh"] == 1_000  # no matching in auction mode
    summary = p.auction().event("BatchAuctionExecuted").data  # decoded from the validator's logs
    assert (summary["clearing_price"], summary["volume_wh"]) == \
        tc.auction_price([(150_000, 1_000)], [(140_000, 1_000)], 145_000) == (140_000, 1_000)
    p.set_market_mode(tc.MODE_CONTINUOUS)
    p.withdraw(consumer)
    p.withdraw(prosumer)
    assert p.token_balance(consumer.grx) == 7_000 * GRX_PER_WH
    mk = p.fetch_market()
    assert (mk.total_volume_wh, mk.total_trades) == (7_000, 4)
    book = p.fetch_book()
    assert book.bids == book.asks == [] and book.header.seat_count == 2

    # the CLI reads the same book over RPC
    out = gtx("--backend", "rpc", "--url", net.url, "--json", "trade", "book")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["bids"] == json.loads(out.stdout)["asks"] == []
    out = gtx("--backend", "rpc", "--url", net.url, "--json", "trade", "balance", str(consumer.pubkey))
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["grx_base_units"] == 7_000 * GRX_PER_WH

    # conservation: GRX held == minted, quote held == faucet (the vault keeps only the unclaimed fees)
    assert sum(p.token_balance(a) for a in (prosumer.grx, consumer.grx, p.grx_escrow)) == p.mint_supply() \
        == 8_500 * GRX_PER_WH
    assert p.token_balance(p.grx_escrow) == 0 and p.token_balance(p.quote_escrow) == mk.fees_unclaimed
    assert sum(p.token_balance(a) for a in (prosumer.quote, consumer.quote, p.quote_escrow)) == 10 * QUOTE


def test_upgrade_changes_behaviour_and_keeps_data(cli, deployed, chain, payer):
    v1, v2 = probe_builds()
    kp = payer[0]
    out = cli("upgrade", "blockbench", "--so", str(v1))
    assert out.exit_code == 0, out.output
    store, _ = bb.store_pda(kp.pubkey(), 77)
    assert chain.send(bb.ix_init_store(kp.pubkey(), 77), kp).ok
    assert chain.send(bb.ix_io_write(kp.pubkey(), store, 0, 8, 5), kp).ok
    before = chain.account_data(store)
    read = chain.send(bb.ix_io_read(store, 0, 8), kp)
    assert read.ok and "Program log: Instruction: IoRead" in read.logs

    out = cli("upgrade", "blockbench", "--so", str(v2))
    assert out.exit_code == 0, out.output
    [row] = json.loads(out.stdout)
    assert row["upgraded"] and row["program_id"] == str(bb.PROGRAM_ID)
    assert chain.account_data(store) == before  # the upgrade left the data alone
    read = chain.send(bb.ix_io_read(store, 0, 8), kp)
    assert read.ok and not any("Instruction:" in line for line in read.logs)  # v2's behaviour
    assert read.compute_units > 0 and chain.account_data(store) == before


def test_upgrade_authority_transfer_then_final(cli, deployed, chain, payer):
    from gridtokenx_cli.deploy import Deployer

    d = Deployer(chain, payer[0])
    assert d.upgrade_authority("oracle") == (True, payer[0].pubkey())
    assert gtx("--url", "x", "upgrade-authority", "oracle").exit_code == 2  # neither NEW_AUTHORITY nor --final
    new = Keypair()
    chain.airdrop(new.pubkey(), 10**9)
    out = cli("upgrade-authority", "oracle", str(new.pubkey()))
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["upgrade_authority"] == str(new.pubkey())
    # the old authority can no longer move it; nothing changes
    again = cli("upgrade-authority", "oracle", str(payer[0].pubkey()))
    assert again.exit_code == 1 and str(new.pubkey()) in again.output
    assert d.upgrade_authority("oracle") == (True, new.pubkey())
    new_path = cli.buffers / "new-authority.json"
    write_keypair(new_path, new)
    out = cli("upgrade-authority", "oracle", "--final", keypair=new_path)
    assert out.exit_code == 0 and json.loads(out.stdout)["immutable"] is True
    assert d.upgrade_authority("oracle") == (True, None)
    out = cli("upgrade-authority", "oracle", str(new.pubkey()), keypair=new_path)
    assert out.exit_code == 1 and "immutable" in out.output
    assert chain.get_account(Workspace.load().program_id("oracle")).executable  # still runs


def test_idl_upload_and_fetch_through_program_metadata(cli, deployed):
    """The local validator's genesis holds our Program Metadata program and `gtx deploy` ended by writing each
    program's IDL there (the payer is the upgrade authority; details: tests/validator/test_idl_onchain.py)."""
    out = cli("idl", "fetch", "registry")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["idl"] == json.loads(Workspace.load().idl_path("registry").read_text())
    out = cli("idl", "upload", "registry")
    assert out.exit_code == 0 and json.loads(out.stdout)["action"] == "unchanged", out.output
    assert cli("idl", "fetch", "nonsense").exit_code == 2
    # what `fetch` decodes on clusters with older-Anchor programs: the legacy account's layout, round trip
    import struct
    import zlib
    from gridtokenx_cli.onchain_idl import decode_legacy_idl_account

    idl = json.loads(Workspace.load().idl_path("registry").read_text())
    packed = zlib.compress(json.dumps(idl).encode())
    authority = Keypair().pubkey()
    account = bytes(8) + bytes(authority) + struct.pack("<I", len(packed)) + packed + bytes(64)
    assert decode_legacy_idl_account(account) == (str(authority), idl)
    with pytest.raises(ValueError, match="runs past"):
        decode_legacy_idl_account(account[:60])


def test_buffers_list_and_close(cli, chain, payer):
    from gridtokenx_cli.deploy import Deployer

    d = Deployer(chain, payer[0], state_dir=cli.buffers)
    so = Workspace.load().so_path("governance").read_bytes()
    buffer, *_ = d.write_buffer("governance", so[:950 * 4])  # an abandoned, partly written deploy
    listed = cli("buffers", "list")
    assert listed.exit_code == 0
    [row] = json.loads(listed.stdout)
    assert row["buffer"] == str(buffer.pubkey()) and row["lamports"] > 0
    balance = chain.get_balance(payer[0].pubkey())
    closed = cli("buffers", "close")
    assert closed.exit_code == 0 and json.loads(closed.stdout)["closed"] == [str(buffer.pubkey())]
    assert chain.get_account(buffer.pubkey()) is None
    assert chain.get_balance(payer[0].pubkey()) > balance  # the rent came back


def test_expired_blockhash_is_re_signed_once(chain, payer):
    """The first blockhash of the module is past its last valid block height by now (wait if not): a transaction
    signed with it is dropped by the validator; RpcChain notices by block height and re-signs exactly once."""
    from solders.message import Message
    from solders.transaction import Transaction

    stale = chain.stale_blockhash
    last_valid = chain.last_valid_heights[stale]
    deadline = time.monotonic() + 120
    while chain.call("get_block_height").value <= last_valid and time.monotonic() < deadline:
        time.sleep(1)
    kp = payer[0]
    ix = bb.ix_cpu_heavy(kp.pubkey(), 16, 3)

    def build(blockhash):
        return Transaction([kp], Message.new_with_blockhash([ix], kp.pubkey(), blockhash), blockhash)

    before = chain.stats["resigned"]
    outcome = chain.submit(build(stale), build)
    assert outcome.ok and outcome.event("CpuHeavyDone").data["checksum"] == bb.cpu_heavy_expected(16, 3)["checksum"]
    assert chain.stats["resigned"] - before == 1


def test_bulk_commands_land_through_the_pipeline_with_the_compute_budget(platform, net, chain, tmp_path):
    """`gtx registry register-meters` and `gtx oracle submit-readings` over RPC: every row lands once through the
    pipeline (readings chained per meter), and every transaction carries the --cu-limit (simulated once for the
    file) and --priority-fee given on the command line."""
    import csv

    from solders.compute_budget import ID as COMPUTE_BUDGET

    owner, gateway = Keypair(), platform.api_gateway
    chain.airdrop(owner.pubkey(), 50 * 10**9)
    write_keypair(tmp_path / "owner.json", owner)
    write_keypair(tmp_path / "gw.json", gateway)
    base = ("--backend", "rpc", "--url", net.url, "--json", "--priority-fee", "7", "--cu-limit", "simulate")
    assert gtx(*base, "registry", "register-user", "-k", str(tmp_path / "owner.json")).exit_code == 0
    meters = [f"bulk-rpc-{i}" for i in range(6)]
    with open(tmp_path / "meters.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["meter_id", "capacity_w", "meter_keypair"])
        for mid in meters:
            write_keypair(tmp_path / f"{mid}.json", Keypair())
            w.writerow([mid, 20_000, f"{mid}.json"])
    out = gtx(*base, "registry", "register-meters", str(tmp_path / "meters.csv"), "-k", str(tmp_path / "owner.json"))
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["by_status"] == {"registered": 6} and body["priority_fee"] == 7 and body["compute_unit_limit"] > 0
    for mid in meters:
        assert gtx(*base, "oracle", "init-meter", mid, "-k", str(tmp_path / "gw.json")).exit_code == 0
    now = int(time.time())
    with open(tmp_path / "readings.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["meter_id", "produced_wh", "consumed_wh", "timestamp", "meter_keypair"])
        for k in range(3):
            for mid in meters:
                w.writerow([mid, 300 + k, 50, now - 1800 + 600 * k, f"{mid}.json"])
    out = gtx(*base, "oracle", "submit-readings", str(tmp_path / "readings.csv"), "-k", str(tmp_path / "gw.json"))
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["by_status"] == {"accepted": 18}
    with open(tmp_path / "readings.results.csv", newline="") as f:
        results = list(csv.DictReader(f))
    assert len(results) == 18 and len({r["signature"] for r in results}) == 18
    from solders.signature import Signature

    tx = chain.call("get_transaction", Signature.from_string(results[0]["signature"]), encoding="base64",
                    max_supported_transaction_version=0).value.transaction.transaction
    keys = tx.message.account_keys
    budget = [bytes(ix.data) for ix in tx.message.instructions if keys[ix.program_id_index] == COMPUTE_BUDGET]
    assert [b[0] for b in budget] == [2, 3]  # SetComputeUnitLimit, SetComputeUnitPrice
    assert int.from_bytes(budget[1][1:9], "little") == 7
    for mid in meters:
        shown = json.loads(gtx(*base, "registry", "show-meter", mid).stdout)
        assert shown["reading_count"] == 3 and shown["total_generation"] == 300 + 301 + 302
