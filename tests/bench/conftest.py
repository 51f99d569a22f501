"""Fixtures of the benchmark tests: the embedded chain with programs/blockbench, a funded payer, a real PostgreSQL
server."""
from __future__ import annotations

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
