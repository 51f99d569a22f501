"""Delivers queued readings to the oracle exactly once, in order per meter.

One *round* works on every meter's head reading (its oldest unresolved one) and the readings right behind it: a
transaction carries up to ``readings_per_tx`` consecutive readings of one meter as ``[Ed25519, submit_meter_reading]``
pairs (each ``submit_meter_reading`` checks the instruction right before it, so pairs need nothing new on chain;
three pairs are 1,205 of the 1,232 bytes a transaction may have, docs/meter-gateway.md "Backlog drain"). The
instructions run in order and the transaction is atomic, so per-meter order holds and an attempt lands whole or
not at all.

1. Read the registry ``MeterAccount`` (and that the oracle ``MeterState`` exists). Unregistered, not approved by
   the registry admin, or retired → hold, send nothing (the reading stays queued).
   ``last_reading_at ≥ head.reading_ts`` → the head is already on chain (an earlier attempt landed but its
   confirmation was lost, e.g. a crash between broadcast and mark): mark it delivered, never resend. Because a
   meter's readings are only ever sent in order and the chain requires increasing timestamps, nothing else can
   have moved ``last_reading_at`` past the head. For a head recorded in a multi-reading attempt the recorded
   signature's outcome is looked up first (it names each reading's fate; ``last_reading_at`` only tells that the
   transaction landed), and ``last_reading_at`` decides only when no outcome is found.
2. A head in ``sending`` has a recorded transaction (shared by every reading of its attempt): if its signature has
   a confirmed status, apply that outcome; else if the chain's block height is past the transaction's
   ``last_valid_block_height`` it can never land, so its readings are requeued and rebuilt with a fresh blockhash;
   else the *same signed bytes* are broadcast again (idempotent: same signature).
3. A ``queued`` head gets a new transaction with the queued readings behind it; its signature, bytes and validity
   height are committed to SQLite on every reading it carries before it is broadcast.
4. Outcomes: Ok → each reading by its own event: ``ReadingRejected`` with its timestamp → rejected with the reason,
   else delivered; failed with a named error → rejected with the name, never retried — except ``SystemPaused``, a
   failure that changed nothing and will pass later, which holds the meter (backoff) and re-queues the reading.
   A failed *multi-reading* transaction rejects none of its readings: they are requeued and the meter falls back to
   one reading per transaction until the last of them is resolved, so the error is applied to the reading that
   causes it and the good readings land.
5. On rpc a round's transactions are confirmed with bare signature statuses; a successful new transaction whose
   meter's oracle ``MeterState`` counters grew by exactly its readings, all valid, since the round's account read
   is resolved as delivered without fetching it (those readings were processed and were the only ones, so all
   were accepted); every other confirmed one is fetched (getTransaction) for its error or its events.

Transport errors (RPC down) abort the round; the daemon backs off exponentially and the next round starts at 1.
"""
from __future__ import annotations

import random
import threading

import httpx
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import Transaction

from gridtokenx_cli.chain.base import Chain, ChainError, TxOutcome

from . import onchain
from .queue import DELIVERED, QUEUED, REJECTED, SENDING, Reading, ReadingQueue

#: the oracle accepts readings up to MAX_FUTURE_SKEW_SECONDS (60) past its clock; keep a margin for the slots
#: between our clock read and execution
FUTURE_MARGIN = 50
#: Anchor errors after which the same reading can succeed later (the pause ends, the operator fixes the gateway
#: key, the registry admin approves the meter); the failed transaction changed nothing, so holding and resending
#: is safe.
TRANSIENT_ERRORS = frozenset({"SystemPaused", "UnauthorizedGateway", "MeterNotApproved"})
#: [Ed25519, submit_meter_reading] pairs per transaction: 3 pairs = 1,205 bytes, 4 = 1,466 (the limit is 1,232);
#: each submit has its own default 200,000 CU, far above what one reading uses (docs/meter-gateway.md)
MAX_READINGS_PER_TX = 3


def reason_name(value: object) -> str:
    """AnchorPy's decoded enum (``RejectReason.OutOfRange()``, or a one-key dict) -> ``OutOfRange``."""
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value)))
    if isinstance(value, str):
        return value
    return type(value).__name__


# ----------------------------------------------------------------------------- transports


class Transport:
    """What the submitter needs from a chain, in batch form: the chain's public batch primitives
    (``chain/base.py``). On the embedded backend (``follow_wall_clock``) the SVM clock is first moved to the
    wall clock: LiteSVM has no clock of its own, and the oracle rejects readings from its future.

    ``connect`` (rpc): opens another connection to the same node. The per-transaction calls of a round — one
    sendTransaction and one getTransaction per transaction — then go out over ``connections`` connections at once:
    one at a time they cost ~20 + ~65 ms per transaction on a loaded validator, 9 s per round for 100 meters.
    They are independent (different meters; every attempt is committed to SQLite before the first send)."""

    def __init__(self, chain: Chain, *, follow_wall_clock: bool | None = None,
                 connect: Callable[[], Chain] | None = None, connections: int = 1, status_url: str | None = None,
                 endpoints=None):
        self.chain = chain
        #: JSON-RPC URL for bare signature statuses (rpc): see :meth:`statuses`
        self.status_url = status_url
        #: several RPC URLs (chain/rpc.py RpcEndpoints, the chain's): statuses go to the current one, and a
        #: connection failure there fails every connection over to the next
        self.endpoints = endpoints
        self.follow_wall_clock = chain.name == "embedded" if follow_wall_clock is None else follow_wall_clock
        self.connections = connections if connect is not None else 1
        self._connect = connect
        self._local = threading.local()
        self._opened: list[Chain] = []
        self._opened_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(self.connections, "gtx-rpc") if self.connections > 1 else None

    @property
    def shared_blockhash(self) -> bool:
        """One blockhash may serve every transaction of a round."""
        return self.chain.shares_blockhash

    def _follow_wall_clock(self) -> None:
        if self.follow_wall_clock:
            now = int(time.time())
            if self.chain.get_clock().unix_timestamp < now:
                self.chain.set_unix_timestamp(now)

    def _worker_chain(self) -> Chain:
        """This pool thread's own connection (an RpcChain runs its own event loop: one per thread)."""
        chain = getattr(self._local, "chain", None)
        if chain is None:
            assert self._connect is not None  # a pool exists only with a connector
            chain = self._local.chain = self._connect()
            with self._opened_lock:
                self._opened.append(chain)
        return chain

    def _spread(self, items: Sequence, work: Callable[[Chain, list], object]) -> list:
        """``work(connection, chunk)`` for ``connections`` interleaved chunks of ``items``, at once; an error in any
        (the node is down) is raised here, after the others finished."""
        if self._pool is None or len(items) < 2:
            return [work(self.chain, list(items))]
        chunks = [list(items[i::self.connections]) for i in range(min(self.connections, len(items)))]
        pool = self._pool

        def run(chunk: list) -> object:
            return work(self._worker_chain(), chunk)

        futures = [pool.submit(run, chunk) for chunk in chunks]
        wait(futures)
        return [f.result() for f in futures]

    def blockhash(self) -> tuple[Hash, int | None]:
        """A recent blockhash and the last block height it is valid at (None: no expiry tracking)."""
        return self.chain.blockhash_with_expiry()

    def broadcast(self, tx: Transaction) -> None:
        self._follow_wall_clock()
        self.chain.broadcast(tx)

    def broadcast_many(self, txs: Sequence[Transaction]) -> None:
        self._follow_wall_clock()

        def send(chain: Chain, chunk: list[Transaction]) -> None:
            for tx in chunk:
                chain.broadcast(tx)

        self._spread(txs, send)

    def outcomes(self, signatures: Sequence[Signature]) -> dict[Signature, TxOutcome]:
        """Outcomes of the signatures that are confirmed (absent ones are not, or not yet)."""
        found: dict[Signature, TxOutcome] = {}
        for part in self._spread(signatures, lambda chain, chunk: chain.confirmed_outcomes(chunk)):
            found.update(part)
        return found

    def statuses(self, signatures: Sequence[Signature]) -> dict[Signature, object | None]:
        """The confirmed ones of ``signatures``: ``{signature: err}`` (None: it succeeded), from
        getSignatureStatuses alone (history searched) — without the getTransaction per signature that
        :meth:`outcomes` makes for the events. Only with a ``status_url``."""
        if self.status_url is None:
            raise RuntimeError("statuses() needs a status_url (rpc transport)")
        found: dict[Signature, object | None] = {}
        sigs = list(signatures)
        for i in range(0, len(sigs), 256):
            chunk = sigs[i:i + 256]
            body = {"jsonrpc": "2.0", "id": 1, "method": "getSignatureStatuses",
                    "params": [[str(s) for s in chunk], {"searchTransactionHistory": True}]}
            url = self.endpoints.current if self.endpoints is not None else self.status_url
            try:
                resp = httpx.post(url, json=body, timeout=30.0)
                resp.raise_for_status()
                values = resp.json()["result"]["value"]
            except (httpx.HTTPError, KeyError, TypeError, ValueError) as e:
                if self.endpoints is not None and isinstance(e, httpx.TransportError):
                    self.endpoints.fail_over(url, f"{type(e).__name__}: {e}"[:300])
                raise ChainError(f"RPC {url} getSignatureStatuses: {type(e).__name__} {e}") from e
            for sig, status in zip(chunk, values):
                if status and status.get("confirmationStatus") in ("confirmed", "finalized"):
                    found[sig] = status.get("err")
        return found

    def block_height(self) -> int | None:
        return self.chain.block_height()

    def accounts(self, addresses: Sequence[Pubkey]) -> list[bytes | None]:
        self._follow_wall_clock()
        return self.chain.accounts_data(addresses)

    def close(self) -> None:
        """Close the extra connections (not ``chain``: the caller's)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        with self._opened_lock:
            for chain in self._opened:
                chain.close()
            self._opened.clear()


#: connections a gateway opens to its RPC node for a round's sends and outcome look-ups
RPC_CONNECTIONS = 8


def transport_for(chain: Chain) -> Transport:
    from gridtokenx_cli.chain.rpc import RpcChain

    if isinstance(chain, RpcChain):
        # the extra connections share the chain's URLs and current URL: a failover moves them all at once
        return Transport(chain, connect=lambda: RpcChain(chain.urls, endpoints=chain.endpoints),
                         connections=RPC_CONNECTIONS, status_url=chain.url, endpoints=chain.endpoints)
    return Transport(chain)


# ----------------------------------------------------------------------------- backoff


@dataclass
class Backoff:
    """Exponential backoff with full jitter: delay n = uniform(0.5, 1) × min(max, initial × 2^n)."""

    initial: float = 0.5
    maximum: float = 30.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        base = min(self.maximum, self.initial * (2 ** self.failures))
        self.failures += 1
        return base * self.rng.uniform(0.5, 1.0)

    def ceiling(self) -> float:
        """The upper bound of the next delay (before jitter)."""
        return min(self.maximum, self.initial * (2 ** self.failures))

    def reset(self) -> None:
        self.failures = 0


# ----------------------------------------------------------------------------- submitter


@dataclass
class MeterIdentity:
    text_id: str
    meter_id: bytes
    key: Keypair


@dataclass
class RoundReport:
    delivered: list[Reading] = field(default_factory=list)
    rejected: list[tuple[Reading, str]] = field(default_factory=list)
    sent: int = 0
    held: dict[str, str] = field(default_factory=dict)
    #: meters whose multi-reading transaction failed this round (they retry one reading per transaction)
    split: dict[str, str] = field(default_factory=dict)


class Submitter:
    def __init__(self, queue: ReadingQueue, transport: Transport, gateway: Keypair,
                 meters: Sequence[MeterIdentity], *, confirm_timeout: float = 20.0, poll_interval: float = 0.25,
                 on_event: Callable[..., None] | None = None, hold_backoff: Backoff | None = None,
                 readings_per_tx: int = MAX_READINGS_PER_TX):
        if not 1 <= readings_per_tx <= MAX_READINGS_PER_TX:
            raise ValueError(f"readings_per_tx must be 1 to {MAX_READINGS_PER_TX} (transaction size), "
                             f"not {readings_per_tx}")
        self.readings_per_tx = readings_per_tx
        #: meter -> seq up to which it sends one reading per transaction (after a failed multi-reading one)
        self.single_until: dict[str, int] = {}
        self.queue = queue
        self.transport = transport
        self.gateway = gateway
        self.meters = {m.text_id: m for m in meters}
        self.confirm_timeout = confirm_timeout
        self.poll_interval = poll_interval
        self.on_event = on_event or (lambda *a, **k: None)
        self.hold_template = hold_backoff or Backoff(1.0, 30.0)
        #: meter -> (monotonic time before which it is not tried, reason, its backoff)
        self.holds: dict[str, tuple[float, str, Backoff]] = {}
        self.meter_status: dict[str, str] = {}

    # ---------------------------------------------------------------- helpers
    def _hold(self, meter: str, reason: str, report: RoundReport) -> None:
        _, _, b = self.holds.get(meter, (0.0, reason, Backoff(self.hold_template.initial, self.hold_template.maximum)))
        self.holds[meter] = (time.monotonic() + b.next_delay(), reason, b)
        self.meter_status[meter] = f"held: {reason}"
        report.held[meter] = reason

    def _release(self, meter: str) -> None:
        self.holds.pop(meter, None)
        self.meter_status[meter] = "ok"

    def _build(self, readings: Sequence[Reading], blockhash: Hash) -> Transaction:
        """One transaction with an ``[Ed25519, submit_meter_reading]`` pair per reading, in queue order."""
        ixs = []
        for r in readings:
            ident = self.meters[r.meter]
            ixs += onchain.submit_instructions(self.gateway.pubkey(), ident.key.pubkey(), ident.meter_id, r.produced,
                                               r.consumed, r.reading_ts, r.meter_signature)
        msg = Message.new_with_blockhash(ixs, self.gateway.pubkey(), blockhash)
        return Transaction([self.gateway], msg, blockhash)

    def _batch_limit(self, head: Reading) -> int:
        return 1 if head.seq <= self.single_until.get(head.meter, 0) else self.readings_per_tx

    def _mark_on_chain(self, readings: Sequence[Reading], report: RoundReport) -> None:
        done = self.queue.resolve_many([(r.id, DELIVERED, "on-chain", None) for r in readings])
        for r, ok in zip(readings, done):
            if ok:
                report.delivered.append(r)
                self.on_event("reading_delivered", meter=r.meter, seq=r.seq, reading_ts=r.reading_ts,
                              produced=r.produced, consumed=r.consumed, tx=r.tx_signature, how="on-chain")

    def _apply(self, group: Sequence[Reading], outcome: TxOutcome, report: RoundReport) -> None:
        """Apply a confirmed outcome to the readings its transaction carried (one meter, in order)."""
        sig = str(outcome.signature)
        meter = group[0].meter
        if outcome.ok:
            rejected = [e for e in outcome.events if e.name == "ReadingRejected"]
            resolutions: list[tuple[int, str, str, str | None]] = []
            for r in group:
                # several readings per transaction: each ReadingRejected names its reading by timestamp
                mine = [e for e in rejected
                        if len(group) == 1 or e.data.get("reading_timestamp") == r.reading_ts]
                if mine:
                    resolutions.append((r.id, REJECTED, "ReadingRejected:" + reason_name(mine[-1].data.get("reason")),
                                        sig))
                else:
                    resolutions.append((r.id, DELIVERED, "confirmed", sig))
            for r, (_, state, why, _), ok in zip(group, resolutions, self.queue.resolve_many(resolutions)):
                if not ok:
                    continue  # already final
                if state == REJECTED:
                    report.rejected.append((r, why))
                    self.on_event("reading_rejected", meter=r.meter, seq=r.seq, reason=why, tx=sig)
                else:
                    report.delivered.append(r)
                    self.on_event("reading_delivered", meter=r.meter, seq=r.seq, reading_ts=r.reading_ts,
                                  produced=r.produced, consumed=r.consumed, tx=sig)
            self._release(meter)
            return
        ids = [r.id for r in group]
        name = outcome.error.name if outcome.error else None
        if name in TRANSIENT_ERRORS:
            self.queue.requeue(ids)
            self._hold(meter, name, report)
            self.on_event("reading_held", meter=meter, seq=group[0].seq, reason=name, tx=sig)
            return
        if name is None and "InstructionError" not in type(outcome.raw_error).__name__:
            # a transaction-level refusal (BlockhashNotFound, InsufficientFundsForFee…): nothing executed
            self.queue.requeue(ids)
            self._hold(meter, str(outcome.raw_error), report)
            self.on_event("reading_held", meter=meter, seq=group[0].seq, reason=str(outcome.raw_error), tx=sig)
            return
        reason = name or f"InstructionError:{outcome.raw_error}"
        if len(group) > 1:
            # the transaction is atomic: nothing landed. Which reading caused it is decided reading by reading, so
            # the good ones are not rejected with it
            self.queue.requeue(ids)
            self.single_until[meter] = max(self.single_until.get(meter, 0), group[-1].seq)
            report.split[meter] = reason
            self.on_event("batch_failed", meter=meter, seqs=[r.seq for r in group], reason=reason, tx=sig,
                          effect="retried one reading per transaction")
            return
        if self.queue.mark_rejected(group[0].id, reason, sig):
            report.rejected.append((group[0], reason))
            self.on_event("reading_rejected", meter=meter, seq=group[0].seq, reason=reason, tx=sig)
        self._release(meter)

    # ---------------------------------------------------------------- one round
    def run_round(self) -> RoundReport:
        report = RoundReport()
        now = time.monotonic()
        runs = [run for meter, run in self.queue.runs(self.readings_per_tx).items()
                if meter in self.meters and self.holds.get(meter, (0.0,))[0] <= now]
        if not runs:
            return report
        addresses = [onchain.CLOCK_SYSVAR_ID]
        for run in runs:
            mid = self.meters[run[0].meter].meter_id
            addresses += [onchain.meter_account(mid), onchain.meter_state(mid)]
        clock, *data = self.transport.accounts(addresses)
        chain_now = onchain.decode_clock_timestamp(clock)
        #: (the readings of one recorded attempt, what the chain says of their meter)
        pending: list[tuple[list[Reading], onchain.MeterOnChain]] = []
        fresh: list[list[Reading]] = []
        #: meter -> its oracle (total_readings, valid_readings) before this round's new transaction
        counters: dict[str, tuple[int, int]] = {}
        for i, run in enumerate(runs):
            h = run[0]
            info = onchain.decode_meter(data[2 * i], data[2 * i + 1])
            if not info.registered or not info.state_initialised:
                self._hold(h.meter, "meter not registered" if not info.registered else "oracle meter state missing",
                           report)
                continue
            multi_attempt = h.state == SENDING and (h.attempt_size or 1) > 1
            if not multi_attempt and info.last_reading_at >= h.reading_ts:
                # landed earlier (its mark was lost); readings requeued from an attempt that landed are covered too
                self._mark_on_chain([r for r in run if r.reading_ts <= info.last_reading_at
                                     and r.state == h.state and r.tx_signature == h.tx_signature], report)
                self._release(h.meter)
                continue
            if info.retired or not info.approved:
                # the registry would refuse it (retired: inactive for good; unapproved: MeterNotApproved) and the
                # reading would be lost: keep it queued (the admin may approve; a retired meter's stay for the operator)
                self._hold(h.meter, "meter retired" if info.retired else "meter not approved by the registry admin",
                           report)
                continue
            if info.meter_pubkey != self.meters[h.meter].key.pubkey():
                # sending would fail SignerKeyMismatch and lose the reading; wait for the operator
                self._hold(h.meter, f"meter key {self.meters[h.meter].key.pubkey()} is not the registered "
                                    f"{info.meter_pubkey}", report)
                continue
            if h.state == SENDING:
                pending.append(([r for r in run if r.state == SENDING and r.tx_signature == h.tx_signature], info))
                continue
            if chain_now is not None and h.reading_ts > chain_now + FUTURE_MARGIN:
                # the oracle would reject it as FutureTimestamp and its energy would be lost: wait for the
                # chain's clock (it lags the wall clock after a validator restart, or the gateway's clock is fast)
                self._hold(h.meter, f"chain clock {h.reading_ts - chain_now} s behind the reading", report)
                continue
            fresh.append(self._fresh_group(run, chain_now))
            before = onchain.decode_reading_counters(data[2 * i + 1])
            if before is not None:
                counters[h.meter] = before

        inflight: dict[Signature, list[Reading]] = {}
        if pending:
            # a SENDING attempt has its signed transaction and signature stored on each of its readings
            signed = [(group, info, Signature.from_string(group[0].tx_signature or ""), group[0].tx_bytes or b"")
                      for group, info in pending]
            outcomes = self.transport.outcomes([sig for _, _, sig, _ in signed])
            height = None
            resend: list[Transaction] = []
            for group, info, sig, tx_bytes in signed:
                if sig in outcomes:
                    self._apply(group, outcomes[sig], report)
                    continue
                landed = [r for r in group if r.reading_ts <= info.last_reading_at]
                if landed:
                    # it landed but its outcome is not found (ledger history gone): the chain's last reading time
                    # covers these; the ones after it were refused in that transaction and are tried again
                    self._mark_on_chain(landed, report)
                    group = group[len(landed):]
                    if not group:
                        self._release(landed[0].meter)
                        continue
                    self.queue.requeue([r.id for r in group])
                    fresh.append([self.queue.get(r.id) for r in group])
                    continue
                if group[0].last_valid_height is None:
                    # no expiry tracking (embedded): an attempt without an outcome never executed
                    self.queue.requeue([r.id for r in group])
                    fresh.append([self.queue.get(r.id) for r in group])
                    continue
                if height is None:
                    height = self.transport.block_height()
                    assert height is not None  # a backend that tracks expiry has a block height
                if height > group[0].last_valid_height:
                    # that blockhash is dead: the old transaction can never land
                    self.queue.requeue([r.id for r in group])
                    fresh.append([self.queue.get(r.id) for r in group])
                else:
                    resend.append(Transaction.from_bytes(tx_bytes))
                    inflight[sig] = group
            self.transport.broadcast_many(resend)
            report.sent += len(resend)

        if fresh:
            # rpc: one blockhash for the round, all attempts committed in one SQLite transaction, then broadcast;
            # embedded: LiteSVM expires the blockhash at every transaction, so build, commit and send one by one
            batches = [fresh] if self.transport.shared_blockhash else [[g] for g in fresh]
            for batch in batches:
                blockhash, last_valid = self.transport.blockhash()
                txs = [(group, self._build(group, blockhash)) for group in batch]
                self.queue.begin_attempts([([r.id for r in group], str(tx.signatures[0]), bytes(tx), last_valid)
                                           for group, tx in txs])
                self.transport.broadcast_many([tx for _, tx in txs])
                for group, tx in txs:
                    inflight[tx.signatures[0]] = group
                report.sent += len(txs)

        deadline = time.monotonic() + self.confirm_timeout
        fresh_signatures = {sig for sig, group in inflight.items() if group[0].meter in counters}
        while inflight:
            self._poll(inflight, counters, fresh_signatures, report)
            if not inflight or time.monotonic() > deadline:
                break  # the rest stay `sending`; the next round resolves them
            time.sleep(self.poll_interval)
        return report

    def _poll(self, inflight: dict[Signature, list[Reading]], counters: dict[str, tuple[int, int]],
              fresh_signatures: set[Signature], report: RoundReport) -> None:
        """Resolve the confirmed ones of ``inflight`` (removing them). With bare statuses (rpc), a successful new
        transaction whose meter's oracle counters grew by exactly its readings, all valid, since the round's
        read is resolved without fetching it: the readings it carries were processed (it succeeded) and were all
        there was, so all accepted. Anything else — a failure, a rejection, a reading by someone else, a resent
        attempt — is fetched for its error or events."""
        if self.transport.status_url is None:
            outcomes = self.transport.outcomes(list(inflight))
            proven: list[Signature] = []
        else:
            statuses = self.transport.statuses(list(inflight))
            candidates = [sig for sig, err in statuses.items() if err is None and sig in fresh_signatures]
            proven = []
            if candidates:
                states = self.transport.accounts([onchain.meter_state(self.meters[inflight[sig][0].meter].meter_id)
                                                  for sig in candidates])
                for sig, state in zip(candidates, states):
                    group = inflight[sig]
                    total, valid = counters[group[0].meter]
                    if onchain.decode_reading_counters(state) == (total + len(group), valid + len(group)):
                        proven.append(sig)
            rest = [sig for sig in statuses if sig not in proven]
            outcomes = self.transport.outcomes(rest) if rest else {}
        # the outcomes of one poll in one SQLite transaction (one fsync, not one per transaction)
        with self.queue.transaction():
            for sig in proven:
                self._apply_accepted(inflight.pop(sig), str(sig), report)
            for sig, outcome in outcomes.items():
                self._apply(inflight.pop(sig), outcome, report)

    def _apply_accepted(self, group: Sequence[Reading], sig: str, report: RoundReport) -> None:
        done = self.queue.resolve_many([(r.id, DELIVERED, "confirmed", sig) for r in group])
        for r, ok in zip(group, done):
            if ok:
                report.delivered.append(r)
                self.on_event("reading_delivered", meter=r.meter, seq=r.seq, reading_ts=r.reading_ts,
                              produced=r.produced, consumed=r.consumed, tx=sig)
        self._release(group[0].meter)

    def _fresh_group(self, run: Sequence[Reading], chain_now: int | None) -> list[Reading]:
        """The queued head and the queued readings right behind it, as many as one transaction carries; a
        reading from the chain's future ends the group (it waits, see the head's check)."""
        group = [run[0]]
        for r in run[1:self._batch_limit(run[0])]:
            if r.state != QUEUED or (chain_now is not None and r.reading_ts > chain_now + FUTURE_MARGIN):
                break
            group.append(r)
        return group

    def drain(self, *, timeout: float = 120.0) -> None:
        """Rounds until the queue is empty (tests, benchmarks); raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while self.queue.depth():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.queue.depth()} readings still queued")
            self.run_round()
            if self.holds and self.queue.depth():
                time.sleep(0.05)
