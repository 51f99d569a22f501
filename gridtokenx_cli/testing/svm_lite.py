"""Small, program-agnostic helpers for running our Anchor programs in LiteSVM (solders.litesvm).

Used by the pytest suites (tests/) and the compute-unit benchmarks (gridtokenx_cli/bench/); keep a
single definition of each helper here.

* locating / building ``target/deploy/sbpf-v0/<name>.so`` -> :func:`program_so`
* a LiteSVM with programs loaded                        -> :func:`new_svm`, :func:`funded_keypair`
* sending a transaction and getting its metadata back   -> :func:`send`, :func:`is_ok`
* Anchor conventions: discriminators, events in logs    -> :func:`sighash`, :func:`decode_events`
* failures: the custom error code of a failed tx        -> :func:`custom_error_code`
* account snapshots for "state unchanged" assertions    -> :func:`snapshot`
* a tiny borsh codec for fixed-size structs             -> :class:`Borsh`
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the SDK never imports LiteSVM: aarch64 solders has none
    from solders.litesvm import LiteSVM

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from solders.account import Account
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import FailedTransactionMetadata, TransactionMetadata
from solders.transaction_status import InstructionErrorCustom, TransactionErrorInstructionError

from gridtokenx_cli.chain.workspace import EMBEDDED_SUBDIR, REPO_ROOT  # noqa: E402
# solders 0.26's LiteSVM runs SBPF v0: the build's v0 copies (target/deploy/<name>.so is v3, for clusters)
DEPLOY_DIR = REPO_ROOT / "target" / "deploy" / EMBEDDED_SUBDIR
BUILD_MODULE = "gridtokenx_cli.toolchain.build"

TxResult = TransactionMetadata | FailedTransactionMetadata


class ProgramBuildError(RuntimeError):
    """The program binary is missing and could not be built."""


# ----------------------------------------------------------------------------- building


def _newest_source_mtime(name: str) -> float:
    root = REPO_ROOT / "programs" / name
    mtimes = [p.stat().st_mtime for p in root.rglob("*") if p.is_file() and "target" not in p.parts]
    return max(mtimes, default=0.0)


def program_so(name: str, *, rebuild_stale: bool = True) -> Path:
    """Path of ``target/deploy/sbpf-v0/<name>.so`` (SBPF v0, for LiteSVM); builds it if missing (or older than its
    sources).

    Building goes through ``python -m gridtokenx_cli.toolchain.build <name>``. Raises
    :class:`ProgramBuildError` if the binary is missing and cannot be built; a stale binary is
    rebuilt when the build driver exists, and a failed rebuild raises as well.
    """
    so = DEPLOY_DIR / f"{name}.so"
    stale = so.exists() and rebuild_stale and _newest_source_mtime(name) > so.stat().st_mtime
    if so.exists() and not stale:
        return so
    if importlib.util.find_spec(BUILD_MODULE) is None:
        if so.exists():  # stale but no way to rebuild: use what we have
            return so
        raise ProgramBuildError(f"{so} is missing and the build driver `{BUILD_MODULE}` does not exist")
    proc = subprocess.run(
        [sys.executable, "-m", BUILD_MODULE, name, "--no-idl"],  # tests need only the .so
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": "/usr/bin:/bin:" + os.environ.get("PATH", "")},
    )
    if proc.returncode != 0 or not so.exists():
        raise ProgramBuildError(
            f"`python -m {BUILD_MODULE} {name} --no-idl` failed (exit {proc.returncode})\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-8000:]}"
        )
    return so


# ----------------------------------------------------------------------------- LiteSVM setup


def new_svm(programs: Mapping[Pubkey, Path | bytes], *, compute_budget: Any = None) -> LiteSVM:
    """A fresh LiteSVM with the given ``{program_id: .so path or bytes}`` loaded."""
    from solders.litesvm import LiteSVM

    svm = LiteSVM()
    if compute_budget is not None:
        svm = svm.with_compute_budget(compute_budget)
    for program_id, prog in programs.items():
        if isinstance(prog, (bytes, bytearray)):
            svm.add_program(program_id, bytes(prog))
        else:
            svm.add_program_from_file(program_id, Path(prog))
    return svm


def funded_keypair(svm: LiteSVM, lamports: int = 10_000_000_000, keypair: Keypair | None = None) -> Keypair:
    """Airdrop ``lamports`` to ``keypair`` (default: a new random one) and return it."""
    kp = keypair or Keypair()
    res = svm.airdrop(kp.pubkey(), lamports)
    if not isinstance(res, TransactionMetadata):
        raise RuntimeError(f"airdrop failed: {res}")
    return kp


def send(
    svm: LiteSVM,
    instructions: Instruction | Sequence[Instruction],
    payer: Keypair,
    signers: Iterable[Keypair] = (),
) -> TxResult:
    """Sign (payer first) and process one transaction; returns its (Failed)TransactionMetadata.

    ``signers`` may hold more keypairs than the instructions need; only the required ones sign.

    The blockhash is expired afterwards, so sending the same instructions again yields a new
    signature instead of LiteSVM's ``AlreadyProcessed``.
    """
    ixs = [instructions] if isinstance(instructions, Instruction) else list(instructions)
    required = {m.pubkey for ix in ixs for m in ix.accounts if m.is_signer}
    keys: dict[Pubkey, Keypair] = {payer.pubkey(): payer}
    for kp in signers:  # keypairs the message does not ask for are ignored (solders would panic)
        if kp.pubkey() in required:
            keys.setdefault(kp.pubkey(), kp)
    tx = Transaction.new_signed_with_payer(ixs, payer.pubkey(), list(keys.values()), svm.latest_blockhash())
    res = svm.send_transaction(tx)
    svm.expire_blockhash()
    return res


def is_ok(res: TxResult) -> bool:
    return isinstance(res, TransactionMetadata)


def meta(res: TxResult) -> TransactionMetadata:
    return res if isinstance(res, TransactionMetadata) else res.meta()


def logs(res: TxResult) -> list[str]:
    return list(meta(res).logs())


def compute_units(res: TxResult) -> int:
    return meta(res).compute_units_consumed()


def expect_ok(res: TxResult) -> TransactionMetadata:
    """Return the metadata of a successful transaction or raise with its error and logs."""
    if isinstance(res, TransactionMetadata):
        return res
    raise AssertionError(f"transaction failed: {res.err()}\n" + "\n".join(res.meta().logs()))


# ----------------------------------------------------------------------------- failures


def instruction_error(res: TxResult) -> tuple[int, Any] | None:
    """``(instruction index, InstructionError)`` of a failed transaction, None otherwise."""
    if isinstance(res, TransactionMetadata):
        return None
    err = res.err()
    if isinstance(err, TransactionErrorInstructionError):
        return err.index, err.err
    return None


def custom_error_code(res: TxResult) -> int | None:
    """The ``Custom(code)`` of a failed instruction (Anchor: 100.., 2000.., 3000.., user 6000..)."""
    ie = instruction_error(res)
    if ie is not None and isinstance(ie[1], InstructionErrorCustom):
        return ie[1].code
    return None


# ----------------------------------------------------------------------------- Anchor conventions
# (the pure encodings live in gridtokenx_cli.codec; re-exported here for the tests)
from gridtokenx_cli.codec import Borsh, decode_account, program_data, sighash  # noqa: E402,F401


def anchor_instruction(
    program_id: Pubkey, name: str, args: bytes, accounts: Sequence[Any]
) -> Instruction:
    """Instruction with data ``sighash("global", name) + args`` (args already borsh-encoded)."""
    return Instruction(program_id, sighash("global", name) + args, list(accounts))


def decode_events(res_or_logs: TxResult | Iterable[str], layouts: Mapping[str, "Borsh"]) -> list[tuple[str, dict]]:
    """``[(EventName, fields)]`` for every Anchor event in the logs whose name is in ``layouts``.

    Raises on an event with an unknown discriminator, so a test never silently skips one.
    """
    lines = logs(res_or_logs) if isinstance(res_or_logs, (TransactionMetadata, FailedTransactionMetadata)) else res_or_logs
    by_disc = {sighash("event", name): (name, layout) for name, layout in layouts.items()}
    events = []
    for payload in program_data(lines):
        disc = payload[:8]
        if disc not in by_disc:
            raise ValueError(f"unknown event discriminator {disc.hex()} in {payload.hex()}")
        name, layout = by_disc[disc]
        events.append((name, layout.decode(payload[8:])))
    return events


# ----------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class Snapshot:
    lamports: int
    data: bytes
    owner: Pubkey | None

    @property
    def exists(self) -> bool:
        return self.owner is not None


def snapshot(svm: LiteSVM, address: Pubkey) -> Snapshot:
    acc = svm.get_account(address)
    if acc is None:
        return Snapshot(0, b"", None)
    return Snapshot(acc.lamports, bytes(acc.data), acc.owner)


def set_account(svm: LiteSVM, address: Pubkey, data: bytes, owner: Pubkey, lamports: int | None = None) -> None:
    """Write an arbitrary account (rent-exempt by default), bypassing the runtime."""
    if lamports is None:
        lamports = svm.minimum_balance_for_rent_exemption(len(data))
    svm.set_account(address, Account(lamports, bytes(data), owner, False, 0))


# ----------------------------------------------------------------------------- assertions the tests share


def snapshots(svm: LiteSVM, *addresses: Pubkey) -> dict[Pubkey, Snapshot]:
    return {a: snapshot(svm, a) for a in addresses}


def assert_unchanged(svm: LiteSVM, before: dict[Pubkey, Snapshot]) -> None:
    for address, snap in before.items():
        after = snapshot(svm, address)
        assert after == snap, f"{address} changed: {snap} -> {after}"


def assert_rejected(svm: LiteSVM, res: TxResult, code: int, before: dict[Pubkey, Snapshot],
                    *, index: int = 0) -> None:
    """``res`` failed in instruction ``index`` with ``Custom(code)``, emitted no event, and every
    account in ``before`` has the same lamports, data and owner as before the transaction."""
    assert not is_ok(res), "transaction unexpectedly succeeded:\n" + "\n".join(logs(res))
    ie = instruction_error(res)
    assert ie is not None, f"not an instruction error: {res.err()}"
    assert ie[0] == index, f"failed in instruction {ie[0]}, expected {index}"
    got = custom_error_code(res)
    assert got == code, f"error {ie[1]} (custom code {got}), expected custom code {code}\n" + "\n".join(logs(res))
    assert program_data(logs(res)) == [], "a rejected transaction must not leave events"
    assert_unchanged(svm, before)


def events(res: TxResult, layouts, name: str | None = None) -> list[dict]:
    """Fields of the events in ``res`` (all must be known to ``layouts``), optionally only ``name``."""
    return [fields for ev, fields in decode_events(res, layouts) if name is None or ev == name]
