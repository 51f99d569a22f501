"""Test-side helpers for LiteSVM program tests.

The LiteSVM plumbing itself (setup, send, event decoding, error-code extraction, snapshots) is defined
once in ``gridtokenx_cli.testing.svm_lite`` because the benchmarks use it too; this module re-exports it and adds
the assertions the tests share.
"""
from __future__ import annotations

import sys
from pathlib import Path

try:  # `pytest` run from the venv's bin/ does not put the repo root on sys.path
    import gridtokenx_cli  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover - depends on how pytest is launched
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey

from gridtokenx_cli.testing.svm_lite import (  # noqa: F401  (re-exports)
    Borsh,
    ProgramBuildError,
    Snapshot,
    TxResult,
    compute_units,
    custom_error_code,
    decode_events,
    expect_ok,
    funded_keypair,
    instruction_error,
    is_ok,
    logs,
    new_svm,
    program_data,
    program_so,
    send,
    set_account,
    sighash,
    snapshot,
)


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
