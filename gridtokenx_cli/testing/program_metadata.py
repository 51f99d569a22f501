"""LiteSVM fixtures for the Program Metadata program (programs/program_metadata): loaded at its canonical address,
and target programs in the upgradeable loader's layout whose upgrade authority a test chooses."""
from __future__ import annotations

from typing import TYPE_CHECKING

from solders.account import Account
from solders.pubkey import Pubkey

from gridtokenx_cli.clients import program_metadata as pm

if TYPE_CHECKING:
    from solders.litesvm import LiteSVM

NAME = "program_metadata"


def program_metadata_so() -> bytes:
    from gridtokenx_cli.testing.svm_lite import program_so

    return program_so(NAME).read_bytes()


def new_svm_with_program_metadata() -> LiteSVM:
    """A LiteSVM with our Program Metadata program at ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S."""
    from gridtokenx_cli.testing.svm_lite import new_svm

    return new_svm({pm.PROGRAM_METADATA_ID: program_metadata_so()})


def add_upgradeable_program(svm: LiteSVM, program_id: Pubkey, upgrade_authority: Pubkey | None,
                            elf: bytes | None = None) -> Pubkey:
    """Program + ProgramData accounts as the upgradeable loader lays them out (Program: tag 2, programdata address;
    ProgramData: tag 3, slot, Option<authority>, ELF). Returns the ProgramData address."""
    programdata = pm.programdata_address(program_id)
    elf = elf if elf is not None else program_metadata_so()
    program_data = (2).to_bytes(4, "little") + bytes(programdata)
    authority = b"\x01" + bytes(upgrade_authority) if upgrade_authority is not None else b"\x00" + bytes(32)
    programdata_data = (3).to_bytes(4, "little") + (0).to_bytes(8, "little") + authority + elf
    svm.set_account(programdata, Account(svm.minimum_balance_for_rent_exemption(len(programdata_data)),
                                         programdata_data, pm.UPGRADEABLE_LOADER_ID, False, 0))
    svm.set_account(program_id, Account(svm.minimum_balance_for_rent_exemption(len(program_data)), program_data,
                                        pm.UPGRADEABLE_LOADER_ID, True, 0))
    return programdata
