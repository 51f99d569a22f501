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


def test_a_rejection_inside_a_batch_is_named_on_a_validator(tmp_path):
    """On rpc a transaction whose readings were all accepted is resolved from its status and the meter's oracle
    counters alone; one carrying a rejection is not (the counters grew by fewer valid readings), so its events
    are fetched and the rejection lands on its own reading."""
    import time

    from solders.keypair import Keypair

    from gridtokenx_cli.meter.config import meter_id_bytes
    from gridtokenx_cli.meter.provision import provision, set_oracle_limits
    from gridtokenx_cli.meter.queue import DELIVERED, REJECTED, ReadingQueue
    from gridtokenx_cli.meter.signing import sign_reading
    from gridtokenx_cli.meter.sources.base import MeterSample
    from gridtokenx_cli.meter.submitter import MeterIdentity, Submitter, transport_for

    ws = Workspace.load()
    boot = str(gov.bootstrap_keypair().pubkey())
    net = Localnet(root=Path(tempfile.mkdtemp(dir=tmp_path)), rpc_port=PORT + 100)
    net.up(reset=True, genesis_programs={n: (ws.so_path(n), boot) for n in PROGRAMS})
    chain = RpcChain(net.url)
    transport = transport_for(chain)
    try:
        keys = {"ok-meter": Keypair(), "mixed-meter": Keypair()}
        platform = provision(chain, list(keys.items()), min_reading_interval=0, lenient=True)
        set_oracle_limits(platform, max_energy_value=100)
        q = ReadingQueue(tmp_path / "q.sqlite")
        start = min(int(time.time()), chain.get_clock().unix_timestamp) - 60
        for text_id, key in keys.items():
            mid = meter_id_bytes(text_id)
            registers = [(0, 0), (10, 20), (20, 40), (30, 60)] if text_id == "ok-meter" else \
                [(0, 0), (10, 20), (10, 520), (15, 530)]
            for i, (imp, exp) in enumerate(registers):
                q.record_sample(text_id, MeterSample(imp, exp, start + i),
                                lambda p, c, ts, k=key, m=mid: sign_reading(k, m, p, c, ts))
        sub = Submitter(q, transport, platform.api_gateway,
                        [MeterIdentity(t, meter_id_bytes(t), k) for t, k in keys.items()])
        fetched: list = []  # the signatures whose transactions were fetched for their events
        fetch = transport.outcomes
        transport.outcomes = lambda sigs: (fetched.extend(sigs), fetch(sigs))[1]  # type: ignore[method-assign]
        sub.drain(timeout=120)
        ok, mixed = q.readings("ok-meter"), q.readings("mixed-meter")
        assert [(r.state, r.outcome) for r in ok] == [(DELIVERED, "confirmed")] * 3
        assert [(r.state, r.outcome) for r in mixed] == [
            (DELIVERED, "confirmed"), (REJECTED, "ReadingRejected:OutOfRange"), (DELIVERED, "confirmed")]
        assert len({r.tx_signature for r in ok}) == 1 and len({r.tx_signature for r in mixed}) == 1
        assert str(mixed[0].tx_signature) in {str(x) for x in fetched}  # the rejection needed the events
        assert str(ok[0].tx_signature) not in {str(x) for x in fetched}  # status + counters were enough
        cfg = platform.fetch_oracle_config()
        assert (cfg.total_readings, cfg.valid_readings, cfg.rejected_readings) == (6, 5, 1)
        q.close()
    finally:
        transport.close()
        chain.close()
        net.down()
