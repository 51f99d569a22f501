"""LiteSVM fixtures of registry: ``gridtokenx_cli.clients.registry`` plus what drives the program in a LiteSVM
(tests, demo, benchmarks only)."""
from __future__ import annotations

# the client first: the imports below (the other programs' fixtures) must win over its module aliases
from gridtokenx_cli.clients.registry import *  # noqa: F403  (the client, extended)

import dataclasses
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import Transaction
from gridtokenx_cli.testing import energy_token as et
from gridtokenx_cli.generated.registry.accounts import MeterAccount
from gridtokenx_cli.generated.registry.program_id import PROGRAM_ID

from solders.litesvm import LiteSVM

from gridtokenx_cli.testing import svm_lite


def fetch_meter(svm: LiteSVM, meter: Pubkey) -> MeterAccount:
    return decode_meter(bytes(svm.get_account(meter).data))


def set_meter_fields(svm: LiteSVM, meter: Pubkey, **fields) -> MeterAccount:
    """Rewrite a registered meter's account with some fields changed (test setup: e.g. the totals that only
    oracle readings can produce). Uses the real account's bytes and lamports as the base."""
    acc = svm.get_account(meter)
    updated = dataclasses.replace(decode_meter(bytes(acc.data)), **fields)
    data = encode_meter(updated)
    assert len(data) == len(acc.data)
    svm_lite.set_account(svm, meter, data, acc.owner, acc.lamports)
    return updated


def ensure_program_loaded(svm: LiteSVM) -> None:
    """Load target/deploy/registry.so into ``svm`` unless it is already there (builds it if needed)."""
    acc = svm.get_account(PROGRAM_ID)
    if acc is None or not acc.executable:
        svm.add_program_from_file(PROGRAM_ID, svm_lite.program_so(PROGRAM_NAME))


def initialize_registry_for_tests(svm: LiteSVM) -> Keypair:
    """Load the program and run the real ``initialize_registry()`` signed by the bootstrap key (the admin)."""
    ensure_program_loaded(svm)
    admin = et.funded_bootstrap(svm)
    svm_lite.expect_ok(svm_lite.send(svm, ix_initialize_registry(admin.pubkey()), admin))
    return admin


def register_user_and_meter(svm: LiteSVM, owner: Keypair, text_id: str, meter_type: str = "Solar",
                            meter_key: Keypair | None = None, user_type: str = "Prosumer", *,
                            capacity_w: int = DEFAULT_CAPACITY_W) -> Pubkey:
    """Register ``owner`` (if not yet registered) and a meter whose key (``meter_key``, else a fresh one) signs
    its proof of possession; returns the MeterAccount address."""
    if svm.get_account(user_pda(owner.pubkey())[0]) is None:
        svm_lite.expect_ok(svm_lite.send(svm, ix_register_user(owner.pubkey(), user_type), owner))
    mid = meter_id(text_id)
    ixs = register_meter_ixs(owner.pubkey(), mid, meter_type, meter_key or Keypair(), capacity_w)
    svm_lite.expect_ok(svm_lite.send(svm, ixs, owner))
    return meter_pda(mid)[0]


def send_as(svm: LiteSVM, ixs: Instruction | list[Instruction], payer: Keypair,
            signers: tuple[Keypair, ...] = ()) -> svm_lite.TxResult:
    """Send a transaction in which every required signer that is not among ``payer``/``signers`` (e.g. a PDA)
    gets a dummy signature. Only meaningful on a LiteSVM built with ``with_sigverify(False)``: it simulates
    the signature a program would give its PDA through ``invoke_signed``."""
    ixs = [ixs] if isinstance(ixs, Instruction) else list(ixs)
    msg = Message.new_with_blockhash(ixs, payer.pubkey(), svm.latest_blockhash())
    keys = {kp.pubkey(): kp for kp in (payer, *signers)}
    n = msg.header.num_required_signatures
    sigs = [keys[k].sign_message(bytes(msg)) if k in keys else Signature.default() for k in msg.account_keys[:n]]
    res = svm.send_transaction(Transaction.populate(msg, sigs))
    svm.expire_blockhash()
    return res

