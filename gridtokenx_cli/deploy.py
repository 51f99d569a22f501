"""Deploy, upgrade and inspect programs of the BPF Upgradeable Loader (loader v3), from Python, over RPC.

Deploy: create a buffer account, write the .so in chunks (many transactions in flight, missing ones resent),
then create the program account and DeployWithMaxDataLen in one transaction (allocation 1x the .so unless a
max length is given). The buffer keypair is kept in .gtx/buffers/, so an interrupted deploy resumes: chunks
already in the buffer (compared byte for byte) are not written again. Upgrade: the same buffer steps (or a buffer
someone else wrote), ExtendProgram first when the new .so outgrows the program data account, then Upgrade signed
by the upgrade authority, which need not be the fee payer. Leftover buffers can be closed to reclaim rent.

Reading: `read_program` decodes what the loader holds at an address (program, its program data, buffer),
`onchain_program_bytes` + `trimmed_sha256` answer "is the program on chain the one I built?".
"""
from __future__ import annotations

import hashlib
import json
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from solana.rpc.commitment import Confirmed
from solana.rpc.types import MemcmpOpts, TxOpts
from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, create_account
from solders.sysvar import CLOCK, RENT
from solders.transaction import Transaction
from solders.transaction_status import TransactionConfirmationStatus

from .chain.rpc import RpcChain, units_with_margin
from .chain.workspace import REPO_ROOT, Workspace

LOADER = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")
SYSTEM = Pubkey.from_string("11111111111111111111111111111111")
#: SIMD-0164: once active, ExtendProgram is refused and ExtendProgramChecked (the authority signs) replaces it
EXTEND_PROGRAM_CHECKED_FEATURE = Pubkey.from_string("97QCmR4QtfeQsAti9srfHFk5uMRFP95CvXG8EGr615HM")
BUFFER_HEADER = 37  # UpgradeableLoaderState::Buffer: u32 tag + Option<Pubkey>
PROGRAM_ACCOUNT_SIZE = 36  # UpgradeableLoaderState::Program: u32 tag + Pubkey
PROGRAMDATA_HEADER = 45  # UpgradeableLoaderState::ProgramData: u32 tag + u64 slot + Option<Pubkey>
STATE_BUFFER, STATE_PROGRAM, STATE_PROGRAMDATA = 1, 2, 3  # UpgradeableLoaderState tags (0 = Uninitialized)
CHUNK = 950  # bytes per Write so the transaction (with both compute-budget instructions) stays under 1232 bytes
IN_FLIGHT = 64
LAMPORTS_PER_SOL = 1_000_000_000


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


def ix_set_authority_checked(account: Pubkey, current: Pubkey, new: Pubkey) -> Instruction:
    """SetAuthority where the new authority signs too (a typo'd address cannot receive it)."""
    return Instruction(LOADER, struct.pack("<I", 7), [
        AccountMeta(account, False, True), AccountMeta(current, True, False), AccountMeta(new, True, False)])


def ix_close(account: Pubkey, recipient: Pubkey, authority: Pubkey, program: Pubkey | None = None) -> Instruction:
    """Close a buffer, or (with `program`) a program's data account: the program can never be deployed again."""
    metas = [AccountMeta(account, False, True), AccountMeta(recipient, False, True), AccountMeta(authority, True, False)]
    if program is not None:
        metas.append(AccountMeta(program, False, True))
    return Instruction(LOADER, struct.pack("<I", 5), metas)


def ix_extend_program(program: Pubkey, payer: Pubkey, additional_bytes: int) -> Instruction:
    return Instruction(LOADER, struct.pack("<II", 6, additional_bytes), [
        AccountMeta(programdata_address(program), False, True), AccountMeta(program, False, True),
        AccountMeta(SYSTEM, False, False), AccountMeta(payer, True, True)])


def ix_extend_program_checked(program: Pubkey, authority: Pubkey, payer: Pubkey, additional_bytes: int) -> Instruction:
    # tag 9: Migrate (to loader v4) took 8 before ExtendProgramChecked was added
    return Instruction(LOADER, struct.pack("<II", 9, additional_bytes), [
        AccountMeta(programdata_address(program), False, True), AccountMeta(program, False, True),
        AccountMeta(authority, True, False), AccountMeta(SYSTEM, False, False), AccountMeta(payer, True, True)])


# ---- reading what the loader holds ----
@dataclass
class ProgramInfo:
    """One address as the loader sees it. kind: program, closed-program (its data account was closed), buffer,
    programdata (the address of a program's data account was given), or not-upgradeable (not the loader's)."""

    address: str
    kind: str
    owner: str
    lamports: int  # of the account at `address`, plus its program data account for a program
    program_id: str | None = None
    programdata: str | None = None
    authority: str | None = None  # None: immutable (a program) or no authority (a buffer)
    last_deploy_slot: int | None = None
    data_len: int | None = None  # program data capacity / buffer payload, headers excluded

    @property
    def immutable(self) -> bool:
        return self.kind == "program" and self.authority is None


def _option_pubkey(data: bytes, at: int) -> Pubkey | None:
    return Pubkey.from_bytes(data[at + 1:at + 33]) if data[at] == 1 else None


def read_program(chain: RpcChain, address: Pubkey) -> ProgramInfo | None:
    """What the loader holds at `address`; None when there is no account there."""
    acc = chain.get_account(address)
    if acc is None:
        return None
    data = bytes(acc.data)
    base = ProgramInfo(str(address), "not-upgradeable", str(acc.owner), acc.lamports)
    if acc.owner != LOADER or len(data) < 4:
        return base
    tag = struct.unpack_from("<I", data)[0]
    if tag == STATE_BUFFER:
        authority = _option_pubkey(data, 4)
        base.kind, base.authority, base.data_len = "buffer", str(authority) if authority else None, len(data) - 37
        return base
    if tag == STATE_PROGRAMDATA:
        base.kind, base.last_deploy_slot = "programdata", struct.unpack_from("<Q", data, 4)[0]
        authority = _option_pubkey(data, 12)
        base.authority, base.data_len = str(authority) if authority else None, len(data) - PROGRAMDATA_HEADER
        return base
    if tag != STATE_PROGRAM:
        return base
    pd_address = Pubkey.from_bytes(data[4:36])
    base.program_id, base.programdata = str(address), str(pd_address)
    pd = chain.get_account(pd_address)
    if pd is None:
        base.kind = "closed-program"
        return base
    pd_data = bytes(pd.data)
    authority = _option_pubkey(pd_data, 12)
    base.kind, base.lamports = "program", acc.lamports + pd.lamports
    base.authority = str(authority) if authority else None
    base.last_deploy_slot = struct.unpack_from("<Q", pd_data, 4)[0]
    base.data_len = len(pd_data) - PROGRAMDATA_HEADER
    return base


def onchain_program_bytes(chain: RpcChain, program_id: Pubkey) -> bytes:
    """The program data account's payload (the ELF, then the zeroes of the unused allocation)."""
    info = read_program(chain, program_id)
    if info is None:
        raise DeployError(f"no account at {program_id} on {chain.url}")
    if info.kind != "program":
        raise DeployError(f"{program_id} is not a deployed upgradeable program (it is {_kind_text(info)})")
    pd = chain.get_account(Pubkey.from_string(str(info.programdata)))
    assert pd is not None
    return bytes(pd.data)[PROGRAMDATA_HEADER:]


def trimmed_sha256(elf: bytes) -> str:
    """sha256 of the bytes with trailing zeroes trimmed: the program data account is zero-padded to its allocation,
    so this is what a local build and the chain can be compared by."""
    return hashlib.sha256(elf.rstrip(b"\0")).hexdigest()


def _kind_text(info: ProgramInfo) -> str:
    return {"closed-program": "a closed program", "buffer": "a buffer", "programdata": "a program data account",
            "not-upgradeable": f"an account owned by {info.owner}"}.get(info.kind, info.kind)


def extend_program_checked_active(chain: RpcChain) -> bool:
    acc = chain.get_account(EXTEND_PROGRAM_CHECKED_FEATURE)
    return acc is not None and len(acc.data) > 0 and bytes(acc.data)[0] == 1  # Feature { activated_at: Some(_) }


@dataclass
class DeployResult:
    program: str
    program_id: str
    signature: str | None
    chunks_total: int
    chunks_written: int
    upgraded: bool
    upgrade_authority: str | None = None
    extended_bytes: int = 0
    extend_lamports: int = 0


@dataclass
class ExtendPlan:
    """What an upgrade to a .so of `new_len` bytes costs first: `additional_bytes` more program data, paid with
    `lamports` of rent (0 and 0 when the current allocation is large enough)."""

    capacity: int
    new_len: int
    additional_bytes: int
    lamports: int


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

    def _write_budget(self, buffer: Pubkey, sample: Instruction) -> list[Instruction]:
        """Compute-budget instructions for every chunk write: the priority fee, and a compute-unit limit measured
        once on the first chunk (all writes cost the same; simulating each would double the RPC calls)."""
        fee = self.chain.priority_fee_for([self.payer.pubkey(), buffer])
        budget = [set_compute_unit_price(fee)] if fee else []
        mode = self.chain.compute_unit_limit
        if mode == "simulate":
            unpriced = [set_compute_unit_price(0)] if budget else []  # see RpcChain.send
            simulated = self.chain.simulate([set_compute_unit_limit(1_400_000), *unpriced, sample], self.payer)
            if not simulated.ok:
                from .chain import TransactionRejected

                raise TransactionRejected(simulated)
            return [set_compute_unit_limit(units_with_margin(simulated.compute_units)), *budget]
        return [set_compute_unit_limit(int(mode)), *budget] if mode is not None else budget

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
        budget = self._write_budget(buffer.pubkey(), ix_write(buffer.pubkey(), self.payer.pubkey(), todo[0],
                                                               so[todo[0]:todo[0] + CHUNK])) if todo else []
        for attempt in range(5):
            if not todo:
                break
            sigs = {}
            for start in range(0, len(todo), IN_FLIGHT):
                window = todo[start:start + IN_FLIGHT]
                blockhash = self.chain.latest_blockhash()
                for o in window:
                    msg = Message.new_with_blockhash(
                        [*budget, ix_write(buffer.pubkey(), self.payer.pubkey(), o, so[o:o + CHUNK])],
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

    def _program_keypair(self, name: str) -> Keypair:
        program_kp = _keypair(self.ws.keypair_path(name))
        if program_kp.pubkey() != self.ws.program_id(name):
            raise DeployError(f"{self.ws.keypair_path(name)} is {program_kp.pubkey()} but Anchor.toml says "
                              f"{self.ws.program_id(name)}; run `gtx keys sync`")
        return program_kp

    def deploy(self, name: str, so_path: Path | None = None, max_len: int | None = None,
               progress: Callable[[int, int], None] | None = None,
               upgrade_authority: Keypair | Pubkey | None = None, program_keypair: Keypair | None = None,
               on_extend: Callable[[ExtendPlan], None] | None = None) -> DeployResult:
        """Deploy `name` (at its Anchor.toml id, or at `program_keypair`'s address), allocating `max_len` bytes
        (default: the .so's size; an upgrade to a larger .so extends the account then). The upgrade authority is
        the payer unless given: a keypair signs the deploy; a bare public key receives the authority in the same
        transaction (the payer deploys, then hands it over). An already deployed program is upgraded instead."""
        so = (so_path or self.ws.so_path(name)).read_bytes()
        if max_len is not None and max_len < len(so):
            raise DeployError(f"--max-len {max_len} is smaller than the program ({len(so)} bytes)")
        program_kp = program_keypair or self._program_keypair(name)
        existing = self.chain.get_account(program_kp.pubkey())
        if existing is not None and existing.executable:
            signer = upgrade_authority if isinstance(upgrade_authority, Keypair) else None
            if isinstance(upgrade_authority, Pubkey) and upgrade_authority != self.payer.pubkey():
                raise DeployError(f"{name} is already deployed: an upgrade is signed by its upgrade authority; give "
                                  f"its keypair (--upgrade-authority KEYPAIR), or write a buffer for it with `gtx "
                                  f"buffers write {name}`")
            return self.upgrade(name, so_path, progress, upgrade_authority=signer, program_id=program_kp.pubkey(),
                                on_extend=on_extend)
        buffer, total, written = self.write_buffer(name, so, progress)
        signer = upgrade_authority if isinstance(upgrade_authority, Keypair) else self.payer
        handover = upgrade_authority if isinstance(upgrade_authority, Pubkey) else None
        ixs = [create_account(CreateAccountParams(from_pubkey=self.payer.pubkey(), to_pubkey=program_kp.pubkey(),
                                                  lamports=self._rent(PROGRAM_ACCOUNT_SIZE),
                                                  space=PROGRAM_ACCOUNT_SIZE, owner=LOADER))]
        if signer.pubkey() != self.payer.pubkey():  # the buffer's authority must be the one that deploys it
            ixs.append(ix_set_authority(buffer.pubkey(), self.payer.pubkey(), signer.pubkey()))
        ixs.append(ix_deploy(self.payer.pubkey(), program_kp.pubkey(), buffer.pubkey(), signer.pubkey(),
                             max_len or len(so)))
        if handover is not None and handover != signer.pubkey():
            ixs.append(ix_set_authority(programdata_address(program_kp.pubkey()), signer.pubkey(), handover))
        outcome = self.chain.send(ixs, self.payer, [program_kp, signer], check=True)
        self._forget_buffer(name)
        return DeployResult(name, str(program_kp.pubkey()), str(outcome.signature), total, written, False,
                            str(handover or signer.pubkey()))

    def check_upgrade_authority(self, program_id: Pubkey, signer: Pubkey) -> ProgramInfo:
        """The program's loader state, when `signer` may upgrade or close it; DeployError naming the holder if not."""
        info = read_program(self.chain, program_id)
        if info is None or info.kind != "program":
            raise DeployError(f"{program_id} is not a deployed upgradeable program on {self.chain.url}"
                              + (f" (it is {_kind_text(info)})" if info else ""))
        if info.authority is None:
            raise DeployError(f"{program_id} is immutable: its upgrade authority was removed")
        if info.authority != str(signer):
            raise DeployError(f"the upgrade authority of {program_id} is {info.authority}, not {signer}; sign with "
                              f"that keypair (--upgrade-authority KEYPAIR), or write a buffer for it to apply "
                              f"(`gtx buffers write`, `gtx buffers set-authority`)")
        return info

    def extend_plan(self, program_id: Pubkey, new_len: int) -> ExtendPlan:
        pd = self.chain.get_account(programdata_address(program_id))
        if pd is None:
            raise DeployError(f"{program_id} has no program data account")
        capacity = len(pd.data) - PROGRAMDATA_HEADER
        additional = max(0, new_len - capacity)
        lamports = max(0, self._rent(PROGRAMDATA_HEADER + new_len) - pd.lamports) if additional else 0
        return ExtendPlan(capacity, new_len, additional, lamports)

    def wait_past_deploy_slot(self, program_id: Pubkey, timeout: float = 30.0) -> None:
        """The loader refuses to upgrade, extend or close a program in the slot it was deployed, upgraded or
        extended in ("Program was deployed in this block already"): wait until the confirmed slot is past it."""
        pd = self.chain.get_account(programdata_address(program_id))
        if pd is None:
            return
        slot = struct.unpack_from("<Q", bytes(pd.data), 4)[0]
        deadline = time.monotonic() + timeout
        while self.chain.call("get_slot", Confirmed).value <= slot and time.monotonic() < deadline:
            time.sleep(0.2)

    def extend(self, program_id: Pubkey, additional_bytes: int, authority: Keypair) -> str:
        """ExtendProgram (ExtendProgramChecked where the cluster requires the authority to sign): the payer pays
        the rent of `additional_bytes` more program data."""
        if extend_program_checked_active(self.chain):
            ix = ix_extend_program_checked(program_id, authority.pubkey(), self.payer.pubkey(), additional_bytes)
        else:
            ix = ix_extend_program(program_id, self.payer.pubkey(), additional_bytes)
        return str(self.chain.send(ix, self.payer, [authority], check=True).signature)

    def upgrade(self, name: str, so_path: Path | None = None,
                progress: Callable[[int, int], None] | None = None, *, upgrade_authority: Keypair | None = None,
                buffer: Pubkey | None = None, program_id: Pubkey | None = None,
                on_extend: Callable[[ExtendPlan], None] | None = None) -> DeployResult:
        """Upgrade a deployed program, signed by `upgrade_authority` (default the payer), from the local .so or from
        `buffer` (written by someone else; its authority must already be the upgrade authority). A program data
        account too small for the new program is extended first; `on_extend` sees the plan before it is paid.
        The authority is checked before anything is written or sent."""
        authority = upgrade_authority or self.payer
        program_id = program_id or self.ws.program_id(name)
        self.check_upgrade_authority(program_id, authority.pubkey())
        self.wait_past_deploy_slot(program_id)  # deployed moments ago (a test, a script): not in the same slot
        if buffer is not None:
            info = self.read_buffer(buffer)
            if info.authority != str(authority.pubkey()):
                raise DeployError(f"the authority of buffer {buffer} is {info.authority}, not the upgrade authority "
                                  f"{authority.pubkey()}; hand it over first (`gtx buffers set-authority {buffer} "
                                  f"{authority.pubkey()}`)")
            new_len, total, written, buffer_key = int(info.data_len or 0), 0, 0, buffer
        else:
            so = (so_path or self.ws.so_path(name)).read_bytes()
            buffer_kp, total, written = self.write_buffer(name, so, progress)
            new_len, buffer_key = len(so), buffer_kp.pubkey()
        plan = self.extend_plan(program_id, new_len)
        if plan.additional_bytes:
            if on_extend:
                on_extend(plan)
            self.extend(program_id, plan.additional_bytes, authority)
            self.wait_past_deploy_slot(program_id)
        ixs = []
        if buffer is None and authority.pubkey() != self.payer.pubkey():  # our buffer: hand it to the authority
            ixs.append(ix_set_authority(buffer_key, self.payer.pubkey(), authority.pubkey()))
        ixs.append(ix_upgrade(program_id, buffer_key, self.payer.pubkey(), authority.pubkey()))
        outcome = self.chain.send(ixs, self.payer, [authority], check=True)
        if buffer is None:
            self._forget_buffer(name)
        return DeployResult(name, str(program_id), str(outcome.signature), total, written, True,
                            str(authority.pubkey()), plan.additional_bytes, plan.lamports)

    def read_buffer(self, buffer: Pubkey):
        """The loader's view of `buffer`, or DeployError when it is not a buffer."""
        info = read_program(self.chain, buffer)
        if info is None or info.kind != "buffer":
            raise DeployError(f"{buffer} is not a buffer of the upgradeable loader"
                              + (f" (it is {_kind_text(info)})" if info else " (no account there)"))
        return info

    def write_upgrade_buffer(self, name: str, so_path: Path | None = None,
                             progress: Callable[[int, int], None] | None = None) -> tuple[Pubkey, int, int]:
        """A complete buffer of `name`'s .so for an upgrade signed elsewhere (a multisig): the payer is its
        authority until `set_buffer_authority` hands it over. Resumable like a deploy; the local record of the
        buffer is dropped once it is complete (it is then the operator's to hand over or close)."""
        so = (so_path or self.ws.so_path(name)).read_bytes()
        buffer, total, written = self.write_buffer(name, so, progress)
        self._forget_buffer(name)
        return buffer.pubkey(), total, written

    def set_buffer_authority(self, buffer: Pubkey, new_authority: Pubkey | Keypair, current: Keypair) -> str:
        """Hand a buffer over; with the new authority's keypair, SetAuthorityChecked (it co-signs)."""
        info = self.read_buffer(buffer)
        if info.authority != str(current.pubkey()):
            raise DeployError(f"the authority of buffer {buffer} is {info.authority}, not {current.pubkey()}; sign "
                              f"with that keypair (--keypair)")
        if isinstance(new_authority, Keypair):
            ix = ix_set_authority_checked(buffer, current.pubkey(), new_authority.pubkey())
            signers = [current, new_authority]
        else:
            ix, signers = ix_set_authority(buffer, current.pubkey(), new_authority), [current]
        return str(self.chain.send(ix, self.payer, signers, check=True).signature)

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

    def close_program(self, program_id: Pubkey, authority: Keypair, recipient: Pubkey | None = None) -> int:
        """Close a program's data account (irreversible: the program stops, its id can never be deployed again);
        its lamports go to `recipient` (default the payer). Returns the lamports reclaimed."""
        info = self.check_upgrade_authority(program_id, authority.pubkey())
        self.wait_past_deploy_slot(program_id)
        pd = self.chain.get_account(programdata_address(program_id))
        reclaimed = pd.lamports if pd else 0
        self.chain.send(ix_close(programdata_address(program_id), recipient or self.payer.pubkey(),
                                 authority.pubkey(), program_id), self.payer, [authority], check=True)
        assert info.kind == "program"
        return reclaimed

    def close_buffer(self, buffer: Pubkey, authority: Keypair, recipient: Pubkey | None = None) -> int:
        info = read_program(self.chain, buffer)
        if info is None or info.kind != "buffer":
            raise DeployError(f"{buffer} is not a buffer of the upgradeable loader")
        if info.authority != str(authority.pubkey()):
            raise DeployError(f"the authority of buffer {buffer} is {info.authority}, not {authority.pubkey()}; "
                              f"sign with that keypair (--keypair)")
        self.chain.send(ix_close(buffer, recipient or self.payer.pubkey(), authority.pubkey()), self.payer,
                        [authority], check=True)
        return info.lamports

    def list_programs(self, authority: Pubkey | None) -> list[ProgramInfo]:
        """Deployed programs: those whose upgrade authority is `authority`, or (None) every program of the loader
        (fine on a local validator; a public cluster's RPC may refuse so large a query)."""
        if authority is not None:  # ProgramData whose Option<Pubkey> authority at byte 12 is Some(authority)
            filters = [MemcmpOpts(0, _b58(struct.pack("<I", STATE_PROGRAMDATA))), MemcmpOpts(13, str(authority))]
            datas = self.chain.call("get_program_accounts", LOADER, encoding="base64", filters=filters).value
            # the program account pointing at each (one small query each, never the whole loader on a public RPC)
            ids = [p.pubkey for d in datas for p in self.chain.call(
                "get_program_accounts", LOADER, encoding="base64",
                filters=[PROGRAM_ACCOUNT_SIZE, MemcmpOpts(4, str(d.pubkey))]).value]
        else:
            programs = self.chain.call("get_program_accounts", LOADER, encoding="base64",
                                       filters=[PROGRAM_ACCOUNT_SIZE]).value
            ids = [p.pubkey for p in programs]
        infos = [read_program(self.chain, pid) for pid in ids]
        return sorted((i for i in infos if i is not None and (authority is None or i.authority == str(authority))),
                      key=lambda i: i.address)

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


def _b58(raw: bytes) -> str:
    """base58 (Bitcoin alphabet) of a few bytes, for getProgramAccounts memcmp filters."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n, out = int.from_bytes(raw, "big"), ""
    while n:
        n, digit = divmod(n, 58)
        out = alphabet[digit] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out
