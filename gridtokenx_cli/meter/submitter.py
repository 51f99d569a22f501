"""Delivers queued readings to the oracle exactly once, in order per meter.

One *round* works on every meter's head reading (its oldest unresolved one):

1. Read the registry ``MeterAccount`` (and that the oracle ``MeterState`` exists). Unregistered, not approved by
   the registry admin, or retired → hold, send nothing (the reading stays queued).
   ``last_reading_at ≥ head.reading_ts`` → the head is already on chain (an earlier attempt landed but its
   confirmation was lost, e.g. a crash between broadcast and mark): mark it delivered, never resend. Because a
   meter's readings are only ever sent in order and the chain requires increasing timestamps, nothing else can
   have moved ``last_reading_at`` past the head.
2. A head in ``sending`` has a recorded transaction: if its signature has a confirmed status, apply that outcome;
   else if the chain's block height is past the transaction's ``last_valid_block_height`` it can never land, so it
   is rebuilt with a fresh blockhash; else the *same signed bytes* are broadcast again (idempotent: same signature).
3. A ``queued`` head gets a new transaction; its signature, bytes and validity height are committed to SQLite
   before it is broadcast.
4. Outcomes: Ok + ``MeterReadingAccepted`` → delivered; Ok + ``ReadingRejected`` → rejected with the reason;
   failed with a named error → rejected with the name, never retried — except ``SystemPaused``, a failure that
   changed nothing and will pass later, which holds the meter (backoff) and re-queues the reading.

Transport errors (RPC down) abort the round; the daemon backs off exponentially and the next round starts at 1.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import Transaction

from gridtokenx_cli.chain.base import Chain, TxOutcome

from . import onchain
from .queue import SENDING, Reading, ReadingQueue

#: the oracle accepts readings up to MAX_FUTURE_SKEW_SECONDS (60) past its clock; keep a margin for the slots
#: between our clock read and execution
FUTURE_MARGIN = 50
#: Anchor errors after which the same reading can succeed later (the pause ends, the operator fixes the gateway
#: key, the registry admin approves the meter); the failed transaction changed nothing, so holding and resending
#: is safe.
TRANSIENT_ERRORS = frozenset({"SystemPaused", "UnauthorizedGateway", "MeterNotApproved"})


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
    wall clock: LiteSVM has no clock of its own, and the oracle rejects readings from its future."""

    def __init__(self, chain: Chain, *, follow_wall_clock: bool | None = None):
        self.chain = chain
        self.follow_wall_clock = chain.name == "embedded" if follow_wall_clock is None else follow_wall_clock

    @property
    def shared_blockhash(self) -> bool:
        """One blockhash may serve every transaction of a round."""
        return self.chain.shares_blockhash

    def _follow_wall_clock(self) -> None:
        if self.follow_wall_clock:
            now = int(time.time())
            if self.chain.get_clock().unix_timestamp < now:
                self.chain.set_unix_timestamp(now)

    def blockhash(self) -> tuple[Hash, int | None]:
        """A recent blockhash and the last block height it is valid at (None: no expiry tracking)."""
        return self.chain.blockhash_with_expiry()

    def broadcast(self, tx: Transaction) -> None:
        self._follow_wall_clock()
        self.chain.broadcast(tx)

    def outcomes(self, signatures: Sequence[Signature]) -> dict[Signature, TxOutcome]:
        """Outcomes of the signatures that are confirmed (absent ones are not, or not yet)."""
        return self.chain.confirmed_outcomes(signatures)

    def block_height(self) -> int | None:
        return self.chain.block_height()

    def accounts(self, addresses: Sequence[Pubkey]) -> list[bytes | None]:
        self._follow_wall_clock()
        return self.chain.accounts_data(addresses)


def transport_for(chain: Chain) -> Transport:
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


class Submitter:
    def __init__(self, queue: ReadingQueue, transport: Transport, gateway: Keypair,
                 meters: Sequence[MeterIdentity], *, confirm_timeout: float = 20.0, poll_interval: float = 0.25,
                 on_event: Callable[..., None] | None = None, hold_backoff: Backoff | None = None):
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

    def _build(self, r: Reading, blockhash: Hash) -> Transaction:
        ident = self.meters[r.meter]
        ixs = onchain.submit_instructions(self.gateway.pubkey(), ident.key.pubkey(), ident.meter_id, r.produced,
                                          r.consumed, r.reading_ts, r.meter_signature)
        msg = Message.new_with_blockhash(ixs, self.gateway.pubkey(), blockhash)
        return Transaction([self.gateway], msg, blockhash)

    def _apply(self, r: Reading, outcome: TxOutcome, report: RoundReport) -> None:
        sig = str(outcome.signature)
        if outcome.ok:
            rejected = [e for e in outcome.events if e.name == "ReadingRejected"]
            if rejected:
                reason = "ReadingRejected:" + reason_name(rejected[-1].data.get("reason"))
                if self.queue.mark_rejected(r.id, reason, sig):
                    report.rejected.append((r, reason))
                    self.on_event("reading_rejected", meter=r.meter, seq=r.seq, reason=reason, tx=sig)
            elif self.queue.mark_delivered(r.id, "confirmed", sig):
                report.delivered.append(r)
                self.on_event("reading_delivered", meter=r.meter, seq=r.seq, reading_ts=r.reading_ts,
                              produced=r.produced, consumed=r.consumed, tx=sig)
            self._release(r.meter)
            return
        name = outcome.error.name if outcome.error else None
        if name in TRANSIENT_ERRORS:
            self.queue.requeue(r.id)
            self._hold(r.meter, name, report)
            self.on_event("reading_held", meter=r.meter, seq=r.seq, reason=name, tx=sig)
            return
        if name is None and "InstructionError" not in type(outcome.raw_error).__name__:
            # a transaction-level refusal (BlockhashNotFound, InsufficientFundsForFee…): nothing executed
            self.queue.requeue(r.id)
            self._hold(r.meter, str(outcome.raw_error), report)
            self.on_event("reading_held", meter=r.meter, seq=r.seq, reason=str(outcome.raw_error), tx=sig)
            return
        reason = name or f"InstructionError:{outcome.raw_error}"
        if self.queue.mark_rejected(r.id, reason, sig):
            report.rejected.append((r, reason))
            self.on_event("reading_rejected", meter=r.meter, seq=r.seq, reason=reason, tx=sig)
        self._release(r.meter)

    # ---------------------------------------------------------------- one round
    def run_round(self) -> RoundReport:
        report = RoundReport()
        now = time.monotonic()
        heads = [h for h in self.queue.heads()
                 if h.meter in self.meters and self.holds.get(h.meter, (0.0,))[0] <= now]
        if not heads:
            return report
        addresses = [onchain.CLOCK_SYSVAR_ID]
        for h in heads:
            mid = self.meters[h.meter].meter_id
            addresses += [onchain.meter_account(mid), onchain.meter_state(mid)]
        clock, *data = self.transport.accounts(addresses)
        chain_now = onchain.decode_clock_timestamp(clock)
        pending: list[Reading] = []
        fresh: list[Reading] = []
        for i, h in enumerate(heads):
            info = onchain.decode_meter(data[2 * i], data[2 * i + 1])
            if not info.registered or not info.state_initialised:
                self._hold(h.meter, "meter not registered" if not info.registered else "oracle meter state missing",
                           report)
                continue
            if info.last_reading_at >= h.reading_ts:
                if self.queue.mark_delivered(h.id, "on-chain"):
                    report.delivered.append(h)
                    self.on_event("reading_delivered", meter=h.meter, seq=h.seq, reading_ts=h.reading_ts,
                                  produced=h.produced, consumed=h.consumed, tx=h.tx_signature, how="on-chain")
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
            if h.state != SENDING and chain_now is not None and h.reading_ts > chain_now + FUTURE_MARGIN:
                # the oracle would reject it as FutureTimestamp and its energy would be lost: wait for the
                # chain's clock (it lags the wall clock after a validator restart, or the gateway's clock is fast)
                self._hold(h.meter, f"chain clock {h.reading_ts - chain_now} s behind the reading", report)
                continue
            (pending if h.state == SENDING else fresh).append(h)

        inflight: dict[Signature, Reading] = {}
        if pending:
            # a SENDING reading has its signed transaction and signature stored (both written before sending)
            signed = [(h, Signature.from_string(h.tx_signature or ""), h.tx_bytes or b"") for h in pending]
            outcomes = self.transport.outcomes([sig for _, sig, _ in signed])
            height = None
            for h, sig, tx_bytes in signed:
                if sig in outcomes:
                    self._apply(h, outcomes[sig], report)
                    continue
                if h.last_valid_height is None:
                    # no expiry tracking (embedded): an attempt without an outcome never executed
                    self.queue.requeue(h.id)
                    fresh.append(self.queue.get(h.id))
                    continue
                if height is None:
                    height = self.transport.block_height()
                    assert height is not None  # a backend that tracks expiry has a block height
                if height > h.last_valid_height:
                    self.queue.requeue(h.id)  # that blockhash is dead: the old transaction can never land
                    fresh.append(self.queue.get(h.id))
                else:
                    self.transport.broadcast(Transaction.from_bytes(tx_bytes))
                    inflight[sig] = h
                    report.sent += 1

        if fresh:
            # rpc: one blockhash for the round, all attempts committed in one SQLite transaction, then broadcast;
            # embedded: LiteSVM expires the blockhash at every transaction, so build, commit and send one by one
            groups = [fresh] if self.transport.shared_blockhash else [[h] for h in fresh]
            for group in groups:
                blockhash, last_valid = self.transport.blockhash()
                txs = [(h, self._build(h, blockhash)) for h in group]
                self.queue.begin_attempts([(h.id, str(tx.signatures[0]), bytes(tx), last_valid) for h, tx in txs])
                for h, tx in txs:
                    self.transport.broadcast(tx)
                    inflight[tx.signatures[0]] = h
                    report.sent += 1

        deadline = time.monotonic() + self.confirm_timeout
        while inflight:
            outcomes = self.transport.outcomes(list(inflight))
            for sig, outcome in outcomes.items():
                self._apply(inflight.pop(sig), outcome, report)
            if not inflight or time.monotonic() > deadline:
                break  # the rest stay `sending`; the next round resolves them
            time.sleep(self.poll_interval)
        return report

    def drain(self, *, timeout: float = 120.0) -> None:
        """Rounds until the queue is empty (tests, benchmarks); raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while self.queue.depth():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.queue.depth()} readings still queued")
            self.run_round()
            if self.holds and self.queue.depth():
                time.sleep(0.05)
