"""Helpers for on-chain executors: pre-signed transactions (so `prepare` really does all the client work and the
'limit' measurement submits nothing but bytes), their submission on either backend, their outcome as an `OpResult`,
per-thread fee payers and a thread-safe view of the rpc backend for N client threads, and bulk sending for `load`.

Why not just `Chain.send`: it signs inside the call, and on the embedded backend it expires the blockhash after
every transaction. A batch pre-signed by `prepare_many` shares one blockhash, so it is submitted here without
expiring it. Every transaction starts with ComputeBudget instructions that make two identical requests (two
DoNothing calls, two reads of the same range) distinct transactions under one blockhash instead of
`AlreadyProcessed` duplicates; they are part of every on-chain CU figure the harness reports:

- `nonce_instruction` (blockbench): a `set_compute_unit_limit` whose value is unique per request (150 CU);
- `unit_budget` (YCSB, Smallbank, TPC): a unit limit sized for the type (what a production client sends) and a
  unit price of `seq` micro-lamports, unique per request.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable, Generic, Iterable, Sequence, TypeVar

from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import TransactionMetadata

from gridtokenx_cli.chain import Chain, ChainError, TxOutcome
from gridtokenx_cli.fpenv import restore_default as restore_default_fp_environment

from .workload_api import OpResult

T = TypeVar("T")

COMPUTE_BUDGET_IX_CU = 150  # what the nonce-carrying set_compute_unit_limit instruction itself consumes
NONCE_BASE = 1_000_000      # unique CU limits 1,000,000 … 1,399,999 (the runtime maximum is 1,400,000)
NONCE_SPAN = 400_000


MAX_CU_LIMIT = 1_400_000    # the runtime maximum per transaction


def nonce_instruction(nonce: int) -> Instruction:
    return set_compute_unit_limit(NONCE_BASE + nonce % NONCE_SPAN)


def unit_budget(cu_limit: int, seq: int) -> list[Instruction]:
    """A unit limit sized for the transaction type and a unit price of `seq` micro-lamports (unique per request)."""
    return [set_compute_unit_limit(min(cu_limit, MAX_CU_LIMIT)), set_compute_unit_price(seq)]


@dataclass
class PreparedTx:
    """A signed transaction plus how to re-sign it (fresh blockhash) if it expires before submission, and
    optionally what to make of the outcome."""

    kind: str
    tx: Transaction
    build: Callable[[Hash], Transaction]
    #: called with (outcome, started, ended) — monotonic times around the submission
    on_outcome: Callable[[TxOutcome, float, float], OpResult] | None = None


def build_signed(chain: Chain, ixs: Sequence[Instruction], payer: Keypair, signers: Iterable[Keypair] = (),
                 *, budget: Sequence[Instruction] = (), kind: str = "", blockhash: Hash | None = None,
                 on_outcome: Callable[[TxOutcome, float, float], OpResult] | None = None) -> PreparedTx:
    """Sign `budget` + `ixs` (payer first) now, with `blockhash` or the chain's latest."""
    full = [*budget, *ixs]
    signers = list(signers)

    def build(bh: Hash) -> Transaction:
        return Chain.sign(full, payer, signers, bh)

    return PreparedTx(kind, build(blockhash or chain.latest_blockhash()), build, on_outcome)


def outcome_result(outcome: TxOutcome, event: str | None = None, expected_errors: Iterable[str] = ()) -> OpResult:
    """OpResult of an outcome: on rejection the Anchor error name (else the transaction error's name, with the
    raw error as detail, as that name drops the inner error); on success the named event's fields as detail. An
    error in `expected_errors` is a successful outcome of the request (TPC-C's 1 % new-order rollback): ok, with
    detail {"rolled_back": error}."""
    if not outcome.ok:
        if outcome.error is not None:
            name, detail = outcome.error.name, {}
        else:
            name = str(outcome.raw_error).split("(")[0].split(".")[-1] or "TransactionError"
            detail = {"raw": str(outcome.raw_error)}
        if name in expected_errors:
            return OpResult(True, compute_units=outcome.compute_units, detail={"rolled_back": name})
        return OpResult(False, error=name, compute_units=outcome.compute_units, detail=detail)
    detail = {}
    if event is not None:
        found = [e for e in outcome.events if e.name == event]
        if found:
            detail = dict(found[-1].data)
    return OpResult(True, compute_units=outcome.compute_units, detail=detail)


def submit_prepared(chain: Chain, prepared: PreparedTx, lock: threading.Lock | None = None) -> TxOutcome:
    """Submit a pre-signed transaction and wait for its outcome, on either backend (on the embedded one under
    `lock`, when given)."""
    svm = getattr(chain, "svm", None)
    if svm is None:  # rpc: the backend resends with a fresh blockhash if this one expires
        return chain.submit(prepared.tx, prepared.build)
    with lock or nullcontext():
        tx = prepared.tx
        for _ in range(3):
            res = svm.send_transaction(tx)
            restore_default_fp_environment()  # LiteSVM can leave it changed (gridtokenx_cli/fpenv.py)
            ok = isinstance(res, TransactionMetadata)
            if not ok and "BlockhashNotFound" in str(res.err()):
                # someone expired the blockhash this was signed with (EmbeddedChain.send does after every
                # transaction): re-sign
                tx = prepared.build(svm.latest_blockhash())
                continue
            meta = res if ok else res.meta()
            return Chain.outcome(tx.signatures[0], ok, list(meta.logs()), meta.compute_units_consumed(),
                                  None if ok else res.err())
    raise ChainError("blockhash kept expiring while submitting a pre-signed transaction")


class PerThread(Generic[T]):
    """One value per client thread, made by `factory` on the thread's first `get()`; `made()` lists them all."""

    def __init__(self, factory: Callable[[], T]):
        self._factory = factory
        self._local = threading.local()
        self._made: list[T] = []
        self._lock = threading.Lock()

    def get(self) -> T:
        value = getattr(self._local, "value", None)
        if value is None:
            value = self._factory()
            self._local.value = value
            with self._lock:
                self._made.append(value)
        return value

    def peek(self) -> T | None:
        """This thread's value, if it has one."""
        return getattr(self._local, "value", None)

    def take_all(self) -> list[T]:
        """Every value made so far, forgotten here (for closing them)."""
        with self._lock:
            made, self._made = self._made, []
        return made


def send_many(chain: Chain, txs: Sequence[tuple[Sequence[Instruction], Keypair, Sequence[Keypair]]],
              *, parallel: int = 16) -> list[TxOutcome]:
    """Send independent transactions (loading state): in order on the embedded backend, `parallel` at a time on rpc."""
    def one(item):
        ixs, payer, signers = item
        return chain.send(list(ixs), payer, signers)

    if getattr(chain, "svm", None) is not None or parallel <= 1:
        return [one(t) for t in txs]
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, txs))


class PayerPool:
    """Funded fee payers, one per client thread (a shared payer would write-lock one account in every
    transaction and serialise the whole run on Solana)."""

    def __init__(self, chain: Chain, size: int = 32, lamports: int = 100 * 10**9, seed: bytes = b"gtx-bench-payer"):
        import hashlib

        self.payers = [Keypair.from_seed(hashlib.sha256(seed + i.to_bytes(4, "little")).digest())
                       for i in range(size)]
        def fund(kp: Keypair) -> None:
            if chain.get_balance(kp.pubkey()) < lamports // 2:
                chain.airdrop(kp.pubkey(), lamports)

        if getattr(chain, "svm", None) is not None:
            for kp in self.payers:
                fund(kp)
        else:  # rpc: airdrops confirm in about a slot each, so ask for them all at once
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(fund, self.payers))
        self._next = 0
        self._lock = threading.Lock()
        self._mine = PerThread(self._assign)

    def _assign(self) -> Keypair:
        with self._lock:
            kp = self.payers[self._next % len(self.payers)]
            self._next += 1
        return kp

    def mine(self) -> Keypair:
        """This thread's payer (threads get payers round-robin in the order they first ask)."""
        return self._mine.get()


class ThreadSafeRpcChain(Chain):
    """The rpc backend for many client threads. Every transaction goes through one shared `RpcPipeline` (one event
    loop: batched sends and status polls, background blockhash), so N threads waiting on outcomes cost the node one
    poll, not N; reads go through a per-thread `RpcChain` (its event loop one thread at a time can drive)."""

    name = "rpc"
    #: how long a client thread waits for one outcome before calling it a transport failure
    OUTCOME_TIMEOUT = 300.0

    def __init__(self, url: str, **kwargs):
        from gridtokenx_cli.chain.pipeline import RpcPipeline
        from gridtokenx_cli.chain.rpc import RpcChain, resolve_url

        self.url = resolve_url(url)
        # the settings RpcChain has, for executors that open their own per-thread RpcChain from these
        self.max_attempts = kwargs.get("max_attempts", 5)
        self.poll_interval = kwargs.get("poll_interval", 0.4)
        self.priority_fee = kwargs.get("priority_fee_micro_lamports", 0)
        self.last_valid_heights: dict = {}  # shared, so a transaction signed on one thread is tracked on another

        def open_chain() -> RpcChain:
            chain = RpcChain(self.url, **kwargs)
            chain.last_valid_heights = self.last_valid_heights
            return chain

        self._chains = PerThread(open_chain)
        self.pipeline = RpcPipeline(self.url, poll_interval=min(self.poll_interval, 0.05),
                                    max_resigns=self.max_attempts, known_last_valid=self.last_valid_heights)
        self.workspace = self._mine().workspace

    def _mine(self):
        return self._chains.get()

    def latest_blockhash(self) -> Hash:
        return self.pipeline.blockhash()  # refreshed in the background: no round trip per transaction

    def submit(self, tx, message_builder) -> TxOutcome:
        import concurrent.futures

        try:
            return self.pipeline.submit(tx, message_builder).result(timeout=self.OUTCOME_TIMEOUT)
        except concurrent.futures.TimeoutError:
            raise ChainError(f"no outcome for {tx.signatures[0]} after {self.OUTCOME_TIMEOUT:.0f} s") from None

    def get_account(self, address: Pubkey):
        return self._mine().get_account(address)

    def get_clock(self):
        return self._mine().get_clock()

    def get_balance(self, address: Pubkey) -> int:
        return self._mine().get_balance(address)

    def airdrop(self, address: Pubkey, lamports: int) -> None:
        self._mine().airdrop(address, lamports)

    def close(self) -> None:
        self.pipeline.close()
        # each RpcChain's event loop belongs to the thread that made it; closing from here is best effort
        for chain in self._chains.take_all():
            try:
                chain.close()
            except Exception:
                pass


def presigned_transfers(payers: Sequence[Keypair], n: int, blockhash: Hash) -> list:
    """`n` pre-signed system transfers, payer i mod len(payers) to a new address each (no two share a written
    account other than the payer), for the validator's own limit."""
    from solders.system_program import TransferParams, transfer

    rent_exempt_min = 890_880  # a new system account of 0 bytes

    def job(i: int):
        from gridtokenx_cli.chain.pipeline import Job

        payer = payers[i % len(payers)]
        to = Keypair().pubkey()

        def build(bh: Hash) -> Transaction:
            return Chain.sign([transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=to,
                                                       lamports=rent_exempt_min + i))], payer, [], bh)

        return Job(build, label="transfer", tx=build(blockhash))

    return [job(i) for i in range(n)]
