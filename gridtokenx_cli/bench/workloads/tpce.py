"""TPC-E, a representative slice (docs/tpc.md): Trade-Order, Trade-Result, Customer-Position, Market-Watch and
Market-Feed over a small brokerage — `customers` customers with ACCOUNTS_PER_CUSTOMER accounts each, 32 securities,
holdings as one row per account — on programs/tpc and on PostgreSQL.

Mix: the spec's weights of the kept transactions (Trade-Order 10.1, Trade-Result 10.0, Customer-Position 13.0,
Market-Watch 18.0, Market-Feed 1.0), renormalised. Trade-Result settles the oldest pending trade (the spec's market
exchange emulator drives it from the submitted orders; here the client stream does, in the same proportion).
Trade-Order rejects a buy the account cannot pay or a sell of shares it does not hold; like TPC-C's rollback
that is an outcome of the request (ok, detail `rolled_back`), not a failure.

Op args: trade_order {account, security, is_buy, quantity}; trade_result {}; customer_position {customer};
market_watch {securities: [...]}; market_feed {ticks: [[security, price_cents], …]}.
"""
from __future__ import annotations

import random
from typing import Iterator

from gridtokenx_cli.bench.workload_api import Executor, Op, OpResult
from gridtokenx_cli.generated.tpc import instructions as tix
from gridtokenx_cli.generated.tpc import types as ttypes

from . import tpc_common as tc
from ._onchain import format_cu_table, measure_cu
from .tpc_common import (ACCOUNTS_PER_CHUNK, ACCOUNTS_PER_CUSTOMER, ACCT_LEN, HEADER_LEN, K_BROKERAGE, K_MARKET,
                         K_TRADES, MK_ROWS, SEC_LEN, SECURITIES, TR_HEAD, TR_NEXT, TR_RING_OFF, TRADE_LEN, TRADE_RING,
                         i32, i64, u16, u32, u64)

NAME = "tpce"
TX_TYPES = ("trade_order", "trade_result", "customer_position", "market_watch", "market_feed")
MIX = (10.1, 10.0, 13.0, 18.0, 1.0)
LOAD_SEED = 31_337
EXPECTED_REJECTIONS = ("InsufficientFunds", "InsufficientHoldings")
CU_LIMITS = {"trade_order": 40_000, "trade_result": 60_000, "customer_position": 60_000, "market_watch": 40_000,
             "market_feed": 40_000}


def default_scale() -> dict:
    return {"customers": 64}


def generate(scale: dict, seed: int, **options) -> Iterator[Op]:
    rng = random.Random(seed)
    customers = int(scale["customers"])
    accounts = customers * ACCOUNTS_PER_CUSTOMER
    seq = 0
    while True:
        seq += 1
        kind = rng.choices(TX_TYPES, MIX)[0]
        if kind == "trade_order":
            args = {"account": rng.randrange(accounts), "security": rng.randrange(SECURITIES),
                    "is_buy": rng.random() < 0.5, "quantity": rng.choice((100, 200, 400, 800))}
        elif kind == "trade_result":
            args = {}
        elif kind == "customer_position":
            args = {"customer": rng.randrange(customers)}
        elif kind == "market_watch":
            args = {"securities": sorted(rng.sample(range(SECURITIES), rng.randint(5, 10)))}
        else:
            args = {"ticks": [[s, rng.randint(1_000, 10_000)] for s in sorted(rng.sample(range(SECURITIES), 5))]}
        yield Op(kind, args, seq)


class Population:
    def __init__(self, scale: dict):
        rng = random.Random(LOAD_SEED)
        self.customers = int(scale["customers"])
        self.accounts = self.customers * ACCOUNTS_PER_CUSTOMER
        if not 1 <= self.accounts <= tc.MAX_BROKERAGE_ACCOUNTS:
            raise ValueError(f"customers must be 1..{tc.MAX_BROKERAGE_ACCOUNTS // ACCOUNTS_PER_CUSTOMER}")
        self.securities = []
        for _ in range(SECURITIES):
            price = rng.randint(1_000, 10_000)
            self.securities.append((price, price, rng.randint(1_000_000, 100_000_000)))
        self.cash = [rng.randint(1_000_000, 10_000_000) for _ in range(self.accounts)]
        self.holdings = []
        for _ in range(self.accounts):
            held = [0] * SECURITIES
            for s in rng.sample(range(SECURITIES), 8):
                held[s] = rng.randint(1, 10) * 100
            self.holdings.append(held)

    def chunks(self) -> int:
        return (self.accounts + ACCOUNTS_PER_CHUNK - 1) // ACCOUNTS_PER_CHUNK

    def market_image(self) -> bytes:
        img = bytearray(tc.table_len(K_MARKET, 0))
        for s, (price, open_, num_out) in enumerate(self.securities):
            tc.struct.pack_into("<IIIxxxxQ", img, MK_ROWS + s * SEC_LEN, price, open_, num_out, 0)
        return bytes(img)

    def brokerage_image(self, chunk: int) -> bytes:
        img = bytearray(tc.table_len(K_BROKERAGE, 0))
        for r in range(ACCOUNTS_PER_CHUNK):
            acct = chunk * ACCOUNTS_PER_CHUNK + r
            if acct >= self.accounts:
                break
            tc.struct.pack_into(f"<q{SECURITIES}i", img, HEADER_LEN + r * ACCT_LEN, self.cash[acct],
                                *self.holdings[acct])
        return bytes(img)


class OnChainExecutor(tc.TpcChainExecutor):
    def __init__(self, chain, authority=None):
        super().__init__(chain, authority)
        self.pop: Population | None = None

    def load(self, scale: dict) -> None:
        from .tpcc import default_scale as tpcc_scale

        self.pop = Population(scale)
        raw = self.account(tc.config_pda())
        if raw is None:  # the chain's TPC-C scale is fixed by whoever initialises first; TPC-E does not use it
            s = tpcc_scale()
            self.ensure_config(tc.tpc_scale(s["warehouses"], s["customers_per_district"], s["items"]))
        else:
            self.fund(self.authority.pubkey(), 50 * 10**9)
        self.create_tables([(K_MARKET, 0, 0, 0, self.pop.market_image()), (K_TRADES, 0, 0, 0, None)]
                           + [(K_BROKERAGE, 0, 0, chunk, self.pop.brokerage_image(chunk))
                              for chunk in range(self.pop.chunks())])

    def _chunks(self) -> int:
        if self.pop is None:
            raise RuntimeError("call load(scale) first")
        return self.pop.chunks()

    def instruction(self, op: Op, terminal):
        a = op.args
        market, trades = tc.table_pda(K_MARKET), tc.table_pda(K_TRADES)
        if op.kind == "trade_order":
            args = ttypes.TradeOrderArgs(account=a["account"], security=a["security"], is_buy=a["is_buy"],
                                         quantity=a["quantity"], seq=op.seq)
            chunk = a["account"] // ACCOUNTS_PER_CHUNK
            return tix.trade_order({"args": args}, {"terminal": terminal, "config": tc.config_pda(), "market": market,
                                                    "brokerage": tc.table_pda(K_BROKERAGE, 0, 0, chunk),
                                                    "trades": trades})
        if op.kind == "trade_result":
            remaining = [tc.meta(tc.table_pda(K_BROKERAGE, 0, 0, c), True) for c in range(self._chunks())]
            return tix.trade_result({"seq": op.seq}, {"terminal": terminal, "trades": trades, "market": market},
                                    remaining_accounts=remaining)
        if op.kind == "customer_position":
            chunk = a["customer"] * ACCOUNTS_PER_CUSTOMER // ACCOUNTS_PER_CHUNK
            return tix.customer_position({"customer": a["customer"], "seq": op.seq},
                                         {"terminal": terminal, "config": tc.config_pda(), "market": market,
                                          "brokerage": tc.table_pda(K_BROKERAGE, 0, 0, chunk)})
        if op.kind == "market_watch":
            return tix.market_watch({"securities": bytes(a["securities"]), "seq": op.seq},
                                    {"terminal": terminal, "market": market})
        if op.kind == "market_feed":
            ticks = [ttypes.Tick(security=s, price_cents=p) for s, p in a["ticks"]]
            return tix.market_feed({"ticks": ticks, "seq": op.seq},
                                   {"authority": self.authority.pubkey(), "config": tc.config_pda(),
                                    "market": market})
        raise ValueError(f"unknown TPC-E op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")

    def prepare(self, op: Op):
        events = {"trade_order": "TradeOrdered", "trade_result": "TradeSettled",
                  "customer_position": "CustomerPositionRead", "market_watch": "MarketWatchRead",
                  "market_feed": "MarketFed"}
        ix = self.instruction(op, self.thread_payer().pubkey())
        signers = [self.authority] if op.kind == "market_feed" else []
        return self.sign_ix(op.kind, ix, op.seq, CU_LIMITS[op.kind], events[op.kind],
                            expected_errors=EXPECTED_REJECTIONS, signers=signers)

    # ---- state ----
    def snapshot(self) -> dict:
        m = self.account(tc.table_pda(K_MARKET))
        t = self.account(tc.table_pda(K_TRADES))
        snap = {"price": [u32(m, MK_ROWS + s * SEC_LEN) for s in range(SECURITIES)],
                "volume": [u64(m, MK_ROWS + s * SEC_LEN + 16) for s in range(SECURITIES)],
                "next_t_id": u64(t, TR_NEXT), "head": u64(t, TR_HEAD), "cash": [], "holdings": []}
        for chunk in range(self._chunks()):
            b = self.account(tc.table_pda(K_BROKERAGE, 0, 0, chunk))
            for r in range(ACCOUNTS_PER_CHUNK):
                if chunk * ACCOUNTS_PER_CHUNK + r >= self.pop.accounts:
                    break
                o = HEADER_LEN + r * ACCT_LEN
                snap["cash"].append(i64(b, o))
                snap["holdings"].append([i32(b, o + 8 + 4 * s) for s in range(SECURITIES)])
        return snap

    def trades(self) -> list[dict]:
        """The trades the ring still holds, oldest first."""
        t = self.account(tc.table_pda(K_TRADES))
        next_t = u64(t, TR_NEXT)
        out = []
        for t_id in range(max(0, next_t - TRADE_RING), next_t):
            o = TR_RING_OFF + (t_id % TRADE_RING) * TRADE_LEN
            out.append({"t_id": u32(t, o), "account": u16(t, o + 4), "security": t[o + 6], "is_buy": bool(t[o + 7]),
                        "quantity": u32(t, o + 8), "settled": bool(t[o + 16]), "trade_price": u32(t, o + 20)})
        return out

    def check_consistency(self) -> list[str]:
        snap = self.snapshot()
        trades = self.trades()
        complete = snap["next_t_id"] <= TRADE_RING  # the ring still holds every trade ever made
        return _check(self.pop, snap, trades, complete)


def _check(pop: Population, snap: dict, trades: list[dict], complete: bool) -> list[str]:
    """Trade-ring and settlement invariants: pending trades are exactly those at or after the head; when every
    trade is known, each security's volume is its settled quantity, and holdings and cash moved exactly by the
    settled trades (at their trade prices)."""
    problems = []
    for t in trades:
        if t["settled"] != (t["t_id"] < snap["head"]):
            problems.append(f"trade {t['t_id']}: settled={t['settled']} but head={snap['head']}")
    if snap["head"] > snap["next_t_id"]:
        problems.append(f"trade head {snap['head']} beyond next id {snap['next_t_id']}")
    if complete:
        volume = [0] * SECURITIES
        holdings = [list(h) for h in pop.holdings]
        cash = list(pop.cash)
        for t in trades:
            if not t["settled"]:
                continue
            volume[t["security"]] += t["quantity"]
            sign = 1 if t["is_buy"] else -1
            holdings[t["account"]][t["security"]] += sign * t["quantity"]
            cash[t["account"]] -= sign * t["quantity"] * t["trade_price"]
        if volume != snap["volume"]:
            problems.append("security volumes differ from the settled trades")
        if holdings != snap["holdings"]:
            problems.append("holdings differ from the initial holdings plus the settled trades")
        if cash != snap["cash"]:
            problems.append("cash differs from the initial cash minus the settled trades")
    return problems


SCHEMA = """
CREATE TABLE IF NOT EXISTS e_security (s_id INT PRIMARY KEY, s_price INT NOT NULL, s_open INT NOT NULL,
  s_num_out BIGINT NOT NULL, s_volume BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS e_account (ca_id INT PRIMARY KEY, ca_c_id INT NOT NULL, ca_cash BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS e_holding (h_ca_id INT, h_s_id INT, h_qty INT NOT NULL, PRIMARY KEY (h_ca_id, h_s_id));
CREATE TABLE IF NOT EXISTS e_trade (t_id BIGINT PRIMARY KEY, t_ca_id INT NOT NULL, t_s_id INT NOT NULL,
  t_is_buy BOOL NOT NULL, t_qty INT NOT NULL, t_order_price INT NOT NULL, t_settled BOOL NOT NULL,
  t_trade_price INT);
CREATE SEQUENCE IF NOT EXISTS e_trade_seq MINVALUE 0 START 0;
"""


class PostgresExecutor(Executor):
    backend = "postgres"

    def __init__(self, dsn: str):
        self.conns = tc.PgConnections(dsn)
        self.pop: Population | None = None

    def load(self, scale: dict) -> None:
        self.pop = Population(scale)
        conn = self.conns.get()
        with conn.transaction():
            conn.execute(SCHEMA)
            if conn.execute("SELECT count(*) FROM e_security").fetchone()[0]:
                return
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO e_security VALUES (%s, %s, %s, %s, 0)",
                                [(s, *row) for s, row in enumerate(self.pop.securities)])
                cur.executemany("INSERT INTO e_account VALUES (%s, %s, %s)",
                                [(a, a // ACCOUNTS_PER_CUSTOMER, c) for a, c in enumerate(self.pop.cash)])
                cur.executemany("INSERT INTO e_holding VALUES (%s, %s, %s)",
                                [(a, s, q) for a, held in enumerate(self.pop.holdings) for s, q in enumerate(held)])

    def submit(self, op: Op) -> OpResult:
        handler = getattr(self, "_" + op.kind, None)
        if handler is None or op.kind not in TX_TYPES:
            raise ValueError(f"unknown TPC-E op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")
        return tc.run_sql_transaction(self.conns, lambda conn: handler(conn, op.args))

    def _trade_order(self, conn, a) -> OpResult:
        price = conn.execute("SELECT s_price FROM e_security WHERE s_id = %s", (a["security"],)).fetchone()[0]
        if a["is_buy"]:
            cash = conn.execute("SELECT ca_cash FROM e_account WHERE ca_id = %s", (a["account"],)).fetchone()[0]
            if cash < price * a["quantity"]:
                return OpResult(True, detail={"rolled_back": "InsufficientFunds"})
        else:
            held = conn.execute("SELECT h_qty FROM e_holding WHERE h_ca_id = %s AND h_s_id = %s",
                                (a["account"], a["security"])).fetchone()[0]
            if held < a["quantity"]:
                return OpResult(True, detail={"rolled_back": "InsufficientHoldings"})
        t_id = conn.execute("INSERT INTO e_trade VALUES (nextval('e_trade_seq'), %s, %s, %s, %s, %s, FALSE, NULL) "
                            "RETURNING t_id", (a["account"], a["security"], a["is_buy"], a["quantity"],
                                               price)).fetchone()[0]
        return OpResult(True, detail={"t_id": t_id, "price_cents": price})

    def _trade_result(self, conn, a) -> OpResult:
        row = conn.execute("SELECT t_id, t_ca_id, t_s_id, t_is_buy, t_qty FROM e_trade WHERE NOT t_settled "
                           "ORDER BY t_id LIMIT 1 FOR UPDATE").fetchone()
        if row is None:
            return OpResult(True, detail={"settled": False})
        t_id, acct, sec, is_buy, qty = row
        price = conn.execute("UPDATE e_security SET s_volume = s_volume + %s WHERE s_id = %s RETURNING s_price",
                             (qty, sec)).fetchone()[0]
        sign = 1 if is_buy else -1
        cash = conn.execute("UPDATE e_account SET ca_cash = ca_cash - %s WHERE ca_id = %s RETURNING ca_cash",
                            (sign * qty * price, acct)).fetchone()[0]
        conn.execute("UPDATE e_holding SET h_qty = h_qty + %s WHERE h_ca_id = %s AND h_s_id = %s",
                     (sign * qty, acct, sec))
        conn.execute("UPDATE e_trade SET t_settled = TRUE, t_trade_price = %s WHERE t_id = %s", (price, t_id))
        return OpResult(True, detail={"t_id": t_id, "settled": True, "account": acct, "cash_cents": cash,
                                      "price_cents": price})

    def _customer_position(self, conn, a) -> OpResult:
        cash, value = conn.execute(
            "SELECT (SELECT sum(ca_cash) FROM e_account WHERE ca_c_id = %s), "
            "(SELECT coalesce(sum(h_qty::bigint * s_price), 0) FROM e_holding JOIN e_account ON ca_id = h_ca_id "
            "JOIN e_security ON s_id = h_s_id WHERE ca_c_id = %s)", (a["customer"], a["customer"])).fetchone()
        return OpResult(True, detail={"customer": a["customer"], "cash_cents": int(cash),
                                      "market_value_cents": int(value)})

    def _market_watch(self, conn, a) -> OpResult:
        now, opened = conn.execute("SELECT sum(s_num_out * s_price), sum(s_num_out * s_open) FROM e_security "
                                   "WHERE s_id = ANY(%s)", (a["securities"],)).fetchone()
        # exact integer arithmetic truncating toward zero, as on chain
        diff = int(now) - int(opened)
        change = 0 if not opened else (abs(diff) * 10_000 // int(opened)) * (1 if diff >= 0 else -1)
        return OpResult(True, detail={"securities": len(a["securities"]), "change_bp": change})

    def _market_feed(self, conn, a) -> OpResult:
        for s, price in a["ticks"]:
            conn.execute("UPDATE e_security SET s_price = %s WHERE s_id = %s", (price, s))
        return OpResult(True, detail={"ticks": len(a["ticks"])})

    def snapshot(self) -> dict:
        conn = self.conns.get()
        with conn.transaction():
            sec = conn.execute("SELECT s_price, s_volume FROM e_security ORDER BY s_id").fetchall()
            cash = [c for (c,) in conn.execute("SELECT ca_cash FROM e_account ORDER BY ca_id")]
            holdings = [[0] * SECURITIES for _ in cash]
            for acct, s, q in conn.execute("SELECT h_ca_id, h_s_id, h_qty FROM e_holding"):
                holdings[acct][s] = q
            next_t = conn.execute("SELECT coalesce(max(t_id) + 1, 0) FROM e_trade").fetchone()[0]
            head = conn.execute("SELECT coalesce(min(t_id), %s) FROM e_trade WHERE NOT t_settled",
                                (next_t,)).fetchone()[0]
        return {"price": [p for p, _ in sec], "volume": [v for _, v in sec], "next_t_id": next_t, "head": head,
                "cash": cash, "holdings": holdings}

    def trades(self) -> list[dict]:
        conn = self.conns.get()
        with conn.transaction():
            rows = conn.execute("SELECT t_id, t_ca_id, t_s_id, t_is_buy, t_qty, t_settled, coalesce(t_trade_price, 0) "
                                "FROM e_trade ORDER BY t_id").fetchall()
        return [{"t_id": r[0], "account": r[1], "security": r[2], "is_buy": r[3], "quantity": r[4], "settled": r[5],
                 "trade_price": r[6]} for r in rows]

    def check_consistency(self) -> list[str]:
        return _check(self.pop, self.snapshot(), self.trades(), complete=True)

    def close(self) -> None:
        self.conns.close()


def measure(chain=None) -> list[dict]:
    """Compute units of every TPC-E transaction type kept, on the embedded chain."""
    def setup(chain):
        ex = OnChainExecutor(chain)
        ex.load(default_scale())
        return ex, [
            ("trade_order (buy)", Op("trade_order", {"account": 5, "security": 3, "is_buy": True, "quantity": 100}, 1)),
            ("trade_result (buy)", Op("trade_result", {}, 2)),
            ("customer_position", Op("customer_position", {"customer": 1}, 3)),
            ("market_watch (10 securities)", Op("market_watch", {"securities": list(range(10))}, 4)),
            ("market_feed (5 ticks)", Op("market_feed", {"ticks": [[s, 5_000] for s in range(5)]}, 5)),
            ("trade_result (none pending)", Op("trade_result", {}, 6)),
        ]

    return measure_cu(NAME, "tpc", chain, setup)


def format_table(rows: list[dict]) -> str:
    return format_cu_table("TPC-E transaction", rows, 30)


if __name__ == "__main__":
    import sys

    from gridtokenx_cli.bench import run_main

    sys.exit(run_main("Compute units per TPC-E transaction type (embedded chain)", measure, format_table))
