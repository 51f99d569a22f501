"""LiteSVM fixtures of governance: ``gridtokenx_cli.clients.governance`` plus what drives the program in a LiteSVM
(tests, demo, benchmarks only)."""
from __future__ import annotations

# the client first: the imports below (the other programs' fixtures) must win over its module aliases
from gridtokenx_cli.clients.governance import *  # noqa: F403  (the client, extended)

from solders.keypair import Keypair
from solders.pubkey import Pubkey
from gridtokenx_cli.generated.governance import instructions as gix
from gridtokenx_cli.generated.governance.accounts import GovernanceConfig
from gridtokenx_cli.generated.governance.program_id import PROGRAM_ID

from solders.litesvm import LiteSVM

from gridtokenx_cli.testing import svm_lite


def fetch_governance_config(svm: LiteSVM) -> GovernanceConfig | None:
    acc = svm.get_account(governance_config_pda()[0])
    return None if acc is None else decode_governance_config(bytes(acc.data))


def ensure_program_loaded(svm: LiteSVM) -> None:
    """Load target/deploy/governance.so into ``svm`` unless it is already there (builds it if needed)."""
    acc = svm.get_account(PROGRAM_ID)
    if acc is None or not acc.executable:
        svm.add_program_from_file(PROGRAM_ID, svm_lite.program_so(PROGRAM_NAME))


def _funded_bootstrap(svm: LiteSVM) -> Keypair:
    kp = bootstrap_keypair()
    acc = svm.get_account(kp.pubkey())
    if acc is None or acc.lamports < 1_000_000_000:
        svm_lite.funded_keypair(svm, 10_000_000_000, kp)
    return kp


def initialize_governance_for_tests(svm: LiteSVM, rec_authority: Pubkey) -> Pubkey:
    """Run the real ``initialize_governance(rec_authority)`` (bootstrap signs and pays, becomes admin).

    Loads the governance program into ``svm`` if missing. Returns the GovernanceConfig PDA.
    """
    ensure_program_loaded(svm)
    admin = _funded_bootstrap(svm)
    config = governance_config_pda()[0]
    ix = gix.initialize_governance({"rec_authority": rec_authority},
                                   {"authority": admin.pubkey(), "governance_config": config})
    svm_lite.expect_ok(svm_lite.send(svm, ix, admin))
    return config


def _control(svm: LiteSVM, which: str, admin: Keypair | None) -> None:
    admin = admin or _funded_bootstrap(svm)
    build = gix.emergency_pause if which == "pause" else gix.emergency_unpause
    ix = build({"authority": admin.pubkey(), "governance_config": governance_config_pda()[0]})
    svm_lite.expect_ok(svm_lite.send(svm, ix, admin))


def pause_for_tests(svm: LiteSVM, admin: Keypair | None = None) -> None:
    """``emergency_pause()`` signed by ``admin`` (default: the bootstrap key, the initial admin)."""
    _control(svm, "pause", admin)


def unpause_for_tests(svm: LiteSVM, admin: Keypair | None = None) -> None:
    """``emergency_unpause()`` signed by ``admin`` (default: the bootstrap key, the initial admin)."""
    _control(svm, "unpause", admin)

