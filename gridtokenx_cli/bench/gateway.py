"""Meter gateway benchmark: SQLite queue write throughput (each reading its own WAL transaction, synchronous=FULL,
signed by the meter key) and sustained readings/second delivered to the oracle by the submitter — on the embedded
chain (LiteSVM) and on a local solana-test-validator (skipped without the binary) — and the backlog after an
outage: 100 meters × 30 readings 60 s apart (a 30-minute RPC outage at 60 s polling) drained on a validator,
against the 60 s target.

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
BACKLOG_PORT = 21500
#: a 30-minute outage at 60 s polling: 30 readings per meter, 60 s apart, for 100 meters
BACKLOG_METERS = 100
BACKLOG_PER_METER = 30
BACKLOG_SPACING = 60
BACKLOG_TARGET_SECONDS = 60.0


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
        transport = transport_for(chain)
        sub = Submitter(q, transport, platform.api_gateway,
                        [MeterIdentity(t, meter_id_bytes(t), k) for t, k in keys.items()])
        t0 = time.perf_counter()
        try:
            sub.drain(timeout=900)
        finally:
            transport.close()
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


def _on_fresh_validator(measure: str, port: int, run) -> dict:
    """`run(chain)` on a fresh local solana-test-validator with the platform programs at genesis, stopped
    afterwards; a skipped row (ok, with the reason) where the binary is not built."""
    from gridtokenx_cli.chain.rpc import RpcChain
    from gridtokenx_cli.chain.workspace import Workspace
    from gridtokenx_cli.clients import governance as gov
    from gridtokenx_cli.localnet import Localnet, LocalnetError, validator_binary
    from gridtokenx_cli.platform import PROGRAMS

    try:
        validator_binary()
    except LocalnetError as e:
        return {"measure": measure, "backend": "solana-test-validator", "readings": 0, "seconds": 0,
                "per_second": 0, "ok": True, "note": f"skipped: {e}"}
    ws = Workspace.load()
    boot = str(gov.bootstrap_keypair().pubkey())
    with tempfile.TemporaryDirectory() as tmp:
        net = Localnet(root=Path(tmp), rpc_port=port)
        net.up(reset=True, genesis_programs={n: (ws.so_path(n), boot) for n in PROGRAMS})
        chain = RpcChain(net.url)
        try:
            return run(chain)
        finally:
            chain.close()
            net.down()


def measure_validator(meters: int = METERS, per_meter: int = READINGS_PER_METER // 2) -> dict:
    return _on_fresh_validator("delivered to the oracle", VALIDATOR_PORT,
                               lambda chain: _deliver(chain, "solana-test-validator", meters, per_meter))


def queue_backlog(q, meters: dict[str, Keypair], per_meter: int, spacing: int, end: int) -> int:
    """``per_meter`` readings per meter, ``spacing`` s apart, the last at ``end``: what the gateway queued while
    the validator was unreachable (signed by the meter keys; energy varies so every reading is distinct)."""
    from gridtokenx_cli.meter.config import meter_id_bytes
    from gridtokenx_cli.meter.signing import sign_reading
    from gridtokenx_cli.meter.sources.base import MeterSample

    start = end - per_meter * spacing
    for n, (text_id, key) in enumerate(meters.items()):
        mid = meter_id_bytes(text_id)
        sign = lambda p, c, ts, k=key, m=mid: sign_reading(k, m, p, c, ts)  # noqa: E731
        imp, exp = 1_000 + n, 2_000 + n
        q.record_sample(text_id, MeterSample(imp, exp, start), sign)  # the baseline before the outage
        for i in range(1, per_meter + 1):
            imp, exp = imp + 40 + (i * 7 + n) % 23, exp + (i * 11 + n) % 31
            q.record_sample(text_id, MeterSample(imp, exp, start + i * spacing), sign, min_gap=spacing)
    return len(meters) * per_meter


def drain_backlog(chain, label: str, meters: int = BACKLOG_METERS, per_meter: int = BACKLOG_PER_METER,
                  spacing: int = BACKLOG_SPACING, queue_dir: Path | None = None) -> dict:
    """Provision ``meters`` meters (the oracle's minimum interval = ``spacing``), queue the backlog with
    timestamps in the past (the newest 5 s ago), then time the submitter from its first round until the queue is
    empty. ``exactly_once`` compares the registry's totals per meter and the oracle's counters with the queue."""
    from gridtokenx_cli.meter import onchain
    from gridtokenx_cli.meter.config import meter_id_bytes
    from gridtokenx_cli.meter.provision import provision
    from gridtokenx_cli.meter.queue import DELIVERED, ReadingQueue
    from gridtokenx_cli.meter.submitter import MeterIdentity, Submitter, transport_for

    keys = {f"backlog-{i:03d}": Keypair() for i in range(meters)}
    platform = provision(chain, list(keys.items()), min_reading_interval=spacing, lenient=True)
    with tempfile.TemporaryDirectory(dir=queue_dir) as tmp:
        q = ReadingQueue(Path(tmp) / "q.sqlite")
        chain_now = chain.get_clock().unix_timestamp
        n = queue_backlog(q, keys, per_meter, spacing, end=min(int(time.time()), chain_now) - 5)
        transport = transport_for(chain)
        sub = Submitter(q, transport, platform.api_gateway,
                        [MeterIdentity(t, meter_id_bytes(t), k) for t, k in keys.items()])
        rounds = 0
        t0 = time.perf_counter()
        deadline = t0 + 900
        try:
            while q.depth() and time.perf_counter() < deadline:
                sub.run_round()
                rounds += 1
        finally:
            transport.close()
        dt = time.perf_counter() - t0
        readings = q.readings()
        q.close()
    delivered = [r for r in readings if r.state == DELIVERED]
    expected: dict[str, tuple[int, int, int]] = {}
    for r in delivered:
        gen, cons, count = expected.get(r.meter, (0, 0, 0))
        expected[r.meter] = (gen + r.produced, cons + r.consumed, count + 1)
    on_chain = {}
    addresses = [onchain.meter_account(meter_id_bytes(t)) for t in keys]
    for text_id, data in zip(keys, chain.accounts_data(addresses)):
        m = onchain.decode_meter(data, b"")
        on_chain[text_id] = (m.total_generation, m.total_consumption, m.reading_count)
    cfg = platform.fetch_oracle_config()
    exactly_once = (len(delivered) == n and on_chain == expected
                    and (cfg.total_readings, cfg.valid_readings, cfg.rejected_readings) == (n, n, 0))
    return {"measure": f"backlog drain: {meters} meters x {per_meter} readings {spacing} s apart", "backend": label,
            "readings": len(delivered), "seconds": round(dt, 3), "per_second": round(len(delivered) / dt, 1),
            "rounds": rounds, "target_seconds": BACKLOG_TARGET_SECONDS, "exactly_once": exactly_once,
            "oracle_totals": [cfg.total_readings, cfg.valid_readings, cfg.rejected_readings],
            "ok": exactly_once,
            "note": (f"{rounds} rounds; target <= {BACKLOG_TARGET_SECONDS:.0f} s: "
                     f"{'met' if dt <= BACKLOG_TARGET_SECONDS else 'MISSED'}; exactly once: "
                     f"{'yes' if exactly_once else 'NO'}")}


def measure_backlog(meters: int = BACKLOG_METERS, per_meter: int = BACKLOG_PER_METER, spacing: int = BACKLOG_SPACING,
                    port: int = BACKLOG_PORT) -> dict:
    """The backlog scenario on a fresh local solana-test-validator (skipped without the binary)."""
    return _on_fresh_validator("backlog drain", port, lambda chain: drain_backlog(
        chain, "solana-test-validator", meters, per_meter, spacing))


def measure(validator: bool = True) -> list[dict]:
    rows = [measure_queue(), measure_embedded()]
    if validator:
        rows += [measure_validator(), measure_backlog()]
    return rows


def format_table(rows: list[dict]) -> str:
    head = f"{'measure':<66} {'backend':<24} {'readings':>8} {'seconds':>9} {'per second':>11}  note"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['measure']:<66} {r['backend']:<24} {r['readings']:>8} {r['seconds']:>9} "
                     f"{r['per_second']:>11}  {r['note']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return run_main("Meter gateway throughput: queue writes and readings delivered per second", measure,
                    format_table, argv)


if __name__ == "__main__":
    raise SystemExit(main())
