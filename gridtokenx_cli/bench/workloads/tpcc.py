"""TPC-C (scaled down, docs/tpc.md) on programs/tpc and on PostgreSQL.

Generator (clause 2 and 5.2.3 of the spec, keying and think times off): the 45/43/4/4/4 mix of new-order,
payment, order-status, delivery and stock-level; NURand(A, x, y) with per-run C constants for customer ids, item
ids and last names (A scaled with the table sizes, see `scaled_a`); last names from the syllable table; 1 %
new-order rollbacks on an unused item id; 1 % remote order lines and 15 % remote payments when there is more than
one warehouse; 60 % of payments and order-status by last name.

Op args (JSON): new_order {w_id, d_id, c_id, lines: [[i_id, supply_w_id, quantity], …]}; payment {w_id, d_id,
c_w_id, c_d_id, by_name, c_id, c_last, amount_cents}; order_status {w_id, d_id, by_name, c_id, c_last};
delivery {w_id, carrier_id}; stock_level {w_id, d_id, threshold}. `c_last` is the last-name number 0…999.

Both executors load the same population (deterministic from the scale) and apply the same transaction logic, so
one op stream leaves the same warehouse/district/customer/stock state on both (tests/bench/test_bench_tpc.py).
"""
from __future__ import annotations

import random
from typing import Iterator

from gridtokenx_cli.bench.workload_api import Executor, Op, OpResult
from gridtokenx_cli.generated.tpc import instructions as tix
from gridtokenx_cli.generated.tpc import types as ttypes

from . import tpc_common as tc
from ._onchain import format_cu_table, measure_cu
from .tpc_common import (C_ROWS, CHUNK_ROWS, CUST_LEN, D_NEXT_O_ID, D_NO_HEAD, D_ORDERS, D_TAX, D_YTD, DISTRICTS,
                         HEADER_LEN, INDEX_ENTRY, ITEM_LEN, K_CUSTOMER, K_DISTRICT, K_ITEM, K_STOCK, K_WAREHOUSE,
                         LINE_LEN, O_LINES, ORDER_LEN, ORDER_RING, STOCK_LEN, WH_TAX, WH_YTD, i64, u16, u32, u64)

NAME = "tpcc"
TX_TYPES = ("new_order", "payment", "order_status", "delivery", "stock_level")
MIX = (45, 43, 4, 4, 4)  # clause 5.2.3 minimums, new-order takes the rest
SYLLABLES = ("BAR", "OUGHT", "ABLE", "PRI", "PRES", "ESE", "ANTI", "CALLY", "ATION", "EING")
W_YTD_INITIAL = 30_000_000  # 300,000.00
D_YTD_INITIAL = 3_000_000   # 30,000.00 (W_YTD = sum D_YTD, consistency condition 1)
LOAD_SEED = 20_240_607      # the population is the same for every run of a scale
LOAD_DATE = 1_700_000_000

#: ComputeBudget unit limits per type (measured, see `measure`, plus headroom)
CU_LIMITS = {"new_order": 200_000, "payment": 60_000, "order_status": 40_000, "delivery": 250_000,
             "stock_level": 200_000}


def default_scale() -> dict:
    return {"warehouses": 1, "customers_per_district": 60, "items": 1000}


def last_name(number: int) -> str:
    """Clause 4.3.2.3: three syllables indexed by the digits of a number 0…999."""
    return SYLLABLES[number // 100] + SYLLABLES[(number // 10) % 10] + SYLLABLES[number % 10]


def first_name(c_id: int) -> str:
    """Generated so that ordering by c_first is ordering by c_id (the on-chain last-name index relies on it)."""
    return f"F{c_id:05d}"


def last_names(scale: dict) -> int:
    """Distinct last names per district: the spec's 3000 customers share 1000 names; scaled, C // 3."""
    return max(1, min(1000, int(scale["customers_per_district"]) // 3))


def scaled_a(spec_a: int, spec_range: int, our_range: int) -> int:
    """NURand's A for a scaled-down range: the 2^k − 1 nearest to spec_a · our_range / spec_range (at least 1)."""
    target = max(1.0, (spec_a + 1) * our_range / spec_range)
    k = max(1, round(target).bit_length() - (1 if round(target) & (round(target) - 1) == 0 else 0))
    best = min((abs((1 << j) - target), j) for j in range(max(1, k - 1), k + 2))[1]
    return max(1, (1 << best) - 1)


def nurand_constants(scale: dict) -> dict:
    c = int(scale["customers_per_district"])
    return {"c_id": scaled_a(1023, 3000, c), "i_id": scaled_a(8191, 100_000, int(scale["items"])),
            "c_last": scaled_a(255, 1000, last_names(scale))}


def nurand(rng: random.Random, a: int, x: int, y: int, c: int) -> int:
    """NURand(A, x, y) = (((random(0, A) | random(x, y)) + C) % (y − x + 1)) + x  (clause 2.1.6)."""
    return (((rng.randint(0, a) | rng.randint(x, y)) + c) % (y - x + 1)) + x


# ----------------------------------------------------------------------------- generator


def generate(scale: dict, seed: int, **options) -> Iterator[Op]:
    """Endless, deterministic TPC-C request stream for `scale` and `seed`."""
    rng = random.Random(seed)
    w_count = int(scale["warehouses"])
    customers = int(scale["customers_per_district"])
    items = int(scale["items"])
    names = last_names(scale)
    a = nurand_constants(scale)
    # the run's C constants (clause 2.1.6); the load used its own for last names
    c_run = {k: rng.randint(0, v) for k, v in a.items()}
    kinds, weights = TX_TYPES, MIX

    def other_warehouse(w: int) -> int:
        return w if w_count == 1 else rng.choice([x for x in range(1, w_count + 1) if x != w])

    def customer_choice() -> tuple[bool, int, int]:
        if rng.randint(1, 100) <= 60:
            return True, 0, nurand(rng, a["c_last"], 0, names - 1, c_run["c_last"])
        return False, nurand(rng, a["c_id"], 1, customers, c_run["c_id"]), 0

    seq = 0
    while True:
        seq += 1
        kind = rng.choices(kinds, weights)[0]
        w = rng.randint(1, w_count)
        d = rng.randint(1, DISTRICTS)
        if kind == "new_order":
            ol_cnt = rng.randint(5, 15)
            rollback = rng.randint(1, 100) == 1
            lines = []
            for n in range(ol_cnt):
                i_id = nurand(rng, a["i_id"], 1, items, c_run["i_id"])
                if rollback and n == ol_cnt - 1:
                    i_id = items + 1  # an unused item id: the transaction must roll back (clause 2.4.1.4)
                supply = w if rng.randint(1, 100) > 1 else other_warehouse(w)
                lines.append([i_id, supply, rng.randint(1, 10)])
            args = {"w_id": w, "d_id": d, "c_id": nurand(rng, a["c_id"], 1, customers, c_run["c_id"]),
                    "lines": lines}
        elif kind == "payment":
            if rng.randint(1, 100) <= 85:
                c_w, c_d = w, d
            else:
                c_w, c_d = other_warehouse(w), rng.randint(1, DISTRICTS)
            by_name, c_id, c_last = customer_choice()
            args = {"w_id": w, "d_id": d, "c_w_id": c_w, "c_d_id": c_d, "by_name": by_name, "c_id": c_id,
                    "c_last": c_last, "amount_cents": rng.randint(100, 500_000)}
        elif kind == "order_status":
            by_name, c_id, c_last = customer_choice()
            args = {"w_id": w, "d_id": d, "by_name": by_name, "c_id": c_id, "c_last": c_last}
        elif kind == "delivery":
            args = {"w_id": w, "carrier_id": rng.randint(1, 10)}
        else:
            args = {"w_id": w, "d_id": d, "threshold": rng.randint(10, 20)}
        yield Op(kind, args, seq)


# ----------------------------------------------------------------------------- population (both backends)


class Population:
    """The initial database of clause 4.3.3, scaled: per warehouse `items` stock rows, per district `customers`
    customers and as many orders (one per customer, the last 30 % undelivered = the new-order rows)."""

    def __init__(self, scale: dict):
        self.w_count = int(scale["warehouses"])
        self.customers = int(scale["customers_per_district"])
        self.items = int(scale["items"])
        self.names = last_names(scale)
        a = nurand_constants(scale)
        rng = random.Random(LOAD_SEED)
        c_load = rng.randint(0, a["c_last"])
        self.item_rows = [(rng.randint(100, 10_000), rng.randint(1, 10) == 1) for _ in range(self.items)]
        self.warehouses = {}
        self.stock = {}
        self.districts = {}
        self.customer_rows = {}
        self.orders = {}
        undelivered = self.customers * 3 // 10
        self.first_new_order = self.customers - undelivered + 1
        for w in range(1, self.w_count + 1):
            self.warehouses[w] = rng.randint(0, 2000)
            self.stock[w] = [(rng.randint(10, 100), rng.randint(1, 10) == 1) for _ in range(self.items)]
            for d in range(1, DISTRICTS + 1):
                self.districts[(w, d)] = rng.randint(0, 2000)
                rows = []
                for c in range(1, self.customers + 1):
                    last = c - 1 if c <= self.names else nurand(rng, a["c_last"], 0, self.names - 1, c_load)
                    rows.append({"discount": rng.randint(0, 5000), "credit": rng.randint(1, 10) == 1, "last": last})
                self.customer_rows[(w, d)] = rows
                perm = list(range(1, self.customers + 1))
                rng.shuffle(perm)
                orders = []
                for o_id, c_id in enumerate(perm, start=1):
                    delivered = o_id < self.first_new_order
                    lines = [(rng.randint(1, self.items), w, 5, 0 if delivered else rng.randint(1, 999_999))
                             for _ in range(rng.randint(5, 15))]
                    orders.append({"o_id": o_id, "c_id": c_id, "carrier": rng.randint(1, 10) if delivered else 0,
                                   "lines": lines})
                self.orders[(w, d)] = orders

    # ---- on-chain images ----
    def warehouse_image(self, w: int) -> bytes:
        img = bytearray(tc.table_len(K_WAREHOUSE, self.customers))
        tc.struct.pack_into("<H", img, WH_TAX, self.warehouses[w])
        tc.struct.pack_into("<Q", img, WH_YTD, W_YTD_INITIAL)
        return bytes(img)

    def district_image(self, w: int, d: int) -> bytes:
        img = bytearray(tc.table_len(K_DISTRICT, self.customers))
        tc.struct.pack_into("<HxxxxxxQII", img, D_TAX, self.districts[(w, d)], D_YTD_INITIAL,
                            self.customers + 1, self.first_new_order)
        for order in self.orders[(w, d)]:
            if order["o_id"] <= self.customers - ORDER_RING:
                continue  # the ring keeps the latest ORDER_RING orders
            slot = D_ORDERS + (order["o_id"] % ORDER_RING) * ORDER_LEN
            delivered = order["carrier"] != 0
            tc.struct.pack_into("<IHBBqq", img, slot, order["o_id"], order["c_id"], len(order["lines"]),
                                order["carrier"], LOAD_DATE, LOAD_DATE if delivered else 0)
            for n, (i_id, supply, qty, amount) in enumerate(order["lines"]):
                tc.struct.pack_into("<HBBI", img, slot + O_LINES + n * LINE_LEN, i_id, supply, qty, amount)
        return bytes(img)

    def customer_image(self, w: int, d: int) -> bytes:
        img = bytearray(tc.table_len(K_CUSTOMER, self.customers))
        last_order = {o["c_id"]: o["o_id"] for o in self.orders[(w, d)]}
        rows = self.customer_rows[(w, d)]
        for c_id, row in enumerate(rows, start=1):
            tc.struct.pack_into("<qQIIIHHB", img, C_ROWS + (c_id - 1) * CUST_LEN, -1000, 1000, 1, 0,
                                last_order.get(c_id, 0), row["discount"], row["last"], int(row["credit"]))
        index = sorted((row["last"], c_id) for c_id, row in enumerate(rows, start=1))
        base = C_ROWS + self.customers * CUST_LEN
        for n, (last, c_id) in enumerate(index):
            tc.struct.pack_into("<HH", img, base + n * INDEX_ENTRY, last, c_id)
        return bytes(img)

    def item_chunks(self) -> int:
        return (self.items + CHUNK_ROWS - 1) // CHUNK_ROWS

    def item_image(self, chunk: int) -> bytes:
        img = bytearray(tc.table_len(K_ITEM, self.customers))
        for r, (price, original) in enumerate(self.item_rows[chunk * CHUNK_ROWS:(chunk + 1) * CHUNK_ROWS]):
            tc.struct.pack_into("<IB", img, HEADER_LEN + r * ITEM_LEN, price, int(original))
        return bytes(img)

    def stock_image(self, w: int, chunk: int) -> bytes:
        img = bytearray(tc.table_len(K_STOCK, self.customers))
        for r, (qty, original) in enumerate(self.stock[w][chunk * CHUNK_ROWS:(chunk + 1) * CHUNK_ROWS]):
            tc.struct.pack_into("<HHHB", img, HEADER_LEN + r * STOCK_LEN, qty, 0, 0, int(original))
        return bytes(img)


# ----------------------------------------------------------------------------- on-chain executor


def _item_chunk(i_id: int) -> int:
    return (i_id - 1) // CHUNK_ROWS


class OnChainExecutor(tc.TpcChainExecutor):
    """TPC-C on programs/tpc. Any funded key may submit (the terminal); the loader is the bootstrap key."""

    def __init__(self, chain, authority=None):
        super().__init__(chain, authority)
        self.scale: dict | None = None

    def load(self, scale: dict) -> None:
        pop = Population(scale)
        self.scale = dict(scale)
        self.ensure_config(tc.tpc_scale(pop.w_count, pop.customers, pop.items))
        specs = [(K_ITEM, 0, 0, chunk, pop.item_image(chunk)) for chunk in range(pop.item_chunks())]
        for w in range(1, pop.w_count + 1):
            specs.append((K_WAREHOUSE, w, 0, 0, pop.warehouse_image(w)))
            specs += [(K_STOCK, w, 0, chunk, pop.stock_image(w, chunk)) for chunk in range(pop.item_chunks())]
            for d in range(1, DISTRICTS + 1):
                specs += [(K_DISTRICT, w, d, 0, pop.district_image(w, d)),
                          (K_CUSTOMER, w, d, 0, pop.customer_image(w, d))]
        self.create_tables(specs)

    def _scale(self) -> dict:
        if self.scale is None:
            raw = self.account(tc.config_pda())
            if raw is None:
                raise RuntimeError("tpc is not loaded on this chain: call load(scale) first")
            s = tc.decode_config(raw)
            self.scale = {k: s[k] for k in ("warehouses", "customers_per_district", "items")}
        return self.scale

    def instruction(self, op: Op, terminal):
        """The instruction for `op` (signed by `terminal`)."""
        a = op.args
        base = {"terminal": terminal, "config": tc.config_pda()}
        if op.kind == "new_order":
            w, d = a["w_id"], a["d_id"]
            items = int(self._scale()["items"])
            chunks = sorted({_item_chunk(min(i, items)) for i, _, _ in a["lines"]})
            stocks = sorted({(s, _item_chunk(min(i, items))) for i, s, _ in a["lines"]})
            remaining = ([tc.meta(tc.table_pda(K_ITEM, 0, 0, c), False) for c in chunks]
                         + [tc.meta(tc.table_pda(K_STOCK, s, 0, c), True) for s, c in stocks])
            lines = [ttypes.OrderLineReq(i_id=i, supply_w_id=s, quantity=q) for i, s, q in a["lines"]]
            return tix.new_order({"args": ttypes.NewOrderArgs(w_id=w, d_id=d, c_id=a["c_id"], lines=lines,
                                                              seq=op.seq)},
                                 {**base, "warehouse": tc.table_pda(K_WAREHOUSE, w),
                                  "district": tc.table_pda(K_DISTRICT, w, d),
                                  "customer": tc.table_pda(K_CUSTOMER, w, d)}, remaining_accounts=remaining)
        if op.kind == "payment":
            args = ttypes.PaymentArgs(w_id=a["w_id"], d_id=a["d_id"], c_w_id=a["c_w_id"], c_d_id=a["c_d_id"],
                                      by_name=a["by_name"], c_id=a["c_id"], c_last=a["c_last"],
                                      amount_cents=a["amount_cents"], seq=op.seq)
            return tix.payment({"args": args}, {**base, "warehouse": tc.table_pda(K_WAREHOUSE, a["w_id"]),
                                                "district": tc.table_pda(K_DISTRICT, a["w_id"], a["d_id"]),
                                                "customer": tc.table_pda(K_CUSTOMER, a["c_w_id"], a["c_d_id"])})
        if op.kind == "order_status":
            args = ttypes.OrderStatusArgs(w_id=a["w_id"], d_id=a["d_id"], by_name=a["by_name"], c_id=a["c_id"],
                                          c_last=a["c_last"], seq=op.seq)
            return tix.order_status({"args": args}, {**base, "district": tc.table_pda(K_DISTRICT, a["w_id"], a["d_id"]),
                                                     "customer": tc.table_pda(K_CUSTOMER, a["w_id"], a["d_id"])})
        if op.kind == "delivery":
            w = a["w_id"]
            remaining = []
            for d in range(1, DISTRICTS + 1):
                remaining += [tc.meta(tc.table_pda(K_DISTRICT, w, d), True),
                              tc.meta(tc.table_pda(K_CUSTOMER, w, d), True)]
            return tix.delivery({"w_id": w, "carrier_id": a["carrier_id"], "seq": op.seq}, base,
                                remaining_accounts=remaining)
        if op.kind == "stock_level":
            w = a["w_id"]
            chunks = (int(self._scale()["items"]) + CHUNK_ROWS - 1) // CHUNK_ROWS
            remaining = [tc.meta(tc.table_pda(K_STOCK, w, 0, c), False) for c in range(chunks)]
            return tix.stock_level({"threshold": a["threshold"], "seq": op.seq},
                                   {**base, "district": tc.table_pda(K_DISTRICT, w, a["d_id"])},
                                   remaining_accounts=remaining)
        raise ValueError(f"unknown TPC-C op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")

    def prepare(self, op: Op):
        events = {"new_order": "NewOrderPlaced", "payment": "PaymentMade", "order_status": "OrderStatusRead",
                  "delivery": "DeliveryDone", "stock_level": "StockLevelRead"}
        ix = self.instruction(op, self.thread_payer().pubkey())
        return self.sign_ix(op.kind, ix, op.seq, CU_LIMITS[op.kind], events[op.kind],
                            expected_errors=("ItemNotFound",) if op.kind == "new_order" else ())

    # ---- state ----
    def snapshot(self) -> dict:
        """Comparable state: warehouse/district counters, customers and stock (see PostgresExecutor.snapshot)."""
        s = self._scale()
        snap = {"warehouse": {}, "district": {}, "customer": {}, "stock": {}}
        for w in range(1, int(s["warehouses"]) + 1):
            wh = self.account(tc.table_pda(K_WAREHOUSE, w))
            snap["warehouse"][w] = u64(wh, WH_YTD)
            for d in range(1, DISTRICTS + 1):
                di = self.account(tc.table_pda(K_DISTRICT, w, d))
                snap["district"][(w, d)] = (u64(di, D_YTD), u32(di, D_NEXT_O_ID), u32(di, D_NO_HEAD))
                cu = self.account(tc.table_pda(K_CUSTOMER, w, d))
                for c in range(1, int(s["customers_per_district"]) + 1):
                    o = C_ROWS + (c - 1) * CUST_LEN
                    snap["customer"][(w, d, c)] = (i64(cu, o), u64(cu, o + 8), u32(cu, o + 16), u32(cu, o + 20))
            items = int(s["items"])
            for chunk in range((items + CHUNK_ROWS - 1) // CHUNK_ROWS):
                st = self.account(tc.table_pda(K_STOCK, w, 0, chunk))
                for r in range(min(CHUNK_ROWS, items - chunk * CHUNK_ROWS)):
                    o = HEADER_LEN + r * STOCK_LEN
                    snap["stock"][(w, chunk * CHUNK_ROWS + r + 1)] = (u16(st, o), u32(st, o + 8), u16(st, o + 2),
                                                                     u16(st, o + 4))
        return snap

    def check_consistency(self) -> list[str]:
        """TPC-C consistency conditions 1–4 (clause 3.3.2) on the accounts. The order ring holds the latest
        ORDER_RING orders: conditions 2–4 are checked over the orders it holds (all new-order rows are among them)."""
        s = self._scale()
        problems = []
        for w in range(1, int(s["warehouses"]) + 1):
            w_ytd = u64(self.account(tc.table_pda(K_WAREHOUSE, w)), WH_YTD)
            d_sum = 0
            for d in range(1, DISTRICTS + 1):
                di = self.account(tc.table_pda(K_DISTRICT, w, d))
                d_sum += u64(di, D_YTD)
                next_o, head = u32(di, D_NEXT_O_ID), u32(di, D_NO_HEAD)
                orders = []
                for slot in range(ORDER_RING):
                    o = D_ORDERS + slot * ORDER_LEN
                    o_id = u32(di, o)
                    if o_id:
                        lines = sum(1 for n in range(MAX_LINES_ON_CHAIN) if u16(di, o + O_LINES + n * LINE_LEN))
                        orders.append((o_id, di[o + 7], di[o + 6], lines))
                new_orders = sorted(o_id for o_id, carrier, _, _ in orders if carrier == 0)
                max_o = max((o[0] for o in orders), default=0)
                if next_o - 1 != max_o or (new_orders and new_orders[-1] != max_o):
                    problems.append(f"condition 2, w {w} d {d}: D_NEXT_O_ID-1={next_o - 1}, max(O_ID)={max_o}, "
                                    f"max(NO_O_ID)={new_orders[-1] if new_orders else None}")
                if new_orders and (new_orders[-1] - new_orders[0] + 1 != len(new_orders) or new_orders[0] != head):
                    problems.append(f"condition 3, w {w} d {d}: new-orders {new_orders[0]}..{new_orders[-1]} "
                                    f"count {len(new_orders)}, queue head {head}")
                if not new_orders and head != next_o:
                    problems.append(f"condition 3, w {w} d {d}: no new-order rows but head {head} != next {next_o}")
                ol_cnt, lines = sum(o[2] for o in orders), sum(o[3] for o in orders)
                if ol_cnt != lines:
                    problems.append(f"condition 4, w {w} d {d}: sum(O_OL_CNT)={ol_cnt}, order-lines={lines}")
            if w_ytd != d_sum:
                problems.append(f"condition 1, w {w}: W_YTD={w_ytd} != sum(D_YTD)={d_sum}")
        return problems


MAX_LINES_ON_CHAIN = tc.MAX_LINES


# ----------------------------------------------------------------------------- PostgreSQL executor

SCHEMA = """
CREATE TABLE IF NOT EXISTS warehouse (w_id INT PRIMARY KEY, w_tax INT NOT NULL, w_ytd BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS district (d_w_id INT, d_id INT, d_tax INT NOT NULL, d_ytd BIGINT NOT NULL,
  d_next_o_id INT NOT NULL, PRIMARY KEY (d_w_id, d_id));
CREATE TABLE IF NOT EXISTS customer (c_w_id INT, c_d_id INT, c_id INT, c_first TEXT NOT NULL, c_last TEXT NOT NULL,
  c_credit CHAR(2) NOT NULL, c_discount INT NOT NULL, c_balance BIGINT NOT NULL, c_ytd_payment BIGINT NOT NULL,
  c_payment_cnt INT NOT NULL, c_delivery_cnt INT NOT NULL, PRIMARY KEY (c_w_id, c_d_id, c_id));
CREATE INDEX IF NOT EXISTS customer_last ON customer (c_w_id, c_d_id, c_last, c_first);
CREATE TABLE IF NOT EXISTS history (h_c_id INT, h_c_d_id INT, h_c_w_id INT, h_d_id INT, h_w_id INT,
  h_date TIMESTAMPTZ NOT NULL, h_amount BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS item (i_id INT PRIMARY KEY, i_price INT NOT NULL, i_original BOOL NOT NULL);
CREATE TABLE IF NOT EXISTS stock (s_w_id INT, s_i_id INT, s_quantity INT NOT NULL, s_ytd INT NOT NULL,
  s_order_cnt INT NOT NULL, s_remote_cnt INT NOT NULL, s_original BOOL NOT NULL, PRIMARY KEY (s_w_id, s_i_id));
CREATE TABLE IF NOT EXISTS orders (o_w_id INT, o_d_id INT, o_id INT, o_c_id INT NOT NULL,
  o_entry_d TIMESTAMPTZ NOT NULL, o_carrier_id INT, o_ol_cnt INT NOT NULL, o_all_local BOOL NOT NULL,
  PRIMARY KEY (o_w_id, o_d_id, o_id));
CREATE INDEX IF NOT EXISTS orders_customer ON orders (o_w_id, o_d_id, o_c_id, o_id);
CREATE TABLE IF NOT EXISTS new_order (no_w_id INT, no_d_id INT, no_o_id INT, PRIMARY KEY (no_w_id, no_d_id, no_o_id));
CREATE TABLE IF NOT EXISTS order_line (ol_w_id INT, ol_d_id INT, ol_o_id INT, ol_number INT, ol_i_id INT NOT NULL,
  ol_supply_w_id INT NOT NULL, ol_delivery_d TIMESTAMPTZ, ol_quantity INT NOT NULL, ol_amount BIGINT NOT NULL,
  PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id, ol_number));
"""


class PostgresExecutor(Executor):
    """The nine TPC-C tables (scaled columns: money in cents, rates in 1/10000) and the five transactions in
    SQL at READ COMMITTED with row locks (SELECT … FOR UPDATE / UPDATE … RETURNING); deadlocks are retried."""

    backend = "postgres"

    def __init__(self, dsn: str):
        self.dsn = dsn
        self.conns = tc.PgConnections(dsn)
        self.scale: dict | None = None

    def load(self, scale: dict) -> None:
        self.scale = dict(scale)
        conn = self.conns.get()
        with conn.transaction():
            conn.execute(SCHEMA)
            if conn.execute("SELECT count(*) FROM warehouse").fetchone()[0]:
                return
            pop = Population(scale)
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO item VALUES (%s, %s, %s)",
                                [(i, p, o) for i, (p, o) in enumerate(pop.item_rows, start=1)])
                for w in range(1, pop.w_count + 1):
                    cur.execute("INSERT INTO warehouse VALUES (%s, %s, %s)", (w, pop.warehouses[w], W_YTD_INITIAL))
                    cur.executemany("INSERT INTO stock VALUES (%s, %s, %s, 0, 0, 0, %s)",
                                    [(w, i, q, o) for i, (q, o) in enumerate(pop.stock[w], start=1)])
                    for d in range(1, DISTRICTS + 1):
                        cur.execute("INSERT INTO district VALUES (%s, %s, %s, %s, %s)",
                                    (w, d, pop.districts[(w, d)], D_YTD_INITIAL, pop.customers + 1))
                        cur.executemany(
                            "INSERT INTO customer VALUES (%s, %s, %s, %s, %s, %s, %s, -1000, 1000, 1, 0)",
                            [(w, d, c, first_name(c), last_name(r["last"]), "BC" if r["credit"] else "GC",
                              r["discount"]) for c, r in enumerate(pop.customer_rows[(w, d)], start=1)])
                        cur.executemany("INSERT INTO history VALUES (%s, %s, %s, %s, %s, to_timestamp(%s), 1000)",
                                        [(c, d, w, d, w, LOAD_DATE) for c in range(1, pop.customers + 1)])
                        orders, lines, new = [], [], []
                        for o in pop.orders[(w, d)]:
                            delivered = o["carrier"] != 0
                            orders.append((w, d, o["o_id"], o["c_id"], LOAD_DATE, o["carrier"] or None,
                                           len(o["lines"])))
                            for n, (i_id, supply, qty, amount) in enumerate(o["lines"], start=1):
                                lines.append((w, d, o["o_id"], n, i_id, supply, LOAD_DATE if delivered else None,
                                              qty, amount))
                            if not delivered:
                                new.append((w, d, o["o_id"]))
                        cur.executemany("INSERT INTO orders VALUES (%s, %s, %s, %s, to_timestamp(%s), %s, %s, TRUE)",
                                        orders)
                        cur.executemany("INSERT INTO order_line VALUES (%s, %s, %s, %s, %s, %s, to_timestamp(%s), "
                                        "%s, %s)", lines)
                        cur.executemany("INSERT INTO new_order VALUES (%s, %s, %s)", new)

    def _scale(self) -> dict:
        if self.scale is None:
            conn = self.conns.get()
            with conn.transaction():
                w = conn.execute("SELECT count(*) FROM warehouse").fetchone()[0]
                c = conn.execute("SELECT count(*) FROM customer WHERE c_w_id = 1 AND c_d_id = 1").fetchone()[0]
                i = conn.execute("SELECT count(*) FROM item").fetchone()[0]
            self.scale = {"warehouses": w, "customers_per_district": c, "items": i}
        return self.scale

    @staticmethod
    def _customer(conn, w: int, d: int, by_name: bool, c_id: int, c_last: int, lock: bool):
        """Clause 2.5.2.2: by id, or the customer at position ceil(n/2) of those with the last name by c_first."""
        suffix = " FOR UPDATE" if lock else ""
        if not by_name:
            return conn.execute("SELECT c_id, c_balance FROM customer WHERE c_w_id = %s AND c_d_id = %s AND "
                                "c_id = %s" + suffix, (w, d, c_id)).fetchone()
        rows = conn.execute("SELECT c_id, c_balance FROM customer WHERE c_w_id = %s AND c_d_id = %s AND "
                            "c_last = %s ORDER BY c_first" + suffix, (w, d, last_name(c_last))).fetchall()
        return rows[(len(rows) + 1) // 2 - 1] if rows else None

    def submit(self, op: Op) -> OpResult:
        handler = getattr(self, "_" + op.kind, None)
        if handler is None or op.kind not in TX_TYPES:
            raise ValueError(f"unknown TPC-C op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")
        return tc.run_sql_transaction(self.conns, lambda conn: handler(conn, op.args))

    def _new_order(self, conn, a) -> OpResult:
        w, d, c_id = a["w_id"], a["d_id"], a["c_id"]
        o_id, d_tax = conn.execute("UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = %s AND "
                                   "d_id = %s RETURNING d_next_o_id - 1, d_tax", (w, d)).fetchone()
        w_tax = conn.execute("SELECT w_tax FROM warehouse WHERE w_id = %s", (w,)).fetchone()[0]
        discount, credit = conn.execute("SELECT c_discount, c_credit FROM customer WHERE c_w_id = %s AND "
                                        "c_d_id = %s AND c_id = %s", (w, d, c_id)).fetchone()
        all_local = all(s == w for _, s, _ in a["lines"])
        conn.execute("INSERT INTO orders VALUES (%s, %s, %s, %s, now(), NULL, %s, %s)",
                     (w, d, o_id, c_id, len(a["lines"]), all_local))
        conn.execute("INSERT INTO new_order VALUES (%s, %s, %s)", (w, d, o_id))
        # lock the stock rows in one global order (warehouse, item): taken in line order, two concurrent
        # new-orders deadlock and wait out PostgreSQL's 1 s deadlock_timeout, which flattered the chain
        supplies, items = zip(*sorted({(s, i) for i, s, _ in a["lines"]}))
        conn.execute("SELECT 1 FROM stock WHERE (s_w_id, s_i_id) IN (SELECT * FROM unnest(%s::int[], %s::int[])) "
                     "ORDER BY s_w_id, s_i_id FOR UPDATE", (list(supplies), list(items)))
        total = 0
        brand_generic = 0
        for n, (i_id, supply, qty) in enumerate(a["lines"], start=1):
            item = conn.execute("SELECT i_price, i_original FROM item WHERE i_id = %s", (i_id,)).fetchone()
            if item is None:  # the 1 % rollback on an unused item id (clause 2.4.2.3)
                tc.rollback(OpResult(True, detail={"rolled_back": "ItemNotFound"}))
            price, i_original = item
            have, s_original = conn.execute("SELECT s_quantity, s_original FROM stock WHERE s_w_id = %s AND "
                                            "s_i_id = %s FOR UPDATE", (supply, i_id)).fetchone()
            left = have - qty if have >= qty + 10 else have - qty + 91
            conn.execute("UPDATE stock SET s_quantity = %s, s_ytd = s_ytd + %s, s_order_cnt = s_order_cnt + 1, "
                         "s_remote_cnt = s_remote_cnt + %s WHERE s_w_id = %s AND s_i_id = %s",
                         (left, qty, int(supply != w), supply, i_id))
            amount = qty * price
            total += amount
            brand_generic += int(i_original and s_original)
            conn.execute("INSERT INTO order_line VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, %s)",
                         (w, d, o_id, n, i_id, supply, qty, amount))
        total = total * (10_000 - discount) * (10_000 + w_tax + d_tax) // 100_000_000
        return OpResult(True, detail={"w_id": w, "d_id": d, "o_id": o_id, "c_id": c_id, "ol_cnt": len(a["lines"]),
                                      "all_local": all_local, "bad_credit": credit == "BC",
                                      "brand_generic": brand_generic, "total_cents": total})

    def _payment(self, conn, a) -> OpResult:
        w, d, amount = a["w_id"], a["d_id"], a["amount_cents"]
        if not 1 <= amount <= 500_000:
            return OpResult(False, error="InvalidAmount")
        conn.execute("UPDATE warehouse SET w_ytd = w_ytd + %s WHERE w_id = %s", (amount, w))
        conn.execute("UPDATE district SET d_ytd = d_ytd + %s WHERE d_w_id = %s AND d_id = %s", (amount, w, d))
        found = self._customer(conn, a["c_w_id"], a["c_d_id"], a["by_name"], a["c_id"], a["c_last"], lock=True)
        if found is None:
            tc.rollback(OpResult(False, error="CustomerNotFound"))
        c_id = found[0]
        balance = conn.execute("UPDATE customer SET c_balance = c_balance - %s, c_ytd_payment = c_ytd_payment + %s, "
                               "c_payment_cnt = c_payment_cnt + 1 WHERE c_w_id = %s AND c_d_id = %s AND c_id = %s "
                               "RETURNING c_balance", (amount, amount, a["c_w_id"], a["c_d_id"], c_id)).fetchone()[0]
        conn.execute("INSERT INTO history VALUES (%s, %s, %s, %s, %s, now(), %s)",
                     (c_id, a["c_d_id"], a["c_w_id"], d, w, amount))
        return OpResult(True, detail={"c_id": c_id, "balance_cents": balance, "amount_cents": amount})

    def _order_status(self, conn, a) -> OpResult:
        found = self._customer(conn, a["w_id"], a["d_id"], a["by_name"], a["c_id"], a["c_last"], lock=False)
        if found is None:
            return OpResult(False, error="CustomerNotFound")
        c_id, balance = found
        order = conn.execute("SELECT o_id, o_carrier_id, o_ol_cnt FROM orders WHERE o_w_id = %s AND o_d_id = %s "
                             "AND o_c_id = %s ORDER BY o_id DESC LIMIT 1", (a["w_id"], a["d_id"], c_id)).fetchone()
        if order is None:
            return OpResult(True, detail={"c_id": c_id, "balance_cents": balance, "found": False})
        amount = conn.execute("SELECT coalesce(sum(ol_amount), 0) FROM order_line WHERE ol_w_id = %s AND "
                              "ol_d_id = %s AND ol_o_id = %s", (a["w_id"], a["d_id"], order[0])).fetchone()[0]
        return OpResult(True, detail={"c_id": c_id, "balance_cents": balance, "o_id": order[0], "found": True,
                                      "carrier_id": order[1] or 0, "ol_cnt": order[2], "amount_cents": int(amount)})

    def _delivery(self, conn, a) -> OpResult:
        w, carrier = a["w_id"], a["carrier_id"]
        delivered = []
        for d in range(1, DISTRICTS + 1):
            row = conn.execute("SELECT no_o_id FROM new_order WHERE no_w_id = %s AND no_d_id = %s ORDER BY no_o_id "
                               "LIMIT 1 FOR UPDATE", (w, d)).fetchone()
            if row is None:
                delivered.append(0)
                continue
            o_id = row[0]
            conn.execute("DELETE FROM new_order WHERE no_w_id = %s AND no_d_id = %s AND no_o_id = %s", (w, d, o_id))
            c_id = conn.execute("UPDATE orders SET o_carrier_id = %s WHERE o_w_id = %s AND o_d_id = %s AND o_id = %s "
                                "RETURNING o_c_id", (carrier, w, d, o_id)).fetchone()[0]
            amount = conn.execute("UPDATE order_line SET ol_delivery_d = now() WHERE ol_w_id = %s AND ol_d_id = %s "
                                  "AND ol_o_id = %s RETURNING ol_amount", (w, d, o_id)).fetchall()
            conn.execute("UPDATE customer SET c_balance = c_balance + %s, c_delivery_cnt = c_delivery_cnt + 1 "
                         "WHERE c_w_id = %s AND c_d_id = %s AND c_id = %s", (sum(x for (x,) in amount), w, d, c_id))
            delivered.append(o_id)
        return OpResult(True, detail={"w_id": w, "carrier_id": carrier, "o_ids": delivered})

    def _stock_level(self, conn, a) -> OpResult:
        w, d = a["w_id"], a["d_id"]
        next_o = conn.execute("SELECT d_next_o_id FROM district WHERE d_w_id = %s AND d_id = %s", (w, d)).fetchone()[0]
        low = conn.execute("SELECT count(DISTINCT s_i_id) FROM order_line JOIN stock ON s_w_id = ol_w_id AND "
                           "s_i_id = ol_i_id WHERE ol_w_id = %s AND ol_d_id = %s AND ol_o_id >= %s AND "
                           "ol_o_id < %s AND s_quantity < %s", (w, d, max(1, next_o - 20), next_o,
                                                                 a["threshold"])).fetchone()[0]
        return OpResult(True, detail={"w_id": w, "d_id": d, "threshold": a["threshold"], "low_stock": low})

    # ---- state ----
    def snapshot(self) -> dict:
        conn = self.conns.get()
        snap = {"warehouse": {}, "district": {}, "customer": {}, "stock": {}}
        with conn.transaction():
            for w, ytd in conn.execute("SELECT w_id, w_ytd FROM warehouse"):
                snap["warehouse"][w] = ytd
            for w, d, ytd, next_o, head in conn.execute(
                    "SELECT d_w_id, d_id, d_ytd, d_next_o_id, coalesce((SELECT min(no_o_id) FROM new_order WHERE "
                    "no_w_id = d_w_id AND no_d_id = d_id), d_next_o_id) FROM district"):
                snap["district"][(w, d)] = (ytd, next_o, head)
            for w, d, c, bal, ytd, pc, dc in conn.execute(
                    "SELECT c_w_id, c_d_id, c_id, c_balance, c_ytd_payment, c_payment_cnt, c_delivery_cnt "
                    "FROM customer"):
                snap["customer"][(w, d, c)] = (bal, ytd, pc, dc)
            for w, i, q, ytd, oc, rc in conn.execute(
                    "SELECT s_w_id, s_i_id, s_quantity, s_ytd, s_order_cnt, s_remote_cnt FROM stock"):
                snap["stock"][(w, i)] = (q, ytd, oc, rc)
        return snap

    def check_consistency(self) -> list[str]:
        """TPC-C consistency conditions 1–4 (clause 3.3.2) as SQL."""
        conn = self.conns.get()
        problems = []
        with conn.transaction():
            for w, w_ytd, d_sum in conn.execute(
                    "SELECT w_id, w_ytd, (SELECT sum(d_ytd) FROM district WHERE d_w_id = w_id) FROM warehouse"):
                if w_ytd != d_sum:
                    problems.append(f"condition 1, w {w}: W_YTD={w_ytd} != sum(D_YTD)={d_sum}")
            rows = conn.execute(
                "SELECT d_w_id, d_id, d_next_o_id, "
                "(SELECT max(o_id) FROM orders WHERE o_w_id = d_w_id AND o_d_id = d_id), "
                "(SELECT max(no_o_id) FROM new_order WHERE no_w_id = d_w_id AND no_d_id = d_id), "
                "(SELECT min(no_o_id) FROM new_order WHERE no_w_id = d_w_id AND no_d_id = d_id), "
                "(SELECT count(*) FROM new_order WHERE no_w_id = d_w_id AND no_d_id = d_id), "
                "(SELECT coalesce(sum(o_ol_cnt), 0) FROM orders WHERE o_w_id = d_w_id AND o_d_id = d_id), "
                "(SELECT count(*) FROM order_line WHERE ol_w_id = d_w_id AND ol_d_id = d_id) "
                "FROM district ORDER BY d_w_id, d_id").fetchall()
            for w, d, next_o, max_o, max_no, min_no, n_no, ol_cnt, lines in rows:
                if not (next_o - 1 == max_o and (max_no is None or max_no == max_o)):
                    problems.append(f"condition 2, w {w} d {d}: D_NEXT_O_ID-1={next_o - 1}, max(O_ID)={max_o}, "
                                    f"max(NO_O_ID)={max_no}")
                if max_no is not None and max_no - min_no + 1 != n_no:
                    problems.append(f"condition 3, w {w} d {d}: max-min+1={max_no - min_no + 1}, count={n_no}")
                if ol_cnt != lines:
                    problems.append(f"condition 4, w {w} d {d}: sum(O_OL_CNT)={ol_cnt}, order-lines={lines}")
        return problems

    def close(self) -> None:
        self.conns.close()


# ----------------------------------------------------------------------------- compute units per type


def measure(chain=None) -> list[dict]:
    """Compute units of every TPC-C transaction type on the embedded chain (including the two ComputeBudget
    instructions every request carries): new-order with 5 and 15 lines, its rollback, payment by id and by last
    name, order-status, delivery (10 districts), stock-level."""
    def setup(chain):
        ex = OnChainExecutor(chain)
        ex.load(default_scale())
        return ex, [
            ("new_order (5 lines)", Op("new_order", {"w_id": 1, "d_id": 1, "c_id": 1,
                                                     "lines": [[i, 1, 3] for i in range(1, 6)]}, 1)),
            ("new_order (15 lines)", Op("new_order", {"w_id": 1, "d_id": 2, "c_id": 2,
                                                      "lines": [[i * 60, 1, 3] for i in range(1, 16)]}, 2)),
            ("new_order rollback", Op("new_order", {"w_id": 1, "d_id": 3, "c_id": 3,
                                                    "lines": [[5, 1, 3], [1001, 1, 1]]}, 3)),
            ("payment (by id)", Op("payment", {"w_id": 1, "d_id": 1, "c_w_id": 1, "c_d_id": 1, "by_name": False,
                                               "c_id": 7, "c_last": 0, "amount_cents": 12_345}, 4)),
            ("payment (by last name)", Op("payment", {"w_id": 1, "d_id": 1, "c_w_id": 1, "c_d_id": 2,
                                                      "by_name": True, "c_id": 0, "c_last": 3,
                                                      "amount_cents": 500}, 5)),
            ("order_status", Op("order_status", {"w_id": 1, "d_id": 1, "by_name": True, "c_id": 0, "c_last": 2},
                                6)),
            ("delivery (10 districts)", Op("delivery", {"w_id": 1, "carrier_id": 4}, 7)),
            ("stock_level", Op("stock_level", {"w_id": 1, "d_id": 2, "threshold": 15}, 8)),
        ]

    return measure_cu(NAME, "tpc", chain, setup)


def format_table(rows: list[dict]) -> str:
    return format_cu_table("TPC-C transaction", rows, 26)


if __name__ == "__main__":
    import sys

    from gridtokenx_cli.bench import run_main

    sys.exit(run_main("Compute units per TPC-C transaction type (embedded chain)", measure, format_table))
