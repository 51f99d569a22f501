"""The backlog after an outage on a real solana-test-validator: readings queued with past timestamps (60 s apart,
the oracle's minimum interval) drain up to three per transaction, many meters in flight, and every reading lands
exactly once — the registry's totals per meter and the oracle's counters equal the queue's. The drain time is
printed (`gtx meter bench` prints the full 100 meters × 30 readings figure), not asserted."""
from __future__ import annotations

import tempfile
from pathlib import Path

from gridtokenx_cli.bench.gateway import drain_backlog
from gridtokenx_cli.chain.rpc import RpcChain
from gridtokenx_cli.chain.workspace import Workspace
from gridtokenx_cli.clients import governance as gov
from gridtokenx_cli.localnet import Localnet
from gridtokenx_cli.platform import PROGRAMS
from gridtokenx_cli.testing.validator import needs_validator

pytestmark = needs_validator

PORT = 21700


def test_a_backlog_drains_in_order_exactly_once_on_a_validator(tmp_path):
    ws = Workspace.load()
    boot = str(gov.bootstrap_keypair().pubkey())
    net = Localnet(root=Path(tempfile.mkdtemp(dir=tmp_path)), rpc_port=PORT)
    net.up(reset=True, genesis_programs={n: (ws.so_path(n), boot) for n in PROGRAMS})
    chain = RpcChain(net.url)
    try:
        row = drain_backlog(chain, "solana-test-validator", meters=20, per_meter=9, spacing=60, queue_dir=tmp_path)
    finally:
        chain.close()
        net.down()
    print(f"\nbacklog: {row}")
    assert row["readings"] == 180 and row["oracle_totals"] == [180, 180, 0]
    assert row["exactly_once"] and row["ok"]
    # three readings per transaction: 9 readings per meter take about three rounds
    assert row["rounds"] < 9  # one reading per transaction would need at least 9
