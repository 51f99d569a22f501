"""RPC backend: solana-py AsyncClient against solana-test-validator or any cluster URL.

The calls are synchronous (the CLI is), run on a private event loop. Sending re-signs with a fresh blockhash and
resends when the blockhash expires (up to `max_attempts`), can add a priority fee (a number or "auto", from the
recent fees of the transaction's writable accounts) and a compute-unit limit (fixed, or "simulate": measured by a
simulation, and a transaction whose simulation fails is reported without being sent), and confirms by block height:
a transaction whose blockhash's last valid block height has passed without a status is known to be dropped.
Every RPC call survives a node that goes away for a while (a restarted validator, a dropped connection): it is
retried with backoff for `reconnect_timeout` seconds, then fails with a ChainError naming the attempts.
`stats` counts re-signs (blockhash expiry) and reconnect retries, for tests and `--json` reports.

Several URLs (`"http://a:8899,http://b:8899"` or a list; nodes of one cluster) make an :class:`RpcEndpoints`: calls
go to the current URL and fail over to the next on a connection error (refused, reset, timed out) or when the
current node stops advancing — its slot, read at most every `check_interval` seconds, has not moved for
`stall_timeout` seconds while another node is at a higher slot. Every failover is counted (`stats["failovers"]`,
`stats["url"]`), logged (logger ``gridtokenx_cli.chain.failover``, one warning line) and told to `listeners`.
A transaction in flight across a failover is not executed twice: the same signed bytes are sent to the new node,
and it is re-signed only when the new node's block height is past its blockhash's last valid height and the new
node has no status for it (both read from that one node, the height first). With one URL nothing of this runs.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, Callable, Sequence
import time

import httpx

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


def parse_urls(url: str | Sequence[str]) -> list[str]:
    """The RPC URLs of `url`: one URL or moniker, a comma-separated list of them, or a sequence; monikers resolved,
    order kept, repeats dropped. ValueError for an empty entry of a list (one bare URL is taken as it is)."""
    parts = url.split(",") if isinstance(url, str) else [p for u in url for p in str(u).split(",")]
    if len(parts) == 1 and isinstance(url, str):
        return [resolve_url(url)]
    urls: list[str] = []
    for i, part in enumerate(parts):
        part = part.strip()
        if not part:
            raise ValueError(f"entry {i + 1} of the URL list {url!r} is empty")
        resolved = resolve_url(part)
        if resolved not in urls:
            urls.append(resolved)
    if not urls:
        raise ValueError("no RPC URL given")
    return urls


#: seconds a node's slot may stand still (while another node's is ahead) before clients leave it
DEFAULT_STALL_TIMEOUT = 10.0
#: seconds between two reads of the current node's slot (the stall check's cache)
STALL_CHECK_INTERVAL = 1.0
#: seconds a getSlot probe of a node may take
PROBE_TIMEOUT = 2.0

failover_log = logging.getLogger("gridtokenx_cli.chain.failover")


def probe_slot(url: str, timeout: float = PROBE_TIMEOUT) -> int | None:
    """getSlot (processed) of `url`, or None when it does not answer within `timeout`."""
    try:
        reply = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "getSlot",
                                      "params": [{"commitment": "processed"}]}, timeout=timeout).json()
        return int(reply["result"])
    except (httpx.HTTPError, OSError, KeyError, TypeError, ValueError):
        return None


class RpcEndpoints:
    """The RPC URLs a client uses (several: nodes of one cluster) and which one is current. Shared by an RpcChain,
    the connections opened from it and its pipeline, so they all move together (thread-safe). `failovers` counts
    the moves; `fail_over` is the only way the current URL changes."""

    def __init__(self, urls: str | Sequence[str], *, stall_timeout: float = DEFAULT_STALL_TIMEOUT,
                 check_interval: float = STALL_CHECK_INTERVAL, probe_timeout: float = PROBE_TIMEOUT):
        self.urls = parse_urls(urls)
        self.index = 0
        self.failovers = 0
        self.stall_timeout = stall_timeout
        self.check_interval = check_interval
        self.probe_timeout = probe_timeout
        self.last_failover: dict | None = None
        #: called with each failover's event dict (from_url, to_url, reason, failovers), on the thread that saw it
        self.listeners: list[Callable[[dict], None]] = []
        self._lock = threading.Lock()
        self._progress: dict[str, tuple[int, float]] = {}  # url -> (slot, monotonic time it was first seen)
        self._checked = float("-inf")

    @property
    def current(self) -> str:
        return self.urls[self.index]

    @property
    def multiple(self) -> bool:
        return len(self.urls) > 1

    def others(self, url: str) -> list[str]:
        """The other URLs, in failover order after `url`."""
        i = self.urls.index(url) if url in self.urls else -1
        ordered = self.urls[i + 1:] + self.urls[:i + 1]
        return [u for u in ordered if u != url]

    def fail_over(self, from_url: str, reason: str, to_url: str | None = None) -> bool:
        """Leave `from_url` for `to_url` (default: the next URL). False, and nothing done, with one URL or when
        `from_url` is no longer current (another caller moved already)."""
        with self._lock:
            if not self.multiple or self.current != from_url:
                return False
            self.index = self.urls.index(to_url) if to_url in self.urls else (self.index + 1) % len(self.urls)
            self.failovers += 1
            event = {"from_url": from_url, "to_url": self.current, "reason": reason, "failovers": self.failovers}
            self.last_failover = event
        failover_log.warning("RPC failover %d: %s -> %s (%s)", event["failovers"], from_url, event["to_url"], reason)
        for listener in list(self.listeners):
            listener(event)
        return True

    # ---- stall detection: a node whose slot does not move while another's is ahead ----
    def check_due(self, now: float | None = None) -> bool:
        """Whether the current node's slot should be read now (several URLs, `check_interval` since the last)."""
        if not self.multiple:
            return False
        now = time.monotonic() if now is None else now
        with self._lock:
            if now - self._checked < self.check_interval:
                return False
            self._checked = now
            return True

    def note_slot(self, url: str, slot: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._progress.get(url)
            if seen is None or seen[0] != slot:
                self._progress[url] = (slot, now)

    def stalled_for(self, url: str, now: float | None = None) -> tuple[int, float] | None:
        """(slot, seconds) when `url`'s slot has not moved for at least `stall_timeout` seconds, else None."""
        now = time.monotonic() if now is None else now
        seen = self._progress.get(url)
        if seen is None or now - seen[1] < self.stall_timeout:
            return None
        return seen[0], now - seen[1]

    def stall_reason(self, url: str, slot: int, seconds: float, other: str, other_slot: int) -> str:
        return f"stalled: slot {slot} unchanged for {seconds:.1f} s while {other} is at slot {other_slot}"

    def check_stall(self, probe: Callable[[str], int | None] | None = None) -> bool:
        """The synchronous stall check (at most every `check_interval`): read the current node's slot; stalled →
        probe the others and fail over to the first that is ahead. True when it failed over."""
        if not self.check_due():
            return False
        probe = probe or (lambda u: probe_slot(u, self.probe_timeout))
        url = self.current
        slot = probe(url)
        if slot is None:
            return False  # not answering: the call itself fails over on its connection error
        self.note_slot(url, slot)
        stalled = self.stalled_for(url)
        if stalled is None:
            return False
        for other in self.others(url):
            other_slot = probe(other)
            if other_slot is None:
                continue
            self.note_slot(other, other_slot)
            if other_slot > stalled[0]:
                return self.fail_over(url, self.stall_reason(url, stalled[0], stalled[1], other, other_slot), other)
        return False


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

    def __init__(self, url: str | Sequence[str] = "localnet", *, max_attempts: int = 5,
                 priority_fee_micro_lamports: int = 0, priority_fee: int | str | None = None,
                 compute_unit_limit: int | str | None = None, poll_interval: float = 0.4,
                 reconnect_timeout: float = 30.0, request_timeout: float = 10.0,
                 stall_timeout: float = DEFAULT_STALL_TIMEOUT, endpoints: RpcEndpoints | None = None):
        #: the URLs and the current one; shared with connections and pipelines made from this chain
        self.endpoints = endpoints if endpoints is not None else RpcEndpoints(url, stall_timeout=stall_timeout)
        self.max_attempts = max_attempts
        self.reconnect_timeout = reconnect_timeout
        self.request_timeout = request_timeout
        self.stats: dict[str, Any] = {"resigned": 0, "reconnect_retries": 0, "simulated": 0,
                                       "failovers": self.endpoints.failovers, "url": self.url}
        #: micro-lamports per compute unit on every transaction, or "auto" (recent fees of its writable accounts)
        self.priority_fee: int | str = check_priority_fee(
            priority_fee if priority_fee is not None else priority_fee_micro_lamports)
        #: None: no SetComputeUnitLimit (the runtime's default); an int: that limit; "simulate": measured per send
        self.compute_unit_limit = check_compute_unit_limit(compute_unit_limit)
        self._fee_cache: dict[frozenset[Pubkey], tuple[float, int]] = {}
        self.poll_interval = poll_interval
        self._loop = asyncio.new_event_loop()
        self._clients: dict[str, AsyncClient] = {}
        self._client(self.url)
        self._confirmed_epoch = 0  # the failover count when `_await` last saw a confirmation
        #: blockhash -> the last block height it is valid at, for every blockhash fetched (chains of one client may
        #: share one dict, so a transaction signed on one thread is tracked on another)
        self.last_valid_heights: dict[Hash, int] = {}
        from .workspace import Workspace

        self.workspace = Workspace.load()

    @property
    def url(self) -> str:
        """The URL calls go to now (the first of several until a failover)."""
        return self.endpoints.current

    @property
    def urls(self) -> list[str]:
        return self.endpoints.urls

    @property
    def client(self) -> AsyncClient:
        return self._client(self.url)

    def _client(self, url: str) -> AsyncClient:
        client = self._clients.get(url)
        if client is None:
            client = self._clients[url] = AsyncClient(url, commitment=Confirmed, timeout=self.request_timeout)
        return client

    def _run(self, coro, url: str | None = None):
        url = url or self.url
        try:
            return self._loop.run_until_complete(coro)
        except (OSError, asyncio.TimeoutError) as e:
            raise ChainError(f"RPC {url} unreachable: {e}") from e
        except SolanaRpcException as e:  # solana-py's wrapper around httpx transport errors
            cause = e.__cause__ or e
            raise ChainError(f"RPC {url} unreachable: {type(cause).__name__} {cause}") from cause
        except Exception as e:  # httpx errors
            if type(e).__module__.startswith("httpx"):
                raise ChainError(f"RPC {url}: {e}") from e
            raise

    def _fail_over(self, url: str, error: BaseException) -> bool:
        """`url` failed (a connection error): move every user of these endpoints to the next URL."""
        moved = self.endpoints.fail_over(url, f"{type(error).__name__}: {error}"[:300])
        self._note_failovers()
        return moved

    def _note_failovers(self) -> None:
        self.stats["failovers"] = self.endpoints.failovers
        self.stats["url"] = self.url

    def _check_stall(self) -> bool:
        """With several URLs, at most every `check_interval` s: leave a node that stopped advancing."""
        if not self.endpoints.multiple:
            return False
        moved = self.endpoints.check_stall()
        self._note_failovers()
        return moved

    def call(self, method, *args, **kwargs):
        """`self.client.<method>(*args)` with reconnect: connection failures are retried (backoff 0.25 s doubling
        to 2 s) until `reconnect_timeout` has passed; then ChainError. A fresh coroutine is made per attempt.
        With several URLs a failure moves to the next URL at once; the backoff starts after every URL failed."""
        deadline = time.monotonic() + self.reconnect_timeout
        delay, attempts, unanswered = 0.25, 0, 0
        while True:
            attempts += 1
            self._check_stall()
            url = self.url
            try:
                return self._run(getattr(self._client(url), method)(*args, **kwargs), url)
            except ChainError as e:
                if self.endpoints.multiple:
                    self._fail_over(url, e.__cause__ or e)
                    unanswered += 1
                    if unanswered % len(self.urls) and time.monotonic() < deadline:
                        continue  # the next URL, now
                if time.monotonic() + delay > deadline:
                    where = self.url if not self.endpoints.multiple else ", ".join(self.urls)
                    raise ChainError(f"RPC {where} unreachable after {attempts} attempts over "
                                     f"{self.reconnect_timeout:.0f} s ({method}): {e.__cause__ or e}") from e
                self.stats["reconnect_retries"] += 1
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def _once(self, make, what: str = ""):
        """`make(client)` on the current URL once, without `call`'s reconnect loop (a batch caller handles
        outages): a connection error fails over and raises, and so does a stall found before it — a round's
        reads then all come from one node."""
        before = self.url
        if self._check_stall():
            raise ChainError(f"RPC {before} stalled; failed over to {self.url} ({what or 'call'} not made there: "
                             f"{(self.endpoints.last_failover or {}).get('reason', '')})")
        url = self.url
        try:
            return self._run(make(self._client(url)), url)
        except ChainError as e:
            self._fail_over(url, e.__cause__ or e)
            raise

    def close(self) -> None:
        if not self._loop.is_closed():
            for client in self._clients.values():
                self._loop.run_until_complete(client.close())
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
        deadline = time.monotonic() + self.reconnect_timeout
        unanswered = 0
        while True:
            self._check_stall()
            url = self.url
            try:
                return self._run(self._post(url, method, params), url)
            except ChainError as e:
                if e.__cause__ is None or time.monotonic() > deadline:  # an RPC error answer is not retried
                    raise
                if self.endpoints.multiple:
                    self._fail_over(url, e.__cause__)
                    unanswered += 1
                    if unanswered % len(self.urls):
                        continue  # the next URL, now
                self.stats["reconnect_retries"] += 1
                time.sleep(0.5)

    async def _post(self, url: str, method: str, params: list, timeout: float = 30.0):
        async with httpx.AsyncClient(timeout=timeout) as http:
            reply = (await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                                "params": params})).json()
        if "error" in reply:
            raise ChainError(f"RPC {url} {method}: {reply['error'].get('message', reply['error'])}")
        return reply["result"]

    def json_rpc_once(self, method: str, params: list):
        """Like `json_rpc` without the reconnect loop (a batch caller handles outages): a connection error fails
        over to the next URL and raises ChainError."""
        return self._once(lambda _client: self._post(self.url, method, params, self.request_timeout), method)

    def submit(self, tx: Transaction, message_builder) -> TxOutcome:
        for attempt in range(1, self.max_attempts + 1):
            blockhash = tx.message.recent_blockhash
            last_valid = self.last_valid_heights.get(blockhash)
            # resending the same signed bytes is idempotent, so `call` may retry it across a reconnect
            sig = self._send_raw(tx)
            sent_at = None
            while self._await(sig, last_valid, tx, sent_at):
                outcome = self._fetch_outcome(sig, self._confirmed_epoch)
                if outcome is not None:
                    return outcome
                # failed over after the confirmation: the new node's word is needed (the same bytes, idempotent)
                sent_at = self._confirmed_epoch
            if attempt < self.max_attempts:
                self.stats["resigned"] += 1
                tx = message_builder(self.latest_blockhash())  # expired: re-sign with a fresh blockhash
        raise ChainError(f"transaction not confirmed after {self.max_attempts} attempts (blockhash expiry)")

    def _send_raw(self, tx: Transaction) -> Signature:
        return self.call("send_raw_transaction", bytes(tx),
                         TxOpts(skip_preflight=True, preflight_commitment=Confirmed)).value

    def _await(self, sig: Signature, last_valid: int | None, tx: Transaction | None = None,
               sent_at: int | None = None, timeout: float = 90.0) -> bool:
        """True once confirmed; False when the blockhash expired first (block height passed last_valid) or,
        without a known last valid height, after `timeout` seconds. The height is read before the status, from
        the same node (no failover in between), so a transaction that landed in time is always seen before its
        expiry is believed. After a failover `tx` (the same signed bytes) is sent to the new node."""
        deadline = time.monotonic() + timeout
        sent_at = self.endpoints.failovers if sent_at is None else sent_at  # the failover count `tx` went out at
        while last_valid is not None or time.monotonic() < deadline:
            epoch = self.endpoints.failovers
            if tx is not None and epoch != sent_at:
                self._send_raw(tx)  # the node it went to is gone: the same bytes to this one (idempotent)
                sent_at = epoch = self.endpoints.failovers
            height = self.call("get_block_height", Confirmed).value if last_valid is not None else None
            status = self.call("get_signature_statuses", [sig]).value[0]
            if status is not None and status.confirmation_status not in (None, TransactionConfirmationStatus.Processed):
                self._confirmed_epoch = self.endpoints.failovers  # the node that said so
                return True
            if height is not None and last_valid is not None and height > last_valid \
                    and epoch == self.endpoints.failovers:
                return False
            time.sleep(self.poll_interval)
        return False

    def _fetch_outcome(self, sig: Signature, epoch: int | None = None) -> TxOutcome | None:
        """getTransaction until served; None when the chain failed over since `epoch` (the confirmation was
        another node's: wait for it on the new one)."""
        for _ in range(50):
            resp = self.call("get_transaction", sig, commitment=Confirmed, max_supported_transaction_version=0)
            if resp.value is not None:
                meta = resp.value.transaction.meta
                logs = list(meta.log_messages or [])
                cu = meta.compute_units_consumed or 0
                return self.outcome(sig, meta.err is None, logs, cu, meta.err)
            if epoch is not None and epoch != self.endpoints.failovers:
                return None
            time.sleep(self.poll_interval)
        raise ChainError(f"transaction {sig} confirmed but not returned by getTransaction")

    # ---- batch primitives (one call covers many transactions / accounts) ----
    # No reconnect loop here (unlike `call`): a batch caller (the gateway) aborts the round on an outage and
    # backs off itself.
    def blockhash_with_expiry(self) -> tuple[Hash, int | None]:
        v = self._once(lambda c: c.get_latest_blockhash(Confirmed), "getLatestBlockhash").value
        self.last_valid_heights[v.blockhash] = v.last_valid_block_height
        return v.blockhash, v.last_valid_block_height

    def broadcast(self, tx: Transaction) -> Signature:
        """sendTransaction without preflight or waiting; an RPC-level refusal raises ChainError (not sent)."""
        try:
            return self._once(lambda c: c.send_raw_transaction(
                bytes(tx), TxOpts(skip_preflight=True, preflight_commitment=Confirmed)), "sendTransaction").value
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
            statuses = self._once(lambda c: c.get_signature_statuses(chunk, search_transaction_history=True),
                                  "getSignatureStatuses")
            for sig, st in zip(chunk, statuses.value):
                if st is not None and st.confirmation_status in (TransactionConfirmationStatus.Confirmed,
                                                                 TransactionConfirmationStatus.Finalized):
                    found[sig] = self._fetch_outcome_once(sig)
        return found

    def _fetch_outcome_once(self, sig: Signature) -> TxOutcome:
        """Like `_fetch_outcome` but without `call`'s reconnect loop: a batch caller handles outages."""
        for _ in range(50):
            resp = self._once(lambda c: c.get_transaction(sig, commitment=Confirmed,
                                                          max_supported_transaction_version=0), "getTransaction")
            if resp.value is not None:
                meta = resp.value.transaction.meta
                return self.outcome(sig, meta.err is None, list(meta.log_messages or []),
                                     meta.compute_units_consumed or 0, meta.err)
            time.sleep(0.2)
        raise ChainError(f"transaction {sig} confirmed but not returned by getTransaction")

    def block_height(self) -> int | None:
        return self._once(lambda c: c.get_block_height(Confirmed), "getBlockHeight").value

    def accounts_data(self, addresses: Sequence[Pubkey]) -> list[bytes | None]:
        out: list[bytes | None] = []
        for i in range(0, len(addresses), 100):
            resp = self._once(lambda c: c.get_multiple_accounts(list(addresses[i:i + 100])), "getMultipleAccounts")
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
