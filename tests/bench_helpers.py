"""What the Smallbank and YCSB workload tests share: fixtures for the embedded chain with programs/blockbench, a
funded payer and a real PostgreSQL server; the rejection check (error code and unchanged state); a PostgreSQL
executor's lifetime (load, consistency check, close); and the CU-per-type table check.

Import the fixtures by name into a test module (`from bench_helpers import built, chain, payer, pg`).
"""
from __future__ import annotations

import contextlib
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

try:  # `pytest` run from the venv's bin/ does not put the repo root on sys.path
    import gridtokenx_cli  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover - depends on how pytest is launched
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest
from solders.keypair import Keypair

from gridtokenx_cli.chain import open_chain
from gridtokenx_cli.testing.svm_lite import program_so


@pytest.fixture(scope="module")
def built():
    program_so("blockbench")


@pytest.fixture
def chain(built):
    c = open_chain("embedded", programs=["blockbench"])
    yield c
    c.close()


@pytest.fixture
def payer(chain):
    kp = Keypair()
    chain.airdrop(kp.pubkey(), 10**10)
    return kp


@pytest.fixture(scope="module")
def pg():
    from gridtokenx_cli.bench.postgres_server import PostgresServer

    try:
        server = PostgresServer()
    except RuntimeError as e:
        pytest.skip(str(e))
    with server:
        yield server


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
