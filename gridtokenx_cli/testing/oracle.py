"""LiteSVM fixtures of oracle: ``gridtokenx_cli.clients.oracle`` plus what drives the program in a LiteSVM
(tests, demo, benchmarks only)."""
from __future__ import annotations

# the client first: the imports below (the other programs' fixtures) must win over its module aliases
from gridtokenx_cli.clients.oracle import *  # noqa: F403  (the client, extended)

import dataclasses
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from gridtokenx_cli.testing import energy_token as et
from gridtokenx_cli.clients.signed_reading import (  # noqa: F401  (re-exported: tests and callers use orc.*)
    ED25519_PROGRAM_ID, OWN_INSTRUCTION, READING_DOMAIN, READING_MESSAGE_LEN, ed25519_instruction_data,
    ed25519_verify_instruction, reading_message, sign_reading)
from gridtokenx_cli.generated.oracle.accounts import MeterState, OracleConfig
from gridtokenx_cli.generated.oracle.program_id import PROGRAM_ID

from solders.litesvm import LiteSVM

from gridtokenx_cli.testing import svm_lite


def fetch_oracle_config(svm: LiteSVM) -> OracleConfig:
    return decode_oracle_config(bytes(svm.get_account(oracle_config_pda()[0]).data))


def fetch_meter_state(svm: LiteSVM, mid: bytes) -> MeterState:
    return decode_meter_state(bytes(svm.get_account(meter_state_pda(mid)[0]).data))


def set_oracle_config_fields(svm: LiteSVM, **fields) -> OracleConfig:
    """Rewrite the OracleConfig with some fields changed (test setup, e.g. counters near ``u64::MAX``)."""
    address = oracle_config_pda()[0]
    acc = svm.get_account(address)
    updated = dataclasses.replace(decode_oracle_config(bytes(acc.data)), **fields)
    data = encode_oracle_config(updated)
    assert len(data) == len(acc.data)
    svm_lite.set_account(svm, address, data, acc.owner, acc.lamports)
    return updated


def ensure_program_loaded(svm: LiteSVM) -> None:
    """Load target/deploy/oracle.so into ``svm`` unless it is already there (builds it if needed)."""
    acc = svm.get_account(PROGRAM_ID)
    if acc is None or not acc.executable:
        svm.add_program_from_file(PROGRAM_ID, svm_lite.program_so(PROGRAM_NAME))


def initialize_oracle_for_tests(svm: LiteSVM, api_gateway: Pubkey) -> Keypair:
    """Load the program and run the real ``initialize_oracle(api_gateway)`` signed by the bootstrap key (the
    admin; governance must be initialised). Returns the admin keypair."""
    ensure_program_loaded(svm)
    admin = et.funded_bootstrap(svm)
    svm_lite.expect_ok(svm_lite.send(svm, ix_initialize_oracle(admin.pubkey(), api_gateway), admin))
    return admin

