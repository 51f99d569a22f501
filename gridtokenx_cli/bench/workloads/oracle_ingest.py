"""Oracle ingest: meter-signed readings relayed by the API gateway through `submit_meter_reading`, many meters.

The platform's hot path: each request is `[Ed25519 precompile (the meter's signature), submit_meter_reading]` —
signature check, the oracle's validation, and the registry CPI that books the energy. Every reading writes the
oracle config's counters, so the validator executes them one after another: this is the oracle's own ceiling.

Scale: `meters` (registered to one owner, oracle state initialised, during `load`). Requests go round-robin over
the meters; a meter's readings are stamped one second apart from `load` time minus the oracle's first-reading
window, and the executor holds a per-meter lock from signing to outcome, so a meter's readings land in order
(the oracle refuses a reading older than the meter's last). `load` sets the oracle's `min_reading_interval` to 0
(the bench sends readings a second apart; the 15-minute cadence of real meters would need a million meters to
load the validator) — every other validation rule stays as configured.
"""
from __future__ import annotations

import hashlib
import threading
from typing import Iterator

from solders.keypair import Keypair

from gridtokenx_cli.bench.workload_api import Executor, Op, OpResult

NAME = "oracle_ingest"
TX_TYPES = ("reading",)
PRODUCED_WH, CONSUMED_WH = 10, 8  # constant per reading: no deviation or capacity rejection at a 1 s spacing


def default_scale() -> dict:
    return {"meters": 256}


def scale_for_accounts(accounts: int) -> dict:
    return {"meters": accounts}


class TicketGate:
    """In-order turns for one meter across client threads: `issue()` hands out tickets in call order, `wait(t)`
    blocks until every earlier ticket is `done()`."""

    def __init__(self):
        self._cond = threading.Condition()
        self._issued = 0
        self._serving = 0

    def issue(self) -> int:
        with self._cond:
            self._issued += 1
            return self._issued - 1

    def wait(self, ticket: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._serving == ticket)

    def done(self) -> None:
        with self._cond:
            self._serving += 1
            self._cond.notify_all()


def generate(scale: dict, seed: int) -> Iterator[Op]:
    meters = int(scale["meters"])
    seq = 0
    while True:
        yield Op("reading", {"meter": seq % meters}, seq)
        seq += 1


class OnChainExecutor(Executor):
    """The platform bootstrapped on the chain (`bootstrap_platform`: the committed localnet keys, as `gtx init`),
    `meters` meters of one prosumer; readings relayed by the platform's API gateway, fees paid by a payer pool."""

    def __init__(self, chain):
        from gridtokenx_cli.bench.onchain import PayerPool

        self.chain = chain
        self.backend = getattr(chain, "name", "embedded")
        self.payers = PayerPool(chain, size=32, seed=b"gtx-bench-oracle-ingest-payer")
        self.platform = None
        self.meters: list = []
        self.next_ts: list[int] = []
        self.gates: list[TicketGate] = []
        self.base = (0, 0)  # reading count and generation of the meters before this executor's requests
        self.accepted = 0
        self._count_lock = threading.Lock()

    def load(self, scale: dict) -> None:
        from gridtokenx_cli.bench.onchain import send_many
        from gridtokenx_cli.clients import oracle as orc
        from gridtokenx_cli.clients import registry as reg
        from gridtokenx_cli.generated.registry.accounts import MeterAccount
        from gridtokenx_cli.platform import bootstrap_platform

        p = self.platform = bootstrap_platform(self.chain)
        cfg = p.fetch_oracle_config()
        if cfg.min_reading_interval != 0:
            p.send(orc.ix_update_oracle_config(p.bootstrap.pubkey(),
                                               orc.params_from_config(cfg, min_reading_interval=0)))
            cfg = p.fetch_oracle_config()
        owner = p.register_participant("Prosumer", Keypair.from_seed(hashlib.sha256(b"gtx-bench-ingest-owner").digest()))
        wanted = int(scale["meters"])
        keys = [Keypair.from_seed(hashlib.sha256(b"gtx-bench-ingest-meter" + i.to_bytes(4, "little")).digest())
                for i in range(len(self.meters), wanted)]
        ids = [reg.meter_id(f"ingest-{i}") for i in range(len(self.meters), wanted)]
        have = self.chain.accounts_data([reg.meter_pda(mid)[0] for mid in ids])
        send_many(self.chain, [(reg.register_meter_ixs(owner.pubkey, mid, "Solar", key, reg.DEFAULT_CAPACITY_W),
                                owner.keypair, []) for mid, key, data in zip(ids, keys, have) if data is None])
        states = self.chain.accounts_data([orc.meter_state_pda(mid)[0] for mid in ids])
        send_many(self.chain, [([orc.ix_initialize_meter_state(p.api_gateway.pubkey(), mid)], p.api_gateway, [])
                               for mid, data in zip(ids, states) if data is None])
        start = p.now() - int(cfg.first_reading_max_interval) + 60
        registered = self.chain.accounts_data([reg.meter_pda(mid)[0] for mid in ids])  # one batch, not one per meter
        for mid, key, data in zip(ids, keys, registered):
            meter = MeterAccount.decode(data)
            self.meters.append((mid, key))
            self.next_ts.append(max(start, int(meter.last_reading_at) + 1))
            self.gates.append(TicketGate())
        self.base = self._booked()

    def _build(self, index: int, payer: Keypair, blockhash=None):
        from gridtokenx_cli.bench.onchain import build_signed
        from gridtokenx_cli.clients import oracle as orc

        mid, key = self.meters[index]
        ts = self.next_ts[index]
        self.next_ts[index] += 1
        ixs = orc.signed_reading_instructions(key, self.platform.api_gateway.pubkey(), mid, PRODUCED_WH, CONSUMED_WH,
                                              ts)
        return build_signed(self.chain, ixs, payer, [self.platform.api_gateway], kind="reading", blockhash=blockhash)

    def prepare(self, op: Op):
        # the meter's turn is taken before its timestamp is stamped and given back after the outcome (submit):
        # one reading per meter in flight, in stamp order
        index = op.args["meter"] % len(self.meters)
        ticket = self.gates[index].issue()
        self.gates[index].wait(ticket)
        try:
            return index, None, self._build(index, self.payers.mine())
        except BaseException:
            self.gates[index].done()
            raise

    def prepare_many(self, ops) -> list:
        # pre-signed and ticketed in list order; submit waits for the meter's turn
        blockhash = self.chain.latest_blockhash()
        out = []
        for i, op in enumerate(ops):
            index = op.args["meter"] % len(self.meters)
            out.append((index, self.gates[index].issue(),
                        self._build(index, self.payers.payers[i % len(self.payers.payers)], blockhash)))
        return out

    def submit(self, prepared) -> OpResult:
        from gridtokenx_cli.bench.onchain import outcome_result, submit_prepared

        index, ticket, tx = prepared
        if ticket is not None:
            self.gates[index].wait(ticket)
        try:
            outcome = submit_prepared(self.chain, tx)
        finally:
            self.gates[index].done()
        result = outcome_result(outcome, "MeterReadingAccepted")
        if result.ok and any(e.name == "ReadingRejected" for e in outcome.events):
            rejected = next(e for e in outcome.events if e.name == "ReadingRejected")
            from gridtokenx_cli.meter.submitter import reason_name

            return OpResult(False, error=f"ReadingRejected:{reason_name(rejected.data.get('reason'))}",
                            compute_units=outcome.compute_units)
        if result.ok:
            with self._count_lock:
                self.accepted += 1
        return result

    def _booked(self) -> tuple[int, int]:
        from gridtokenx_cli.clients import registry as reg
        from gridtokenx_cli.generated.registry.accounts import MeterAccount

        data = self.chain.accounts_data([reg.meter_pda(mid)[0] for mid, _ in self.meters])
        accounts = [MeterAccount.decode(d) for d in data if d is not None]
        return sum(int(m.reading_count) for m in accounts), sum(int(m.total_generation) for m in accounts)

    def check_consistency(self) -> list[str]:
        """Every accepted reading is booked once: the meters' reading counts grew by exactly the accepted
        readings, and their generation by PRODUCED_WH each."""
        found = []
        count, generation = (now - before for now, before in zip(self._booked(), self.base))
        if count != self.accepted:
            found.append(f"meters booked {count} readings, {self.accepted} were accepted")
        if generation != self.accepted * PRODUCED_WH:
            found.append(f"meters booked {generation} Wh generation, expected {self.accepted * PRODUCED_WH}")
        return found
