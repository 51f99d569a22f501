"""Meter gateway benchmark: SQLite queue write throughput (each reading its own WAL transaction, synchronous=FULL,
signed by the meter key) and sustained readings/second delivered to the oracle by the submitter — on the embedded
chain (LiteSVM) and on a local solana-test-validator (skipped without the binary).

    python -m gridtokenx_cli.bench.gateway [--json]      (also `gtx meter bench`)
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from solders.keypair import Keypair

from gridtokenx_cli.bench import run_main

METERS = 8
READINGS_PER_METER = 40
QUEUE_WRITES = 2_000
VALIDATOR_PORT = 19500


def _queue_readings(q, meters: dict[str, Keypair], per_meter: int) -> int:
    from gridtokenx_cli.meter.config import meter_id_bytes
    from gridtokenx_cli.meter.signing import sign_reading
    from gridtokenx_cli.meter.sources.base import MeterSample

    start = int(time.time()) - per_meter - 5
    for text_id, key in meters.items():
        mid = meter_id_bytes(text_id)
        sign = lambda p, c, ts, k=key, m=mid: sign_reading(k, m, p, c, ts)  # noqa: E731
        for i in range(per_meter + 1):
            q.record_sample(text_id, MeterSample(1_000 + 13 * i, 500 + 17 * i, start + i), sign)
    return len(meters) * per_meter


def measure_queue(writes: int = QUEUE_WRITES) -> dict:
    from gridtokenx_cli.meter.queue import ReadingQueue

    with tempfile.TemporaryDirectory() as tmp:
        q = ReadingQueue(Path(tmp) / "q.sqlite")
        t0 = time.perf_counter()
        n = _queue_readings(q, {"bench-meter": Keypair()}, writes)
        dt = time.perf_counter() - t0
        q.close()
    return {"measure": "queue write (sign + WAL commit, synchronous=FULL)", "backend": "sqlite", "readings": n,
            "seconds": round(dt, 3), "per_second": round(n / dt, 1), "ok": True, "note": ""}


def _deliver(chain, label: str, meters: int, per_meter: int) -> dict:
    from gridtokenx_cli.meter.config import meter_id_bytes
    from gridtokenx_cli.meter.provision import provision
    from gridtokenx_cli.meter.queue import DELIVERED, ReadingQueue
    from gridtokenx_cli.meter.submitter import MeterIdentity, Submitter, transport_for

    keys = {f"bench-{i}": Keypair() for i in range(meters)}
    platform = provision(chain, list(keys.items()), min_reading_interval=0, lenient=True)
    with tempfile.TemporaryDirectory() as tmp:
        q = ReadingQueue(Path(tmp) / "q.sqlite")
        n = _queue_readings(q, keys, per_meter)
        sub = Submitter(q, transport_for(chain), platform.api_gateway,
                        [MeterIdentity(t, meter_id_bytes(t), k) for t, k in keys.items()])
        t0 = time.perf_counter()
        sub.drain(timeout=900)
        dt = time.perf_counter() - t0
        delivered = sum(1 for r in q.readings() if r.state == DELIVERED)
        q.close()
    return {"measure": f"delivered to the oracle ({meters} meters, in order per meter)", "backend": label,
            "readings": delivered, "seconds": round(dt, 3), "per_second": round(delivered / dt, 1),
            "ok": delivered == n, "note": "" if delivered == n else f"only {delivered} of {n} delivered"}


def measure_embedded(meters: int = METERS, per_meter: int = READINGS_PER_METER) -> dict:
    from gridtokenx_cli.chain.embedded import EmbeddedChain
    from gridtokenx_cli.platform import PROGRAMS

    chain = EmbeddedChain(programs=list(PROGRAMS))
    chain.set_unix_timestamp(int(time.time()))
    try:
        return _deliver(chain, "embedded (LiteSVM)", meters, per_meter)
    finally:
        chain.close()


def measure_validator(meters: int = METERS, per_meter: int = READINGS_PER_METER // 2) -> dict:
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.chain.workspace import Workspace
    from gridtokenx_cli.clients import governance as gov
    from gridtokenx_cli.localnet import Localnet, LocalnetError, validator_binary
    from gridtokenx_cli.platform import PROGRAMS

    try:
        validator_binary()
    except LocalnetError as e:
        return {"measure": "delivered to the oracle", "backend": "solana-test-validator", "readings": 0,
                "seconds": 0, "per_second": 0, "ok": True, "note": f"skipped: {e}"}
    ws = Workspace.load()
    boot = str(gov.bootstrap_keypair().pubkey())
    with tempfile.TemporaryDirectory() as tmp:
        net = Localnet(root=Path(tmp), rpc_port=VALIDATOR_PORT)
        net.up(reset=True, genesis_programs={n: (ws.so_path(n), boot) for n in PROGRAMS})
        chain = RpcChain(net.url)
        try:
            return _deliver(chain, "solana-test-validator", meters, per_meter)
        finally:
            chain.close()
            net.down()


def measure(validator: bool = True) -> list[dict]:
    rows = [measure_queue(), measure_embedded()]
    if validator:
        rows.append(measure_validator())
    return rows


def format_table(rows: list[dict]) -> str:
    head = f"{'measure':<62} {'backend':<24} {'readings':>8} {'seconds':>9} {'per second':>11}  note"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['measure']:<62} {r['backend']:<24} {r['readings']:>8} {r['seconds']:>9} "
                     f"{r['per_second']:>11}  {r['note']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return run_main("Meter gateway throughput: queue writes and readings delivered per second", measure,
                    format_table, argv)


if __name__ == "__main__":
    raise SystemExit(main())
