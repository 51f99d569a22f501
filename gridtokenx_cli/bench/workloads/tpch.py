"""TPC-H, scaled down (docs/tpc.md): the LINEITEM table only, chunked into accounts of 600 rows, with Q1 (pricing
summary report), Q6 (forecasting revenue change) and the refresh functions RF1 (new sales) and RF2 (old sales), on
programs/tpc and on PostgreSQL.

Data (clause 4.2.3, scaled): `orders` orders with 1–7 lineitems; quantity 1–50, extendedprice = quantity ·
P_RETAILPRICE of a random part, discount 0–10 %, tax 0–8 %, shipdate = orderdate + 1…121 days, returnflag R/A for
items received by 1995-06-17 else N, linestatus O when shipped after 1995-06-17 else F. Money in cents, rates in
whole percent, dates as days since 1992-01-01: every sum is an exact integer on both backends.

Substitution parameters (clause 2.4.1.3 / 2.4.6.3): Q1 DELTA 60…120; Q6 DATE = Jan 1 of 1993…1997, DISCOUNT
2…9 % (± 1), QUANTITY 24 or 25. The stream mixes Q1, Q6, RF1 and RF2 (default 40/40/10/10, options q1, q6, rf1,
rf2); RF1 inserts orders after the loaded ones, RF2 deletes the oldest remaining ones.

Op args: q1 {delta}; q6 {date_from, date_to, discount_lo, discount_hi, quantity_below}; rf1 {orderkey, rows:
[[quantity, discount, tax, returnflag, linestatus, shipdate, extendedprice], …]}; rf2 {orderkey}.
"""
from __future__ import annotations

import datetime
import random
import threading
from typing import Iterator

from gridtokenx_cli.bench.workload_api import Executor, Op, OpResult
from gridtokenx_cli.generated.tpc import instructions as tix
from gridtokenx_cli.generated.tpc import types as ttypes

from . import tpc_common as tc
from ._onchain import format_cu_table, measure_cu
from .tpc_common import K_LINEITEM, LI_COUNT, LI_LEN, LI_ROWS, LINEITEMS_PER_CHUNK, u16, u32

NAME = "tpch"
TX_TYPES = ("q1", "q6", "rf1", "rf2")
DAY0 = datetime.date(1992, 1, 1)
CURRENT_DATE = (datetime.date(1995, 6, 17) - DAY0).days
Q1_REFERENCE_DAY = (datetime.date(1998, 12, 1) - DAY0).days  # 2526, pricing_summary.rs
LOAD_SEED = 1_992
LOAD_FILL = 500            # rows per chunk at load: the rest of the chunk is room for RF1
SPARE_CHUNKS = 2
CHUNKS_PER_QUERY_TX = 8    # chunks one Q1/Q6 transaction scans (CU ≈ 25 k per 500 rows, see docs/tpc.md)
CU_LIMITS = {"q1": 1_400_000, "q6": 1_400_000, "rf1": 40_000, "rf2": 60_000}


def default_scale() -> dict:
    return {"orders": 1500}


def day(d: datetime.date) -> int:
    return (d - DAY0).days


def lineitem_rows(rng: random.Random) -> list[list]:
    """One order's lineitems: [quantity, discount, tax, returnflag, linestatus, shipdate, extendedprice]."""
    orderdate = rng.randint(0, day(datetime.date(1998, 12, 31)) - 151)
    rows = []
    for _ in range(rng.randint(1, 7)):
        part = rng.randint(1, 200_000)
        retail = 90_000 + (part // 10) % 20_001 + 100 * (part % 1000)  # P_RETAILPRICE in cents
        quantity = rng.randint(1, 50)
        ship = orderdate + rng.randint(1, 121)
        receipt = ship + rng.randint(1, 30)
        flag = rng.choice("RA") if receipt <= CURRENT_DATE else "N"
        status = "O" if ship > CURRENT_DATE else "F"
        rows.append([quantity, rng.randint(0, 10), rng.randint(0, 8), flag, status, ship, quantity * retail])
    return rows


def population(scale: dict) -> dict[int, list[list]]:
    rng = random.Random(LOAD_SEED)
    return {key: lineitem_rows(rng) for key in range(1, int(scale["orders"]) + 1)}


def generate(scale: dict, seed: int, q1: float = 40, q6: float = 40, rf1: float = 10, rf2: float = 10,
             **options) -> Iterator[Op]:
    rng = random.Random(seed)
    next_new = int(scale["orders"]) + 1
    next_old = 1
    seq = 0
    while True:
        seq += 1
        kind = rng.choices(TX_TYPES, (q1, q6, rf1, rf2))[0]
        if kind == "rf2" and next_old >= next_new:
            kind = "rf1"
        if kind == "q1":
            args = {"delta": rng.randint(60, 120)}
        elif kind == "q6":
            year = rng.randint(1993, 1997)
            discount = rng.randint(2, 9)
            args = {"date_from": day(datetime.date(year, 1, 1)), "date_to": day(datetime.date(year + 1, 1, 1)),
                    "discount_lo": discount - 1, "discount_hi": discount + 1,
                    "quantity_below": rng.randint(24, 25)}
        elif kind == "rf1":
            args = {"orderkey": next_new, "rows": lineitem_rows(rng)}
            next_new += 1
        else:
            args = {"orderkey": next_old}
            next_old += 1
        yield Op(kind, args, seq)


def _row_bytes(orderkey: int, row: list) -> bytes:
    q, disc, tax, flag, status, ship, price = row
    return tc.struct.pack("<IBBBBBxHI", orderkey, q, disc, tax, ord(flag), ord(status), ship, price)


def combine_q1(parts: list[list[dict]]) -> list[dict]:
    """Adds Q1 group sums from several chunk groups; sorted by (returnflag, linestatus) like the query."""
    total: dict[tuple[str, str], dict] = {}
    for groups in parts:
        for g in groups:
            key = (g["returnflag"], g["linestatus"])
            acc = total.setdefault(key, {"returnflag": key[0], "linestatus": key[1], "sum_qty": 0,
                                         "sum_base_price": 0, "sum_disc_price": 0, "sum_charge": 0, "sum_disc": 0,
                                         "count": 0})
            for k in ("sum_qty", "sum_base_price", "sum_disc_price", "sum_charge", "sum_disc", "count"):
                acc[k] += int(g[k])
    return [total[k] for k in sorted(total)]


class OnChainExecutor(tc.TpcChainExecutor):
    """Lineitems in chunk accounts; the executor remembers which chunk holds each order (RF2 names it) and how
    full each chunk is (RF1 picks one with room); the program checks both."""

    def __init__(self, chain, authority=None):
        super().__init__(chain, authority)
        self.chunks = 0
        self.where: dict[int, int] = {}
        self.fill: list[int] = []
        self._lock = threading.Lock()

    def load(self, scale: dict) -> None:
        from .tpcc import default_scale as tpcc_scale

        orders = population(scale)
        if self.account(tc.config_pda()) is None:  # TPC-H does not use the TPC-C scale the config records
            s = tpcc_scale()
            self.ensure_config(tc.tpc_scale(s["warehouses"], s["customers_per_district"], s["items"]))
        else:
            self.fund(self.authority.pubkey(), 50 * 10**9)
        images: list[bytearray] = []
        self.where, self.fill = {}, []
        for key, rows in orders.items():
            if not images or self.fill[-1] + len(rows) > LOAD_FILL:
                images.append(bytearray(tc.table_len(K_LINEITEM, 0)))
                self.fill.append(0)
            img = images[-1]
            for row in rows:
                img[LI_ROWS + self.fill[-1] * LI_LEN:LI_ROWS + (self.fill[-1] + 1) * LI_LEN] = _row_bytes(key, row)
                self.fill[-1] += 1
            self.where[key] = len(images) - 1
        for img, n in zip(images, self.fill):
            tc.struct.pack_into("<H", img, LI_COUNT, n)
        images += [bytearray(tc.table_len(K_LINEITEM, 0)) for _ in range(SPARE_CHUNKS)]
        self.fill += [0] * SPARE_CHUNKS
        self.chunks = len(images)
        created = self.create_tables([(K_LINEITEM, 0, 0, chunk, bytes(img)) for chunk, img in enumerate(images)])
        self.where = {k: c for k, c in self.where.items() if (K_LINEITEM, 0, 0, c) in created}
        for chunk in range(self.chunks):
            if (K_LINEITEM, 0, 0, chunk) not in created:  # an existing table: what it holds now
                raw = self.account(tc.table_pda(K_LINEITEM, 0, 0, chunk))
                self.fill[chunk] = u16(raw, LI_COUNT)
                for r in range(self.fill[chunk]):
                    self.where[u32(raw, LI_ROWS + r * LI_LEN)] = chunk

    def _chunk_groups(self) -> list[list]:
        addresses = [tc.table_pda(K_LINEITEM, 0, 0, c) for c in range(self.chunks)]
        return [addresses[i:i + CHUNKS_PER_QUERY_TX] for i in range(0, len(addresses), CHUNKS_PER_QUERY_TX)]

    def prepare(self, op: Op):
        """Q1/Q6 over more chunks than one transaction can scan become several transactions, submitted together."""
        a = op.args
        terminal = self.thread_payer().pubkey()
        if op.kind in ("q1", "q6"):
            parts = []
            for n, group in enumerate(self._chunk_groups()):
                metas = [tc.meta(x, False) for x in group]
                if op.kind == "q1":
                    ix = tix.pricing_summary({"delta_days": a["delta"], "seq": op.seq}, {"terminal": terminal},
                                             remaining_accounts=metas)
                    event = "PricingSummary"
                else:
                    args = ttypes.ForecastArgs(date_from=a["date_from"], date_to=a["date_to"],
                                               discount_lo=a["discount_lo"], discount_hi=a["discount_hi"],
                                               quantity_below=a["quantity_below"], seq=op.seq)
                    ix = tix.forecast_revenue({"args": args}, {"terminal": terminal}, remaining_accounts=metas)
                    event = "ForecastRevenue"
                # distinct per part: the seq nonce is shared, the unit limit differs
                parts.append(self.sign_ix(op.kind, ix, op.seq, CU_LIMITS[op.kind] - n, event))
            return ("query", op, parts)
        if op.kind == "rf1":
            n = len(a["rows"])
            with self._lock:
                chunk = next((c for c in range(self.chunks) if self.fill[c] + n <= LINEITEMS_PER_CHUNK), None)
                if chunk is None:
                    raise RuntimeError("every lineitem chunk is full: load with more spare chunks")
                self.fill[chunk] += n
                self.where[a["orderkey"]] = chunk
            rows = [ttypes.LineitemIn(quantity=q, discount=d, tax=t, returnflag=ord(f), linestatus=ord(s),
                                      shipdate=ship, extendedprice=price) for q, d, t, f, s, ship, price in a["rows"]]
            ix = tix.refresh_insert({"orderkey": a["orderkey"], "rows": rows},
                                    {"terminal": terminal, "chunk": tc.table_pda(K_LINEITEM, 0, 0, chunk)})
            return ("one", op, self.sign_ix("rf1", ix, op.seq, CU_LIMITS["rf1"], "LineitemsChanged"))
        if op.kind == "rf2":
            with self._lock:
                chunk = self.where.get(a["orderkey"], 0)
            ix = tix.refresh_delete({"orderkey": a["orderkey"]},
                                    {"terminal": terminal, "chunk": tc.table_pda(K_LINEITEM, 0, 0, chunk)})
            return ("one", op, self.sign_ix("rf2", ix, op.seq, CU_LIMITS["rf2"], "LineitemsChanged"))
        raise ValueError(f"unknown TPC-H op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")

    def submit(self, prepared) -> OpResult:
        shape, op, body = prepared
        if shape == "one":
            result = super().submit(body)
            if op.kind == "rf1" and not result.ok:  # the rows prepare() counted in did not arrive
                with self._lock:
                    chunk = self.where.pop(op.args["orderkey"], None)
                    if chunk is not None:
                        self.fill[chunk] -= len(op.args["rows"])
            if op.kind == "rf2" and result.ok:
                with self._lock:
                    chunk = self.where.pop(op.args["orderkey"], None)
                    if chunk is not None:
                        self.fill[chunk] -= int(result.detail.get("deleted", 0))
            return result
        results = [super(OnChainExecutor, self).submit(p) for p in body]
        failed = next((r for r in results if not r.ok), None)
        cu = sum(r.compute_units or 0 for r in results)
        if failed is not None:
            return OpResult(False, error=failed.error, compute_units=cu)
        if op.kind == "q1":
            groups = combine_q1([r.detail["groups"] for r in results])
            for g in groups:
                g["returnflag"], g["linestatus"] = chr(g["returnflag"]), chr(g["linestatus"])
            return OpResult(True, compute_units=cu, detail={"groups": groups, "transactions": len(results)})
        return OpResult(True, compute_units=cu, detail={"revenue": sum(int(r.detail["revenue"]) for r in results),
                                                        "rows": sum(int(r.detail["rows"]) for r in results),
                                                        "transactions": len(results)})

    def stored(self) -> dict[int, list[tuple]]:
        """orderkey -> sorted lineitem tuples, as stored on chain."""
        out: dict[int, list[tuple]] = {}
        for chunk in range(self.chunks):
            raw = self.account(tc.table_pda(K_LINEITEM, 0, 0, chunk))
            for r in range(min(u16(raw, LI_COUNT), LINEITEMS_PER_CHUNK)):
                o = LI_ROWS + r * LI_LEN
                key, q, disc, tax, flag, status, ship, price = tc.struct.unpack_from("<IBBBBBxHI", raw, o)
                out.setdefault(key, []).append((q, disc, tax, chr(flag), chr(status), ship, price))
        return {k: sorted(v) for k, v in out.items()}

    def check_consistency(self) -> list[str]:
        """Every chunk's count is within its capacity and every stored order has 1–7 lineitems, in the chunk the
        executor recorded for it."""
        problems = []
        for chunk in range(self.chunks):
            raw = self.account(tc.table_pda(K_LINEITEM, 0, 0, chunk))
            count = u16(raw, LI_COUNT)
            if count > LINEITEMS_PER_CHUNK:
                problems.append(f"chunk {chunk} counts {count} rows, capacity {LINEITEMS_PER_CHUNK}")
            for r in range(min(count, LINEITEMS_PER_CHUNK)):
                key = u32(raw, LI_ROWS + r * LI_LEN)
                if self.where.get(key) != chunk:
                    problems.append(f"order {key} found in chunk {chunk}, recorded in {self.where.get(key)}")
        for key, rows in self.stored().items():
            if not 1 <= len(rows) <= 7:
                problems.append(f"order {key} has {len(rows)} lineitems")
        return problems


SCHEMA = """
CREATE TABLE IF NOT EXISTS lineitem (l_orderkey INT NOT NULL, l_linenumber INT NOT NULL, l_quantity INT NOT NULL,
  l_extendedprice BIGINT NOT NULL, l_discount INT NOT NULL, l_tax INT NOT NULL, l_returnflag CHAR(1) NOT NULL,
  l_linestatus CHAR(1) NOT NULL, l_shipdate DATE NOT NULL, PRIMARY KEY (l_orderkey, l_linenumber));
"""


class PostgresExecutor(Executor):
    backend = "postgres"

    def __init__(self, dsn: str):
        self.conns = tc.PgConnections(dsn)

    def load(self, scale: dict) -> None:
        conn = self.conns.get()
        with conn.transaction():
            conn.execute(SCHEMA)
            if conn.execute("SELECT count(*) FROM lineitem").fetchone()[0]:
                return
            rows = [(key, n, q, price, disc, tax, flag, status, DAY0 + datetime.timedelta(days=ship))
                    for key, items in population(scale).items()
                    for n, (q, disc, tax, flag, status, ship, price) in enumerate(items, start=1)]
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO lineitem VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)

    def submit(self, op: Op) -> OpResult:
        handler = getattr(self, "_" + op.kind, None)
        if handler is None or op.kind not in TX_TYPES:
            raise ValueError(f"unknown TPC-H op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")
        return tc.run_sql_transaction(self.conns, lambda conn: handler(conn, op.args))

    def _q1(self, conn, a) -> OpResult:
        rows = conn.execute(
            "SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice), "
            "sum(l_extendedprice * (100 - l_discount)), sum(l_extendedprice * (100 - l_discount) * (100 + l_tax)), "
            "sum(l_discount), count(*) FROM lineitem WHERE l_shipdate <= date '1998-12-01' - %s::int "
            "GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus", (a["delta"],)).fetchall()
        keys = ("returnflag", "linestatus", "sum_qty", "sum_base_price", "sum_disc_price", "sum_charge", "sum_disc",
                "count")
        groups = [{k: (v if isinstance(v, str) else int(v)) for k, v in zip(keys, r)} for r in rows]
        return OpResult(True, detail={"groups": groups})

    def _q6(self, conn, a) -> OpResult:
        revenue, rows = conn.execute(
            "SELECT coalesce(sum(l_extendedprice * l_discount), 0), count(*) FROM lineitem "
            "WHERE l_shipdate >= %s AND l_shipdate < %s AND l_discount BETWEEN %s AND %s AND l_quantity < %s",
            (DAY0 + datetime.timedelta(days=a["date_from"]), DAY0 + datetime.timedelta(days=a["date_to"]),
             a["discount_lo"], a["discount_hi"], a["quantity_below"])).fetchone()
        return OpResult(True, detail={"revenue": int(revenue), "rows": int(rows)})

    def _rf1(self, conn, a) -> OpResult:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO lineitem VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                            [(a["orderkey"], n, q, price, disc, tax, flag, status,
                              DAY0 + datetime.timedelta(days=ship))
                             for n, (q, disc, tax, flag, status, ship, price) in enumerate(a["rows"], start=1)])
        return OpResult(True, detail={"orderkey": a["orderkey"], "inserted": len(a["rows"])})

    def _rf2(self, conn, a) -> OpResult:
        deleted = conn.execute("DELETE FROM lineitem WHERE l_orderkey = %s", (a["orderkey"],)).rowcount
        if not deleted:
            return OpResult(False, error="OrderKeyNotFound")
        return OpResult(True, detail={"orderkey": a["orderkey"], "deleted": deleted})

    def stored(self) -> dict[int, list[tuple]]:
        conn = self.conns.get()
        out: dict[int, list[tuple]] = {}
        with conn.transaction():
            for key, q, disc, tax, flag, status, ship, price in conn.execute(
                    "SELECT l_orderkey, l_quantity, l_discount, l_tax, l_returnflag, l_linestatus, l_shipdate, "
                    "l_extendedprice FROM lineitem"):
                out.setdefault(key, []).append((q, disc, tax, flag, status, day(ship), int(price)))
        return {k: sorted(v) for k, v in out.items()}

    def check_consistency(self) -> list[str]:
        conn = self.conns.get()
        with conn.transaction():
            bad = conn.execute("SELECT l_orderkey, count(*), max(l_linenumber) FROM lineitem GROUP BY l_orderkey "
                               "HAVING count(*) NOT BETWEEN 1 AND 7 OR max(l_linenumber) <> count(*)").fetchall()
        return [f"order {k} has {n} lineitems (max line number {m})" for k, n, m in bad]

    def close(self) -> None:
        self.conns.close()


def measure(chain=None) -> list[dict]:
    """Compute units of Q1, Q6 (over the whole default table, all its transactions together) and the refresh
    functions, on the embedded chain."""
    def setup(chain):
        ex = OnChainExecutor(chain)
        scale = default_scale()
        ex.load(scale)
        rows_total = sum(ex.fill)
        return ex, [
            (f"q1 ({rows_total} lineitems)", Op("q1", {"delta": 90}, 1)),
            (f"q6 ({rows_total} lineitems)", Op("q6", {"date_from": day(datetime.date(1994, 1, 1)),
                                                       "date_to": day(datetime.date(1995, 1, 1)), "discount_lo": 5,
                                                       "discount_hi": 7, "quantity_below": 24}, 2)),
            ("rf1 (7 lineitems)", Op("rf1", {"orderkey": int(scale["orders"]) + 1,
                                             "rows": [[10, 5, 2, "N", "O", 1500, 1_000_000]] * 7}, 3)),
            ("rf2 (delete one order)", Op("rf2", {"orderkey": 1}, 4)),
        ]

    return measure_cu(NAME, "tpc", chain, setup,
                      extra=lambda res: {"transactions": res.detail.get("transactions", 1)})


def format_table(rows: list[dict]) -> str:
    return format_cu_table("TPC-H transaction", rows, 26, cu_width=9, columns=[("txs", "transactions", 4)])


if __name__ == "__main__":
    import sys

    from gridtokenx_cli.bench import run_main

    sys.exit(run_main("Compute units per TPC-H query / refresh function (embedded chain)", measure, format_table))
