"""The chain interface both backends implement: send instructions, read accounts, read the clock.

Encoding (instructions, accounts) lives in the generated clients; this layer is transport only, plus the
decoding of outcomes every caller needs (Anchor error name/message and events from the logs).
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from solders.account import Account
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import Transaction

from .anchor import AnchorError, DecodedEvent, decode_error, decode_events


@dataclass
class TxOutcome:
    """What happened to one transaction, on either backend."""

    signature: Signature
    ok: bool
    logs: list[str]
    compute_units: int
    error: AnchorError | None = None
    events: list[DecodedEvent] = field(default_factory=list)
    raw_error: object | None = None

    def event(self, name: str) -> DecodedEvent:
        found = [e for e in self.events if e.name == name]
        if not found:
            raise KeyError(f"no {name} event; got {[e.name for e in self.events]}")
        return found[-1]


class ChainError(Exception):
    """Transport-level failure (not an on-chain rejection): unreachable RPC, expired blockhash after retries…"""


class TransactionRejected(Exception):
    """An on-chain rejection, raised by `send(..., check=True)`; carries the decoded outcome."""

    def __init__(self, outcome: TxOutcome):
        self.outcome = outcome
        err = outcome.error
        text = f"{err.name} ({err.code}): {err.message}" if err else str(outcome.raw_error)
        super().__init__(f"transaction rejected: {text}")


_CUSTOM_CODE = re.compile(r"custom program error: 0x([0-9a-fA-F]+)")


@dataclass
class ClockView:
    slot: int
    unix_timestamp: int
    epoch: int


class Chain(ABC):
    """Common calls of the embedded (LiteSVM) and rpc (solana-test-validator / cluster) backends."""

    name: str = "chain"

    # ---- transport, per backend ----
    @abstractmethod
    def latest_blockhash(self) -> Hash: ...

    @abstractmethod
    def submit(self, tx: Transaction, message_builder) -> TxOutcome: ...

    @abstractmethod
    def get_account(self, address: Pubkey) -> Account | None: ...

    @abstractmethod
    def get_clock(self) -> ClockView: ...

    @abstractmethod
    def get_balance(self, address: Pubkey) -> int: ...

    @abstractmethod
    def airdrop(self, address: Pubkey, lamports: int) -> None: ...

    # ---- batch primitives: many transactions in flight (the gateway's submitter, pipelines) ----
    #: whether one blockhash may serve several transactions (LiteSVM's is expired after each transaction)
    shares_blockhash: bool = True

    def blockhash_with_expiry(self) -> tuple[Hash, int | None]:
        """A recent blockhash and the last block height it is valid at (None: the backend tracks no expiry)."""
        return self.latest_blockhash(), None

    def broadcast(self, tx: Transaction) -> Signature:
        """Hand a signed transaction to the chain without waiting. Here (a backend that executes at once)
        it runs now and its outcome waits for :meth:`confirmed_outcomes`; the rpc backend sends it."""

        def no_rebuild(_blockhash: Hash) -> Transaction:
            raise ChainError("a broadcast transaction is not re-signed: sign it again with a fresh blockhash")

        outcomes = self.__dict__.setdefault("_broadcast_outcomes", {})
        outcomes[tx.signatures[0]] = self.submit(tx, no_rebuild)
        return tx.signatures[0]

    def confirmed_outcomes(self, signatures: Sequence[Signature]) -> dict[Signature, TxOutcome]:
        """Outcomes of those of ``signatures`` that are confirmed (the others are not, or not yet)."""
        outcomes = self.__dict__.get("_broadcast_outcomes", {})
        return {s: outcomes[s] for s in signatures if s in outcomes}

    def block_height(self) -> int | None:
        """The confirmed block height (None where blockhashes do not expire by height)."""
        return None

    def set_unix_timestamp(self, unix_timestamp: int) -> None:
        """Move the clock the programs see: only a backend that owns its clock can (the embedded one)."""
        raise ChainError(f"the {self.name} backend's clock is the cluster's; it cannot be set")

    def accounts_data(self, addresses: Sequence[Pubkey]) -> list[bytes | None]:
        return [self.account_data(a) for a in addresses]

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # ---- shared ----
    def send(self, instructions: Instruction | Sequence[Instruction], payer: Keypair,
             signers: Iterable[Keypair] = (), *, check: bool = False) -> TxOutcome:
        """Sign (payer first, only the keys the message needs) and send; `check=True` raises on rejection."""
        ixs = [instructions] if isinstance(instructions, Instruction) else list(instructions)
        signers = list(signers)  # build() runs again on a re-sign

        def build(blockhash: Hash) -> Transaction:
            return self.sign(ixs, payer, signers, blockhash)

        outcome = self.submit(build(self.latest_blockhash()), build)
        if check and not outcome.ok:
            raise TransactionRejected(outcome)
        return outcome

    @staticmethod
    def sign(instructions: Sequence[Instruction], payer: Keypair, signers: Iterable[Keypair],
             blockhash: Hash) -> Transaction:
        """The transaction of `instructions` under `blockhash`, signed by the payer and whichever of `signers` the
        message needs (extra signers are ignored; a missing one raises ValueError)."""
        candidates = {payer.pubkey(): payer}
        for kp in signers:
            candidates.setdefault(kp.pubkey(), kp)
        msg = Message.new_with_blockhash(list(instructions), payer.pubkey(), blockhash)
        required = msg.account_keys[: msg.header.num_required_signatures]
        missing = [k for k in required if k not in candidates]
        if missing:
            raise ValueError(f"missing signer(s): {', '.join(map(str, missing))}")
        return Transaction([candidates[k] for k in required], msg, blockhash)

    def account_data(self, address: Pubkey) -> bytes | None:
        acc = self.get_account(address)
        return bytes(acc.data) if acc is not None else None

    @staticmethod
    def outcome(signature: Signature, ok: bool, logs: list[str], cu: int, raw_error) -> TxOutcome:
        error = None
        if not ok:
            code = None
            m = _CUSTOM_CODE.search(str(raw_error)) or next(
                (mm for mm in (_CUSTOM_CODE.search(line) for line in logs) if mm), None)
            if m:
                code = int(m.group(1), 16)
            else:
                m2 = re.search(r"Custom\((\d+)\)", str(raw_error))
                code = int(m2.group(1)) if m2 else None
            error = decode_error(logs, code)
        return TxOutcome(signature, ok, logs, cu, error, decode_events(logs), raw_error)
