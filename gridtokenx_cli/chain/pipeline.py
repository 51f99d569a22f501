"""Many transactions in flight: the submission path for benchmarks, the gateway and bulk operator commands.

`RpcChain.send` sends one transaction and polls for that one signature (~450 ms each); concurrency came from
threads. A `Pipeline` instead keeps hundreds of transactions in flight from one event loop (a background thread):

- sends go out as JSON-RPC batches (`sendTransaction` × up to `send_batch`, the request body kept under the RPC
  server's 50 KiB limit), `send_concurrency` requests at once;
- one poller asks `getBlockHeight`, then `getSignatureStatuses` for every in-flight signature (256 per call, all
  calls in one batch request), and fetches the confirmed ones' `getTransaction` (logs, CU) in batches, so each
  outcome is decoded exactly like `Chain.send`'s (Anchor error name, events);
- the blockhash is refreshed in the background (`blockhash()` never waits on the network after the first call);
- a transaction with no status is resent (same bytes: idempotent) every `resend_interval`, and re-signed with a
  fresh blockhash only once the confirmed block height has passed its blockhash's last valid height — read
  *before* the statuses, so a transaction that landed in time is always seen and never executed twice.

`run(jobs)` adds the window and the ordering: at most `window` jobs in flight; jobs that share a `key` (one meter,
one signer whose transactions must land in order) are chained — the next is built and sent only after the
previous one's outcome — everything else is concurrent. Results come back in submission order (and are streamed to
`on_result` as they complete).

Several URLs (nodes of one cluster, `RpcEndpoints`, shared with the RpcChain the pipeline came from): a request
that fails to connect or times out moves every user to the next URL; the blockhash refresh also reads the current
node's slot and leaves a node whose slot stood still for `stall_timeout` while another node is ahead. After a
failover every transaction already sent is sent again — the same bytes — to the new node at the next poll, and
its expiry is judged by the new node: height and statuses of one poll always come from one node.
`stats.failovers` and `stats.url` say what happened.

`SequentialPipeline` is the same interface on a backend that executes at once (the embedded LiteSVM).
"""
from __future__ import annotations

import asyncio
import base64
import collections
import concurrent.futures
import json
import queue
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable, Sequence

import httpx
from solders.hash import Hash
from solders.rpc.responses import GetSignatureStatusesResp, GetTransactionResp
from solders.signature import Signature
from solders.transaction import Transaction
from solders.transaction_status import TransactionConfirmationStatus

from .base import Chain, ChainError, TxOutcome

if TYPE_CHECKING:
    from .rpc import RpcEndpoints

#: agave's JSON-RPC server refuses request bodies above 50 KiB (rpc_service MAX_REQUEST_BODY_SIZE)
MAX_REQUEST_BODY = 50 * 1024 - 2048
#: the blocks a fresh blockhash stays valid for (MAX_PROCESSING_AGE): a transaction under a blockhash we did not
#: fetch cannot be valid past the height we first see it at plus this, so that bound is safe for expiry decisions
BLOCKHASH_VALIDITY = 150
STATUS_CHUNK = 256  # getSignatureStatuses accepts up to 256 signatures per call
TRANSACTION_BATCH = 64  # getTransaction calls per batch request

#: jobs `run` holds behind busy keys, per job of the window, before it stops reading the source
HELD_PER_WINDOW = 4

Builder = Callable[[Hash], Transaction]


@dataclass
class Job:
    """One transaction to land: `build(blockhash)` signs it (called again with a fresh blockhash if it expires);
    jobs with the same `key` land in submission order, one at a time."""

    build: Builder
    key: Hashable | None = None
    label: Any = None
    #: a transaction already signed (pre-signed batches): sent as is, `build` only re-signs it after expiry
    tx: Transaction | None = None
    #: monotonic time the job was handed to the pipeline (set by `run`; latency = outcome time − this)
    launched: float = 0.0


@dataclass
class _Entry:
    tx: Transaction
    build: Builder | None
    future: concurrent.futures.Future
    last_valid: int  # -1: not known yet (bounded at the next height read)
    submitted: float
    last_sent: float = 0.0
    resigns: int = 0
    sends: int = 0


@dataclass
class PipelineStats:
    sent: int = 0            # sendTransaction calls (resends included)
    resent: int = 0          # same bytes sent again (no status yet)
    resigned: int = 0        # re-signed after the blockhash expired
    confirmed: int = 0
    send_errors: int = 0     # sendTransaction refused by the node (not sent)
    batches: int = 0         # HTTP requests carrying JSON-RPC batches
    polls: int = 0
    max_in_flight: int = 0
    failovers: int = 0       # moves to another URL (several URLs; shared with the chain the pipeline came from)
    url: str = ""            # the URL requests go to now
    extra: dict = field(default_factory=dict)


class PipelineBase:
    """What both pipelines offer: `submit` one signed transaction (a future of its outcome), `blockhash()`,
    and `run` many jobs with a window and per-key ordering."""

    window: int = 256
    stats: PipelineStats

    def blockhash(self) -> Hash:
        raise NotImplementedError

    def submit(self, tx: Transaction, build: Builder | None = None) -> concurrent.futures.Future:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def run(self, jobs: Iterable[Job], *, window: int | None = None,
            on_result: Callable[[int, Job, TxOutcome | ChainError], None] | None = None
            ) -> list[TxOutcome | ChainError]:
        """Land every job; returns each one's outcome (or the ChainError that stopped it) in submission order.
        `jobs` is consumed lazily: at most `window` in flight and `HELD_PER_WINDOW` × `window` held behind busy
        keys, so a generator of millions of rows never sits in memory (the outcomes do)."""
        limit = max(1, window or self.window)
        hold_limit = HELD_PER_WINDOW * limit
        results: dict[int, TxOutcome | ChainError] = {}
        done: queue.Queue = queue.Queue()
        waiting: dict[Hashable, collections.deque] = {}  # key -> jobs queued behind the key's in-flight one
        busy_keys: set = set()
        in_flight = held = 0
        source = enumerate(jobs)
        exhausted = False
        job_of: dict[int, Job] = {}

        def launch(index: int, job: Job) -> None:
            nonlocal in_flight
            in_flight += 1
            job_of[index] = job
            job.launched = time.monotonic()
            if job.key is not None:
                busy_keys.add(job.key)
            try:
                future = self.submit(job.tx or job.build(self.blockhash()), job.build)
            except ChainError as e:
                future = concurrent.futures.Future()
                future.set_exception(e)
            future.add_done_callback(partial(_report_done, done, index))

        while True:
            while not exhausted and in_flight < limit and held < hold_limit:
                try:
                    index, job = next(source)
                except StopIteration:
                    exhausted = True
                    break
                if job.key is not None and job.key in busy_keys:
                    waiting.setdefault(job.key, collections.deque()).append((index, job))
                    held += 1
                    continue
                launch(index, job)
            if in_flight == 0:
                if exhausted and not any(waiting.values()):
                    break
                # everything left waits behind a key: cannot happen (a waiting key is busy), but never spin
                raise RuntimeError("pipeline jobs are waiting on keys with nothing in flight")
            index, future = done.get()
            in_flight -= 1
            job = job_of.pop(index)
            try:
                result: TxOutcome | ChainError = future.result()
            except ChainError as e:
                result = e
            results[index] = result
            if on_result is not None:
                on_result(index, job, result)
            if job.key is not None:
                queued = waiting.get(job.key)
                if queued:
                    held -= 1
                    launch(*queued.popleft())
                else:
                    busy_keys.discard(job.key)
                    waiting.pop(job.key, None)
        return [results[i] for i in range(len(results))]


class SequentialPipeline(PipelineBase):
    """The pipeline interface on a backend that executes each transaction when it is sent (LiteSVM): one at a
    time, in submission order, through `Chain.submit`."""

    def __init__(self, chain: Chain, window: int = 1):
        self.chain = chain
        self.window = 1
        self.stats = PipelineStats()

    def blockhash(self) -> Hash:
        return self.chain.latest_blockhash()

    def submit(self, tx: Transaction, build: Builder | None = None) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()

        def no_rebuild(_blockhash: Hash) -> Transaction:
            raise ChainError("this transaction cannot be re-signed (no builder given)")

        try:
            future.set_result(self.chain.submit(tx, build or no_rebuild))
            self.stats.sent += 1
            self.stats.confirmed += 1
        except ChainError as e:
            future.set_exception(e)
        return future


class RpcPipeline(PipelineBase):
    """Pipelined submission to a JSON-RPC endpoint, or several nodes of one cluster (see the module docstring)."""

    def __init__(self, url: str | Sequence[str], *, window: int = 256, send_batch: int = 100,
                 send_concurrency: int = 4, poll_interval: float = 0.05, resend_interval: float = 2.0,
                 blockhash_refresh: float = 1.0, max_resigns: int = 5, fetch_details: bool = True,
                 request_timeout: float = 30.0, known_last_valid: dict[Hash, int] | None = None,
                 stall_timeout: float | None = None, endpoints: RpcEndpoints | None = None):
        from .rpc import DEFAULT_STALL_TIMEOUT, RpcEndpoints

        #: the URLs and the current one (shared with the chain it came from, see `pipeline_for`)
        self.endpoints = endpoints if endpoints is not None else RpcEndpoints(
            url, stall_timeout=DEFAULT_STALL_TIMEOUT if stall_timeout is None else stall_timeout)
        if stall_timeout is not None:
            self.endpoints.stall_timeout = stall_timeout
        self.window = window
        self.send_batch = send_batch
        self.poll_interval = poll_interval
        self.resend_interval = resend_interval
        self.blockhash_refresh = blockhash_refresh
        self.max_resigns = max_resigns
        self.fetch_details = fetch_details
        self.request_timeout = request_timeout
        #: blockhash -> last valid block height, for transactions signed under blockhashes fetched elsewhere
        self.known_last_valid = known_last_valid if known_last_valid is not None else {}
        #: how many blocks a transaction under a blockhash we did not fetch is trusted to stay valid (from the
        #: height it is first polled at): the protocol's maximum, so an expiry decision is never premature
        self.unknown_blockhash_validity = BLOCKHASH_VALIDITY
        self.stats = PipelineStats(failovers=self.endpoints.failovers, url=self.url)
        #: the failover count the entries were last sent under (a change: send them to the new node)
        self._sent_epoch = self.endpoints.failovers
        #: the highest block height any node answered (bounds a blockhash we did not fetch)
        self._max_height = -1
        self._entries: dict[Signature, _Entry] = {}
        self._blockhash: tuple[Hash, int] | None = None
        self._blockhash_error: Exception | None = None
        self._blockhash_ready = threading.Event()
        self._closed = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="gtx-pipeline")
        self._thread.start()
        self._send_queue: asyncio.Queue
        self._carried: _Entry | None = None
        self._send_slots: asyncio.Semaphore
        self._call(self._start(send_concurrency))

    @property
    def url(self) -> str:
        """The URL requests go to now."""
        return self.endpoints.current

    # ------------------------------------------------------------------ caller side (any thread)
    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def blockhash(self) -> Hash:
        """The newest blockhash the background refresh has seen (waits only for the very first one: a request
        timeout per URL, as the first refresh tries each in turn)."""
        wait = self.request_timeout * len(self.endpoints.urls)
        if not self._blockhash_ready.wait(wait):
            raise ChainError(f"RPC {self.url}: no blockhash after {wait:.0f} s ({self._blockhash_error})")
        if self._blockhash is None:
            raise ChainError(f"RPC {self.url}: getLatestBlockhash failed: {self._blockhash_error}")
        return self._blockhash[0]

    def submit(self, tx: Transaction, build: Builder | None = None) -> concurrent.futures.Future:
        """Send `tx` and return a future of its outcome (TxOutcome, or ChainError once it cannot land)."""
        if self._closed:
            raise ChainError("the pipeline is closed")
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._admit, tx, build, future)
        return future

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._call(self._stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    # ------------------------------------------------------------------ event loop side
    async def _start(self, send_concurrency: int) -> None:
        self._http = httpx.AsyncClient(timeout=self.request_timeout,
                                       limits=httpx.Limits(max_connections=send_concurrency + 8))
        self._send_queue = asyncio.Queue()
        self._send_slots = asyncio.Semaphore(send_concurrency)
        self._tasks = [asyncio.ensure_future(self._refresh_blockhash()), asyncio.ensure_future(self._sender()),
                       asyncio.ensure_future(self._poller())]

    async def _stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for entry in self._entries.values():
            if not entry.future.done():
                entry.future.set_exception(ChainError("the pipeline was closed before the transaction confirmed"))
        self._entries.clear()
        await self._http.aclose()

    async def _rpc(self, calls: Sequence[tuple[str, list]], url: str | None = None) -> list[dict]:
        """One HTTP request carrying `calls` as a JSON-RPC batch to `url` (default: the current one); the
        responses in call order. A connection error, a timeout or a 5xx answer fails over (several URLs)."""
        url = url or self.url
        body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)]
        self.stats.batches += 1
        try:
            resp = await self._http.post(url, content=json.dumps(body), headers={"content-type": "application/json"})
            resp.raise_for_status()
        except (httpx.TransportError, OSError) as e:
            self._fail_over(url, e)
            raise
        except httpx.HTTPStatusError as e:
            if e.response.status_code >= 500:
                self._fail_over(url, e)
            raise
        answers = resp.json()
        if isinstance(answers, dict):  # a batch-level error (e.g. body too large) comes back as one object
            raise ChainError(f"RPC {url}: {answers.get('error', answers)}")
        by_id = {a.get("id"): a for a in answers}
        return [by_id.get(i, {"error": {"message": "no answer in the batch"}}) for i in range(len(calls))]

    def _fail_over(self, url: str, error: BaseException) -> None:
        if self.endpoints.multiple:
            self.endpoints.fail_over(url, f"{type(error).__name__}: {error}"[:300])
            self._note_failovers()

    def _note_failovers(self) -> None:
        self.stats.failovers = self.endpoints.failovers
        self.stats.url = self.url

    async def _slot_of(self, url: str) -> int | None:
        try:
            resp = await self._http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "getSlot",
                                                    "params": [{"commitment": "processed"}]},
                                         timeout=self.endpoints.probe_timeout)
            return int(resp.json()["result"])
        except (httpx.HTTPError, OSError, KeyError, TypeError, ValueError):
            return None

    async def _check_stall(self, url: str, slot: int) -> None:
        """`url` answered `slot`: if it stood still for `stall_timeout` while another node is ahead, leave it."""
        self.endpoints.note_slot(url, slot)
        stalled = self.endpoints.stalled_for(url)
        if stalled is None:
            return
        for other in self.endpoints.others(url):
            other_slot = await self._slot_of(other)
            if other_slot is None:
                continue
            self.endpoints.note_slot(other, other_slot)
            if other_slot > stalled[0]:
                self.endpoints.fail_over(url, self.endpoints.stall_reason(url, *stalled, other, other_slot), other)
                self._note_failovers()
                return

    async def _refresh_blockhash(self) -> None:
        while True:
            # several URLs: a node that fails (or is found stalled) is left and the next one asked at once
            for _ in self.endpoints.urls:
                if await self._fetch_blockhash():
                    break
            self._blockhash_ready.set()
            await asyncio.sleep(self.blockhash_refresh)

    async def _fetch_blockhash(self) -> bool:
        """One getLatestBlockhash (with several URLs, and the slot for the stall check); True when it is taken."""
        try:
            url = self.url
            calls = [("getLatestBlockhash", [{"commitment": "confirmed"}])]
            if self.endpoints.multiple:  # the stall check's slot, in the same request
                calls.append(("getSlot", [{"commitment": "processed"}]))
            answer, *slot = await self._rpc(calls, url)
            if slot and "result" in slot[0]:
                await self._check_stall(url, int(slot[0]["result"]))
                if self.url != url:
                    return False  # left a stalled node: not its blockhash
            value = answer["result"]["value"]
            blockhash = Hash.from_string(value["blockhash"])
            self._blockhash = (blockhash, int(value["lastValidBlockHeight"]))
            self.known_last_valid[blockhash] = int(value["lastValidBlockHeight"])
            self._blockhash_error = None
            return True
        except (httpx.HTTPError, OSError, KeyError, ValueError, ChainError) as e:
            self._blockhash_error = e
            return False

    def _admit(self, tx: Transaction, build: Builder | None, future: concurrent.futures.Future) -> None:
        signature = tx.signatures[0]
        known = self._entries.get(signature)
        if known is not None:  # the same signed bytes again: one transaction, both callers get its outcome
            known.future.add_done_callback(lambda f: _copy_result(f, future))
            return
        # a blockhash we did not fetch gets its life bounded at the poller's next height read (marker -1)
        last_valid = self.known_last_valid.get(tx.message.recent_blockhash, -1)
        entry = _Entry(tx, build, future, last_valid, time.monotonic())
        self._entries[signature] = entry
        self.stats.max_in_flight = max(self.stats.max_in_flight, len(self._entries))
        self._send_queue.put_nowait(entry)

    async def _sender(self) -> None:
        while True:
            # an entry that did not fit the last batch's body opens this one
            if self._carried is not None:
                batch, self._carried = [self._carried], None
            else:
                batch = [await self._send_queue.get()]
            size = _encoded_size(batch[0].tx)
            while len(batch) < self.send_batch and not self._send_queue.empty():
                entry = self._send_queue.get_nowait()
                if size + _encoded_size(entry.tx) > MAX_REQUEST_BODY:
                    self._carried = entry
                    break
                batch.append(entry)
                size += _encoded_size(entry.tx)
            await self._send_slots.acquire()
            asyncio.ensure_future(self._send(batch))

    async def _send(self, batch: list[_Entry]) -> None:
        try:
            live = [e for e in batch if not e.future.done()]
            if not live:
                return
            calls = [("sendTransaction", [base64.b64encode(bytes(e.tx)).decode(),
                                          {"encoding": "base64", "skipPreflight": True,
                                           "preflightCommitment": "confirmed", "maxRetries": 0}]) for e in live]
            now = time.monotonic()
            try:
                answers = await self._rpc(calls)
            except Exception as e:  # noqa: BLE001 - any failure: unsent, resent by the poller (never lost)
                # the node is away: nothing was (reliably) sent; the poller resends after resend_interval
                self.stats.send_errors += len(live)
                self.stats.extra["last_send_error"] = f"{type(e).__name__}: {e}"
                for entry in live:
                    entry.last_sent = now
                return
            for entry, answer in zip(live, answers):
                entry.last_sent = now
                entry.sends += 1
                self.stats.sent += 1
                if "error" in answer:
                    # refused before execution (e.g. the node is behind, or the blockhash is unknown to it):
                    # the poller's resend/re-sign rules decide what happens next
                    self.stats.send_errors += 1
                    self.stats.extra["last_send_error"] = str(answer["error"].get("message", answer["error"]))
        finally:
            self._send_slots.release()

    async def _poller(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            if not self._entries:
                continue
            try:
                await self._poll_once()
            except Exception as e:  # noqa: BLE001 - the poller must outlive a bad answer or an outage
                self.stats.extra["last_poll_error"] = f"{type(e).__name__}: {e}"
                await asyncio.sleep(min(1.0, self.poll_interval * 10))

    async def _poll_once(self) -> None:
        self.stats.polls += 1
        epoch = self.endpoints.failovers
        if epoch != self._sent_epoch:
            # failed over: what went to the old node may never have left it; the same bytes to the new one now
            self._sent_epoch = epoch
            self._note_failovers()
            due = time.monotonic() - self.resend_interval
            for sent in self._entries.values():
                if sent.sends or sent.last_sent:
                    sent.last_sent = min(sent.last_sent, due)
        # the height first: a transaction that lands at or before its last valid height is then always visible
        # in the statuses read after it — from the same node, whatever happens to the current URL meanwhile
        url = self.url
        (height_answer,) = await self._rpc([("getBlockHeight", [{"commitment": "confirmed"}])], url)
        height = int(height_answer["result"])
        self._max_height = max(self._max_height, height)
        signatures = list(self._entries)
        calls = [("getSignatureStatuses", [[str(s) for s in signatures[i:i + STATUS_CHUNK]],
                                           {"searchTransactionHistory": False}])
                 for i in range(0, len(signatures), STATUS_CHUNK)]
        answers = await self._rpc(calls, url)
        confirmed: list[tuple[Signature, Any]] = []
        now = time.monotonic()
        for chunk_start, answer in zip(range(0, len(signatures), STATUS_CHUNK), answers):
            if "error" in answer:
                continue
            statuses = _parsed(GetSignatureStatusesResp, answer).value
            for signature, status in zip(signatures[chunk_start:chunk_start + STATUS_CHUNK], statuses):
                entry = self._entries.get(signature)
                if entry is None:
                    continue
                if status is not None and status.confirmation_status in (TransactionConfirmationStatus.Confirmed,
                                                                         TransactionConfirmationStatus.Finalized):
                    confirmed.append((signature, status))
                    continue
                if status is not None:
                    continue  # processed: give it the slot it needs
                if entry.last_valid < 0:  # the highest height seen: a lagging node must not shorten its life
                    entry.last_valid = self._max_height + self.unknown_blockhash_validity
                if height > entry.last_valid:
                    self._resign(signature, entry)
                elif entry.sends == 0 and entry.last_sent == 0.0:
                    continue  # not sent yet
                elif now - entry.last_sent >= self.resend_interval:
                    self.stats.resent += 1
                    entry.last_sent = now
                    self._send_queue.put_nowait(entry)
        if confirmed:
            await self._resolve(confirmed)

    def _resign(self, signature: Signature, entry: _Entry) -> None:
        """The blockhash expired with no status: the old transaction can never land; sign it again."""
        del self._entries[signature]
        if entry.build is None or entry.resigns >= self.max_resigns:
            why = "no builder to re-sign it" if entry.build is None else f"{entry.resigns} re-signs"
            entry.future.set_exception(ChainError(
                f"transaction {signature} expired unconfirmed ({why}; last error: "
                f"{self.stats.extra.get('last_send_error', 'none')})"))
            return
        if self._blockhash is None:
            entry.future.set_exception(ChainError(f"transaction {signature} expired and no fresh blockhash"))
            return
        try:
            tx = entry.build(self._blockhash[0])
        except Exception as e:  # noqa: BLE001 - the caller's builder failed: its error is the outcome
            entry.future.set_exception(ChainError(f"re-signing {signature} failed: {e}"))
            return
        self.stats.resigned += 1
        fresh = _Entry(tx, entry.build, entry.future, self._blockhash[1], entry.submitted, resigns=entry.resigns + 1)
        self._entries[tx.signatures[0]] = fresh
        self._send_queue.put_nowait(fresh)

    async def _resolve(self, confirmed: list[tuple[Signature, Any]]) -> None:
        if not self.fetch_details:
            for signature, status in confirmed:
                entry = self._entries.pop(signature)
                self.stats.confirmed += 1
                _settle(entry.future, Chain.outcome(signature, status.err is None, [], 0, status.err))
            return
        # the batches at once: a busy node answers each slowly, and the next status poll waits for these
        chunks = [confirmed[i:i + TRANSACTION_BATCH] for i in range(0, len(confirmed), TRANSACTION_BATCH)]
        batches = await asyncio.gather(*(self._rpc([("getTransaction", [str(s), {
            "encoding": "base64", "commitment": "confirmed", "maxSupportedTransactionVersion": 0}]) for s, _ in chunk])
            for chunk in chunks), return_exceptions=True)
        for chunk, answers in zip(chunks, batches):
            if isinstance(answers, BaseException):
                continue  # the next poll sees them confirmed again and retries
            for (signature, _status), answer in zip(chunk, answers):
                waiting = self._entries.get(signature)
                outcome = _outcome_of(signature, answer)
                if outcome is None or waiting is None:
                    continue  # not served yet: the next poll sees it confirmed again and retries
                del self._entries[signature]
                self.stats.confirmed += 1
                _settle(waiting.future, outcome)


def _outcome_of(signature: Signature, answer: dict) -> TxOutcome | None:
    """The outcome in a getTransaction answer (None: not served yet). A success is read from the JSON directly
    (logs, CU); a failure goes through solders' typed response, so its error is the same object `RpcChain` gets."""
    result = answer.get("result") if "error" not in answer else None
    meta = result.get("meta") if isinstance(result, dict) else None
    if not isinstance(meta, dict):
        return None
    if meta.get("err") is None:
        return Chain.outcome(signature, True, list(meta.get("logMessages") or []),
                             int(meta.get("computeUnitsConsumed") or 0), None)
    served = _parsed(GetTransactionResp, answer).value
    typed = served.transaction.meta if served is not None else None
    if typed is None:
        return None
    return Chain.outcome(signature, False, list(typed.log_messages or []), typed.compute_units_consumed or 0,
                         typed.err)


def _parsed(response_type, answer: dict):
    """One JSON-RPC answer as solders' typed response (the same types `RpcChain` decodes), or ChainError."""
    parsed = response_type.from_json(json.dumps(answer))
    if not isinstance(parsed, response_type):
        raise ChainError(f"RPC answered {type(parsed).__name__}: {parsed}")
    return parsed


def _report_done(done: queue.Queue, index: int, future: concurrent.futures.Future) -> None:
    done.put((index, future))


def _encoded_size(tx: Transaction) -> int:
    """Bytes a sendTransaction call adds to a batch body (base64 of the transaction plus the JSON around it)."""
    return (len(bytes(tx)) + 2) // 3 * 4 + 160


def _settle(future: concurrent.futures.Future, outcome: TxOutcome) -> None:
    if not future.done():
        future.set_result(outcome)


def _copy_result(source: concurrent.futures.Future, target: concurrent.futures.Future) -> None:
    if target.done():
        return
    if source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())


def pipeline_for(chain: Chain, **kwargs) -> PipelineBase:
    """The pipeline of a chain: pipelined RPC for the rpc backend (same URLs, and the same current one: a failover
    moves both), sequential otherwise."""
    url = getattr(chain, "url", None)
    if chain.name == "rpc" and url:
        return RpcPipeline(url, known_last_valid=getattr(chain, "last_valid_heights", None),
                           endpoints=getattr(chain, "endpoints", None), **kwargs)
    return SequentialPipeline(chain)
