"""Deploy and upgrade programs through the BPF Upgradeable Loader, from Python, over RPC.

Deploy: create a buffer account, write the .so in chunks (many transactions in flight, missing ones resent),
then create the program account and DeployWithMaxDataLen in one transaction. The buffer keypair is kept in
.gtx/buffers/, so an interrupted deploy resumes: chunks already in the buffer (compared byte for byte) are not
written again. Upgrade: the same buffer steps, then Upgrade. Leftover buffers can be closed to reclaim rent.
"""
from __future__ import annotations

import json
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from solana.rpc.types import TxOpts
from solders.compute_budget import set_compute_unit_price
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, create_account
from solders.sysvar import CLOCK, RENT
from solders.transaction import Transaction
from solders.transaction_status import TransactionConfirmationStatus

from .chain.rpc import RpcChain
from .chain.workspace import REPO_ROOT, Workspace

LOADER = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")
SYSTEM = Pubkey.from_string("11111111111111111111111111111111")
BUFFER_HEADER = 37  # UpgradeableLoaderState::Buffer: u32 tag + Option<Pubkey>
PROGRAM_ACCOUNT_SIZE = 36  # UpgradeableLoaderState::Program: u32 tag + Pubkey
PROGRAMDATA_HEADER = 45  # UpgradeableLoaderState::ProgramData: u32 tag + u64 slot + Option<Pubkey>
CHUNK = 950  # bytes per Write so the transaction stays under 1232 bytes
IN_FLIGHT = 64


class DeployError(Exception):
    pass


def programdata_address(program_id: Pubkey) -> Pubkey:
    return Pubkey.find_program_address([bytes(program_id)], LOADER)[0]


# ---- loader instructions (bincode: u32 variant tag, then fields) ----
def ix_initialize_buffer(buffer: Pubkey, authority: Pubkey) -> Instruction:
    return Instruction(LOADER, struct.pack("<I", 0),
                       [AccountMeta(buffer, False, True), AccountMeta(authority, False, False)])


def ix_write(buffer: Pubkey, authority: Pubkey, offset: int, data: bytes) -> Instruction:
    return Instruction(LOADER, struct.pack("<IIQ", 1, offset, len(data)) + data,
                       [AccountMeta(buffer, False, True), AccountMeta(authority, True, False)])


def ix_deploy(payer: Pubkey, program: Pubkey, buffer: Pubkey, authority: Pubkey, max_len: int) -> Instruction:
    return Instruction(LOADER, struct.pack("<IQ", 2, max_len), [
        AccountMeta(payer, True, True), AccountMeta(programdata_address(program), False, True),
        AccountMeta(program, False, True), AccountMeta(buffer, False, True), AccountMeta(RENT, False, False),
        AccountMeta(CLOCK, False, False), AccountMeta(SYSTEM, False, False), AccountMeta(authority, True, False)])


def ix_upgrade(program: Pubkey, buffer: Pubkey, spill: Pubkey, authority: Pubkey) -> Instruction:
    return Instruction(LOADER, struct.pack("<I", 3), [
        AccountMeta(programdata_address(program), False, True), AccountMeta(program, False, True),
        AccountMeta(buffer, False, True), AccountMeta(spill, False, True), AccountMeta(RENT, False, False),
        AccountMeta(CLOCK, False, False), AccountMeta(authority, True, False)])


def ix_set_authority(account: Pubkey, current: Pubkey, new: Pubkey | None) -> Instruction:
    metas = [AccountMeta(account, False, True), AccountMeta(current, True, False)]
    if new is not None:
        metas.append(AccountMeta(new, False, False))
    return Instruction(LOADER, struct.pack("<I", 4), metas)


def ix_close(account: Pubkey, recipient: Pubkey, authority: Pubkey) -> Instruction:
    return Instruction(LOADER, struct.pack("<I", 5), [
        AccountMeta(account, False, True), AccountMeta(recipient, False, True), AccountMeta(authority, True, False)])


@dataclass
class DeployResult:
    program: str
    program_id: str
    signature: str | None
    chunks_total: int
    chunks_written: int
    upgraded: bool


def _keypair(path: Path) -> Keypair:
    from gridtokenx_cli.keypairs import read_keypair

    return read_keypair(path)


class Deployer:
    def __init__(self, chain: RpcChain, payer: Keypair, workspace: Workspace | None = None,
                 state_dir: Path = REPO_ROOT / ".gtx" / "buffers"):
        self.chain = chain
        self.payer = payer
        self.ws = workspace or Workspace.load()
        self.state_dir = state_dir

    def _rent(self, size: int) -> int:
        return self.chain.call("get_minimum_balance_for_rent_exemption", size).value

    def buffer_keypair(self, name: str) -> Keypair:
        """The buffer of an unfinished deploy of `name`, or a new one (kept until the deploy completes)."""
        path = self.state_dir / f"{name}-buffer.json"
        if path.exists():
            return _keypair(path)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        kp = Keypair()
        path.write_text(json.dumps(list(bytes(kp))))
        path.chmod(0o600)
        return kp

    def _forget_buffer(self, name: str) -> None:
        (self.state_dir / f"{name}-buffer.json").unlink(missing_ok=True)

    def write_buffer(self, name: str, so: bytes,
                     progress: Callable[[int, int], None] | None = None) -> tuple[Keypair, int, int]:
        """Create (if needed) and fill the buffer; returns (buffer keypair, chunks total, chunks written now)."""
        buffer = self.buffer_keypair(name)
        size = BUFFER_HEADER + len(so)
        acc = self.chain.get_account(buffer.pubkey())
        if acc is not None and len(acc.data) != size:
            raise DeployError(f"buffer {buffer.pubkey()} has size {len(acc.data)}, not {size}: the .so changed "
                              f"since the interrupted deploy; `gtx deploy --fresh-buffer {name}`")
        if acc is None:
            self.chain.send([
                create_account(CreateAccountParams(from_pubkey=self.payer.pubkey(), to_pubkey=buffer.pubkey(),
                                                   lamports=self._rent(size), space=size, owner=LOADER)),
                ix_initialize_buffer(buffer.pubkey(), self.payer.pubkey()),
            ], self.payer, [buffer], check=True)
            current = bytes(size)
        else:
            current = bytes(acc.data)
        offsets = list(range(0, len(so), CHUNK))
        todo = [o for o in offsets
                if current[BUFFER_HEADER + o: BUFFER_HEADER + o + CHUNK] != so[o:o + CHUNK]]
        written = 0
        if progress:
            progress(len(offsets) - len(todo), len(offsets))
        for attempt in range(5):
            if not todo:
                break
            sigs = {}
            # a priority fee (when set) rides on every chunk too: 950 data bytes + the compute-budget
            # instruction still fit the 1232-byte transaction
            fee = [set_compute_unit_price(self.chain.priority_fee)] if self.chain.priority_fee else []
            for start in range(0, len(todo), IN_FLIGHT):
                window = todo[start:start + IN_FLIGHT]
                blockhash = self.chain.latest_blockhash()
                for o in window:
                    msg = Message.new_with_blockhash(
                        [*fee, ix_write(buffer.pubkey(), self.payer.pubkey(), o, so[o:o + CHUNK])],
                        self.payer.pubkey(), blockhash)
                    tx = Transaction([self.payer], msg, blockhash)
                    sig = self.chain.call("send_raw_transaction", bytes(tx), TxOpts(skip_preflight=True)).value
                    sigs[o] = sig
                self._wait_all([sigs[o] for o in window])
                if progress:  # per window, so the bar moves while a large program is written
                    progress(min(len(offsets), len(offsets) - len(todo) + start + len(window)), len(offsets))
            acc = self.chain.get_account(buffer.pubkey())
            current = bytes(acc.data)
            remaining = [o for o in todo if current[BUFFER_HEADER + o: BUFFER_HEADER + o + CHUNK] != so[o:o + CHUNK]]
            written += len(todo) - len(remaining)
            todo = remaining
            if progress:
                progress(len(offsets) - len(todo), len(offsets))
        if todo:
            raise DeployError(f"{len(todo)} chunk(s) of {name} could not be written after retries; run again to resume")
        return buffer, len(offsets), written

    def _wait_all(self, sigs, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        pending = list(sigs)
        while pending and time.monotonic() < deadline:
            statuses = []
            for i in range(0, len(pending), 256):
                statuses += self.chain.call("get_signature_statuses", pending[i:i + 256]).value
            # "processed" is not enough: the buffer is read back at "confirmed" right after
            pending = [s for s, st in zip(pending, statuses)
                       if st is None or st.confirmation_status in (None, TransactionConfirmationStatus.Processed)]
            if pending:
                time.sleep(0.4)

    def deploy(self, name: str, so_path: Path | None = None, max_len_factor: int = 2,
               progress: Callable[[int, int], None] | None = None) -> DeployResult:
        so = (so_path or self.ws.so_path(name)).read_bytes()
        program_kp = _keypair(self.ws.keypair_path(name))
        if program_kp.pubkey() != self.ws.program_id(name):
            raise DeployError(f"{self.ws.keypair_path(name)} is {program_kp.pubkey()} but Anchor.toml says "
                              f"{self.ws.program_id(name)}; run `gtx keys sync`")
        existing = self.chain.get_account(program_kp.pubkey())
        if existing is not None and existing.executable:
            return self.upgrade(name, so_path, progress)
        buffer, total, written = self.write_buffer(name, so, progress)
        max_len = len(so) * max_len_factor
        outcome = self.chain.send([
            create_account(CreateAccountParams(from_pubkey=self.payer.pubkey(), to_pubkey=program_kp.pubkey(),
                                               lamports=self._rent(PROGRAM_ACCOUNT_SIZE),
                                               space=PROGRAM_ACCOUNT_SIZE, owner=LOADER)),
            ix_deploy(self.payer.pubkey(), program_kp.pubkey(), buffer.pubkey(), self.payer.pubkey(), max_len),
        ], self.payer, [program_kp], check=True)
        self._forget_buffer(name)
        return DeployResult(name, str(program_kp.pubkey()), str(outcome.signature), total, written, False)

    def upgrade(self, name: str, so_path: Path | None = None,
                progress: Callable[[int, int], None] | None = None) -> DeployResult:
        so = (so_path or self.ws.so_path(name)).read_bytes()
        program_id = self.ws.program_id(name)
        buffer, total, written = self.write_buffer(name, so, progress)
        outcome = self.chain.send(ix_upgrade(program_id, buffer.pubkey(), self.payer.pubkey(), self.payer.pubkey()),
                                  self.payer, check=True)
        self._forget_buffer(name)
        return DeployResult(name, str(program_id), str(outcome.signature), total, written, True)

    def upgrade_authority(self, name: str) -> tuple[bool, Pubkey | None]:
        """(deployed, upgrade authority); the authority is None for an immutable (finalised) program."""
        acc = self.chain.get_account(programdata_address(self.ws.program_id(name)))
        if acc is None:
            return False, None
        data = bytes(acc.data)
        return True, (Pubkey.from_bytes(data[13:45]) if data[12] == 1 else None)

    def set_upgrade_authority(self, name: str, new_authority: Pubkey | None, current: Keypair) -> str:
        """Transfer the upgrade authority, or make the program immutable (new_authority None; irreversible)."""
        program_id = self.ws.program_id(name)
        deployed, authority = self.upgrade_authority(name)
        if not deployed:
            raise DeployError(f"{name} ({program_id}) is not deployed on this cluster")
        if authority is None:
            raise DeployError(f"{name} is immutable: its upgrade authority was removed")
        if authority != current.pubkey():
            raise DeployError(f"the upgrade authority of {name} is {authority}, not {current.pubkey()}; "
                              f"sign with that keypair (--keypair)")
        outcome = self.chain.send(ix_set_authority(programdata_address(program_id), current.pubkey(), new_authority),
                                  self.payer, [current], check=True)
        return str(outcome.signature)

    def pending_buffers(self) -> list[dict]:
        """Buffers kept by interrupted deploys: program, address, lamports held (0 when never created)."""
        rows = []
        for path in sorted(self.state_dir.glob("*-buffer.json")):
            kp = _keypair(path)
            acc = self.chain.get_account(kp.pubkey())
            rows.append({"program": path.name.removesuffix("-buffer.json"), "buffer": str(kp.pubkey()),
                         "lamports": acc.lamports if acc else 0})
        return rows

    def close_buffers(self) -> list[str]:
        """Close buffers left by interrupted deploys (rent back to the payer)."""
        closed = []
        for path in sorted(self.state_dir.glob("*-buffer.json")):
            kp = _keypair(path)
            if self.chain.get_account(kp.pubkey()) is not None:
                self.chain.send(ix_close(kp.pubkey(), self.payer.pubkey(), self.payer.pubkey()), self.payer, check=True)
            path.unlink()
            closed.append(str(kp.pubkey()))
        return closed
