"""What the YCSB and Smallbank on-chain executors share: building, signing and submitting one transaction per
request on either chain backend, from several client threads.

- Every transaction starts with two ComputeBudget instructions: a unit limit sized for its type (what a production
  client sends; it also keeps the priority fee small) and a unit price of `op.seq` micro-lamports, so two identical
  requests are still distinct transactions (distinct signatures) under the same blockhash.
- Each client thread has its own fee payer: a shared payer would be a writable account in every transaction and
  serialise them all on the validator.
- Embedded (LiteSVM): one lock around submission (LiteSVM is one in-process bank). Transactions go straight to
  LiteSVM without `EmbeddedChain`'s per-transaction blockhash expiry, so transactions signed ahead of time
  (`prepare_many`) stay valid; `op.seq` already keeps them distinct.
- RPC: a plain `RpcChain` is reopened per thread (its event loop is not shareable; the harness passes a thread-safe
  view instead); expiry re-signs through `_submit`.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.transaction import Transaction
from solders.transaction_metadata import TransactionMetadata

from gridtokenx_cli.bench.workload_api import Executor, OpResult
from gridtokenx_cli.chain import Chain, ChainError, TxOutcome

PAYER_LAMPORTS = 100 * 10**9  # fees at seq micro-lamports per CU stay far below this for any realistic run
MAX_CU_LIMIT = 1_400_000


@dataclass
class PreparedTx:
    """A signed transaction plus how to re-sign it (fresh blockhash) and what to do with the outcome."""

    kind: str
    tx: Transaction
    build: Callable[[Hash], Transaction]
    #: called with (outcome, started, ended) — monotonic times around the submission
    on_outcome: Callable[[TxOutcome, float, float], OpResult] | None = None


class ChainExecutor(Executor):
    """Transport half of an on-chain executor; subclasses turn ops into instructions."""

    def __init__(self, chain: Chain):
        self.chain = chain
        self.backend = chain.name
        self._embedded = chain.name == "embedded"
        self._submit_lock = threading.Lock()
        self._local = threading.local()
        self._payer_lock = threading.Lock()

    # ---- per-thread resources ----
    def thread_chain(self) -> Chain:
        """The chain for this thread: the given one, except that a plain `RpcChain` (whose event loop one thread
        at a time can drive) is reopened per client thread. The harness's thread-safe rpc view is used as is."""
        from gridtokenx_cli.chain.rpc import RpcChain

        if not isinstance(self.chain, RpcChain) or threading.current_thread() is threading.main_thread():
            return self.chain
        chain = getattr(self._local, "chain", None)
        if chain is None:
            base = self.chain
            chain = RpcChain(base.url, max_attempts=base.max_attempts, poll_interval=base.poll_interval)
            chain._last_valid_height = base._last_valid_height  # transactions signed on one thread, sent on another
            self._local.chain = chain
        return chain

    def thread_payer(self) -> Keypair:
        payer = getattr(self._local, "payer", None)
        if payer is None:
            payer = Keypair()
            self.fund(payer.pubkey(), PAYER_LAMPORTS)
            self._local.payer = payer
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
        payer = self.thread_payer()
        budget = [set_compute_unit_limit(min(cu_limit, MAX_CU_LIMIT)), set_compute_unit_price(seq)]
        full = [*budget, *ixs]
        keys = {payer.pubkey(): payer}
        for kp in signers:
            keys.setdefault(kp.pubkey(), kp)

        def build(blockhash: Hash) -> Transaction:
            msg = Message.new_with_blockhash(full, payer.pubkey(), blockhash)
            required = msg.account_keys[: msg.header.num_required_signatures]
            return Transaction([keys[k] for k in required], msg, blockhash)

        return PreparedTx(kind, build(self.thread_chain().latest_blockhash()), build, on_outcome)

    def send_prepared(self, prepared: PreparedTx) -> TxOutcome:
        if not self._embedded:
            return self.thread_chain()._submit(prepared.tx, prepared.build)
        chain = self.chain
        with self._submit_lock:
            tx = prepared.tx
            for _ in range(2):
                res = chain.svm.send_transaction(tx)
                ok = isinstance(res, TransactionMetadata)
                meta = res if ok else res.meta()
                if not ok and "BlockhashNotFound" in str(res.err()):
                    # someone expired the blockhash (EmbeddedChain.send does after every transaction): re-sign once
                    tx = prepared.build(chain.latest_blockhash())
                    continue
                return chain._outcome(tx.signatures[0], ok, list(meta.logs()), meta.compute_units_consumed(),
                                      None if ok else res.err())
        raise ChainError("embedded: blockhash expired twice while submitting")

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
        chain = getattr(self._local, "chain", None)
        if chain is not None and chain is not self.chain:
            chain.close()


def outcome_result(outcome: TxOutcome, event: str | None = None) -> OpResult:
    """OpResult of an outcome: the Anchor error name on rejection, the named event's fields as `detail`."""
    if not outcome.ok:
        name = outcome.error.name if outcome.error else str(outcome.raw_error)
        return OpResult(False, error=name, compute_units=outcome.compute_units)
    detail = {}
    if event is not None:
        found = [e for e in outcome.events if e.name == event]
        if found:
            detail = dict(found[-1].data)
    return OpResult(True, compute_units=outcome.compute_units, detail=detail)
