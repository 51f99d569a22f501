"""LiteSVM fixtures of energy_token: ``gridtokenx_cli.clients.energy_token`` plus what drives the program in a LiteSVM
(tests, demo, benchmarks only)."""
from __future__ import annotations

# the client first: the imports below (the other programs' fixtures) must win over its module aliases
from gridtokenx_cli.clients.energy_token import *  # noqa: F403  (the client, extended)

import struct
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.generated.energy_token.accounts import TokenInfo
from gridtokenx_cli.generated.energy_token.program_id import PROGRAM_ID

from solders.litesvm import LiteSVM

from gridtokenx_cli.testing import svm_lite


def fetch_token_info(svm: LiteSVM) -> TokenInfo:
    return decode_token_info(bytes(svm.get_account(token_info_pda()[0]).data))


def token_balance(svm: LiteSVM, token_account: Pubkey) -> int:
    """``amount`` of an SPL / Token-2022 token account (0 if it does not exist)."""
    acc = svm.get_account(token_account)
    return 0 if acc is None else struct.unpack_from("<Q", bytes(acc.data), 64)[0]


def mint_supply(svm: LiteSVM, mint: Pubkey | None = None) -> int:
    return struct.unpack_from("<Q", bytes(svm.get_account(mint or grx_mint_pda()[0]).data), 36)[0]


def mint_decimals(svm: LiteSVM, mint: Pubkey | None = None) -> int:
    return bytes(svm.get_account(mint or grx_mint_pda()[0]).data)[44]


def ensure_program_loaded(svm: LiteSVM) -> None:
    """Load target/deploy/energy_token.so into ``svm`` unless it is already there (builds it if needed)."""
    acc = svm.get_account(PROGRAM_ID)
    if acc is None or not acc.executable:
        svm.add_program_from_file(PROGRAM_ID, svm_lite.program_so(PROGRAM_NAME))


def funded_bootstrap(svm: LiteSVM) -> Keypair:
    """The bootstrap keypair, funded (it signs ``initialize_token`` and becomes the admin)."""
    kp = gov.bootstrap_keypair()
    acc = svm.get_account(kp.pubkey())
    if acc is None or acc.lamports < 1_000_000_000:
        svm_lite.funded_keypair(svm, 10_000_000_000, kp)
    return kp


def initialize_token_for_tests(svm: LiteSVM) -> Keypair:
    """Load the program and run the real ``initialize_token()`` signed by the bootstrap key (the admin).

    Returns the admin keypair. The GovernanceConfig is not created here (see ``governance`` helpers).
    """
    ensure_program_loaded(svm)
    admin = funded_bootstrap(svm)
    svm_lite.expect_ok(svm_lite.send(svm, ix_initialize_token(admin.pubkey()), admin))
    return admin


def create_grx_account(svm: LiteSVM, payer: Keypair, owner: Pubkey) -> Pubkey:
    """Create ``owner``'s GRX associated token account (paid by ``payer``) and return its address."""
    svm_lite.expect_ok(svm_lite.send(svm, ix_create_grx_ata(payer.pubkey(), owner), payer))
    return grx_ata(owner)


def admin_mint(svm: LiteSVM, admin: Keypair, destination: Pubkey, amount: int) -> None:
    """``mint_tokens_direct`` signed by the admin (test setup)."""
    svm_lite.expect_ok(svm_lite.send(svm, ix_mint_tokens_direct(admin.pubkey(), destination, amount), admin))

