"""What the registry tests and its attack suite share: constants, the environment and helpers (their pytest
fixtures are in conftest.py)."""
from __future__ import annotations

import dataclasses
import struct
from dataclasses import dataclass
from hypothesis import strategies as st
from gridtokenx_cli.testing import svm_lite as h
from gridtokenx_cli.testing import energy_token as et
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.testing import registry as rg
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from spl.token.constants import TOKEN_2022_PROGRAM_ID


T0 = 1_750_000_000


DAY = 24 * 60 * 60


U64_MAX = 2**64 - 1


I64_MAX = 2**63 - 1


SYSTEM_ALREADY_IN_USE = 0


GRX_PER_WH = et.GRX_PER_WH


class A:
    """Anchor 1.0.3 framework error codes raised by the registry's account structs."""

    ConstraintHasOne = 2001
    ConstraintSeeds = 2006
    ConstraintAddress = 2012
    ConstraintTokenMint = 2014
    ConstraintTokenOwner = 2015
    AccountDiscriminatorMismatch = 3002
    AccountOwnedByWrongProgram = 3007
    InvalidProgramId = 3008
    AccountNotSigner = 3010
    AccountNotInitialized = 3012
    ConstraintDuplicateMutableAccount = 2040


def set_time(svm: LiteSVM, t: int) -> None:
    c = svm.get_clock()
    c.unix_timestamp = t
    svm.set_clock(c)


def make_svm(programs, *, sigverify: bool = True) -> LiteSVM:
    svm = LiteSVM() if sigverify else LiteSVM().with_sigverify(False)
    for program_id, so in programs.items():
        svm.add_program_from_file(program_id, so)
    set_time(svm, T0)
    return svm


@dataclass
class Env:
    svm: LiteSVM
    payer: Keypair
    admin: Keypair
    alice: Keypair
    bob: Keypair
    mid: bytes = rg.meter_id("METER-A")
    meter_kp: Keypair = dataclasses.field(default_factory=Keypair)

    @property
    def meter_key(self) -> Pubkey:
        return self.meter_kp.pubkey()

    @property
    def meter(self) -> Pubkey:
        return rg.meter_pda(self.mid)[0]

    @property
    def config(self) -> Pubkey:
        return rg.registry_config_pda()[0]

    @property
    def grx(self) -> Pubkey:
        return et.grx_ata(self.alice.pubkey())

    def send(self, ixs, *signers: Keypair):
        return h.send(self.svm, ixs, self.payer, signers)

    def ok(self, ixs, *signers: Keypair):
        return h.expect_ok(self.send(ixs, *signers))

    def send_as_pda(self, ix: Instruction):
        """Sign as whatever PDA the instruction requires (``sim`` fixture only: signature checks off)."""
        return rg.send_as(self.svm, ix, self.payer)

    def m(self, meter: Pubkey | None = None):
        return rg.fetch_meter(self.svm, meter or self.meter)

    def cfg(self):
        return rg.decode_registry_config(bytes(self.svm.get_account(self.config).data))

    def user(self, owner: Pubkey):
        return rg.decode_user(bytes(self.svm.get_account(rg.user_pda(owner)[0]).data))

    def set_meter(self, meter: Pubkey | None = None, **fields):
        return rg.set_meter_fields(self.svm, meter or self.meter, **fields)

    def reading(self, produced: int, consumed: int, ts: int, meter: Pubkey | None = None):
        return self.send_as_pda(rg.ix_update_meter_reading(rg.oracle_authority_pda()[0], meter or self.meter,
                                                           produced, consumed, ts))

    def claim(self, amount: int, meter: Pubkey | None = None):
        return self.send_as_pda(rg.ix_update_claimed_erc_generation(rg.governance_authority_pda()[0],
                                                                    meter or self.meter, amount))

    def settle(self, owner: Keypair | None = None, meter: Pubkey | None = None, **kw):
        owner = owner or self.alice
        return self.send(rg.ix_settle_and_mint_tokens(owner.pubkey(), meter or self.meter, **kw), owner)

    def snaps(self, *extra: Pubkey):
        return h.snapshots(self.svm, self.meter, self.config, rg.user_pda(self.alice.pubkey())[0], self.grx,
                           et.token_info_pda()[0], et.grx_mint_pda()[0], self.alice.pubkey(), self.bob.pubkey(),
                           self.admin.pubkey(), *extra)


def build_env(programs, *, sigverify: bool, registry: bool = True, meter: bool = True) -> Env:
    svm = make_svm(programs, sigverify=sigverify)
    payer = h.funded_keypair(svm)
    gov.initialize_governance_for_tests(svm, payer.pubkey())
    admin = et.initialize_token_for_tests(svm)
    env = Env(svm, payer, admin, h.funded_keypair(svm), h.funded_keypair(svm))
    if registry:
        rg.initialize_registry_for_tests(svm)
        if meter:
            rg.register_user_and_meter(svm, env.alice, "METER-A", "Solar", env.meter_kp)
            et.create_grx_account(svm, payer, env.alice.pubkey())
    return env


def events(res, name=None):
    return h.events(res, rg.ALL_EVENT_LAYOUTS, name)


def reg_meter(owner: Pubkey, mid: bytes, meter_type: str = "Solar", key: Keypair | None = None,
              capacity_w: int = rg.DEFAULT_CAPACITY_W, **kw) -> list[Instruction]:
    """``[meter key's proof of possession, register_meter]`` with a valid signature (fresh key by default)."""
    return rg.register_meter_ixs(owner, mid, meter_type, key or Keypair(), capacity_w, **kw)


def unsign(ix: Instruction, key: Pubkey) -> Instruction:
    return Instruction(ix.program_id, bytes(ix.data),
                       [AccountMeta(m.pubkey, False, m.is_writable) if m.pubkey == key else m for m in ix.accounts])


def replace_account(ix: Instruction, old: Pubkey, new: Pubkey) -> Instruction:
    return Instruction(ix.program_id, bytes(ix.data),
                       [AccountMeta(new, m.is_signer, m.is_writable) if m.pubkey == old else m for m in ix.accounts])


def copy_account(env: Env, source: Pubkey, owner: Pubkey | None = None, data: bytes | None = None) -> Pubkey:
    """A copy of ``source`` at a new address (optionally with another owner / data)."""
    acc = env.svm.get_account(source)
    fake = Keypair().pubkey()
    h.set_account(env.svm, fake, bytes(acc.data) if data is None else data, owner or acc.owner, acc.lamports)
    return fake


def meter_tuple(m):
    return (m.total_generation, m.total_consumption, m.settled_net_generation, m.claimed_erc_generation,
            m.last_reading_at, m.reading_count)


def _forge_mint_and_account(env: Env, owner: Pubkey) -> tuple[Pubkey, Pubkey]:
    mint = Keypair().pubkey()
    h.set_account(env.svm, mint, struct.pack("<I32sQB?I32s", 1, bytes(et.token_info_pda()[0]), 0, 9, True, 0,
                                              bytes(32)), TOKEN_2022_PROGRAM_ID)
    acct = Keypair().pubkey()
    h.set_account(env.svm, acct, struct.pack("<32s32sQI32sBIQQI32s", bytes(mint), bytes(owner), 0, 0, bytes(32),
                                             1, 0, 0, 0, 0, bytes(32)), TOKEN_2022_PROGRAM_ID)
    return mint, acct


def resume(env: Env, resume_at: int, signer: Keypair | None = None, meter: Pubkey | None = None):
    signer = signer or env.admin
    return env.send(rg.ix_resume_meter(signer.pubkey(), meter or env.meter, resume_at), signer)


def two_signature_pop(kp: Keypair, message: bytes) -> Instruction:
    """An Ed25519 precompile instruction with two (valid) signatures of ``message``: the runtime accepts it, the
    registry requires exactly one (MeterSignatureMalformed)."""
    sig = bytes(kp.sign_message(message))
    header_len = 2 + 2 * 14
    pk_off, sig_off, msg_off = header_len, header_len + 32, header_len + 96
    record = struct.pack("<7H", sig_off, 0xFFFF, pk_off, 0xFFFF, msg_off, len(message), 0xFFFF)
    return Instruction(ED25519_PROGRAM_ID, bytes([2, 0]) + record * 2 + bytes(kp.pubkey()) + sig + message, [])


def set_options(env: Env, on: bool, signer: Keypair | None = None):
    signer = signer or env.admin
    return env.send(rg.ix_set_registry_options(signer.pubkey(), on), signer)


def register_unapproved(env: Env, text: str = "M-NEW", key: Keypair | None = None) -> Pubkey:
    h.expect_ok(set_options(env, True))
    mid = rg.meter_id(text)
    res = env.ok(reg_meter(env.alice.pubkey(), mid, "Solar", key), env.alice)
    assert events(res)[0]["approved"] is False
    return rg.meter_pda(mid)[0]


def rekey(env: Env, new: Keypair | Pubkey, owner: Keypair | None = None, current: Pubkey | None = None, **kw):
    owner = owner or env.alice
    return env.send(rg.rekey_meter_ixs(owner.pubkey(), env.mid, current or env.meter_key, new, **kw), owner)


def transfer(env: Env, owner: Keypair | None = None, new_owner: Keypair | None = None, meter: Pubkey | None = None):
    owner, new_owner = owner or env.alice, new_owner or env.bob
    return env.send(rg.ix_transfer_meter(owner.pubkey(), new_owner.pubkey(), meter or env.meter), owner, new_owner)


PAUSABLE = {
    "register_user": lambda env, gc: (rg.ix_register_user(env.bob.pubkey(), governance_config=gc), env.bob),
    "register_meter": lambda env, gc: (reg_meter(env.alice.pubkey(), rg.meter_id("M9"), "Grid", governance_config=gc),
                                       env.alice),
    "settle": lambda env, gc: (rg.ix_settle_and_mint_tokens(env.alice.pubkey(), env.meter, governance_config=gc),
                               env.alice),
    "deactivate": lambda env, gc: (rg.ix_deactivate_meter(env.alice.pubkey(), env.meter, governance_config=gc),
                                   env.alice),
    "reactivate": lambda env, gc: (rg.ix_reactivate_meter(env.admin.pubkey(), env.meter, governance_config=gc),
                                   env.admin),
    "update_meter_reading": lambda env, gc: (rg.ix_update_meter_reading(
        rg.oracle_authority_pda()[0], env.meter, 1, 0, T0, governance_config=gc), None),
    "resume_meter": lambda env, gc: (rg.ix_resume_meter(env.admin.pubkey(), env.meter, T0, governance_config=gc),
                                     env.admin),
}


def _send_pausable(env: Env, kind: str, gc: Pubkey):
    ix, signer = PAUSABLE[kind](env, gc)
    return env.send_as_pda(ix) if signer is None else env.send(ix, signer)


AUTHORITY_IXS = {
    "propose": lambda env, signer: rg.ix_propose_authority_transfer(signer, env.bob.pubkey()),
    "accept": lambda env, signer: rg.ix_accept_authority_transfer(signer),
    "cancel": lambda env, signer: rg.ix_cancel_authority_transfer(signer),
}


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("reading"), st.integers(0, 1), st.integers(0, 10**6), st.integers(0, 10**6)),
        st.tuples(st.just("settle"), st.integers(0, 1)),
        st.tuples(st.just("claim"), st.integers(0, 1), st.integers(0, 2 * 10**6)),
    ),
    min_size=1, max_size=15,
)


ORACLE_SEEDS = {"config": b"oracle_config", "meter_state": b"meter_state"}


ED25519_PROGRAM_ID = Pubkey.from_string("Ed25519SigVerify111111111111111111111111111")


INSTRUCTIONS_SYSVAR_ID = Pubkey.from_string("Sysvar1nstructions1111111111111111111111111")


def ed25519_instruction(signer: Keypair, message: bytes) -> Instruction:
    """Ed25519 precompile instruction verifying ``message`` under ``signer`` (all data in this instruction)."""
    own = 0xFFFF
    key_off, sig_off, msg_off = 16, 48, 112
    header = struct.pack("<BB7H", 1, 0, sig_off, own, key_off, own, msg_off, len(message), own)
    data = header + bytes(signer.pubkey()) + bytes(signer.sign_message(message)) + message
    return Instruction(ED25519_PROGRAM_ID, data, [])


def reading_message(mid: bytes, produced: int, consumed: int, ts: int) -> bytes:
    return b"GTX-READING-v1" + mid + struct.pack("<QQq", produced, consumed, ts)
