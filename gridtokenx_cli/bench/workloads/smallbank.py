"""Smallbank (Cahill et al., TODS'09; the H-Store / OLTP-Bench / BLOCKBENCH version): on-chain
(programs/blockbench `smallbank_*`) and on PostgreSQL.

    python -m gridtokenx_cli.bench.workloads.smallbank [--json]     # compute units per transaction type

Each customer has a checking and a savings balance. The six transactions and H-Store's standard mix:
Amalgamate 15 %, Balance 15 %, DepositChecking 15 %, SendPayment 25 %, TransactSavings 15 %, WriteCheck 15 %.
Amounts are integer cents (OLTP-Bench's 1.30 / 20.20 / 5.00 / 5.00 dollars), opening balances 10 000–50 000 dollars;
a check larger than checking + savings costs the overdraft penalty of 1 (cent). With `hotspot=True` a request
picks its customers from the first `hotspot_size` accounts with probability `hotspot_probability` (OLTP-Bench's
hotspot), otherwise uniformly from all accounts.

Money is conserved up to the outside flows: sum(checking + savings) = opening balances + deposits + savings
transactions − checks − penalties. Executors count the applied outside flows; `check_consistency` compares.
"""
from __future__ import annotations

import functools
import hashlib
import random
import struct
import threading
from typing import Iterator

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli.bench.postgres_server import PgConnections
from gridtokenx_cli.bench.workload_api import Executor, Op, OpResult
from gridtokenx_cli.bench.onchain import outcome_result
from gridtokenx_cli.bench.workloads._onchain import ChainExecutor, format_cu_table, measure_cu
from gridtokenx_cli.generated.blockbench import instructions as bix
from gridtokenx_cli.generated.blockbench.accounts import SmallbankBank, SmallbankCustomer
from gridtokenx_cli.generated.blockbench.program_id import PROGRAM_ID

NAME = "smallbank"
TX_TYPES = ("amalgamate", "balance", "deposit_checking", "send_payment", "transact_savings", "write_check")

#: H-Store SmallBankConstants frequencies (percent).
STANDARD_MIX = {"amalgamate": 15, "balance": 15, "deposit_checking": 15, "send_payment": 25,
                "transact_savings": 15, "write_check": 15}
#: OLTP-Bench amounts, in cents.
AMOUNTS = {"deposit_checking": 130, "transact_savings": 2020, "send_payment": 500, "write_check": 500}
MIN_BALANCE = 1_000_000  # 10 000.00
MAX_BALANCE = 5_000_000  # 50 000.00
OVERDRAFT_PENALTY = 1
HOTSPOT_SIZE = 100
HOTSPOT_PROBABILITY = 0.9

BANK_SEED = b"smallbank"
CUSTOMER_SEED = b"smallbank_customer"


def default_scale() -> dict:
    return {"accounts": 1000}


def opening_balances(customer: int) -> tuple[int, int]:
    """(checking, savings) of a freshly loaded customer: deterministic, uniform in MIN..MAX_BALANCE."""
    h = hashlib.sha256(b"smallbank-opening" + struct.pack("<Q", customer)).digest()
    span = MAX_BALANCE - MIN_BALANCE + 1
    return (MIN_BALANCE + int.from_bytes(h[:8], "little") % span,
            MIN_BALANCE + int.from_bytes(h[8:16], "little") % span)


def generate(scale: dict, seed: int, hotspot: bool = False, hotspot_size: int = HOTSPOT_SIZE,
             hotspot_probability: float = HOTSPOT_PROBABILITY, mix: dict[str, float] | None = None) -> Iterator[Op]:
    """The endless Smallbank request stream over `scale["accounts"]` customers."""
    accounts = int(scale["accounts"])
    if accounts < 2:
        raise ValueError("scale['accounts'] must be at least 2 (payments need two customers)")
    weights = dict(mix or STANDARD_MIX)
    unknown = set(weights) - set(TX_TYPES)
    if unknown:
        raise ValueError(f"unknown Smallbank transaction(s) {sorted(unknown)}; expected {', '.join(TX_TYPES)}")
    hot = min(max(hotspot_size, 2), accounts)
    rng = random.Random(seed)
    kinds = list(weights)
    total = float(sum(weights.values()))

    def customer() -> int:
        if hotspot and hot < accounts and rng.random() < hotspot_probability:
            return rng.randrange(hot)
        if hotspot and hot < accounts:
            return rng.randrange(hot, accounts)
        return rng.randrange(accounts)

    def two_customers() -> tuple[int, int]:
        first = customer()
        second = customer()
        while second == first:
            second = customer()
        return first, second

    seq = 0
    while True:
        u = rng.random() * total
        acc = 0.0
        kind = kinds[-1]
        for k in kinds:
            acc += weights[k]
            if u < acc:
                kind = k
                break
        if kind in ("amalgamate", "send_payment"):
            src, dst = two_customers()
            args = {"from": src, "to": dst}
            if kind == "send_payment":
                args["amount"] = AMOUNTS[kind]
        elif kind == "balance":
            args = {"customer": customer()}
        else:
            args = {"customer": customer(), "amount": AMOUNTS[kind]}
        yield Op(kind, args, seq)
        seq += 1


class Ledger:
    """The money that entered or left the bank through applied requests (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.external = 0

    def applied(self, op: Op, detail: dict) -> None:
        if op.kind in ("deposit_checking", "transact_savings"):
            delta = op.args["amount"]
        elif op.kind == "write_check":
            delta = -(op.args["amount"] + detail["penalty"])
        else:
            return
        with self.lock:
            self.external += delta

    def check(self, opening_total: int, balances: dict[int, tuple[int, int] | None]) -> list[str]:
        problems = [f"customer {c}: missing" for c, b in balances.items() if b is None]
        problems += [f"customer {c}: savings {b[1]} < 0" for c, b in balances.items() if b is not None and b[1] < 0]
        held = sum(chk + sav for chk, sav in (b for b in balances.values() if b is not None))
        if held != opening_total + self.external:
            problems.append(f"money not conserved: customers hold {held}, opening {opening_total} + applied "
                            f"outside flows {self.external} = {opening_total + self.external}")
        return problems


# ----------------------------------------------------------------------------- on-chain executor


@functools.lru_cache(maxsize=None)
def bank_pda(authority: Pubkey, bank_id: int) -> Pubkey:
    return Pubkey.find_program_address([BANK_SEED, bytes(authority), struct.pack("<I", bank_id)], PROGRAM_ID)[0]


@functools.lru_cache(maxsize=1 << 20)
def customer_pda(bank: Pubkey, customer: int) -> Pubkey:
    return Pubkey.find_program_address([CUSTOMER_SEED, bytes(bank), struct.pack("<Q", customer)], PROGRAM_ID)[0]


@functools.lru_cache(maxsize=1 << 20)
def owner_keypair(bank_id: int, customer: int) -> Keypair:
    """The customer's key (deterministic, so a later process can sign for the loaded customers)."""
    return Keypair.from_seed(hashlib.sha256(b"gridtokenx-bench-smallbank-owner"
                                            + struct.pack("<IQ", bank_id, customer)).digest())


#: ComputeBudget unit limits: measured consumption (docs/bench-ycsb-smallbank.md) plus headroom.
CU_LIMITS = {"balance": 12_000, "deposit_checking": 14_000, "transact_savings": 14_000, "send_payment": 22_000,
             "write_check": 14_000, "amalgamate": 22_000, "create": 40_000}
EVENTS = {"balance": "SmallbankBalanceDone", "deposit_checking": "SmallbankCheckingDeposited",
          "transact_savings": "SmallbankSavingsTransacted", "send_payment": "SmallbankPaymentSent",
          "write_check": "SmallbankCheckWritten", "amalgamate": "SmallbankAmalgamated"}
LOAD_BATCH = 3  # account openings per load transaction (each carries the owner's signature)


class OnChainExecutor(ChainExecutor):
    """Smallbank on programs/blockbench; every debit is signed by the customer's owner key."""

    def __init__(self, chain, bank_id: int = 1, authority: Keypair | None = None):
        super().__init__(chain)
        self.authority = authority or Keypair.from_seed(
            hashlib.sha256(b"gridtokenx-bench-smallbank-authority" + struct.pack("<I", bank_id)).digest())
        self.bank_id = bank_id
        self.bank = bank_pda(self.authority.pubkey(), bank_id)
        self.ledger = Ledger()
        self.accounts = 0

    def customer(self, customer: int) -> Pubkey:
        return customer_pda(self.bank, customer)

    def owner(self, customer: int) -> Keypair:
        return owner_keypair(self.bank_id, customer)

    def load(self, scale: dict) -> None:
        accounts = int(scale["accounts"])
        auth = self.authority.pubkey()
        chain = self.thread_chain()
        self.fund(auth, 10**9 + accounts * 3_000_000)  # rent of the customer accounts
        if chain.get_account(self.bank) is None:
            self.send_setup([bix.smallbank_init_bank({"bank_id": self.bank_id}, {"authority": auth, "bank": self.bank})],
                            [self.authority])
        have = SmallbankBank.decode(chain.account_data(self.bank)).customers
        for start in range(have, accounts, LOAD_BATCH):
            ids = range(start, min(start + LOAD_BATCH, accounts))
            ixs = []
            for c in ids:
                checking, savings = opening_balances(c)
                ixs.append(bix.smallbank_create_account(
                    {"customer_id": c, "checking": checking, "savings": savings},
                    {"authority": auth, "owner": self.owner(c).pubkey(), "bank": self.bank,
                     "customer": self.customer(c)}))
            self.send_setup(ixs, [self.authority, *(self.owner(c) for c in ids)], cu_limit=CU_LIMITS["create"] * len(ids))
        self.accounts = max(self.accounts, accounts, have)

    def prepare(self, op: Op):
        a = op.args
        if op.kind == "balance":
            ix = bix.smallbank_balance({"customer": self.customer(a["customer"])})
            signers = []
        elif op.kind == "deposit_checking":
            payer = self.thread_payer()  # the depositor: any signer may credit an account
            ix = bix.smallbank_deposit_checking({"amount": a["amount"]},
                                                {"depositor": payer.pubkey(), "customer": self.customer(a["customer"])})
            signers = []
        elif op.kind in ("transact_savings", "write_check"):
            owner = self.owner(a["customer"])
            build = bix.smallbank_transact_savings if op.kind == "transact_savings" else bix.smallbank_write_check
            ix = build({"amount": a["amount"]}, {"owner": owner.pubkey(), "customer": self.customer(a["customer"])})
            signers = [owner]
        elif op.kind in ("send_payment", "amalgamate"):
            owner = self.owner(a["from"])
            accounts = {"owner": owner.pubkey(), "source": self.customer(a["from"]),
                        "destination": self.customer(a["to"])}
            ix = (bix.smallbank_send_payment({"amount": a["amount"]}, accounts) if op.kind == "send_payment"
                  else bix.smallbank_amalgamate(accounts))
            signers = [owner]
        else:
            raise ValueError(f"unknown Smallbank op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")

        def finish(outcome, started, ended) -> OpResult:
            result = outcome_result(outcome, EVENTS[op.kind])
            if result.ok:
                self.ledger.applied(op, result.detail)
            return result

        return self.sign(op.kind, [ix], signers, op.seq, CU_LIMITS[op.kind], finish)

    def balances(self) -> dict[int, tuple[int, int] | None]:
        chain = self.thread_chain()
        out = {}
        for c in range(self.accounts):
            raw = chain.account_data(self.customer(c))
            if raw is None:
                out[c] = None
                continue
            cust = SmallbankCustomer.decode(raw)
            out[c] = (cust.checking, cust.savings)
        return out

    def check_consistency(self) -> list[str]:
        bank = SmallbankBank.decode(self.thread_chain().account_data(self.bank))
        problems = self.ledger.check(bank.opening_total, self.balances())
        if bank.customers != self.accounts:
            problems.append(f"bank counts {bank.customers} customers, {self.accounts} were loaded")
        return problems


# ----------------------------------------------------------------------------- PostgreSQL executor


class PostgresExecutor(Executor):
    """Smallbank's three tables (accounts, savings, checking) in PostgreSQL, the transactions as H-Store's
    procedures in SQL. One connection per client thread; each request is one transaction at READ COMMITTED with
    row locks (SELECT … FOR UPDATE) on every row it reads to write. Every transaction takes its locks in one global
    order — checking rows before savings rows, ascending customer id within a table — so none can deadlock and
    none loses an update. Rejections roll back and carry the on-chain error names."""

    backend = "postgres"

    def __init__(self, dsn: str, prefix: str = "smallbank"):
        self.dsn = dsn
        self.t_accounts, self.t_savings, self.t_checking = (f"{prefix}_accounts", f"{prefix}_savings",
                                                            f"{prefix}_checking")
        self.conns = PgConnections(dsn)
        self.ledger = Ledger()
        self.accounts = 0
        self.opening_total = 0

    def _conn(self):
        return self.conns.get()

    def load(self, scale: dict) -> None:
        accounts = int(scale["accounts"])
        conn = self._conn()
        with conn.transaction():
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self.t_accounts} (custid BIGINT PRIMARY KEY, "
                         f"name VARCHAR(64) NOT NULL UNIQUE)")
            for table in (self.t_savings, self.t_checking):
                conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (custid BIGINT PRIMARY KEY "
                             f"REFERENCES {self.t_accounts} (custid), bal BIGINT NOT NULL)")
            have = {c for (c,) in conn.execute(f"SELECT custid FROM {self.t_accounts}")}
            missing = [c for c in range(accounts) if c not in have]
            with conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {self.t_accounts} VALUES (%s, %s)",
                                [(c, f"customer{c}") for c in missing])
                cur.executemany(f"INSERT INTO {self.t_checking} VALUES (%s, %s)",
                                [(c, opening_balances(c)[0]) for c in missing])
                cur.executemany(f"INSERT INTO {self.t_savings} VALUES (%s, %s)",
                                [(c, opening_balances(c)[1]) for c in missing])
            self.accounts = max(self.accounts, accounts, len(have))
            # the opening state, as the on-chain bank records it
            self.opening_total = sum(sum(opening_balances(c)) for c in range(self.accounts))

    class _Reject(Exception):
        pass

    def submit(self, op: Op) -> OpResult:
        import psycopg

        conn = self._conn()
        try:
            with conn.transaction():
                detail = self._run(conn, op)
        except self._Reject as e:
            return OpResult(False, error=str(e))
        except psycopg.Error as e:
            return OpResult(False, error=type(e).__name__)
        self.ledger.applied(op, detail)
        return OpResult(True, detail=detail)

    def _locked(self, conn, table: str, custid: int) -> int:
        row = conn.execute(f"SELECT bal FROM {table} WHERE custid = %s FOR UPDATE", (custid,)).fetchone()
        if row is None:
            raise self._Reject("AccountNotInitialized")
        return row[0]

    def _run(self, conn, op: Op) -> dict:
        a = op.args
        if op.kind == "balance":
            row = conn.execute(f"SELECT c.bal, s.bal FROM {self.t_checking} c JOIN {self.t_savings} s "
                               f"USING (custid) WHERE custid = %s", (a["customer"],)).fetchone()
            if row is None:
                raise self._Reject("AccountNotInitialized")
            return {"customer_id": a["customer"], "checking": row[0], "savings": row[1], "total": row[0] + row[1]}
        if op.kind == "deposit_checking":
            if a["amount"] <= 0:
                raise self._Reject("InvalidAmount")
            checking = self._locked(conn, self.t_checking, a["customer"]) + a["amount"]
            conn.execute(f"UPDATE {self.t_checking} SET bal = %s WHERE custid = %s", (checking, a["customer"]))
            return {"customer_id": a["customer"], "amount": a["amount"], "checking": checking}
        if op.kind == "transact_savings":
            savings = self._locked(conn, self.t_savings, a["customer"]) + a["amount"]
            if savings < 0:
                raise self._Reject("InsufficientFunds")
            conn.execute(f"UPDATE {self.t_savings} SET bal = %s WHERE custid = %s", (savings, a["customer"]))
            return {"customer_id": a["customer"], "amount": a["amount"], "savings": savings}
        if op.kind == "write_check":
            if a["amount"] <= 0:
                raise self._Reject("InvalidAmount")
            checking = self._locked(conn, self.t_checking, a["customer"])
            savings = self._locked(conn, self.t_savings, a["customer"])
            penalty = OVERDRAFT_PENALTY if checking + savings < a["amount"] else 0
            checking -= a["amount"] + penalty
            conn.execute(f"UPDATE {self.t_checking} SET bal = %s WHERE custid = %s", (checking, a["customer"]))
            return {"customer_id": a["customer"], "amount": a["amount"], "penalty": penalty, "checking": checking}
        if op.kind in ("send_payment", "amalgamate"):
            src, dst = a["from"], a["to"]
            if src == dst:
                raise self._Reject("ConstraintDuplicateMutableAccount")
            if op.kind == "send_payment" and a["amount"] <= 0:
                raise self._Reject("InvalidAmount")
            checking = {c: self._locked(conn, self.t_checking, c) for c in sorted((src, dst))}
            if op.kind == "send_payment":
                if checking[src] < a["amount"]:
                    raise self._Reject("InsufficientFunds")
                moved = a["amount"]
                src_after = checking[src] - moved
            else:  # all of the source's money, savings included, into the destination's checking
                moved = checking[src] + self._locked(conn, self.t_savings, src)
                conn.execute(f"UPDATE {self.t_savings} SET bal = 0 WHERE custid = %s", (src,))
                src_after = 0
            dst_after = checking[dst] + moved
            conn.execute(f"UPDATE {self.t_checking} SET bal = %s WHERE custid = %s", (src_after, src))
            conn.execute(f"UPDATE {self.t_checking} SET bal = %s WHERE custid = %s", (dst_after, dst))
            if op.kind == "send_payment":
                return {"from_customer_id": src, "to_customer_id": dst, "amount": moved,
                        "from_checking": src_after, "to_checking": dst_after}
            return {"from_customer_id": src, "to_customer_id": dst, "amount": moved, "to_checking": dst_after}
        raise ValueError(f"unknown Smallbank op kind {op.kind!r}; expected one of {', '.join(TX_TYPES)}")

    def balances(self) -> dict[int, tuple[int, int] | None]:
        conn = self._conn()
        with conn.transaction():
            rows = conn.execute(f"SELECT custid, c.bal, s.bal FROM {self.t_checking} c JOIN {self.t_savings} s "
                                f"USING (custid) WHERE custid < %s", (self.accounts,)).fetchall()
        found = {r[0]: (r[1], r[2]) for r in rows}
        return {c: found.get(c) for c in range(self.accounts)}

    def check_consistency(self) -> list[str]:
        return self.ledger.check(self.opening_total, self.balances())

    def close(self) -> None:
        self.conns.close()


# ----------------------------------------------------------------------------- compute units per type


def measure(chain=None) -> list[dict]:
    """One transaction of every Smallbank type on the embedded chain (write_check with and without the overdraft
    penalty): compute units including the two ComputeBudget instructions every request carries."""
    def setup(chain):
        ex = OnChainExecutor(chain, bank_id=0xC0)
        ex.load({"accounts": 4})
        return ex, [("balance", Op("balance", {"customer": 0}, 1)),
                    ("deposit_checking", Op("deposit_checking", {"customer": 0, "amount": 130}, 2)),
                    ("transact_savings", Op("transact_savings", {"customer": 0, "amount": 2020}, 3)),
                    ("send_payment", Op("send_payment", {"from": 0, "to": 1, "amount": 500}, 4)),
                    ("write_check", Op("write_check", {"customer": 1, "amount": 500}, 5)),
                    ("amalgamate", Op("amalgamate", {"from": 2, "to": 3}, 6)),
                    ("write_check (overdraft)", Op("write_check", {"customer": 2, "amount": 500}, 7))]

    return measure_cu(NAME, "blockbench", chain, setup)


def format_table(rows: list[dict]) -> str:
    return format_cu_table("Smallbank transaction", rows, 26)


if __name__ == "__main__":
    import sys

    from gridtokenx_cli.bench import run_main

    sys.exit(run_main("Compute units per Smallbank transaction type (embedded chain)", measure, format_table))
