"""Attacks on GRX during an emergency pause (issue #11 "Trust"), against the real energy_token and governance
programs and LiteSVM's Token-2022.

Our programs' instructions fail with ``SystemPaused`` while governance is paused, but a holder can call
Token-2022 directly. The GRX mint's freeze authority is governance's ``[b"governance_authority"]`` PDA, and
``governance::sync_grx_freeze`` freezes the GRX accounts passed while the system is paused (thaws them after):
a raw ``transfer_checked``, ``transfer`` by a delegate, or ``burn`` from a frozen account then fails with
Token-2022's ``AccountFrozen`` and no account changes. (Token-2022's Pausable extension would stop the whole
mint at once, but the Token-2022 program LiteSVM bundles rejects its instructions: see docs/programs.md.)

Fixtures come from conftest.py next to this file (alice holds 10,000 Wh of GRX, bob an empty account).
"""
from __future__ import annotations

import struct


from solders.instruction import AccountMeta, Instruction  # noqa: E402
from solders.keypair import Keypair  # noqa: E402
from solders.pubkey import Pubkey  # noqa: E402
from spl.token.constants import TOKEN_2022_PROGRAM_ID  # noqa: E402

from gridtokenx_cli.testing import svm_lite as h  # noqa: E402
from gridtokenx_cli.testing import energy_token as et  # noqa: E402
from gridtokenx_cli.testing import governance as gov  # noqa: E402
from gridtokenx_cli.testing.governance import CommonError as C  # noqa: E402
from gridtokenx_cli.testing.governance import GovernanceError as G  # noqa: E402
from energy_token_env import *  # noqa: F403

TOKEN_ACCOUNT_FROZEN = 17  # Token-2022 TokenError::AccountFrozen
WH = et.GRX_PER_WH


# ----------------------------------------------------------------------------- raw Token-2022 instructions


def raw_transfer_checked(source: Pubkey, dest: Pubkey, owner: Pubkey, amount: int) -> Instruction:
    return Instruction(TOKEN_2022_PROGRAM_ID, bytes([12]) + struct.pack("<QB", amount, et.GRX_DECIMALS), [
        AccountMeta(source, False, True), AccountMeta(et.grx_mint_pda()[0], False, False),
        AccountMeta(dest, False, True), AccountMeta(owner, True, False)])


def raw_burn(account: Pubkey, owner: Pubkey, amount: int) -> Instruction:
    return Instruction(TOKEN_2022_PROGRAM_ID, bytes([8]) + struct.pack("<Q", amount), [
        AccountMeta(account, False, True), AccountMeta(et.grx_mint_pda()[0], False, True),
        AccountMeta(owner, True, False)])


def raw_approve(account: Pubkey, delegate: Pubkey, owner: Pubkey, amount: int) -> Instruction:
    return Instruction(TOKEN_2022_PROGRAM_ID, bytes([4]) + struct.pack("<Q", amount), [
        AccountMeta(account, False, True), AccountMeta(delegate, False, False), AccountMeta(owner, True, False)])


def raw_thaw(account: Pubkey, authority: Pubkey) -> Instruction:
    return Instruction(TOKEN_2022_PROGRAM_ID, bytes([11]), [
        AccountMeta(account, False, True), AccountMeta(et.grx_mint_pda()[0], False, False),
        AccountMeta(authority, True, False)])


def is_frozen(env: Env, account: Pubkey) -> bool:
    return bytes(env.svm.get_account(account).data)[108] == 2  # AccountState::Frozen


def paused_and_synced(env: Env, *accounts: Pubkey) -> None:
    """The admin's `gtx governance pause`: emergency_pause and sync_grx_freeze in one transaction."""
    admin = gov.bootstrap_keypair()
    pause = gov.gix.emergency_pause({"authority": admin.pubkey(), "governance_config": gov.governance_config_pda()[0]})
    res = env.ok([pause, gov.ix_sync_grx_freeze(list(accounts))], admin)
    [synced] = h.events(res, gov.EVENT_LAYOUTS, "GrxFreezeSynced")
    assert synced["paused"] and synced["frozen"] == len(accounts)
    assert all(is_frozen(env, a) for a in accounts)


def refused(env: Env, ixs, code: int, *signers: Keypair, extra: tuple = (), index: int = 0) -> None:
    before = env.snaps(*extra)
    h.assert_rejected(env.svm, env.send(ixs, *signers), code, before, index=index)


# ----------------------------------------------------------------------------- the attacks


def test_raw_transfer_during_pause(funded):
    """alice moves GRX to bob with Token-2022's own transfer_checked while the platform is paused."""
    paused_and_synced(funded, funded.a, funded.b)
    refused(funded, raw_transfer_checked(funded.a, funded.b, funded.alice.pubkey(), WH), TOKEN_ACCOUNT_FROZEN,
            funded.alice)
    # our own instruction says why
    refused(funded, et.ix_transfer_tokens(funded.alice.pubkey(), funded.a, funded.b, WH), C.SystemPaused,
            funded.alice)


def test_raw_burn_during_pause(funded):
    """alice burns GRX directly (supply would drop under the platform's feet during the pause)."""
    paused_and_synced(funded, funded.a)
    refused(funded, raw_burn(funded.a, funded.alice.pubkey(), WH), TOKEN_ACCOUNT_FROZEN, funded.alice)
    assert et.mint_supply(funded.svm) == 10_000 * WH


def test_delegate_transfer_during_pause(funded):
    """A delegate approved before the pause tries to move alice's GRX during it."""
    thief = h.funded_keypair(funded.svm)
    funded.ok(raw_approve(funded.a, thief.pubkey(), funded.alice.pubkey(), 5 * WH), funded.alice)
    paused_and_synced(funded, funded.a, funded.b)
    refused(funded, raw_transfer_checked(funded.a, funded.b, thief.pubkey(), WH), TOKEN_ACCOUNT_FROZEN, thief,
            extra=(thief.pubkey(),))


def test_transfer_into_a_fresh_account_during_pause(funded):
    """A new GRX account opened during the pause (not yet synced) cannot be fed from a frozen holder."""
    paused_and_synced(funded, funded.a)
    mallory = h.funded_keypair(funded.svm)
    fresh = et.create_grx_account(funded.svm, funded.payer, mallory.pubkey())
    refused(funded, raw_transfer_checked(funded.a, fresh, funded.alice.pubkey(), WH), TOKEN_ACCOUNT_FROZEN,
            funded.alice, extra=(fresh,))


def test_holder_cannot_thaw_own_account(funded):
    """alice tries to thaw her account herself: only the governance PDA is the freeze authority."""
    paused_and_synced(funded, funded.a)
    refused(funded, raw_thaw(funded.a, funded.alice.pubkey()), 4, funded.alice)  # TokenError::OwnerMismatch
    assert is_frozen(funded, funded.a)


def test_sync_cannot_thaw_while_paused(funded):
    """Anyone may call sync_grx_freeze, but during the pause it only freezes: a second call changes nothing."""
    paused_and_synced(funded, funded.a)
    mallory = h.funded_keypair(funded.svm)
    res = h.send(funded.svm, gov.ix_sync_grx_freeze([funded.a]), mallory)
    h.expect_ok(res)
    [synced] = h.events(res, gov.EVENT_LAYOUTS, "GrxFreezeSynced")
    assert (synced["frozen"], synced["thawed"], synced["unchanged"]) == (0, 0, 1)
    assert is_frozen(funded, funded.a)


def test_sync_cannot_freeze_while_not_paused(funded):
    """A griefer cannot freeze someone's GRX outside a pause."""
    mallory = h.funded_keypair(funded.svm)
    res = h.send(funded.svm, gov.ix_sync_grx_freeze([funded.a, funded.b]), mallory)
    h.expect_ok(res)
    assert not is_frozen(funded, funded.a) and not is_frozen(funded, funded.b)


def test_unpause_thaws_and_transfers_work_again(funded):
    paused_and_synced(funded, funded.a, funded.b)
    admin = gov.bootstrap_keypair()
    unpause = gov.gix.emergency_unpause({"authority": admin.pubkey(),
                                         "governance_config": gov.governance_config_pda()[0]})
    res = funded.ok([unpause, gov.ix_sync_grx_freeze([funded.a, funded.b])], admin)
    [synced] = h.events(res, gov.EVENT_LAYOUTS, "GrxFreezeSynced")
    assert (synced["paused"], synced["thawed"]) == (False, 2)
    funded.ok(raw_transfer_checked(funded.a, funded.b, funded.alice.pubkey(), WH), funded.alice)
    assert funded.balance(funded.b) == WH


# ----------------------------------------------------------------------------- sync_grx_freeze account checks


def test_sync_rejects_a_foreign_token_account(funded):
    """A token account of another mint (the attacker's) in the batch: named error, nothing frozen."""
    paused = gov.bootstrap_keypair()
    gov.pause_for_tests(funded.svm, paused)
    other_mint = Keypair()
    rent = funded.svm.minimum_balance_for_rent_exemption(82)
    from gridtokenx_cli.testing import trading as tc
    funded.ok([tc.ix_create_account(funded.payer.pubkey(), other_mint.pubkey(), rent, 82, TOKEN_2022_PROGRAM_ID),
               tc.ix_initialize_mint2(other_mint.pubkey(), 9, funded.payer.pubkey())], other_mint)
    foreign = tc.associated_token_address(funded.alice.pubkey(), other_mint.pubkey())
    funded.ok(tc.ix_create_ata(funded.payer.pubkey(), funded.alice.pubkey(), other_mint.pubkey()))
    refused(funded, gov.ix_sync_grx_freeze([funded.a, foreign]), G.InvalidGrxAccount, extra=(foreign,))
    assert not is_frozen(funded, funded.a)


def test_sync_rejects_non_token_and_readonly_accounts(funded):
    gov.pause_for_tests(funded.svm)
    refused(funded, gov.ix_sync_grx_freeze([funded.token_info]), G.InvalidGrxAccount)
    ix = gov.ix_sync_grx_freeze([funded.a])
    ro = Instruction(ix.program_id, bytes(ix.data),
                     [AccountMeta(m.pubkey, m.is_signer, False) if m.pubkey == funded.a else m for m in ix.accounts])
    refused(funded, ro, G.InvalidGrxAccount)


def test_sync_rejects_a_mint_that_governance_cannot_freeze(funded):
    """A GRX mint whose freeze authority is not the governance PDA (e.g. one created before this change)."""
    gov.pause_for_tests(funded.svm)
    acc = funded.svm.get_account(funded.mint)
    data = bytearray(bytes(acc.data))
    data[46:50] = b"\x00\x00\x00\x00"  # freeze authority: None
    data[50:82] = bytes(32)
    h.set_account(funded.svm, funded.mint, bytes(data), TOKEN_2022_PROGRAM_ID)
    refused(funded, gov.ix_sync_grx_freeze([funded.a]), G.GrxNotFreezable)


def test_sync_rejects_a_fake_mint(funded):
    """A look-alike Token-2022 mint whose freeze authority the attacker set to the governance PDA."""
    from gridtokenx_cli.testing import trading as tc
    gov.pause_for_tests(funded.svm)
    fake = Keypair()
    rent = funded.svm.minimum_balance_for_rent_exemption(82)
    init = Instruction(TOKEN_2022_PROGRAM_ID, bytes([20, 9]) + bytes(funded.payer.pubkey()) + b"\x01"
                       + bytes(gov.governance_authority_pda()[0]), [AccountMeta(fake.pubkey(), False, True)])
    funded.ok([tc.ix_create_account(funded.payer.pubkey(), fake.pubkey(), rent, 82, TOKEN_2022_PROGRAM_ID), init],
              fake)
    ix = replace_account(gov.ix_sync_grx_freeze([funded.a]), funded.mint, fake.pubkey())
    refused(funded, ix, A.ConstraintSeeds, extra=(fake.pubkey(),))
