"""What the YCSB, Smallbank and TPC on-chain executors share: building, signing and submitting one transaction per
request on either chain backend, from several client threads (with `gridtokenx_cli.bench.onchain`), and the
compute-units-per-type table each workload prints.

- Every transaction starts with two ComputeBudget instructions: a unit limit sized for its type (what a production
  client sends; it also keeps the priority fee small) and a unit price of `op.seq` micro-lamports, so two identical
  requests are still distinct transactions (distinct signatures) under the same blockhash.
- Each client thread has its own fee payer: a shared payer would be a writable account in every transaction and
  serialise them all on the validator.
- Embedded (LiteSVM): one lock around submission (LiteSVM is one in-process bank). Transactions go straight to
  LiteSVM without `EmbeddedChain`'s per-transaction blockhash expiry, so transactions signed ahead of time
  (`prepare_many`) stay valid; `op.seq` already keeps them distinct.
- RPC: a plain `RpcChain` is reopened per thread (its event loop is not shareable; the harness passes a thread-safe
  view instead); expiry re-signs through `submit`.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Sequence

from solders.instruction import Instruction
from solders.keypair import Keypair

from gridtokenx_cli.bench.onchain import (PerThread, PreparedTx, build_signed, outcome_result, submit_prepared,
                                          unit_budget)
from gridtokenx_cli.bench.workload_api import Executor, Op, OpResult
from gridtokenx_cli.chain import Chain, ChainError, TxOutcome

PAYER_LAMPORTS = 100 * 10**9  # fees at seq micro-lamports per CU stay far below this for any realistic run


class ChainExecutor(Executor):
    """Transport half of an on-chain executor; subclasses turn ops into instructions."""

    def __init__(self, chain: Chain):
        self.chain = chain
        self.backend = chain.name
        self._embedded = chain.name == "embedded"
        self._submit_lock = threading.Lock()
        self._payer_lock = threading.Lock()
        self._chains = PerThread(self._reopen_rpc)
        self._payers = PerThread(self._new_payer)

    # ---- per-thread resources ----
    def thread_chain(self) -> Chain:
        """The chain for this thread: the given one, except that a plain `RpcChain` (whose event loop one thread
        at a time can drive) is reopened per client thread. The harness's thread-safe rpc view is used as is."""
        from gridtokenx_cli.chain.rpc import RpcChain

        if not isinstance(self.chain, RpcChain) or threading.current_thread() is threading.main_thread():
            return self.chain
        return self._chains.get()

    def _reopen_rpc(self) -> Chain:
        from gridtokenx_cli.chain.rpc import RpcChain

        base = self.chain
        chain = RpcChain(base.url, max_attempts=base.max_attempts, poll_interval=base.poll_interval)
        chain.last_valid_heights = base.last_valid_heights  # transactions signed on one thread, sent on another
        return chain

    def thread_payer(self) -> Keypair:
        return self._payers.get()

    def _new_payer(self) -> Keypair:
        payer = Keypair()
        self.fund(payer.pubkey(), PAYER_LAMPORTS)
        return payer

    def fund(self, address, lamports: int) -> None:
        """Top `address` up to `lamports`. LiteSVM airdrops are transactions under the latest blockhash, which this
        executor does not expire per transaction: expire it first so a repeated airdrop is not a duplicate."""
        chain = self.thread_chain()
        with self._payer_lock:
            have = chain.get_balance(address)
            if have >= lamports:
                return
            if self._embedded:
                with self._submit_lock:
                    chain.svm.expire_blockhash()
            chain.airdrop(address, lamports - have)

    # ---- building and sending ----
    def sign(self, kind: str, ixs: Sequence[Instruction], signers: Sequence[Keypair], seq: int, cu_limit: int,
             on_outcome: Callable[[TxOutcome, float, float], OpResult] | None = None) -> PreparedTx:
        chain = self.thread_chain()
        payer = self.thread_payer()
        return build_signed(chain, ixs, payer, signers, budget=unit_budget(cu_limit, seq), kind=kind,
                            on_outcome=on_outcome)

    def send_prepared(self, prepared: PreparedTx) -> TxOutcome:
        return submit_prepared(self.thread_chain(), prepared, self._submit_lock)

    def submit(self, prepared: PreparedTx) -> OpResult:
        started = time.monotonic()
        try:
            outcome = self.send_prepared(prepared)
        except ChainError as e:
            return OpResult(False, error=f"ChainError: {e}")
        if prepared.on_outcome is not None:
            return prepared.on_outcome(outcome, started, time.monotonic())
        return outcome_result(outcome)

    def send_setup(self, ixs: Sequence[Instruction], signers: Sequence[Keypair], cu_limit: int = 400_000) -> TxOutcome:
        """Load-phase transactions: signed and sent at once, rejection raises."""
        from gridtokenx_cli.chain import TransactionRejected

        prepared = self.sign("setup", ixs, signers, seq=int(time.monotonic_ns() % 1_000_000), cu_limit=cu_limit)
        outcome = self.send_prepared(prepared)
        if not outcome.ok:
            raise TransactionRejected(outcome)
        return outcome

    def close(self) -> None:
        chain = self._chains.peek()
        if chain is not None and chain is not self.chain:
            chain.close()


# ----------------------------------------------------------------------------- compute units per type


def measure_cu(name: str, program: str, chain: Chain | None,
               setup: Callable[[Chain], tuple[Executor, Sequence[tuple[str, Op]]]],
               extra: Callable[[OpResult], dict] | None = None) -> list[dict]:
    """One transaction per labelled op on `chain` (default: a fresh embedded chain with `program`, closed after):
    `setup(chain)` loads and returns the executor and the [(label, op)] to run. One row per op with its compute
    units as the runtime reports them, plus `extra(result)`."""
    from gridtokenx_cli.chain import open_chain

    own = chain is None
    chain = chain or open_chain("embedded", programs=[program])
    ex, ops = setup(chain)
    rows = []
    for label, op in ops:
        res = ex.execute(op)
        rows.append({"workload": name, "tx_type": label, "compute_units": res.compute_units, "ok": res.ok,
                     "error": res.error, **(extra(res) if extra else {})})
    if own:
        chain.close()
    return rows


def format_cu_table(heading: str, rows: list[dict], width: int, cu_width: int = 8,
                    columns: Sequence[tuple[str, str, int]] = ()) -> str:
    """`measure_cu` rows as text: label, CU, any further (header, row key, width) `columns`, then ok or the error."""
    def line(label, cu, cells, ok) -> str:
        return " ".join([f"{label:<{width}}", f"{cu:>{cu_width}}", *(f"{v:>{w}}" for v, w in cells)]) + f"  {ok}"

    lines = [line(heading, "CU", [(h, w) for h, _, w in columns], "ok")]
    lines += [line(r["tx_type"], r["compute_units"] or 0, [(r[k], w) for _, k, w in columns],
                   "yes" if r["ok"] else r["error"]) for r in rows]
    return "\n".join(lines)
