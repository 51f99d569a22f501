"""Helpers for on-chain executors: pre-signed transactions (so `prepare` really does all the client work and the
'limit' measurement submits nothing but bytes), their submission on either backend, a thread-safe view of the rpc
backend for N client threads, and bulk sending for `load`.

Why not just `Chain.send`: it signs inside the call, and on the embedded backend it expires the blockhash after
every transaction. A batch pre-signed by `prepare_many` shares one blockhash, so it is submitted here without
expiring it; each transaction carries a ComputeBudget `set_compute_unit_limit` whose value is unique per request
(`nonce`), which keeps two identical requests (two DoNothing calls, two reads of the same range) distinct
transactions under one blockhash instead of `AlreadyProcessed` duplicates. That instruction costs 150 CU, which is
part of every on-chain CU figure the harness reports.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from solders.compute_budget import set_compute_unit_limit
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import TransactionMetadata

from gridtokenx_cli.chain import Chain, ChainError, TxOutcome

from .workload_api import OpResult

COMPUTE_BUDGET_IX_CU = 150  # what the nonce-carrying set_compute_unit_limit instruction itself consumes
NONCE_BASE = 1_000_000      # unique CU limits 1,000,000 … 1,399,999 (the runtime maximum is 1,400,000)
NONCE_SPAN = 400_000


def nonce_instruction(nonce: int) -> Instruction:
    return set_compute_unit_limit(NONCE_BASE + nonce % NONCE_SPAN)


@dataclass
class PreparedTx:
    """A signed transaction plus what is needed to re-sign it if its blockhash expires before submission."""

    kind: str
    tx: Transaction
    builder: Callable[[Hash], Transaction]


def build_signed(chain: Chain, ixs: Sequence[Instruction], payer: Keypair, signers: Iterable[Keypair] = (),
                 *, nonce: int | None = None, kind: str = "", blockhash: Hash | None = None) -> PreparedTx:
    """Sign `ixs` (payer first) now, with `blockhash` or the chain's latest."""
    ixs = list(ixs)
    if nonce is not None:
        ixs = [nonce_instruction(nonce), *ixs]
    keys = {payer.pubkey(): payer}
    for kp in signers:
        keys.setdefault(kp.pubkey(), kp)

    def builder(bh: Hash) -> Transaction:
        msg = Message.new_with_blockhash(ixs, payer.pubkey(), bh)
        required = msg.account_keys[: msg.header.num_required_signatures]
        return Transaction([keys[k] for k in required], msg, bh)

    return PreparedTx(kind, builder(blockhash or chain.latest_blockhash()), builder)


def outcome_result(outcome: TxOutcome) -> OpResult:
    if outcome.ok:
        return OpResult(True, compute_units=outcome.compute_units)
    if outcome.error is not None:
        name = outcome.error.name
    else:
        name = str(outcome.raw_error).split("(")[0].split(".")[-1] or "TransactionError"
    return OpResult(False, error=name, compute_units=outcome.compute_units, detail={"raw": str(outcome.raw_error)})


def submit_prepared(chain: Chain, prepared: PreparedTx) -> TxOutcome:
    """Submit a pre-signed transaction and wait for its outcome, on either backend."""
    svm = getattr(chain, "svm", None)
    if svm is None:  # rpc: the backend resends with a fresh blockhash if this one expires
        return chain._submit(prepared.tx, prepared.builder)
    tx = prepared.tx
    for _ in range(3):
        res = svm.send_transaction(tx)
        ok = isinstance(res, TransactionMetadata)
        if not ok and "BlockhashNotFound" in str(res.err()):
            # another executor's Chain.send expired the blockhash this batch was signed with: re-sign
            tx = prepared.builder(svm.latest_blockhash())
            continue
        meta = res if ok else res.meta()
        return Chain._outcome(tx.signatures[0], ok, list(meta.logs()), meta.compute_units_consumed(),
                              None if ok else res.err())
    raise ChainError("blockhash kept expiring while submitting a pre-signed transaction")


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
        self._local = threading.local()
        self._next = 0
        self._lock = threading.Lock()

    def mine(self) -> Keypair:
        """This thread's payer (threads get payers round-robin in the order they first ask)."""
        kp = getattr(self._local, "payer", None)
        if kp is None:
            with self._lock:
                kp = self.payers[self._next % len(self.payers)]
                self._next += 1
            self._local.payer = kp
        return kp


class ThreadSafeRpcChain(Chain):
    """The rpc backend for many client threads: `RpcChain` runs calls on a private event loop, which one thread
    at a time can drive, so each thread gets its own `RpcChain` (and HTTP connection) to the same URL."""

    name = "rpc"

    def __init__(self, url: str, **kwargs):
        from gridtokenx_cli.chain.rpc import RpcChain, resolve_url

        self.url = resolve_url(url)
        # the settings RpcChain has, for executors that open their own per-thread RpcChain from these
        self.max_attempts = kwargs.get("max_attempts", 5)
        self.poll_interval = kwargs.get("poll_interval", 0.4)
        self.priority_fee = kwargs.get("priority_fee_micro_lamports", 0)
        self._factory = lambda: RpcChain(self.url, **kwargs)
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()
        self._last_valid_height: dict = {}  # shared, so a transaction signed on one thread is tracked on another
        self.workspace = self._mine().workspace

    def _mine(self):
        chain = getattr(self._local, "chain", None)
        if chain is None:
            chain = self._factory()
            chain._last_valid_height = self._last_valid_height
            self._local.chain = chain
            with self._lock:
                self._all.append(chain)
        return chain

    def latest_blockhash(self) -> Hash:
        return self._mine().latest_blockhash()

    def _submit(self, tx, message_builder) -> TxOutcome:
        return self._mine()._submit(tx, message_builder)

    def send(self, instructions, payer, signers=(), *, check=False) -> TxOutcome:
        return self._mine().send(instructions, payer, signers, check=check)

    def get_account(self, address: Pubkey):
        return self._mine().get_account(address)

    def get_clock(self):
        return self._mine().get_clock()

    def get_balance(self, address: Pubkey) -> int:
        return self._mine().get_balance(address)

    def airdrop(self, address: Pubkey, lamports: int) -> None:
        self._mine().airdrop(address, lamports)

    def close(self) -> None:
        # each RpcChain's event loop belongs to the thread that made it; closing from here is best effort
        with self._lock:
            chains, self._all = self._all, []
        for chain in chains:
            try:
                chain.close()
            except Exception:
                pass
