"""programs/tpc in LiteSVM (EmbeddedChain): every instruction's effect on the table accounts, and every error code
it can raise, each rejection leaving the accounts it touched byte-for-byte unchanged.

Instructions are built with the generated client (through the workload executors' `instruction()`, or directly);
expected values are recomputed in Python from the account bytes before the transaction.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

try:
    import gridtokenx_cli  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover
    pass


from gridtokenx_cli.bench.workload_api import Op
from gridtokenx_cli.bench.workloads import tpc_common as tc
from gridtokenx_cli.bench.workloads import tpce, tpch, tpcc
from gridtokenx_cli.chain import open_chain
from gridtokenx_cli.generated.tpc import instructions as tix
from gridtokenx_cli.generated.tpc import types as ttypes
from gridtokenx_cli.toolchain.build import REPO_ROOT

ERRORS = {e["name"]: e["code"] for e in json.loads((REPO_ROOT / "idl" / "tpc.json").read_text())["errors"]}
TPCC_SCALE = {"warehouses": 2, "customers_per_district": 30, "items": 1000}
TPCE_SCALE = {"customers": 16}
TPCH_SCALE = {"orders": 300}
K = tc


# ----------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def env():
    """One chain with the TPC-C, TPC-E and TPC-H populations loaded (load phase left open)."""
    chain = open_chain("embedded", programs=["tpc"])
    c, e, h = tpcc.OnChainExecutor(chain), tpce.OnChainExecutor(chain), tpch.OnChainExecutor(chain)
    c.load(TPCC_SCALE)
    e.load(TPCE_SCALE)
    h.load(TPCH_SCALE)
    terminal = Keypair()
    chain.airdrop(terminal.pubkey(), 10 * 10**9)
    yield {"chain": chain, "c": c, "e": e, "h": h, "terminal": terminal}
    chain.close()


@pytest.fixture()
def fresh():
    """A chain with the program only (nothing initialised) and a funded bootstrap key."""
    chain = open_chain("embedded", programs=["tpc"])
    boot = tc.bootstrap_keypair()
    chain.airdrop(boot.pubkey(), 100 * 10**9)
    yield chain, boot
    chain.close()


class Loader(tc.TpcChainExecutor):
    """The load-phase plumbing alone (config, tables, images), for tests that build their own tables."""

    def load(self, scale: dict) -> None:
        raise NotImplementedError

    def check_consistency(self) -> list[str]:
        return []


def send(env, ix, signers=()):
    return env["chain"].send([ix], env["terminal"], signers)


def data(chain, address: Pubkey) -> bytes:
    return chain.account_data(address)


def snap(chain, *addresses: Pubkey) -> dict:
    return {a: chain.account_data(a) for a in addresses}


def assert_rejected(chain, outcome, name: str, before: dict) -> None:
    assert not outcome.ok, "unexpectedly succeeded:\n" + "\n".join(outcome.logs)
    assert outcome.error is not None and outcome.error.name == name, (outcome.error, outcome.logs[-5:])
    expected_code = ERRORS.get(name, {"NotBootstrapAuthority": 7006, "ConstraintHasOne": 2001}.get(name))
    assert outcome.error.code == expected_code
    assert outcome.events == []
    assert snap(chain, *before) == before, "a rejected transaction changed state"


def op_ix(executor, env, kind: str, **args):
    return executor.instruction(Op(kind, args, 1), env["terminal"].pubkey())


def district(w, d):
    return tc.table_pda(K.K_DISTRICT, w, d)


def customer(w, d):
    return tc.table_pda(K.K_CUSTOMER, w, d)


def warehouse(w):
    return tc.table_pda(K.K_WAREHOUSE, w)


def stock(w, chunk):
    return tc.table_pda(K.K_STOCK, w, 0, chunk)


def customer_row(raw: bytes, c_id: int) -> dict:
    o = K.C_ROWS + (c_id - 1) * K.CUST_LEN
    bal, ytd, pc, dc, last_o, disc, last, credit = struct.unpack_from("<qQIIIHHB", raw, o)
    return {"balance": bal, "ytd": ytd, "payment_cnt": pc, "delivery_cnt": dc, "last_o_id": last_o,
            "discount": disc, "last": last, "credit": credit}


def stock_row(raw: bytes, i_id: int) -> tuple:
    o = K.HEADER_LEN + ((i_id - 1) % K.CHUNK_ROWS) * K.STOCK_LEN
    q, oc, rc = struct.unpack_from("<HHH", raw, o)
    return q, K.u32(raw, o + 8), oc, rc


def item_price(chain, i_id: int) -> int:
    raw = data(chain, tc.table_pda(K.K_ITEM, 0, 0, (i_id - 1) // K.CHUNK_ROWS))
    return K.u32(raw, K.HEADER_LEN + ((i_id - 1) % K.CHUNK_ROWS) * K.ITEM_LEN)


# ----------------------------------------------------------------------------- load phase


def test_load_phase_happy_path_then_sealed(fresh):
    chain, boot = fresh
    ex = Loader(chain, boot)
    config = ex.ensure_config(tc.tpc_scale(1, 5, 100))
    assert config["authority"] == boot.pubkey() and config["items"] == 100 and not config["sealed"]
    image = bytearray(tc.table_len(K.K_WAREHOUSE, 5))
    struct.pack_into("<H", image, K.WH_TAX, 1234)
    assert ex.create_table(K.K_WAREHOUSE, 1, 0, 0, bytes(image))
    raw = data(chain, warehouse(1))
    assert raw[:7] == b"GTX-TPC" and raw[7] == K.K_WAREHOUSE and K.u16(raw, 8) == 1 and K.u16(raw, K.WH_TAX) == 1234
    assert len(raw) == tc.table_len(K.K_WAREHOUSE, 5)
    out = chain.send([tix.seal({"authority": boot.pubkey(), "config": tc.config_pda()})], boot)
    assert out.ok and out.event("TpcSealed").data["authority"] == boot.pubkey()
    assert tc.decode_config(data(chain, tc.config_pda()))["sealed"]

    before = snap(chain, warehouse(1), tc.config_pda())
    for ix in (tix.load_rows({"offset": 0, "bytes": b"\x01"}, {"authority": boot.pubkey(), "config": tc.config_pda(),
                                                               "table": warehouse(1)}),
               tix.create_table({"kind": K.K_DISTRICT, "w_id": 1, "d_id": 1, "chunk": 0},
                                {"authority": boot.pubkey(), "config": tc.config_pda(), "table": district(1, 1),
                                 "system_program": SYSTEM_PROGRAM_ID}),
               tix.seal({"authority": boot.pubkey(), "config": tc.config_pda()})):
        assert_rejected(chain, chain.send([ix], boot), "LoadSealed", before)
    assert chain.get_account(district(1, 1)) is None


def test_initialize_needs_the_bootstrap_key_and_a_valid_scale(fresh):
    chain, boot = fresh
    stranger = Keypair()
    chain.airdrop(stranger.pubkey(), 10**10)
    accounts = {"config": tc.config_pda(), "system_program": SYSTEM_PROGRAM_ID}
    out = chain.send([tix.initialize({"scale": tc.tpc_scale()}, {**accounts, "authority": stranger.pubkey()})],
                     stranger)
    assert_rejected(chain, out, "NotBootstrapAuthority", snap(chain, tc.config_pda()))
    for bad in (tc.tpc_scale(warehouses=0), tc.tpc_scale(customers_per_district=251), tc.tpc_scale(items=70_000)):
        out = chain.send([tix.initialize({"scale": bad}, {**accounts, "authority": boot.pubkey()})], boot)
        assert_rejected(chain, out, "InvalidScale", snap(chain, tc.config_pda()))
    assert chain.get_account(tc.config_pda()) is None


def test_load_rows_bounds_and_authority(fresh):
    chain, boot = fresh
    ex = Loader(chain, boot)
    ex.ensure_config(tc.tpc_scale(1, 5, 100))
    ex.create_table(K.K_WAREHOUSE, 1)
    body = tc.table_len(K.K_WAREHOUSE, 5) - K.HEADER_LEN
    accounts = {"authority": boot.pubkey(), "config": tc.config_pda(), "table": warehouse(1)}
    before = snap(chain, warehouse(1))
    out = chain.send([tix.load_rows({"offset": body - 3, "bytes": b"\x01" * 4}, accounts)], boot)
    assert_rejected(chain, out, "RowOutOfRange", before)
    out = chain.send([tix.load_rows({"offset": body - 4, "bytes": b"\x07" * 4}, accounts)], boot)
    assert out.ok and data(chain, warehouse(1))[-4:] == b"\x07" * 4
    stranger = Keypair()
    chain.airdrop(stranger.pubkey(), 10**10)
    before = snap(chain, warehouse(1))
    out = chain.send([tix.load_rows({"offset": 0, "bytes": b"\x01"}, {**accounts, "authority": stranger.pubkey()})],
                     stranger)
    assert_rejected(chain, out, "ConstraintHasOne", before)


def test_checked_math_overflow_rejects(fresh):
    """A warehouse YTD at u64::MAX: the payment's checked addition fails and nothing is written."""
    chain, boot = fresh
    ex = Loader(chain, boot)
    ex.ensure_config(tc.tpc_scale(1, 5, 100))
    wh = bytearray(tc.table_len(K.K_WAREHOUSE, 5))
    struct.pack_into("<Q", wh, K.WH_YTD, 2**64 - 1)
    ex.create_table(K.K_WAREHOUSE, 1, 0, 0, bytes(wh))
    ex.create_table(K.K_DISTRICT, 1, 1)
    ex.create_table(K.K_CUSTOMER, 1, 1)
    args = ttypes.PaymentArgs(w_id=1, d_id=1, c_w_id=1, c_d_id=1, by_name=False, c_id=1, c_last=0, amount_cents=100,
                              seq=1)
    before = snap(chain, warehouse(1), district(1, 1), customer(1, 1))
    out = chain.send([tix.payment({"args": args}, {"terminal": boot.pubkey(), "config": tc.config_pda(),
                                                   "warehouse": warehouse(1), "district": district(1, 1),
                                                   "customer": customer(1, 1)})], boot)
    assert_rejected(chain, out, "ArithmeticOverflow", before)


# ----------------------------------------------------------------------------- TPC-C


def test_new_order_updates_district_stock_customer_and_ring(env):
    chain, c = env["chain"], env["c"]
    lines = [[1, 1, 3], [800, 2, 10], [5, 1, 2]]  # item 800 lives in stock chunk 1, supplied remotely
    d_before = data(chain, district(1, 4))
    o_id = K.u32(d_before, K.D_NEXT_O_ID)
    s_before = {(w, i): stock_row(data(chain, stock(w, (i - 1) // K.CHUNK_ROWS)), i) for i, w, _ in lines}
    out = send(env, op_ix(c, env, "new_order", w_id=1, d_id=4, c_id=7, lines=lines))
    assert out.ok, out.logs
    ev = out.event("NewOrderPlaced").data
    amounts = [item_price(chain, i) * q for i, _, q in lines]
    cust = customer_row(data(chain, customer(1, 4)), 7)
    w_tax = K.u16(data(chain, warehouse(1)), K.WH_TAX)
    d_tax = K.u16(d_before, K.D_TAX)
    assert ev["o_id"] == o_id and ev["ol_cnt"] == 3 and not ev["all_local"]
    assert ev["total_cents"] == sum(amounts) * (10_000 - cust["discount"]) * (10_000 + w_tax + d_tax) // 10**8
    d_after = data(chain, district(1, 4))
    assert K.u32(d_after, K.D_NEXT_O_ID) == o_id + 1 and cust["last_o_id"] == o_id
    slot = K.D_ORDERS + (o_id % K.ORDER_RING) * K.ORDER_LEN
    assert K.u32(d_after, slot) == o_id and K.u16(d_after, slot + 4) == 7 and d_after[slot + 6] == 3
    for n, (i, w, q) in enumerate(lines):
        lo = slot + K.O_LINES + n * K.LINE_LEN
        assert struct.unpack_from("<HBBI", d_after, lo) == (i, w, q, amounts[n])
        qty, ytd, oc, rc = s_before[(w, i)]
        left = qty - q if qty >= q + 10 else qty - q + 91
        assert stock_row(data(chain, stock(w, (i - 1) // K.CHUNK_ROWS)), i) == (left, ytd + q, oc + 1,
                                                                               rc + int(w != 1))


def test_new_order_unused_item_rolls_back(env):
    chain, c = env["chain"], env["c"]
    before = snap(chain, district(1, 2), customer(1, 2), stock(1, 0), stock(1, 1))
    out = send(env, op_ix(c, env, "new_order", w_id=1, d_id=2, c_id=1, lines=[[3, 1, 1], [1001, 1, 1]]))
    assert_rejected(chain, out, "ItemNotFound", before)


@pytest.mark.parametrize("args, error", [
    ({"w_id": 1, "d_id": 11, "c_id": 1, "lines": [[1, 1, 1]]}, "InvalidDistrict"),
    ({"w_id": 3, "d_id": 1, "c_id": 1, "lines": [[1, 1, 1]]}, "InvalidDistrict"),
    ({"w_id": 1, "d_id": 1, "c_id": 31, "lines": [[1, 1, 1]]}, "CustomerNotFound"),
    ({"w_id": 1, "d_id": 1, "c_id": 1, "lines": [[1, 1, 11]]}, "InvalidOrderLines"),
    ({"w_id": 1, "d_id": 1, "c_id": 1, "lines": [[1, 3, 1]]}, "InvalidOrderLines"),
    ({"w_id": 1, "d_id": 1, "c_id": 1, "lines": [[1, 1, 1]] * 16}, "InvalidOrderLines"),
])
def test_new_order_rejects_bad_input(env, args, error):
    chain = env["chain"]
    before = snap(chain, district(1, 1), customer(1, 1), stock(1, 0))
    ix = tix.new_order({"args": ttypes.NewOrderArgs(w_id=args["w_id"], d_id=args["d_id"], c_id=args["c_id"],
                                                    lines=[ttypes.OrderLineReq(i_id=i, supply_w_id=s, quantity=q)
                                                           for i, s, q in args["lines"]], seq=1)},
                       {"terminal": env["terminal"].pubkey(), "config": tc.config_pda(), "warehouse": warehouse(1),
                        "district": district(1, 1), "customer": customer(1, 1)},
                       remaining_accounts=[tc.meta(tc.table_pda(K.K_ITEM, 0, 0, 0), False),
                                           tc.meta(stock(1, 0), True)])
    assert_rejected(chain, send(env, ix), error, before)


def test_new_order_needs_every_table_and_the_right_ones(env):
    chain, c = env["chain"], env["c"]
    ix = op_ix(c, env, "new_order", w_id=1, d_id=3, c_id=1, lines=[[2, 1, 1]])
    before = snap(chain, district(1, 3), customer(1, 3), stock(1, 0))
    without_stock = type(ix)(ix.program_id, ix.data, [m for m in ix.accounts if m.pubkey != stock(1, 0)])
    assert_rejected(chain, send(env, without_stock), "TableMissing", before)
    # another district's customer table in the customer slot
    swapped = type(ix)(ix.program_id, ix.data, [tc.meta(customer(1, 4), True) if m.pubkey == customer(1, 3) else m
                                               for m in ix.accounts])
    assert_rejected(chain, send(env, swapped), "InvalidTable", before)
    # a non-table account (the config) as the warehouse
    forged = type(ix)(ix.program_id, ix.data, [tc.meta(tc.config_pda(), False) if m.pubkey == warehouse(1) else m
                                              for m in ix.accounts])
    assert_rejected(chain, send(env, forged), "InvalidTable", before)


def test_order_ring_full(env):
    chain, c = env["chain"], env["c"]
    d = data(chain, district(2, 10))
    pending = K.u32(d, K.D_NEXT_O_ID) - K.u32(d, K.D_NO_HEAD)
    for n in range(K.ORDER_RING - pending):
        assert send(env, op_ix(c, env, "new_order", w_id=2, d_id=10, c_id=1 + n % 30, lines=[[n + 1, 2, 1]])).ok
    before = snap(chain, district(2, 10), customer(2, 10), stock(2, 0))
    out = send(env, op_ix(c, env, "new_order", w_id=2, d_id=10, c_id=1, lines=[[1, 2, 1]]))
    assert_rejected(chain, out, "OrderRingFull", before)


def test_payment_by_id_and_by_last_name(env):
    chain, c = env["chain"], env["c"]
    w_ytd = K.u64(data(chain, warehouse(1)), K.WH_YTD)
    d_ytd = K.u64(data(chain, district(1, 5)), K.D_YTD)
    before = customer_row(data(chain, customer(2, 6)), 9)
    out = send(env, op_ix(c, env, "payment", w_id=1, d_id=5, c_w_id=2, c_d_id=6, by_name=False, c_id=9, c_last=0,
                          amount_cents=4321))
    assert out.ok and out.event("PaymentMade").data["c_id"] == 9
    after = customer_row(data(chain, customer(2, 6)), 9)
    assert after["balance"] == before["balance"] - 4321 and after["ytd"] == before["ytd"] + 4321
    assert after["payment_cnt"] == before["payment_cnt"] + 1
    assert K.u64(data(chain, warehouse(1)), K.WH_YTD) == w_ytd + 4321
    assert K.u64(data(chain, district(1, 5)), K.D_YTD) == d_ytd + 4321
    wh = data(chain, warehouse(1))
    n = K.u64(wh, K.WH_HIST_COUNT) - 1
    h = K.WH_HIST + (n % K.HIST_RING) * K.HIST_LEN
    assert (K.u16(wh, h), wh[h + 2], wh[h + 3], wh[h + 4], K.u32(wh, h + 8)) == (9, 6, 2, 5, 4321)

    # by last name: ceil(n/2)-th of the customers with that name, ordered by c_first (= c_id)
    raw = data(chain, customer(1, 5))
    last = customer_row(raw, 30)["last"]
    matches = sorted(cid for cid in range(1, 31) if customer_row(raw, cid)["last"] == last)
    out = send(env, op_ix(c, env, "payment", w_id=1, d_id=5, c_w_id=1, c_d_id=5, by_name=True, c_id=0, c_last=last,
                          amount_cents=100))
    assert out.ok and out.event("PaymentMade").data["c_id"] == matches[(len(matches) + 1) // 2 - 1]


@pytest.mark.parametrize("change, error", [
    ({"amount_cents": 0}, "InvalidAmount"),
    ({"amount_cents": 500_001}, "InvalidAmount"),
    ({"c_d_id": 0}, "InvalidDistrict"),
    ({"by_name": True, "c_last": 999}, "CustomerNotFound"),
    ({"c_id": 0}, "CustomerNotFound"),
])
def test_payment_rejects_bad_input(env, change, error):
    chain = env["chain"]
    args = {"w_id": 1, "d_id": 1, "c_w_id": 1, "c_d_id": 1, "by_name": False, "c_id": 1, "c_last": 0,
            "amount_cents": 100, **change}
    ix = tix.payment({"args": ttypes.PaymentArgs(**args, seq=1)},
                     {"terminal": env["terminal"].pubkey(), "config": tc.config_pda(), "warehouse": warehouse(1),
                      "district": district(1, 1), "customer": customer(1, 1)})
    before = snap(chain, warehouse(1), district(1, 1), customer(1, 1))
    assert_rejected(chain, send(env, ix), error, before)


def test_order_status_reports_the_latest_order(env):
    chain, c = env["chain"], env["c"]
    assert send(env, op_ix(c, env, "new_order", w_id=1, d_id=6, c_id=12, lines=[[10, 1, 2], [11, 1, 3]])).ok
    row = customer_row(data(chain, customer(1, 6)), 12)
    out = send(env, op_ix(c, env, "order_status", w_id=1, d_id=6, by_name=False, c_id=12, c_last=0))
    ev = out.event("OrderStatusRead").data
    assert ev["found"] and ev["o_id"] == row["last_o_id"] and ev["ol_cnt"] == 2 and ev["carrier_id"] == 0
    assert ev["balance_cents"] == row["balance"]
    assert ev["amount_cents"] == item_price(chain, 10) * 2 + item_price(chain, 11) * 3


def test_delivery_delivers_the_oldest_new_order_of_every_district(env):
    chain, c = env["chain"], env["c"]
    heads, expected_balance = {}, {}
    for d in range(1, 11):
        di = data(chain, district(1, d))
        head = K.u32(di, K.D_NO_HEAD)
        slot = K.D_ORDERS + (head % K.ORDER_RING) * K.ORDER_LEN
        c_id = K.u16(di, slot + 4)
        amount = sum(K.u32(di, slot + K.O_LINES + n * K.LINE_LEN + 4) for n in range(di[slot + 6]))
        heads[d] = (head, c_id)
        row = customer_row(data(chain, customer(1, d)), c_id)
        expected_balance[(d, c_id)] = expected_balance.get((d, c_id), row["balance"]) + amount
    chain.set_unix_timestamp(1_750_000_000)
    out = send(env, op_ix(c, env, "delivery", w_id=1, carrier_id=7))
    assert out.ok and out.event("DeliveryDone").data["o_ids"] == [heads[d][0] for d in range(1, 11)]
    for d, (head, c_id) in heads.items():
        di = data(chain, district(1, d))
        slot = K.D_ORDERS + (head % K.ORDER_RING) * K.ORDER_LEN
        assert K.u32(di, K.D_NO_HEAD) == head + 1 and di[slot + 7] == 7 and K.i64(di, slot + 16) == 1_750_000_000
        assert customer_row(data(chain, customer(1, d)), c_id)["balance"] == expected_balance[(d, c_id)]
    assert c.check_consistency() == []


def test_delivery_rejects_bad_carrier_and_missing_tables(env):
    chain, c = env["chain"], env["c"]
    addrs = [a for d in range(1, 11) for a in (district(1, d), customer(1, d))]
    before = snap(chain, *addrs)
    assert_rejected(chain, send(env, op_ix(c, env, "delivery", w_id=1, carrier_id=0)), "InvalidCarrier", before)
    assert_rejected(chain, send(env, op_ix(c, env, "delivery", w_id=1, carrier_id=11)), "InvalidCarrier", before)
    ix = op_ix(c, env, "delivery", w_id=1, carrier_id=1)
    assert_rejected(chain, send(env, type(ix)(ix.program_id, ix.data, ix.accounts[:-2])), "TableMissing", before)


def test_stock_level_counts_distinct_low_stock_items(env):
    chain, c = env["chain"], env["c"]
    di = data(chain, district(1, 8))
    nxt = K.u32(di, K.D_NEXT_O_ID)
    items = set()
    for o_id in range(max(1, nxt - 20), nxt):
        slot = K.D_ORDERS + (o_id % K.ORDER_RING) * K.ORDER_LEN
        items |= {K.u16(di, slot + K.O_LINES + n * K.LINE_LEN) for n in range(di[slot + 6])}
    for threshold in (10, 20):
        low = sum(1 for i in items if stock_row(data(chain, stock(1, (i - 1) // K.CHUNK_ROWS)), i)[0] < threshold)
        out = send(env, op_ix(c, env, "stock_level", w_id=1, d_id=8, threshold=threshold))
        assert out.event("StockLevelRead").data["low_stock"] == low
    before = snap(chain, district(1, 8))
    for bad in (9, 21):
        out = send(env, op_ix(c, env, "stock_level", w_id=1, d_id=8, threshold=bad))
        assert_rejected(chain, out, "InvalidThreshold", before)


# ----------------------------------------------------------------------------- TPC-E


def brokerage(account: int):
    return tc.table_pda(K.K_BROKERAGE, 0, 0, account // K.ACCOUNTS_PER_CHUNK)


def acct_row(chain, account: int) -> tuple[int, list[int]]:
    raw = data(chain, brokerage(account))
    o = K.HEADER_LEN + (account % K.ACCOUNTS_PER_CHUNK) * K.ACCT_LEN
    return K.i64(raw, o), [K.i32(raw, o + 8 + 4 * s) for s in range(K.SECURITIES)]


def price(chain, s: int) -> int:
    return K.u32(data(chain, tc.table_pda(K.K_MARKET)), K.MK_ROWS + s * K.SEC_LEN)


def test_trade_order_then_trade_result_settles_at_the_market_price(env):
    chain, e = env["chain"], env["e"]
    cash, held = acct_row(chain, 9)
    out = send(env, op_ix(e, env, "trade_order", account=9, security=4, is_buy=True, quantity=100))
    ordered = out.event("TradeOrdered").data
    assert ordered["price_cents"] == price(chain, 4)
    # settle every pending trade up to ours
    while True:
        settled = send(env, op_ix(e, env, "trade_result")).event("TradeSettled").data
        if settled["t_id"] == ordered["t_id"]:
            break
    assert settled["settled"] and settled["price_cents"] == price(chain, 4)
    cash2, held2 = acct_row(chain, 9)
    assert cash2 == cash - 100 * price(chain, 4) and held2[4] == held[4] + 100
    assert e.check_consistency() == []
    empty = send(env, op_ix(e, env, "trade_result")).event("TradeSettled").data
    assert not empty["settled"]


@pytest.mark.parametrize("args, error", [
    ({"account": 1, "security": 0, "is_buy": True, "quantity": 10**7}, "InsufficientFunds"),
    ({"account": 1, "security": 0, "is_buy": False, "quantity": 10**6}, "InsufficientHoldings"),
    ({"account": 1, "security": 32, "is_buy": True, "quantity": 1}, "InvalidSecurity"),
    ({"account": 1024, "security": 0, "is_buy": True, "quantity": 1}, "InvalidAccount"),
    ({"account": 1, "security": 0, "is_buy": True, "quantity": 0}, "InvalidTradeQuantity"),
])
def test_trade_order_rejections(env, args, error):
    chain = env["chain"]
    ix = tix.trade_order({"args": ttypes.TradeOrderArgs(**args, seq=1)},
                         {"terminal": env["terminal"].pubkey(), "config": tc.config_pda(),
                          "market": tc.table_pda(K.K_MARKET), "brokerage": brokerage(1),
                          "trades": tc.table_pda(K.K_TRADES)})
    before = snap(chain, tc.table_pda(K.K_TRADES), brokerage(1))
    assert_rejected(chain, send(env, ix), error, before)


def test_trade_book_full(fresh):
    chain, boot = fresh
    e = tpce.OnChainExecutor(chain, boot)
    e.load({"customers": 1})
    terminal = Keypair()
    chain.airdrop(terminal.pubkey(), 10**10)
    env = {"chain": chain, "terminal": terminal}
    for n in range(K.TRADE_RING):
        assert send(env, op_ix(e, env, "trade_order", account=n % 4, security=0, is_buy=True, quantity=1)).ok
    before = snap(chain, tc.table_pda(K.K_TRADES))
    out = send(env, op_ix(e, env, "trade_order", account=0, security=0, is_buy=True, quantity=1))
    assert_rejected(chain, out, "TradeBookFull", before)


def test_customer_position_market_watch_and_feed(env):
    chain, e = env["chain"], env["e"]
    rows = [acct_row(chain, a) for a in range(8, 12)]  # customer 2's accounts
    value = sum(q * price(chain, s) for _, held in rows for s, q in enumerate(held))
    ev = send(env, op_ix(e, env, "customer_position", customer=2)).event("CustomerPositionRead").data
    assert ev["cash_cents"] == sum(c for c, _ in rows) and ev["market_value_cents"] == value

    feed = op_ix(e, env, "market_feed", ticks=[[3, 7777], [5, 1]])
    assert env["chain"].send([feed], env["terminal"], [e.authority]).ok
    assert price(chain, 3) == 7777 and price(chain, 5) == 1
    m = data(chain, tc.table_pda(K.K_MARKET))
    secs = [3, 5, 6]
    now = sum(K.u32(m, K.MK_ROWS + s * K.SEC_LEN + 8) * K.u32(m, K.MK_ROWS + s * K.SEC_LEN) for s in secs)
    opened = sum(K.u32(m, K.MK_ROWS + s * K.SEC_LEN + 8) * K.u32(m, K.MK_ROWS + s * K.SEC_LEN + 4) for s in secs)
    diff = now - opened
    expected = abs(diff) * 10_000 // opened * (1 if diff >= 0 else -1)
    ev = send(env, op_ix(e, env, "market_watch", securities=secs)).event("MarketWatchRead").data
    assert ev["change_bp"] == expected

    before = snap(chain, tc.table_pda(K.K_MARKET))
    assert_rejected(chain, send(env, op_ix(e, env, "market_watch", securities=[40])), "InvalidSecurity", before)
    out = env["chain"].send([op_ix(e, env, "market_feed", ticks=[[1, 0]])], env["terminal"], [e.authority])
    assert_rejected(chain, out, "InvalidQuery", before)
    # only the loader authority (the exchange) feeds prices
    stranger = tix.market_feed({"ticks": [ttypes.Tick(security=1, price_cents=5)], "seq": 1},
                               {"authority": env["terminal"].pubkey(), "config": tc.config_pda(),
                                "market": tc.table_pda(K.K_MARKET)})
    assert_rejected(chain, send(env, stranger), "ConstraintHasOne", before)
    before = snap(chain, brokerage(0))
    out = send(env, op_ix(e, env, "customer_position", customer=256))
    assert_rejected(chain, out, "InvalidAccount", before)


# ----------------------------------------------------------------------------- TPC-H


def lineitems(chain, h) -> list[tuple]:
    return [(k, *row) for k, rows in h.stored().items() for row in rows]


def test_q1_and_q6_match_a_python_evaluation(env):
    chain, h = env["chain"], env["h"]
    rows = lineitems(chain, h)
    res = h.execute(Op("q1", {"delta": 90}, 1))
    cutoff = tpch.Q1_REFERENCE_DAY - 90
    expected = {}
    for _, q, disc, tax, flag, status, ship, p in rows:
        if ship <= cutoff:
            g = expected.setdefault((flag, status), [0] * 6)
            for i, v in enumerate((q, p, p * (100 - disc), p * (100 - disc) * (100 + tax), disc, 1)):
                g[i] += v
    assert [(g["returnflag"], g["linestatus"]) for g in res.detail["groups"]] == sorted(expected)
    for g in res.detail["groups"]:
        assert [g[k] for k in ("sum_qty", "sum_base_price", "sum_disc_price", "sum_charge", "sum_disc", "count")] \
            == expected[(g["returnflag"], g["linestatus"])]
    args = {"date_from": 731, "date_to": 1096, "discount_lo": 5, "discount_hi": 7, "quantity_below": 24}
    res = h.execute(Op("q6", args, 2))
    hits = [p * d for _, q, d, _, _, _, ship, p in rows if 731 <= ship < 1096 and 5 <= d <= 7 and q < 24]
    assert res.ok and res.detail["revenue"] == sum(hits) and res.detail["rows"] == len(hits)


def test_query_parameter_and_table_rejections(env):
    chain = env["chain"]
    chunk = tc.table_pda(K.K_LINEITEM, 0, 0, 0)
    terminal = {"terminal": env["terminal"].pubkey()}
    before = snap(chain, chunk)
    out = send(env, tix.pricing_summary({"delta_days": 10, "seq": 1}, terminal,
                                        remaining_accounts=[tc.meta(chunk, False)]))
    assert_rejected(chain, out, "InvalidQuery", before)
    bad = ttypes.ForecastArgs(date_from=5, date_to=5, discount_lo=1, discount_hi=2, quantity_below=24, seq=1)
    out = send(env, tix.forecast_revenue({"args": bad}, terminal, remaining_accounts=[tc.meta(chunk, False)]))
    assert_rejected(chain, out, "InvalidQuery", before)
    out = send(env, tix.pricing_summary({"delta_days": 90, "seq": 1}, terminal))
    assert_rejected(chain, out, "TableMissing", before)
    out = send(env, tix.pricing_summary({"delta_days": 90, "seq": 1}, terminal,
                                        remaining_accounts=[tc.meta(tc.table_pda(K.K_MARKET), False)]))
    assert_rejected(chain, out, "InvalidTable", before)


def test_refresh_insert_and_delete(env):
    chain, h = env["chain"], env["h"]
    key = 10_000
    rows = [[3, 4, 5, "N", "O", 1400, 123_456], [50, 10, 8, "R", "F", 900, 9_999]]
    assert h.execute(Op("rf1", {"orderkey": key, "rows": rows}, 1)).ok
    assert h.stored()[key] == sorted(tuple(r) for r in rows)
    chunk = tc.table_pda(K.K_LINEITEM, 0, 0, h.where[key])
    res = h.execute(Op("rf2", {"orderkey": key}, 2))
    assert res.ok and res.detail["deleted"] == 2 and key not in h.stored()
    assert h.check_consistency() == []
    before = snap(chain, chunk)
    out = send(env, tix.refresh_delete({"orderkey": key}, {"terminal": env["terminal"].pubkey(), "chunk": chunk}))
    assert_rejected(chain, out, "OrderKeyNotFound", before)
    for bad in ([0, 1, 1, ord("N"), ord("O"), 1, 1], [1, 11, 1, ord("N"), ord("O"), 1, 1],
                [1, 1, 1, ord("X"), ord("O"), 1, 1]):
        li = ttypes.LineitemIn(quantity=bad[0], discount=bad[1], tax=bad[2], returnflag=bad[3], linestatus=bad[4],
                               shipdate=bad[5], extendedprice=bad[6])
        out = send(env, tix.refresh_insert({"orderkey": key, "rows": [li]},
                                           {"terminal": env["terminal"].pubkey(), "chunk": chunk}))
        assert_rejected(chain, out, "InvalidLineitems", before)


def test_refresh_insert_into_a_full_chunk(env):
    chain = env["chain"]
    chunk = tc.table_pda(K.K_LINEITEM, 0, 0, 0)
    li = ttypes.LineitemIn(quantity=1, discount=0, tax=0, returnflag=ord("N"), linestatus=ord("O"), shipdate=1,
                           extendedprice=100)
    key = 20_000
    while K.u16(data(chain, chunk), K.LI_COUNT) + 7 <= K.LINEITEMS_PER_CHUNK:
        key += 1
        assert send(env, tix.refresh_insert({"orderkey": key, "rows": [li] * 7},
                                            {"terminal": env["terminal"].pubkey(), "chunk": chunk})).ok
    before = snap(chain, chunk)
    out = send(env, tix.refresh_insert({"orderkey": key + 1, "rows": [li] * 7},
                                       {"terminal": env["terminal"].pubkey(), "chunk": chunk}))
    assert_rejected(chain, out, "ChunkFull", before)


def test_every_program_error_is_exercised():
    """The tests above raise each TpcError at least once (keeps this list honest when errors are added)."""
    source = Path(__file__).read_text()
    missing = [name for name in ERRORS if f'"{name}"' not in source]
    assert missing == []
