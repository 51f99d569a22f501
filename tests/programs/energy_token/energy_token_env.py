"""What the energy_token tests and its attack suite share: constants, the environment and helpers (their pytest
fixtures are in conftest.py)."""
from __future__ import annotations

import dataclasses
import struct
from dataclasses import dataclass
from hypothesis import strategies as st
from gridtokenx_cli.testing import svm_lite as h
from gridtokenx_cli.testing import energy_token as et
from gridtokenx_cli.testing import governance as gov
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from spl.token.constants import TOKEN_2022_PROGRAM_ID
from spl.token.instructions import BurnParams, burn


T0 = 1_750_000_000


U64_MAX = 2**64 - 1


SYSTEM_ALREADY_IN_USE = 0


TOKEN_INSUFFICIENT_FUNDS = 1  # Token-2022 TokenError::InsufficientFunds


class A:
    """Anchor 1.0.3 framework error codes raised by energy_token's account structs."""

    ConstraintSeeds = 2006
    ConstraintAddress = 2012
    ConstraintTokenMint = 2014
    ConstraintTokenOwner = 2015
    ConstraintTokenTokenProgram = 2021
    ConstraintDuplicateMutableAccount = 2040
    AccountDiscriminatorMismatch = 3002
    AccountOwnedByWrongProgram = 3007
    InvalidProgramId = 3008
    AccountNotSigner = 3010
    AccountNotInitialized = 3012


@dataclass
class Env:
    svm: LiteSVM
    payer: Keypair
    admin: Keypair
    alice: Keypair
    bob: Keypair

    @property
    def token_info(self) -> Pubkey:
        return et.token_info_pda()[0]

    @property
    def mint(self) -> Pubkey:
        return et.grx_mint_pda()[0]

    @property
    def a(self) -> Pubkey:
        return et.grx_ata(self.alice.pubkey())

    @property
    def b(self) -> Pubkey:
        return et.grx_ata(self.bob.pubkey())

    def send(self, ixs, *signers: Keypair):
        return h.send(self.svm, ixs, self.payer, signers)

    def ok(self, ixs, *signers: Keypair):
        return h.expect_ok(self.send(ixs, *signers))

    def info(self):
        return et.fetch_token_info(self.svm)

    def balance(self, account: Pubkey) -> int:
        return et.token_balance(self.svm, account)

    def assert_supply_invariant(self) -> None:
        info = self.info()
        assert info.total_supply == info.total_minted - info.total_burned
        assert info.total_supply == et.mint_supply(self.svm)

    def snaps(self, *extra: Pubkey):
        return h.snapshots(self.svm, self.token_info, self.mint, self.a, self.b, self.alice.pubkey(),
                           self.bob.pubkey(), self.admin.pubkey(), *extra)

    def mint_to(self, destination: Pubkey, amount: int) -> None:
        self.ok(et.ix_mint_tokens_direct(self.admin.pubkey(), destination, amount), self.admin)


def set_time(svm: LiteSVM, t: int) -> None:
    c = svm.get_clock()
    c.unix_timestamp = t
    svm.set_clock(c)


def make_svm(programs) -> LiteSVM:
    svm = h.new_svm(programs)
    set_time(svm, T0)
    return svm


def events(res, name=None):
    return h.events(res, et.EVENT_LAYOUTS, name)


def unsign(ix: Instruction, key: Pubkey) -> Instruction:
    return Instruction(ix.program_id, bytes(ix.data),
                       [AccountMeta(m.pubkey, False, m.is_writable) if m.pubkey == key else m for m in ix.accounts])


def replace_account(ix: Instruction, old: Pubkey, new: Pubkey) -> Instruction:
    return Instruction(ix.program_id, bytes(ix.data),
                       [AccountMeta(new, m.is_signer, m.is_writable) if m.pubkey == old else m for m in ix.accounts])


def forge_token_info(env: Env, address: Pubkey | None = None, owner: Pubkey = et.PROGRAM_ID, **fields) -> Pubkey:
    """Write a copy of the real TokenInfo with ``fields`` changed at ``address`` (default: the real PDA)."""
    address = address or env.token_info
    data = et.encode_token_info(dataclasses.replace(env.info(), **fields))
    h.set_account(env.svm, address, data, owner)
    return address


def forge_mint(svm: LiteSVM, authority: Pubkey, supply: int = 0, decimals: int = 9,
               owner: Pubkey = TOKEN_2022_PROGRAM_ID, address: Pubkey | None = None) -> Pubkey:
    """An initialised SPL mint (82-byte base layout) written directly."""
    address = address or Keypair().pubkey()
    data = struct.pack("<I32sQB?I32s", 1, bytes(authority), supply, decimals, True, 0, bytes(32))
    h.set_account(svm, address, data, owner)
    return address


def forge_token_account(svm: LiteSVM, mint: Pubkey, owner_key: Pubkey, amount: int = 0,
                        program: Pubkey = TOKEN_2022_PROGRAM_ID) -> Pubkey:
    """An initialised SPL token account (165-byte base layout) written directly."""
    address = Keypair().pubkey()
    data = struct.pack("<32s32sQI32sBIQQI32s", bytes(mint), bytes(owner_key), amount, 0, bytes(32), 1, 0, 0, 0, 0,
                       bytes(32))
    h.set_account(svm, address, data, program)
    return address


def ix_burn_direct(env: Env, amount: int) -> Instruction:
    return burn(BurnParams(program_id=TOKEN_2022_PROGRAM_ID, account=env.a, mint=env.mint,
                           owner=env.alice.pubkey(), amount=amount))


AUTHORITY_IXS = {
    "propose": lambda env, signer: et.ix_propose_authority_transfer(signer, env.bob.pubkey()),
    "accept": lambda env, signer: et.ix_accept_authority_transfer(signer),
    "cancel": lambda env, signer: et.ix_cancel_authority_transfer(signer),
}


PAUSABLE = {
    "mint": lambda env, gc: (et.ix_mint_tokens_direct(env.admin.pubkey(), env.a, 1, governance_config=gc),
                             env.admin),
    "transfer": lambda env, gc: (et.ix_transfer_tokens(env.alice.pubkey(), env.a, env.b, 1, governance_config=gc),
                                 env.alice),
    "burn": lambda env, gc: (et.ix_burn_tokens(env.alice.pubkey(), env.a, 1, governance_config=gc), env.alice),
}


def forge_governance_config(env: Env, owner: Pubkey) -> Pubkey:
    """An unpaused copy of the real GovernanceConfig at another address."""
    config = gov.fetch_governance_config(env.svm)
    fake = Keypair().pubkey()
    h.set_account(env.svm, fake, gov.encode_governance_config(dataclasses.replace(config, paused=False)), owner)
    return fake


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("mint"), st.integers(0, 2), st.integers(0, 10**15)),
        st.tuples(st.just("transfer"), st.integers(0, 2), st.integers(0, 2), st.integers(0, 10**15)),
        st.tuples(st.just("burn"), st.integers(0, 2), st.integers(0, 10**15)),
        st.tuples(st.just("external_burn"), st.integers(0, 2), st.integers(0, 10**15)),
    ),
    min_size=1, max_size=12,
)
