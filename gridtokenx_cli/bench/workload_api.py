"""The contract between workload generators, executors and the benchmark harness (`gtx bench run`).

A workload lives in `gridtokenx_cli/bench/workloads/<name>.py` and provides:

- `NAME: str` and `TX_TYPES: tuple[str, ...]` (its transaction types, e.g. YCSB's read/update/insert/scan/rmw);
- `default_scale() -> dict` (records, accounts, warehouses… — what `load` creates);
- `generate(scale: dict, seed: int, **options) -> Iterator[Op]`: the client-side request stream, as the real benchmark
  defines it (YCSB zipfian/latest/uniform, TPC-C NURand and the 45/43/4/4/4 mix …), deterministic for a seed, endless
  (the harness stops it by op count or duration). No on-chain randomness.
- executors, one per backend, each a subclass of `Executor`: `OnChainExecutor(chain)` (works on both chain backends,
  embedded LiteSVM and rpc, through `gridtokenx_cli.chain.Chain`) and, where the workload has a centralised baseline,
  `PostgresExecutor(dsn)` with the same schema and transaction logic in SQL.
- optionally `scale_for_accounts(n: int) -> dict`: the scale with `n` accounts, for `gtx bench scale`'s account sweep
  (without it the harness sets an `accounts`, `records` or `customers` key of the default scale).

The harness (`gridtokenx_cli/bench/harness.py`) renumbers `Op.seq` so it stays unique for an executor's lifetime,
across warm-up, measurement and limit, and runs every phase of a measurement on the same client threads.

Executors must be safe to call from several client threads at once (the harness runs 1…32 clients): the on-chain
executor signs per call and the chain backends serialise where they must; the PostgreSQL executor keeps one connection
per thread.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Iterable


@dataclass(frozen=True)
class Op:
    """One client request. `args` holds JSON-serialisable values only, so a run can be written down and replayed.
    `seq` is unique within a run: on-chain executors use it to keep two identical requests distinct transactions."""

    kind: str
    args: dict[str, Any]
    seq: int = 0


@dataclass
class OpResult:
    ok: bool
    error: str | None = None          # Anchor error name, SQL error class, or transport error
    compute_units: int | None = None  # on-chain only
    detail: dict[str, Any] = field(default_factory=dict)


class Executor(ABC):
    """Runs one workload's requests against one backend."""

    backend: str = "?"  # "embedded", "rpc" or "postgres"

    @abstractmethod
    def load(self, scale: dict) -> None:
        """Create the initial state (tables / accounts) for `scale`; idempotent for the same scale."""

    def prepare(self, op: Op) -> Any:
        """Client work for `op` (encode, sign …) up to the point of submission. Default: nothing to prepare."""
        return op

    @abstractmethod
    def submit(self, prepared: Any) -> OpResult:
        """Submit what `prepare` returned and wait for the outcome."""

    def execute(self, op: Op) -> OpResult:
        return self.submit(self.prepare(op))

    def prepare_many(self, ops: Iterable[Op]) -> list[Any]:
        """Pre-build and pre-sign a batch for the 'limit' measurement (runtime with no client work)."""
        return [self.prepare(op) for op in ops]

    @abstractmethod
    def check_consistency(self) -> list[str]:
        """The workload's invariants on the current state (Smallbank conservation, TPC-C conditions 1–4 …);
        returns the violations found, empty when consistent."""

    def close(self) -> None:
        pass
