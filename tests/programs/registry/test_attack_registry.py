"""Attacks on meter provisioning and ownership (issue #11 "Trust": no participant can take energy, tokens or
certificates that are not theirs), against the real registry, energy_token, governance (and oracle) programs.

Each test is what an attacker would send. Every rejection is checked for its exact error code and that no
account changed (``gridtokenx_cli.testing.svm_lite.assert_rejected``). Mallory is a registered user with funds; Alice owns
the
Solar meter "METER-A" whose key is ``env.meter_kp``; Bob is a second honest user.

Fixtures come from conftest.py and registry_env.py next to this file (``env``: signatures verified; ``sim``:
signature verification off
so a reading can carry the oracle's PDA signature, as the oracle's ``invoke_signed`` does; ``oracle_env``: the
real oracle in front of the registry).
"""
from __future__ import annotations



import pytest  # noqa: E402
from solders.compute_budget import set_compute_unit_limit  # noqa: E402
from solders.instruction import Instruction  # noqa: E402
from solders.keypair import Keypair  # noqa: E402
from solders.pubkey import Pubkey  # noqa: E402

from gridtokenx_cli.testing import svm_lite as h  # noqa: E402
from gridtokenx_cli.clients import meter_pop  # noqa: E402
from gridtokenx_cli.testing import registry as rg  # noqa: E402
from gridtokenx_cli.testing.governance import CommonError as C  # noqa: E402
from gridtokenx_cli.testing.oracle import OracleError as O  # noqa: E402
from gridtokenx_cli.testing.registry import RegistryError as E  # noqa: E402
from gridtokenx_cli.clients.signed_reading import ed25519_verify_instruction  # noqa: E402
from registry_env import *  # noqa: F403

CAP = 5_000


def mallory_of(env: Env) -> Keypair:
    """A funded, registered user: the attacker."""
    mallory = h.funded_keypair(env.svm)
    env.ok(rg.ix_register_user(mallory.pubkey()), mallory)
    return mallory


def users(env: Env, *owners: Keypair) -> list[Pubkey]:
    return [rg.user_pda(o.pubkey())[0] for o in owners]


def pop_ix(kp: Keypair, owner: Pubkey, mid: bytes, capacity_w: int = CAP) -> Instruction:
    return rg.register_meter_ixs(owner, mid, "Solar", kp, capacity_w)[0]


# ----------------------------------------------------------------------------- registration without the key


def test_register_someone_elses_meter_key_without_a_signature(env):
    """Mallory copies Alice's meter key (public) into her own registration, hoping to receive its readings."""
    mallory, mid = mallory_of(env), rg.meter_id("MAL-1")
    before = env.snaps(rg.meter_pda(mid)[0], *users(env, mallory))
    ix = rg.ix_register_meter(mallory.pubkey(), mid, "Solar", env.meter_key, CAP)
    h.assert_rejected(env.svm, env.send(ix, mallory), E.MeterSignatureMissing, before)


def test_register_someone_elses_meter_key_with_own_signature(env):
    """Mallory signs the registration message with her own key and claims it was Alice's meter key."""
    mallory, mid = mallory_of(env), rg.meter_id("MAL-1")
    forged = pop_ix(Keypair(), mallory.pubkey(), mid)
    before = env.snaps(rg.meter_pda(mid)[0], *users(env, mallory))
    ixs = [forged, rg.ix_register_meter(mallory.pubkey(), mid, "Solar", env.meter_key, CAP)]
    h.assert_rejected(env.svm, env.send(ixs, mallory), E.MeterSignatureKeyMismatch, before, index=1)


def test_register_with_a_signature_of_other_bytes_under_the_victims_key(env):
    """Mallory has some other message signed by Alice's meter key (here: a reading) and points the precompile at
    it: the registry wants the canonical registration message."""
    mallory, mid = mallory_of(env), rg.meter_id("MAL-1")
    reading = b"GTX-READING-v1" + mid + bytes(24)
    stolen = ed25519_verify_instruction(env.meter_key, reading, env.meter_kp.sign_message(reading))
    before = env.snaps(rg.meter_pda(mid)[0], *users(env, mallory))
    ixs = [stolen, rg.ix_register_meter(mallory.pubkey(), mid, "Solar", env.meter_key, CAP)]
    h.assert_rejected(env.svm, env.send(ixs, mallory), E.MeterSignatureMessageMismatch, before, index=1)


def test_front_run_a_victims_registration_with_its_proof(env):
    """Mallory sees Alice's pending registration (proof of possession for Alice, meter "NEW-V") and front-runs it
    with herself as the owner: the proof names Alice. Alice's own transaction still goes through afterwards."""
    mallory, mid, key = mallory_of(env), rg.meter_id("NEW-V"), Keypair()
    victims_pop = pop_ix(key, env.alice.pubkey(), mid)
    before = env.snaps(rg.meter_pda(mid)[0], *users(env, mallory))
    ixs = [victims_pop, rg.ix_register_meter(mallory.pubkey(), mid, "Solar", key.pubkey(), CAP)]
    h.assert_rejected(env.svm, env.send(ixs, mallory), E.MeterSignatureMessageMismatch, before, index=1)
    env.ok([victims_pop, rg.ix_register_meter(env.alice.pubkey(), mid, "Solar", key.pubkey(), CAP)], env.alice)
    assert env.m(rg.meter_pda(mid)[0]).owner == env.alice.pubkey()


@pytest.mark.parametrize("change", ["meter_id", "capacity", "registry"])
def test_replay_a_victims_proof_with_other_parameters(env, change):
    """Alice's proof for (owner Alice, id "V-1", 5 kW, this registry) replayed with another id, another capacity,
    or a proof made for another registry deployment: each is a different message."""
    key = Keypair()
    mid, cap = rg.meter_id("V-1"), CAP
    if change == "registry":
        other_registry = Pubkey.find_program_address([b"registry"], Keypair().pubkey())[0]
        msg = meter_pop.register_meter_message(env.alice.pubkey(), mid, cap, registry_config=other_registry)
        proof = ed25519_verify_instruction(key.pubkey(), msg, key.sign_message(msg))
    else:
        proof = pop_ix(key, env.alice.pubkey(), mid, cap)
        if change == "meter_id":
            mid = rg.meter_id("V-2")
        else:
            cap = 500_000
    before = env.snaps(rg.meter_pda(mid)[0], rg.meter_pda(rg.meter_id("V-1"))[0])
    ixs = [proof, rg.ix_register_meter(env.alice.pubkey(), mid, "Solar", key.pubkey(), cap)]
    h.assert_rejected(env.svm, env.send(ixs, env.alice), E.MeterSignatureMessageMismatch, before, index=1)


def test_proof_not_directly_before_the_registration(env):
    """The proof sits two instructions back (a compute-budget instruction in between): only the instruction just
    before register_meter counts."""
    mid, key = rg.meter_id("V-3"), Keypair()
    proof, ix = rg.register_meter_ixs(env.alice.pubkey(), mid, "Solar", key, CAP)
    before = env.snaps(rg.meter_pda(mid)[0])
    h.assert_rejected(env.svm, env.send([proof, set_compute_unit_limit(300_000), ix], env.alice),
                      E.MeterSignatureMissing, before, index=2)


def test_proof_two_instructions_back_is_refused(env):
    mid, key = rg.meter_id("V-4"), Keypair()
    proof, ix = rg.register_meter_ixs(env.alice.pubkey(), mid, "Solar", key, CAP)
    # a harmless instruction between the proof and register_meter: a second (valid) Ed25519 check of something else
    other = Keypair()
    between = ed25519_verify_instruction(other.pubkey(), b"x", other.sign_message(b"x"))
    before = env.snaps(rg.meter_pda(mid)[0])
    h.assert_rejected(env.svm, env.send([proof, between, ix], env.alice), E.MeterSignatureKeyMismatch, before,
                      index=2)


# ----------------------------------------------------------------------------- re-key


def test_rekey_own_meter_to_a_key_not_held(env):
    """Alice re-points her meter at Bob's meter key (public) without Bob's key signing."""
    bobs_meter_key = Keypair()
    rg.register_user_and_meter(env.svm, env.bob, "BOB-M", "Wind", bobs_meter_key)
    before = env.snaps(rg.meter_pda(rg.meter_id("BOB-M"))[0])
    ix = rg.ix_rekey_meter(env.alice.pubkey(), env.meter, bobs_meter_key.pubkey())
    h.assert_rejected(env.svm, env.send(ix, env.alice), E.MeterSignatureMissing, before)
    # ... nor with her current key's signature standing in for the new key's
    proof = rg.rekey_meter_ixs(env.alice.pubkey(), env.mid, env.meter_key, env.meter_kp)[0]
    h.assert_rejected(env.svm, env.send([proof, ix], env.alice), E.MeterSignatureKeyMismatch, before, index=1)


def test_rekey_with_a_registration_proof_of_the_new_key(env):
    """Bob's meter key once signed its registration; Alice replays that proof as a re-key proof (domain
    separation: a registration message is never a re-key message)."""
    bobs_key = Keypair()
    bobs_reg = pop_ix(bobs_key, env.bob.pubkey(), rg.meter_id("BOB-M"))
    before = env.snaps()
    ix = rg.ix_rekey_meter(env.alice.pubkey(), env.meter, bobs_key.pubkey())
    h.assert_rejected(env.svm, env.send([bobs_reg, ix], env.alice), E.MeterSignatureMessageMismatch, before,
                      index=1)


def test_rekey_someone_elses_meter(env):
    """Mallory holds a new key and proves it, but the meter is Alice's."""
    mallory, new = mallory_of(env), Keypair()
    before = env.snaps(*users(env, mallory))
    ixs = rg.rekey_meter_ixs(mallory.pubkey(), env.mid, env.meter_key, new)
    h.assert_rejected(env.svm, env.send(ixs, mallory), E.NotMeterOwner, before, index=1)


def test_replay_an_old_rekey_proof(env):
    """A re-key proof covers one transition (it names the current key): after K1→K2→K3, replaying the K1→K2
    proof to go back to K2 fails."""
    k2, k3 = Keypair(), Keypair()
    first = rg.rekey_meter_ixs(env.alice.pubkey(), env.mid, env.meter_key, k2)
    env.ok(first, env.alice)
    env.ok(rg.rekey_meter_ixs(env.alice.pubkey(), env.mid, k2.pubkey(), k3), env.alice)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(first, env.alice), E.MeterSignatureMessageMismatch, before, index=1)


def test_rekey_to_dodge_approval(sim):
    """With approval required, an approved meter re-keyed to an unvetted key loses its approval: its readings
    are refused until the admin approves the new key."""
    sim.ok(rg.ix_set_registry_options(sim.admin.pubkey(), True), sim.admin)
    sim.ok(rg.rekey_meter_ixs(sim.alice.pubkey(), sim.mid, sim.meter_key, Keypair()), sim.alice)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(1_000, 0, T0), E.MeterNotApproved, before)


# ----------------------------------------------------------------------------- transfer


def test_take_a_meter_without_the_owners_signature(env):
    """Mallory names herself as new owner (she signs) and Alice as owner, but Alice does not sign."""
    mallory = mallory_of(env)
    ix = rg.ix_transfer_meter(env.alice.pubkey(), mallory.pubkey(), env.meter)
    before = env.snaps(*users(env, mallory))
    h.assert_rejected(env.svm, env.send(unsign(ix, env.alice.pubkey()), mallory), A.AccountNotSigner, before)


def test_take_a_meter_by_claiming_to_be_its_owner(env):
    """Mallory signs as "owner" of Alice's meter, with a colluding new owner."""
    mallory, accomplice = mallory_of(env), mallory_of(env)
    before = env.snaps(*users(env, mallory, accomplice))
    ix = rg.ix_transfer_meter(mallory.pubkey(), accomplice.pubkey(), env.meter)
    h.assert_rejected(env.svm, env.send(ix, mallory, accomplice), E.NotMeterOwner, before)


def test_dump_a_meter_on_someone_without_their_signature(env):
    """Alice pushes her meter onto Bob (registered) without Bob's signature."""
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    ix = rg.ix_transfer_meter(env.alice.pubkey(), env.bob.pubkey(), env.meter)
    before = env.snaps(*users(env, env.bob))
    h.assert_rejected(env.svm, env.send(unsign(ix, env.bob.pubkey()), env.alice), A.AccountNotSigner, before)


def test_new_owner_cannot_settle_the_previous_owners_energy(env):
    """A buyer of the meter would mint the seller's unsettled generation: the transfer is refused until the
    seller settles."""
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    env.set_meter(total_generation=9_000, total_consumption=1_000)
    before = env.snaps(*users(env, env.bob))
    ix = rg.ix_transfer_meter(env.alice.pubkey(), env.bob.pubkey(), env.meter)
    h.assert_rejected(env.svm, env.send(ix, env.alice, env.bob), E.UnsettledGeneration, before)


def test_new_owner_cannot_certify_the_previous_owners_generation(sim):
    """After a transfer the ERC mark sits at total generation: a certificate for energy produced before the
    transfer (which would be issued to the new owner) is refused by the registry."""
    sim.ok(rg.ix_register_user(sim.bob.pubkey()), sim.bob)
    h.expect_ok(sim.reading(4_000, 4_000, T0))  # net 0: nothing to settle, 4,000 Wh never certified
    sim.ok(rg.ix_transfer_meter(sim.alice.pubkey(), sim.bob.pubkey(), sim.meter), sim.alice, sim.bob)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.claim(1), E.ClaimExceedsGeneration, before)
    set_time(sim.svm, T0 + 900)
    h.expect_ok(sim.reading(500, 0, T0 + 900))  # the new owner's own generation can be certified
    h.expect_ok(sim.claim(500))


def test_transfer_to_an_unregistered_key(env):
    stranger = h.funded_keypair(env.svm)
    ix = rg.ix_transfer_meter(env.alice.pubkey(), stranger.pubkey(), env.meter)
    before = env.snaps(rg.user_pda(stranger.pubkey())[0])
    h.assert_rejected(env.svm, env.send(ix, env.alice, stranger), A.AccountNotInitialized, before)


# ----------------------------------------------------------------------------- admin decisions


def test_owner_reactivates_after_admin_deactivation(env):
    env.ok(rg.ix_deactivate_meter(env.admin.pubkey(), env.meter), env.admin)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_reactivate_meter(env.alice.pubkey(), env.meter), env.alice),
                      E.ReactivationRequiresAdmin, before)
    # nor by "deactivating" again first to turn it into an owner deactivation
    h.assert_rejected(env.svm, env.send(rg.ix_deactivate_meter(env.alice.pubkey(), env.meter), env.alice),
                      E.MeterInactive, before)


def test_owner_launders_admin_deactivation_through_a_transfer(env):
    """Transferring an admin-deactivated meter to an accomplice leaves it locked: the new owner cannot
    reactivate it either."""
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    env.ok(rg.ix_deactivate_meter(env.admin.pubkey(), env.meter), env.admin)
    env.ok(rg.ix_transfer_meter(env.alice.pubkey(), env.bob.pubkey(), env.meter), env.alice, env.bob)
    before = env.snaps()
    h.assert_rejected(env.svm, env.send(rg.ix_reactivate_meter(env.bob.pubkey(), env.meter), env.bob),
                      E.ReactivationRequiresAdmin, before)


@pytest.mark.parametrize("action", ["approve", "retire", "set_options"])
def test_non_admin_takes_admin_decisions(env, action):
    mallory = mallory_of(env)
    mid = rg.meter_id("MAL-M")
    env.ok(rg.ix_set_registry_options(env.admin.pubkey(), True), env.admin)
    env.ok(reg_meter(mallory.pubkey(), mid), mallory)
    own = rg.meter_pda(mid)[0]
    ix = {"approve": rg.ix_approve_meter(mallory.pubkey(), own),
          "retire": rg.ix_retire_meter(mallory.pubkey(), env.meter),
          "set_options": rg.ix_set_registry_options(mallory.pubkey(), False)}[action]
    before = env.snaps(own)
    h.assert_rejected(env.svm, env.send(ix, mallory), C.NotAuthority, before)


# ----------------------------------------------------------------------------- retired ids


@pytest.mark.parametrize("who", ["owner", "stranger"])
def test_reuse_a_retired_meter_id(env, who):
    """A retired id keeps its account: nobody can register it again (and inherit or reset its history)."""
    env.ok(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin)
    signer = env.alice if who == "owner" else mallory_of(env)
    before = env.snaps(*users(env, signer))
    h.assert_rejected(env.svm, env.send(reg_meter(signer.pubkey(), env.mid), signer), SYSTEM_ALREADY_IN_USE,
                      before, index=1)
    assert env.m().retired is True


def test_revive_a_retired_meter(env):
    """Neither the owner nor the admin can bring a retired meter back, re-key it or hand it on."""
    env.ok(rg.ix_register_user(env.bob.pubkey()), env.bob)
    env.ok(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin)
    before = env.snaps(*users(env, env.bob))
    for signer in (env.alice, env.admin):
        h.assert_rejected(env.svm, env.send(rg.ix_reactivate_meter(signer.pubkey(), env.meter), signer),
                          E.MeterRetired, before)
    h.assert_rejected(env.svm, env.send(rg.ix_approve_meter(env.admin.pubkey(), env.meter), env.admin),
                      E.MeterRetired, before)
    h.assert_rejected(env.svm, env.send(rg.rekey_meter_ixs(env.alice.pubkey(), env.mid, env.meter_key, Keypair()),
                                        env.alice), E.MeterRetired, before, index=1)
    h.assert_rejected(env.svm, env.send(rg.ix_transfer_meter(env.alice.pubkey(), env.bob.pubkey(), env.meter),
                                        env.alice, env.bob), E.MeterRetired, before)


# ----------------------------------------------------------------------------- readings


def test_readings_for_an_unapproved_meter(sim):
    sim.ok(rg.ix_set_registry_options(sim.admin.pubkey(), True), sim.admin)
    mid = rg.meter_id("UNVETTED")
    sim.ok(reg_meter(sim.alice.pubkey(), mid), sim.alice)
    meter = rg.meter_pda(mid)[0]
    before = sim.snaps(meter)
    h.assert_rejected(sim.svm, sim.reading(1_000, 0, T0, meter), E.MeterNotApproved, before)


def test_readings_for_a_retired_meter(sim):
    sim.ok(rg.ix_retire_meter(sim.admin.pubkey(), sim.meter), sim.admin)
    before = sim.snaps()
    h.assert_rejected(sim.svm, sim.reading(1_000, 0, T0), E.MeterRetired, before)


def test_signed_reading_through_the_oracle_for_an_unapproved_meter(oracle_env):
    """End to end: a correctly signed reading relayed by the gateway for an unapproved meter is refused, nothing
    recorded. The oracle checks the registry's flag itself (its own MeterNotApproved) before its CPI, behind
    which the registry refuses it too (E.MeterNotApproved, test_readings_for_an_unapproved_meter)."""
    env = oracle_env
    env.set_meter(approved=False)  # what register_meter leaves when the registry requires approval
    set_time(env.svm, T0 + 900)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(1_000, 100, T0 + 900), O.MeterNotApproved, before, index=1)


def test_signed_reading_through_the_oracle_for_a_retired_meter(oracle_env):
    env = oracle_env
    env.ok(rg.ix_retire_meter(env.admin.pubkey(), env.meter), env.admin)
    set_time(env.svm, T0 + 900)
    before = env.snaps()
    h.assert_rejected(env.svm, env.submit(1_000, 100, T0 + 900), O.MeterInactive, before, index=1)
