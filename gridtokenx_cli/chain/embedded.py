"""Embedded backend: LiteSVM (solders.litesvm) in this process, programs loaded from target/deploy."""
from __future__ import annotations

from pathlib import Path

from solders.account import Account
from solders.clock import Clock
from solders.hash import Hash
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import TransactionMetadata

from ..fpenv import restore_default as restore_default_fp_environment
from .base import Chain, ClockView, TxOutcome
from .workspace import Workspace


class EmbeddedChain(Chain):
    name = "embedded"
    shares_blockhash = False  # every transaction expires the blockhash (see submit)

    def __init__(self, workspace: Workspace | None = None, programs: list[str] | None = None,
                 svm: LiteSVM | None = None):
        self.workspace = workspace or Workspace.load()
        self.svm = svm or LiteSVM()  # SPL Token, Token-2022, ATA, precompiles and sysvars are built in
        for name in programs if programs is not None else self.workspace.embeddable():
            self.load_program(name)

    def load_program(self, name: str, so_path: Path | None = None) -> Pubkey:
        program_id = self.workspace.program_id(name)
        path = so_path or self.workspace.embedded_so_path(name)
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `gtx build {name}`")
        self.svm.add_program(program_id, path.read_bytes())
        return program_id

    def latest_blockhash(self) -> Hash:
        return self.svm.latest_blockhash()

    def submit(self, tx: Transaction, message_builder) -> TxOutcome:
        res = self.svm.send_transaction(tx)
        restore_default_fp_environment()  # LiteSVM can leave it changed (gridtokenx_cli/fpenv.py)
        # a later identical transaction (same payer, instructions, blockhash) would be rejected as a duplicate
        self.svm.expire_blockhash()
        if isinstance(res, TransactionMetadata):
            return self.outcome(tx.signatures[0], True, list(res.logs()), res.compute_units_consumed(), None)
        meta = res.meta()
        return self.outcome(tx.signatures[0], False, list(meta.logs()), meta.compute_units_consumed(), res.err())

    def get_account(self, address: Pubkey) -> Account | None:
        acc = self.svm.get_account(address)
        if acc is None or (acc.lamports == 0 and not acc.data):
            return None
        return acc

    def set_account(self, address: Pubkey, account: Account) -> None:
        self.svm.set_account(address, account)

    def get_clock(self) -> ClockView:
        c = self.svm.get_clock()
        return ClockView(c.slot, c.unix_timestamp, c.epoch)

    def set_unix_timestamp(self, unix_timestamp: int) -> None:
        """Clock control (embedded only): move the wall clock the programs see."""
        c = self.svm.get_clock()
        self.svm.set_clock(Clock(c.slot, c.epoch_start_timestamp, c.epoch, c.leader_schedule_epoch,
                                 unix_timestamp))

    def warp_to_slot(self, slot: int) -> None:
        self.svm.warp_to_slot(slot)

    def get_balance(self, address: Pubkey) -> int:
        return self.svm.get_balance(address) or 0

    def airdrop(self, address: Pubkey, lamports: int) -> None:
        res = self.svm.airdrop(address, lamports)
        if not isinstance(res, TransactionMetadata):
            raise RuntimeError(f"airdrop failed: {res}")
