"""RPC backend: solana-py AsyncClient against solana-test-validator or any cluster URL.

The calls are synchronous (the CLI is), run on a private event loop. Sending re-signs with a fresh blockhash and
resends when the blockhash expires (up to `max_attempts`), can add a priority fee (a number or "auto", from the
recent fees of the transaction's writable accounts) and a compute-unit limit (fixed, or "simulate": measured by a
simulation, and a transaction whose simulation fails is reported without being sent), and confirms by block height:
a transaction whose blockhash's last valid block height has passed without a status is known to be dropped.
Every RPC call survives a node that goes away for a while (a restarted validator, a dropped connection): it is
retried with backoff for `reconnect_timeout` seconds, then fails with a ChainError naming the attempts.
`stats` counts re-signs (blockhash expiry) and reconnect retries, for tests and `--json` reports.
"""
from __future__ import annotations

import asyncio
from typing import Sequence
import time

from solana.exceptions import SolanaRpcException
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed
from solana.rpc.types import TxOpts
from solders.account import Account
from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.hash import Hash
from solders.instruction import Instruction
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import Transaction
from solders.transaction_status import TransactionConfirmationStatus

from .base import Chain, ChainError, ClockView, TransactionRejected, TxOutcome

MONIKERS = {
    "localnet": "http://127.0.0.1:8899",
    "localhost": "http://127.0.0.1:8899",
    "devnet": "https://api.devnet.solana.com",
    "testnet": "https://api.testnet.solana.com",
    "mainnet-beta": "https://api.mainnet-beta.solana.com",
}


def resolve_url(url: str) -> str:
    return MONIKERS.get(url, url)


COMPUTE_BUDGET = Pubkey.from_string("ComputeBudget111111111111111111111111111111")
CU_LIMIT_TAG, CU_PRICE_TAG = 2, 3  # ComputeBudgetInstruction variants (u8 tag)
MAX_COMPUTE_UNITS = 1_400_000
#: a simulated transaction's limit is units × 1.1 + this: state can move between simulation and execution
CU_MARGIN = 1_000
PRIORITY_FEE_PERCENTILE = 75
PRIORITY_FEE_CACHE_SECONDS = 10.0


def check_priority_fee(value: int | str) -> int | str:
    """A priority fee setting: micro-lamports per CU (an int >= 0) or "auto"; ValueError otherwise."""
    if value == "auto":
        return value
    try:
        fee = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"priority fee {value!r} is neither a number of micro-lamports nor 'auto'") from None
    if fee < 0 or fee >= 1 << 64:
        raise ValueError(f"priority fee {fee} is outside 0..2^64-1 micro-lamports per compute unit")
    return fee


def check_compute_unit_limit(value: int | str | None) -> int | str | None:
    """A compute-unit limit setting: None, "simulate" or an int in 1..1,400,000; ValueError otherwise."""
    if value is None or value == "simulate":
        return value
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"compute-unit limit {value!r} is neither a number nor 'simulate'") from None
    if not 1 <= limit <= MAX_COMPUTE_UNITS:
        raise ValueError(f"compute-unit limit {limit} is outside 1..{MAX_COMPUTE_UNITS:,}")
    return limit


def fee_percentile(fees: Sequence[int], percentile: int = PRIORITY_FEE_PERCENTILE) -> int:
    """The `percentile`-th percentile (nearest rank) of recent per-slot fees; 0 without any, never below 0."""
    ranked = sorted(fees)
    if not ranked:
        return 0
    return max(0, ranked[min(len(ranked) - 1, len(ranked) * percentile // 100)])


def units_with_margin(units: int) -> int:
    return min(MAX_COMPUTE_UNITS, units * 11 // 10 + CU_MARGIN)


def writable_accounts(instructions: Sequence[Instruction], payer: Pubkey) -> list[Pubkey]:
    """The accounts a transaction of `instructions` paid by `payer` write (the payer included)."""
    keys = {payer: None}
    for ix in instructions:
        for meta in ix.accounts:
            if meta.is_writable:
                keys[meta.pubkey] = None
    return list(keys)


def _has_budget_ix(instructions: Sequence[Instruction], tag: int) -> bool:
    return any(ix.program_id == COMPUTE_BUDGET and bytes(ix.data)[:1] == bytes([tag]) for ix in instructions)


class RpcChain(Chain):
    name = "rpc"

    def __init__(self, url: str = "localnet", *, max_attempts: int = 5, priority_fee_micro_lamports: int = 0,
                 priority_fee: int | str | None = None, compute_unit_limit: int | str | None = None,
                 poll_interval: float = 0.4, reconnect_timeout: float = 30.0):
        self.url = resolve_url(url)
        self.max_attempts = max_attempts
        self.reconnect_timeout = reconnect_timeout
        self.stats = {"resigned": 0, "reconnect_retries": 0, "simulated": 0}
        #: micro-lamports per compute unit on every transaction, or "auto" (recent fees of its writable accounts)
        self.priority_fee: int | str = check_priority_fee(
            priority_fee if priority_fee is not None else priority_fee_micro_lamports)
        #: None: no SetComputeUnitLimit (the runtime's default); an int: that limit; "simulate": measured per send
        self.compute_unit_limit = check_compute_unit_limit(compute_unit_limit)
        self._fee_cache: dict[frozenset[Pubkey], tuple[float, int]] = {}
        self.poll_interval = poll_interval
        self._loop = asyncio.new_event_loop()
        self.client = AsyncClient(self.url, commitment=Confirmed)
        #: blockhash -> the last block height it is valid at, for every blockhash fetched (chains of one client may
        #: share one dict, so a transaction signed on one thread is tracked on another)
        self.last_valid_heights: dict[Hash, int] = {}
        from .workspace import Workspace

        self.workspace = Workspace.load()

    def _run(self, coro):
        try:
            return self._loop.run_until_complete(coro)
        except (OSError, asyncio.TimeoutError) as e:
            raise ChainError(f"RPC {self.url} unreachable: {e}") from e
        except SolanaRpcException as e:  # solana-py's wrapper around httpx transport errors
            cause = e.__cause__ or e
            raise ChainError(f"RPC {self.url} unreachable: {type(cause).__name__} {cause}") from cause
        except Exception as e:  # httpx errors
            if type(e).__module__.startswith("httpx"):
                raise ChainError(f"RPC {self.url}: {e}") from e
            raise

    def call(self, method, *args, **kwargs):
        """`self.client.<method>(*args)` with reconnect: connection failures are retried (backoff 0.25 s doubling
        to 2 s) until `reconnect_timeout` has passed; then ChainError. A fresh coroutine is made per attempt."""
        deadline = time.monotonic() + self.reconnect_timeout
        delay, attempts = 0.25, 0
        while True:
            attempts += 1
            try:
                return self._run(getattr(self.client, method)(*args, **kwargs))
            except ChainError as e:
                if time.monotonic() + delay > deadline:
                    raise ChainError(f"RPC {self.url} unreachable after {attempts} attempts over "
                                     f"{self.reconnect_timeout:.0f} s ({method}): {e.__cause__ or e}") from e
                self.stats["reconnect_retries"] += 1
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def close(self) -> None:
        if not self._loop.is_closed():
            self._loop.run_until_complete(self.client.close())
            self._loop.close()

    def is_healthy(self) -> bool:
        try:
            return bool(self._run(self.client.is_connected()))  # no retry: a health probe answers now
        except ChainError:
            return False

    def latest_blockhash(self) -> Hash:
        resp = self.call("get_latest_blockhash", Confirmed)
        self.last_valid_heights[resp.value.blockhash] = resp.value.last_valid_block_height
        return resp.value.blockhash

    def send(self, instructions, payer, signers=(), *, check=False):
        """Like Chain.send, with the compute-budget instructions this chain was configured for prepended (those the
        caller already put in are kept). With compute_unit_limit="simulate" the transaction is simulated first:
        a failing one is not sent, and its outcome (decoded like a sent one's) is returned or raised the same way."""
        ixs = [instructions] if isinstance(instructions, Instruction) else list(instructions)
        signers = list(signers)
        budget, failed = self.compute_budget(ixs, payer, signers)
        if failed is not None:
            if check:
                raise TransactionRejected(failed)
            return failed
        return super().send([*budget, *ixs], payer, signers, check=check)

    def compute_budget(self, ixs: Sequence[Instruction], payer, signers: Sequence = ()
                       ) -> tuple[list[Instruction], TxOutcome | None]:
        """The compute-budget instructions to put before `ixs` (none of a kind the caller already put in), or,
        with compute_unit_limit="simulate", the failed simulation's outcome (nothing to send)."""
        fee = self.priority_fee_for(writable_accounts(ixs, payer.pubkey()))
        budget = [] if _has_budget_ix(ixs, CU_PRICE_TAG) or not fee else [set_compute_unit_price(fee)]
        if _has_budget_ix(ixs, CU_LIMIT_TAG) or self.compute_unit_limit is None:
            return budget, None
        if self.compute_unit_limit == "simulate":
            # priced at 0: the fee check of a simulation at 1.4M CU x a high price could refuse a payer that can
            # afford the real transaction; the price instruction stays (it costs the same compute units)
            unpriced = [set_compute_unit_price(0)] if budget else []
            simulated = self.simulate([set_compute_unit_limit(MAX_COMPUTE_UNITS), *unpriced, *ixs], payer, signers)
            if not simulated.ok:
                return [], simulated
            limit = units_with_margin(simulated.compute_units)
        else:
            limit = int(self.compute_unit_limit)
        return [set_compute_unit_limit(limit), *budget], None

    def simulate(self, instructions, payer, signers=()) -> TxOutcome:
        """simulateTransaction (signatures not verified) as a TxOutcome: ok, logs, units consumed, the decoded
        error. The signature is that of the transaction that was simulated, which was not sent."""
        ixs = [instructions] if isinstance(instructions, Instruction) else list(instructions)
        for attempt in range(2):
            tx = self.sign(ixs, payer, list(signers), self.latest_blockhash())
            value = self.call("simulate_transaction", tx, sig_verify=False, commitment=Confirmed).value
            # the node behind the one that gave the blockhash: once more with a fresh one
            if attempt == 0 and value.err is not None and "BlockhashNotFound" in str(value.err):
                continue
            break
        self.stats["simulated"] += 1
        return self.outcome(tx.signatures[0], value.err is None, list(value.logs or []), value.units_consumed or 0,
                            value.err)

    def priority_fee_for(self, writable: Sequence[Pubkey]) -> int:
        """The fee in micro-lamports per CU for a transaction writing `writable`: the configured number, or with
        "auto" the PRIORITY_FEE_PERCENTILE-th percentile of getRecentPrioritizationFees over those accounts (the
        last 150 slots), floor 0, cached PRIORITY_FEE_CACHE_SECONDS per account set."""
        if self.priority_fee != "auto":
            return int(self.priority_fee)
        key = frozenset(writable)
        cached = self._fee_cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < PRIORITY_FEE_CACHE_SECONDS:
            return cached[1]
        fee = fee_percentile([int(r["prioritizationFee"]) for r in self.json_rpc(
            "getRecentPrioritizationFees", [[str(k) for k in list(key)[:128]]])])
        self._fee_cache[key] = (time.monotonic(), fee)
        return fee

    def json_rpc(self, method: str, params: list):
        """A JSON-RPC method solana-py has no wrapper for; its `result`. Transport failures are retried like `call`."""
        import httpx

        async def post():
            async with httpx.AsyncClient(timeout=30.0) as http:
                reply = (await http.post(self.url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                                         "params": params})).json()
            if "error" in reply:
                raise ChainError(f"RPC {self.url} {method}: {reply['error'].get('message', reply['error'])}")
            return reply["result"]

        deadline = time.monotonic() + self.reconnect_timeout
        while True:
            try:
                return self._run(post())
            except ChainError as e:
                if e.__cause__ is None or time.monotonic() > deadline:  # an RPC error answer is not retried
                    raise
                self.stats["reconnect_retries"] += 1
                time.sleep(0.5)

    def submit(self, tx: Transaction, message_builder) -> TxOutcome:
        for attempt in range(1, self.max_attempts + 1):
            blockhash = tx.message.recent_blockhash
            last_valid = self.last_valid_heights.get(blockhash)
            # resending the same signed bytes is idempotent, so `call` may retry it across a reconnect
            sig = self.call("send_raw_transaction", bytes(tx),
                            TxOpts(skip_preflight=True, preflight_commitment=Confirmed)).value
            if self._await(sig, last_valid):
                return self._fetch_outcome(sig)
            if attempt < self.max_attempts:
                self.stats["resigned"] += 1
                tx = message_builder(self.latest_blockhash())  # expired: re-sign with a fresh blockhash
        raise ChainError(f"transaction not confirmed after {self.max_attempts} attempts (blockhash expiry)")

    def _await(self, sig: Signature, last_valid: int | None, timeout: float = 90.0) -> bool:
        """True once confirmed; False when the blockhash expired first (block height passed last_valid) or,
        without a known last valid height, after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while last_valid is not None or time.monotonic() < deadline:
            status = self.call("get_signature_statuses", [sig]).value[0]
            if status is not None and status.confirmation_status not in (None, TransactionConfirmationStatus.Processed):
                return True
            if last_valid is not None:
                height = self.call("get_block_height", Confirmed).value
                if height > last_valid:
                    return False
            time.sleep(self.poll_interval)
        return False

    def _fetch_outcome(self, sig: Signature) -> TxOutcome:
        for _ in range(50):
            resp = self.call("get_transaction", sig, commitment=Confirmed, max_supported_transaction_version=0)
            if resp.value is not None:
                meta = resp.value.transaction.meta
                logs = list(meta.log_messages or [])
                cu = meta.compute_units_consumed or 0
                return self.outcome(sig, meta.err is None, logs, cu, meta.err)
            time.sleep(self.poll_interval)
        raise ChainError(f"transaction {sig} confirmed but not returned by getTransaction")

    # ---- batch primitives (one call covers many transactions / accounts) ----
    # No reconnect loop here (unlike `call`): a batch caller (the gateway) aborts the round on an outage and
    # backs off itself.
    def blockhash_with_expiry(self) -> tuple[Hash, int | None]:
        v = self._run(self.client.get_latest_blockhash(Confirmed)).value
        self.last_valid_heights[v.blockhash] = v.last_valid_block_height
        return v.blockhash, v.last_valid_block_height

    def broadcast(self, tx: Transaction) -> Signature:
        """sendTransaction without preflight or waiting; an RPC-level refusal raises ChainError (not sent)."""
        try:
            return self._run(self.client.send_raw_transaction(
                bytes(tx), TxOpts(skip_preflight=True, preflight_commitment=Confirmed))).value
        except ChainError:
            raise
        except Exception as e:  # e.g. the node is behind: the transaction was not accepted
            raise ChainError(f"sendTransaction: {e}") from e

    def confirmed_outcomes(self, signatures: Sequence[Signature]) -> dict[Signature, TxOutcome]:
        """getSignatureStatuses in batches of 256 (history searched), then getTransaction for the confirmed."""
        found: dict[Signature, TxOutcome] = {}
        sigs = list(signatures)
        for i in range(0, len(sigs), 256):
            chunk = sigs[i:i + 256]
            statuses = self._run(self.client.get_signature_statuses(chunk, search_transaction_history=True))
            for sig, st in zip(chunk, statuses.value):
                if st is not None and st.confirmation_status in (TransactionConfirmationStatus.Confirmed,
                                                                 TransactionConfirmationStatus.Finalized):
                    found[sig] = self._fetch_outcome_once(sig)
        return found

    def _fetch_outcome_once(self, sig: Signature) -> TxOutcome:
        """Like `_fetch_outcome` but without `call`'s reconnect loop: a batch caller handles outages."""
        for _ in range(50):
            resp = self._run(self.client.get_transaction(sig, commitment=Confirmed,
                                                         max_supported_transaction_version=0))
            if resp.value is not None:
                meta = resp.value.transaction.meta
                return self.outcome(sig, meta.err is None, list(meta.log_messages or []),
                                     meta.compute_units_consumed or 0, meta.err)
            time.sleep(0.2)
        raise ChainError(f"transaction {sig} confirmed but not returned by getTransaction")

    def block_height(self) -> int | None:
        return self._run(self.client.get_block_height(Confirmed)).value

    def accounts_data(self, addresses: Sequence[Pubkey]) -> list[bytes | None]:
        out: list[bytes | None] = []
        for i in range(0, len(addresses), 100):
            resp = self._run(self.client.get_multiple_accounts(list(addresses[i:i + 100])))
            out += [None if a is None else bytes(a.data) for a in resp.value]
        return out

    def get_account(self, address: Pubkey) -> Account | None:
        return self.call("get_account_info", address).value

    def get_clock(self) -> ClockView:
        from solders.sysvar import CLOCK
        from solders.clock import Clock
        acc = self.get_account(CLOCK)
        if acc is None:
            raise ChainError("clock sysvar not readable")
        c = Clock.from_bytes(bytes(acc.data)) if hasattr(Clock, "from_bytes") else None
        if c is None:
            import struct
            slot, _epoch_start, epoch, _leader, ts = struct.unpack("<QqQQq", bytes(acc.data)[:40])
            return ClockView(slot, ts, epoch)
        return ClockView(c.slot, c.unix_timestamp, c.epoch)

    def get_balance(self, address: Pubkey) -> int:
        return self.call("get_balance", address).value

    def airdrop(self, address: Pubkey, lamports: int) -> None:
        sig = self.call("request_airdrop", address, lamports).value
        if not self._await(sig, None):
            raise ChainError("airdrop not confirmed")
