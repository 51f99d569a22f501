"""What the Smallbank and YCSB workload tests share (their fixtures are in tests/bench/conftest.py): the rejection
check (error code and unchanged state), a PostgreSQL executor's lifetime (load, consistency check, close), running
ops from client threads, and the CU-per-type table check."""
from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor


def snapshot(chain, *addresses):
    return {a: (chain.get_balance(a), chain.account_data(a)) for a in addresses}


def reject(chain, payer, ix, signers, code, watched):
    """`ix` is rejected with error `code` and leaves the `watched` accounts as they were."""
    before = snapshot(chain, *watched)
    out = chain.send(ix, payer, signers)
    assert not out.ok
    assert out.error is not None and out.error.code == code, out.error
    assert snapshot(chain, *watched) == before


@contextlib.contextmanager
def loaded(executor, scale: dict):
    """`executor` loaded with `scale`; its consistency check must pass after the body, and it is closed either way."""
    try:
        executor.load(scale)
        yield executor
        assert executor.check_consistency() == []
    finally:
        executor.close()


def run_threaded(executor, ops, threads: int) -> list:
    """Every op through `executor.execute` from `threads` client threads at once; results in op order."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(executor.execute, ops))


def check_cu_table(workload) -> None:
    """The workload's CU table has a row for every transaction type, every one succeeded with some CU; printed."""
    rows = workload.measure()
    assert {r["tx_type"].split(" ")[0] for r in rows} == set(workload.TX_TYPES)
    assert all(r["ok"] and r["compute_units"] > 0 for r in rows)
    print()
    print(workload.format_table(rows))
