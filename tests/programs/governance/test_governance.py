"""programs/governance in LiteSVM: every instruction's resulting state and events, and every error it can raise.

Instructions are built with the generated client ``gridtokenx_cli.generated.governance``; PDAs, the bootstrap
key, event layouts and fixtures come from ``gridtokenx_cli.clients.governance``. ``issue_erc`` runs against the
real registry program: the meter is registered for real, then its generation totals (which only the oracle can
raise) are written with ``svm.set_account`` from the registry's generated ``MeterAccount`` layout, and the CPI
into ``registry::update_claimed_erc_generation`` is checked on the registry's own account.

A separate fee payer signs every transaction, so the accounts the program sees (signers included) keep exactly
the same lamports and data when a transaction is rejected.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from gridtokenx_cli.testing import svm_lite as h
from gridtokenx_cli.testing import governance as gov
from gridtokenx_cli.testing.governance import CommonError
from gridtokenx_cli.generated.governance import instructions as gix
from gridtokenx_cli.generated.governance.errors import anchor as AE
from gridtokenx_cli.generated.governance.errors import custom as GE
from gridtokenx_cli.generated.registry import instructions as rix
from gridtokenx_cli.generated.registry.accounts import MeterAccount
from gridtokenx_cli.generated.registry.program_id import PROGRAM_ID as REGISTRY_ID
from gridtokenx_cli.generated.registry.types import user_type
from gridtokenx_cli.testing.svm_lite import REPO_ROOT
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

GOV_ID = gov.PROGRAM_ID
T0 = 1_750_000_000  # a realistic unix time for the clock
DAY = 24 * 60 * 60
U64_MAX = 2**64 - 1
I64_MAX = 2**63 - 1
SYSTEM_ALREADY_IN_USE = 0  # system program: SystemError::AccountAlreadyInUse


def _registry_event_layouts() -> dict[str, h.Borsh]:
    """Layouts of the registry's events, from its IDL (issue_erc's CPI logs them; decode_events needs all)."""
    idl = json.loads((REPO_ROOT / "idl" / "registry.json").read_text())
    types = {t["name"]: t["type"] for t in idl["types"]}

    def ty(t) -> str:
        if isinstance(t, str):
            return {"pubkey": "pubkey"}.get(t, t)
        if "array" in t:
            inner, n = t["array"]
            return f"[{ty(inner)};{n}]"
        if "defined" in t:
            name = t["defined"]["name"] if isinstance(t["defined"], dict) else t["defined"]
            if types[name]["kind"] == "enum":  # unit enums only
                return "u8"
        raise ValueError(f"unsupported IDL type {t}")

    return {e["name"]: h.Borsh([(f["name"], ty(f["type"])) for f in types[e["name"]]["fields"]])
            for e in idl.get("events", [])}


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def programs():
    """governance + registry binaries (built through the toolchain when missing or stale)."""
    return {GOV_ID: h.program_so("governance"), REGISTRY_ID: h.program_so("registry")}


@pytest.fixture(scope="session")
def layouts(programs):
    # event names repeat across programs (AuthorityTransfer*): governance's own layouts take precedence;
    # from the registry only what issue_erc's CPI emits is needed
    return {**_registry_event_layouts(), **gov.EVENT_LAYOUTS}


@dataclass
class Env:
    svm: object
    payer: Keypair
    admin: Keypair  # the bootstrap key, governance's initial admin
    rec: Keypair  # REC authority
    layouts: dict

    @property
    def config(self) -> Pubkey:
        return gov.governance_config_pda()[0]

    def send(self, ixs, *signers: Keypair) -> h.TxResult:
        return h.send(self.svm, ixs, self.payer, signers)

    def ok(self, ixs, *signers: Keypair):
        return h.expect_ok(self.send(ixs, *signers))

    def events(self, res, name: str | None = None) -> list[dict]:
        return h.events(res, self.layouts, name)

    def cfg(self):
        return gov.fetch_governance_config(self.svm)

    def cert(self, address: Pubkey):
        return gov.decode_erc_certificate(bytes(self.svm.get_account(address).data))

    def meter(self, address: Pubkey) -> MeterAccount:
        return MeterAccount.decode(bytes(self.svm.get_account(address).data))

    def now(self) -> int:
        return self.svm.get_clock().unix_timestamp

    def warp(self, t: int) -> None:
        c = self.svm.get_clock()
        c.unix_timestamp = t
        self.svm.set_clock(c)

    def stranger(self) -> Keypair:
        return h.funded_keypair(self.svm)


def make_env(programs, layouts, *, initialize: bool = True) -> Env:
    svm = h.new_svm(programs)
    env = Env(svm, h.funded_keypair(svm), h.funded_keypair(svm, keypair=gov.bootstrap_keypair()),
              h.funded_keypair(svm), layouts)
    env.warp(T0)
    if initialize:
        gov.initialize_governance_for_tests(svm, env.rec.pubkey())
    return env


@pytest.fixture
def env(programs, layouts) -> Env:
    return make_env(programs, layouts)


@pytest.fixture
def bare(programs, layouts) -> Env:
    """Programs loaded, governance not initialised."""
    return make_env(programs, layouts, initialize=False)


# ----------------------------------------------------------------------------- instruction builders


def patch(ix: Instruction, index: int, *, pubkey: Pubkey | None = None, is_signer: bool | None = None,
          is_writable: bool | None = None) -> Instruction:
    """``ix`` with account ``index`` replaced / its flags changed (to provoke Anchor's account errors)."""
    metas = list(ix.accounts)
    m = metas[index]
    metas[index] = AccountMeta(pubkey if pubkey is not None else m.pubkey,
                               m.is_signer if is_signer is None else is_signer,
                               m.is_writable if is_writable is None else is_writable)
    return Instruction(ix.program_id, ix.data, metas)


def ix_init(authority: Pubkey, rec_authority: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.initialize_governance({"rec_authority": rec_authority},
                                     {"authority": authority,
                                      "governance_config": config or gov.governance_config_pda()[0]})


def ix_pause(authority: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.emergency_pause({"authority": authority, "governance_config": config or gov.governance_config_pda()[0]})


def ix_unpause(authority: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.emergency_unpause({"authority": authority,
                                  "governance_config": config or gov.governance_config_pda()[0]})


def ix_propose(authority: Pubkey, new: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.propose_authority_transfer({"new_authority": new}, {
        "authority": authority, "governance_config": config or gov.governance_config_pda()[0]})


def ix_accept(authority: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.accept_authority_transfer({"authority": authority,
                                          "governance_config": config or gov.governance_config_pda()[0]})


def ix_cancel(authority: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.cancel_authority_transfer({"authority": authority,
                                          "governance_config": config or gov.governance_config_pda()[0]})


def ix_set_rec(authority: Pubkey, new: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.set_rec_authority({"new_rec_authority": new}, {
        "authority": authority, "governance_config": config or gov.governance_config_pda()[0]})


def ix_issue(rec: Pubkey, cert_id: bytes, amount: int, meter: Pubkey, **accounts: Pubkey) -> Instruction:
    acc = {"rec_authority": rec, "governance_config": gov.governance_config_pda()[0], "meter": meter,
           "erc_certificate": gov.erc_certificate_pda(cert_id)[0],
           "governance_authority": gov.governance_authority_pda()[0], "registry_program": REGISTRY_ID} | accounts
    return gix.issue_erc({"certificate_id": list(cert_id), "energy_amount": amount}, acc)


def ix_validate(rec: Pubkey, cert: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.validate_erc_for_trading({"rec_authority": rec, "erc_certificate": cert,
                                         "governance_config": config or gov.governance_config_pda()[0]})


def ix_transfer(owner: Pubkey, cert: Pubkey, new_owner: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.transfer_erc({"new_owner": new_owner}, {
        "owner": owner, "erc_certificate": cert, "governance_config": config or gov.governance_config_pda()[0]})


def ix_revoke(rec: Pubkey, cert: Pubkey, config: Pubkey | None = None) -> Instruction:
    return gix.revoke_erc({"rec_authority": rec, "erc_certificate": cert,
                           "governance_config": config or gov.governance_config_pda()[0]})


# ----------------------------------------------------------------------------- registry setup


def registry_pda(*seeds: bytes) -> Pubkey:
    return Pubkey.find_program_address(list(seeds), REGISTRY_ID)[0]


def meter_id(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def set_meter_totals(env: Env, meter: Pubkey, **fields: int) -> None:
    """Rewrite fields of a registry MeterAccount in place (bytes from the registry's generated layout)."""
    acc = env.svm.get_account(meter)
    m = MeterAccount.decode(bytes(acc.data))
    values = {sc.name: getattr(m, sc.name) for sc in MeterAccount.layout.subcons}
    values.update(fields)
    values["meter_type"] = m.meter_type.to_encodable()
    data = MeterAccount.discriminator + MeterAccount.layout.build(values)
    assert len(data) == len(acc.data)
    h.set_account(env.svm, meter, data, REGISTRY_ID, lamports=acc.lamports)


def register_meter(env: Env, text: str = "METER-1", *, total_generation: int = 0, claimed: int = 0,
                   owner: Keypair | None = None) -> tuple[Keypair, Pubkey]:
    """Registry initialised (once), a prosumer and a meter registered for real; totals then set directly."""
    svm = env.svm
    reg_config = registry_pda(b"registry")
    if svm.get_account(reg_config) is None:
        env.ok(rix.initialize_registry({"authority": env.admin.pubkey(), "registry_config": reg_config}), env.admin)
    owner = owner or env.stranger()
    user = registry_pda(b"user", bytes(owner.pubkey()))
    if svm.get_account(user) is None:
        env.ok(rix.register_user({"user_type": user_type.Prosumer()}, {
            "owner": owner.pubkey(), "user": user, "registry_config": reg_config, "governance_config": env.config}),
            owner)
    mid = meter_id(text)
    meter = registry_pda(b"meter", mid)
    from gridtokenx_cli.testing import registry as rg  # the meter key signs its registration (proof of possession)

    env.ok(rg.register_meter_ixs(owner.pubkey(), mid, "Solar", Keypair(), rg.DEFAULT_CAPACITY_W), owner)
    if total_generation or claimed:
        set_meter_totals(env, meter, total_generation=total_generation, claimed_erc_generation=claimed)
    return owner, meter


def cid(text: str) -> bytes:
    return gov.certificate_id(text)


def issue(env: Env, text: str, amount: int, meter: Pubkey):
    res = env.ok(ix_issue(env.rec.pubkey(), cid(text), amount, meter), env.rec)
    return gov.erc_certificate_pda(cid(text))[0], res


@pytest.fixture
def metered(env) -> tuple[Env, Keypair, Pubkey]:
    owner, meter = register_meter(env, total_generation=10_000)
    return env, owner, meter


@pytest.fixture
def issued(metered):
    """A certificate for 4_000 of the meter's 10_000 Wh, status Issued."""
    env, owner, meter = metered
    cert, _ = issue(env, "ERC-1", 4_000, meter)
    return env, owner, meter, cert


@pytest.fixture
def validated(issued):
    env, owner, meter, cert = issued
    env.ok(ix_validate(env.rec.pubkey(), cert), env.rec)
    return env, owner, meter, cert


def snaps(env: Env, *addresses: Pubkey):
    return h.snapshots(env.svm, env.config, *addresses)


# ----------------------------------------------------------------------------- initialize_governance


def test_initialize_governance(bare):
    env = bare
    rec = Keypair().pubkey()
    before = h.snapshot(env.svm, env.admin.pubkey()).lamports
    res = env.ok(ix_init(env.admin.pubkey(), rec), env.admin)
    config, bump = gov.governance_config_pda()
    acc = env.svm.get_account(config)
    assert acc.owner == GOV_ID and len(acc.data) == 8 + (32 + 32 + 8) + 32 + 1 + 8 * 4 + 1
    rent = env.svm.minimum_balance_for_rent_exemption(len(acc.data))
    assert acc.lamports == rent
    assert h.snapshot(env.svm, env.admin.pubkey()).lamports == before - rent  # the bootstrap key paid the rent
    c = env.cfg()
    assert (c.admin.authority, c.admin.pending_authority, c.admin.pending_expires_at) == (
        env.admin.pubkey(), Pubkey.default(), 0)
    assert (c.rec_authority, c.paused, c.paused_at, c.pause_count, c.erc_issued, c.erc_revoked, c.bump) == (
        rec, False, 0, 0, 0, 0, bump)
    assert env.events(res) == [{"admin": env.admin.pubkey(), "rec_authority": rec, "timestamp": T0}]


def test_initialize_governance_requires_bootstrap(bare):
    env = bare
    mallory = env.stranger()
    before = h.snapshots(env.svm, mallory.pubkey(), env.config)
    h.assert_rejected(env.svm, env.send(ix_init(mallory.pubkey(), env.rec.pubkey()), mallory),
                      CommonError.NotBootstrapAuthority, before)


def test_initialize_governance_rejects_default_rec_authority(bare):
    env = bare
    before = h.snapshots(env.svm, env.admin.pubkey(), env.config)
    h.assert_rejected(env.svm, env.send(ix_init(env.admin.pubkey(), Pubkey.default()), env.admin),
                      GE.InvalidRecAuthority.code, before)


def test_initialize_governance_twice(env):
    env.ok(ix_pause(env.admin.pubkey()), env.admin)  # non-trivial state that a re-init would reset
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_init(env.admin.pubkey(), Pubkey.new_unique()), env.admin),
                      SYSTEM_ALREADY_IN_USE, before)


def test_initialize_governance_rejects_wrong_address(bare):
    env = bare
    wrong = Pubkey.new_unique()
    before = h.snapshots(env.svm, env.admin.pubkey(), env.config, wrong)
    h.assert_rejected(env.svm, env.send(ix_init(env.admin.pubkey(), env.rec.pubkey(), config=wrong), env.admin),
                      AE.ConstraintSeeds.code, before)


def test_initialize_governance_rejects_wrong_system_program(bare):
    env = bare
    ix = patch(ix_init(env.admin.pubkey(), env.rec.pubkey()), 2, pubkey=Pubkey.new_unique())
    before = h.snapshots(env.svm, env.admin.pubkey(), env.config)
    h.assert_rejected(env.svm, env.send(ix, env.admin), AE.InvalidProgramId.code, before)


# ----------------------------------------------------------------------------- emergency_pause / unpause


def test_emergency_pause_and_unpause(env):
    res = env.ok(ix_pause(env.admin.pubkey()), env.admin)
    c = env.cfg()
    assert (c.paused, c.paused_at, c.pause_count) == (True, T0, 1)
    assert env.events(res) == [{"authority": env.admin.pubkey(), "timestamp": T0, "pause_count": 1}]

    env.warp(T0 + 3600)
    res = env.ok(ix_unpause(env.admin.pubkey()), env.admin)
    c = env.cfg()
    assert (c.paused, c.paused_at, c.pause_count) == (False, T0, 1)  # paused_at keeps the last pause's start
    assert env.events(res) == [{"authority": env.admin.pubkey(), "timestamp": T0 + 3600, "paused_for": 3600}]

    env.warp(T0 + 7200)
    res = env.ok(ix_pause(env.admin.pubkey()), env.admin)
    assert (env.cfg().paused_at, env.cfg().pause_count) == (T0 + 7200, 2)
    assert env.events(res)[0]["pause_count"] == 2
    # the other fields are untouched by pause/unpause
    c = env.cfg()
    assert (c.admin.authority, c.rec_authority, c.erc_issued, c.erc_revoked) == (
        env.admin.pubkey(), env.rec.pubkey(), 0, 0)


def test_test_helpers_pause_and_unpause(env):
    gov.pause_for_tests(env.svm)
    assert env.cfg().paused
    gov.unpause_for_tests(env.svm)
    assert not env.cfg().paused


def test_emergency_pause_when_paused(env):
    env.ok(ix_pause(env.admin.pubkey()), env.admin)
    env.warp(T0 + 10)
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_pause(env.admin.pubkey()), env.admin), GE.AlreadyPaused.code, before)


def test_emergency_unpause_when_not_paused(env):
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_unpause(env.admin.pubkey()), env.admin), GE.NotPaused.code, before)


def test_emergency_unpause_reports_zero_duration_if_clock_went_back(env):
    env.ok(ix_pause(env.admin.pubkey()), env.admin)
    env.warp(T0 - 100)
    res = env.ok(ix_unpause(env.admin.pubkey()), env.admin)
    assert env.events(res)[0]["paused_for"] == 0


@pytest.mark.parametrize("which", ["pause", "unpause"])
def test_emergency_control_requires_admin(env, which):
    if which == "unpause":
        env.ok(ix_pause(env.admin.pubkey()), env.admin)
    build = ix_pause if which == "pause" else ix_unpause
    for signer in (env.stranger(), env.rec):  # neither a stranger nor the REC authority
        before = snaps(env, signer.pubkey())
        h.assert_rejected(env.svm, env.send(build(signer.pubkey()), signer), CommonError.NotAuthority, before)


def test_emergency_pause_counter_overflow(env):
    c = env.cfg()
    c.pause_count = U64_MAX
    h.set_account(env.svm, env.config, gov.encode_governance_config(c), GOV_ID)
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_pause(env.admin.pubkey()), env.admin),
                      GE.ArithmeticOverflow.code, before)


# ----------------------------------------------------------------------------- authority transfer


def test_authority_transfer_propose_accept(env):
    bob = env.stranger()
    res = env.ok(ix_propose(env.admin.pubkey(), bob.pubkey()), env.admin)
    a = env.cfg().admin
    expires = T0 + gov.AUTHORITY_TRANSFER_TTL_SECONDS
    assert (a.authority, a.pending_authority, a.pending_expires_at) == (env.admin.pubkey(), bob.pubkey(), expires)
    assert env.events(res) == [{"authority": env.admin.pubkey(), "pending_authority": bob.pubkey(),
                                "expires_at": expires}]

    env.warp(expires)  # the deadline itself is still accepted
    res = env.ok(ix_accept(bob.pubkey()), bob)
    a = env.cfg().admin
    assert (a.authority, a.pending_authority, a.pending_expires_at) == (bob.pubkey(), Pubkey.default(), 0)
    assert env.events(res) == [{"previous_authority": env.admin.pubkey(), "new_authority": bob.pubkey()}]

    # the new admin holds the powers, the old one lost them
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_pause(env.admin.pubkey()), env.admin), CommonError.NotAuthority, before)
    env.ok(ix_pause(bob.pubkey()), bob)
    assert env.cfg().paused


def test_authority_transfer_accept_after_48h_fails(env):
    bob = env.stranger()
    env.ok(ix_propose(env.admin.pubkey(), bob.pubkey()), env.admin)
    env.warp(T0 + 48 * 3600 + 1)
    before = snaps(env, bob.pubkey())
    h.assert_rejected(env.svm, env.send(ix_accept(bob.pubkey()), bob), CommonError.TransferExpired, before)
    assert env.cfg().admin.authority == env.admin.pubkey()


def test_authority_transfer_accept_by_stranger_fails(env):
    bob, mallory = env.stranger(), env.stranger()
    env.ok(ix_propose(env.admin.pubkey(), bob.pubkey()), env.admin)
    for signer in (mallory, env.admin):  # not even the current admin can accept on bob's behalf
        before = snaps(env, signer.pubkey())
        h.assert_rejected(env.svm, env.send(ix_accept(signer.pubkey()), signer),
                          CommonError.NotPendingAuthority, before)


def test_authority_transfer_accept_without_proposal(env):
    bob = env.stranger()
    before = snaps(env, bob.pubkey())
    h.assert_rejected(env.svm, env.send(ix_accept(bob.pubkey()), bob), CommonError.NoPendingTransfer, before)


def test_authority_transfer_cancel(env):
    bob = env.stranger()
    env.ok(ix_propose(env.admin.pubkey(), bob.pubkey()), env.admin)
    res = env.ok(ix_cancel(env.admin.pubkey()), env.admin)
    a = env.cfg().admin
    assert (a.authority, a.pending_authority, a.pending_expires_at) == (env.admin.pubkey(), Pubkey.default(), 0)
    assert env.events(res) == [{"authority": env.admin.pubkey(), "cancelled_pending": bob.pubkey()}]
    before = snaps(env, bob.pubkey())
    h.assert_rejected(env.svm, env.send(ix_accept(bob.pubkey()), bob), CommonError.NoPendingTransfer, before)


def test_authority_transfer_cancel_requires_admin(env):
    bob = env.stranger()
    env.ok(ix_propose(env.admin.pubkey(), bob.pubkey()), env.admin)
    for signer in (bob, env.stranger()):  # the pending authority cannot cancel either
        before = snaps(env, signer.pubkey())
        h.assert_rejected(env.svm, env.send(ix_cancel(signer.pubkey()), signer), CommonError.NotAuthority, before)


def test_authority_transfer_cancel_without_proposal(env):
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_cancel(env.admin.pubkey()), env.admin),
                      CommonError.NoPendingTransfer, before)


def test_authority_transfer_propose_requires_admin(env):
    mallory = env.stranger()
    before = snaps(env, mallory.pubkey())
    h.assert_rejected(env.svm, env.send(ix_propose(mallory.pubkey(), mallory.pubkey()), mallory),
                      CommonError.NotAuthority, before)


@pytest.mark.parametrize("new", ["self", "default"])
def test_authority_transfer_propose_rejects_invalid_new_authority(env, new):
    target = env.admin.pubkey() if new == "self" else Pubkey.default()
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_propose(env.admin.pubkey(), target), env.admin),
                      CommonError.InvalidNewAuthority, before)


def test_authority_transfer_propose_expiry_overflow(env):
    """now + 48 h overflowing i64 is reported by the common crate as TransferExpired."""
    env.warp(I64_MAX - 10)
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_propose(env.admin.pubkey(), Pubkey.new_unique()), env.admin),
                      CommonError.TransferExpired, before)


def test_authority_transfer_new_proposal_replaces_pending(env):
    bob, carol = env.stranger(), env.stranger()
    env.ok(ix_propose(env.admin.pubkey(), bob.pubkey()), env.admin)
    env.warp(T0 + 100)
    env.ok(ix_propose(env.admin.pubkey(), carol.pubkey()), env.admin)
    assert env.cfg().admin.pending_expires_at == T0 + 100 + gov.AUTHORITY_TRANSFER_TTL_SECONDS
    before = snaps(env, bob.pubkey())
    h.assert_rejected(env.svm, env.send(ix_accept(bob.pubkey()), bob), CommonError.NotPendingAuthority, before)
    env.ok(ix_accept(carol.pubkey()), carol)
    assert env.cfg().admin.authority == carol.pubkey()


def test_authority_transfer_and_rec_change_work_while_paused(env):
    """The pause stops the system, not its governance: the admin can still hand over or rotate keys."""
    env.ok(ix_pause(env.admin.pubkey()), env.admin)
    bob, new_rec = env.stranger(), Pubkey.new_unique()
    env.ok(ix_propose(env.admin.pubkey(), bob.pubkey()), env.admin)
    env.ok(ix_cancel(env.admin.pubkey()), env.admin)
    env.ok(ix_propose(env.admin.pubkey(), bob.pubkey()), env.admin)
    env.ok(ix_accept(bob.pubkey()), bob)
    env.ok(ix_set_rec(bob.pubkey(), new_rec), bob)
    env.ok(ix_unpause(bob.pubkey()), bob)
    c = env.cfg()
    assert (c.admin.authority, c.rec_authority, c.paused) == (bob.pubkey(), new_rec, False)


# ----------------------------------------------------------------------------- set_rec_authority


def test_set_rec_authority(metered):
    env, _, meter = metered
    new_rec = env.stranger()
    res = env.ok(ix_set_rec(env.admin.pubkey(), new_rec.pubkey()), env.admin)
    assert env.cfg().rec_authority == new_rec.pubkey()
    assert env.events(res) == [{"admin": env.admin.pubkey(), "previous_rec_authority": env.rec.pubkey(),
                                "new_rec_authority": new_rec.pubkey()}]
    # the old REC authority lost its powers, the new one has them
    cert = gov.erc_certificate_pda(cid("ERC-R"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("ERC-R"), 10, meter), env.rec),
                      GE.NotRecAuthority.code, before)
    env.ok(ix_issue(new_rec.pubkey(), cid("ERC-R"), 10, meter), new_rec)
    assert env.cert(cert).energy_amount == 10


def test_set_rec_authority_requires_admin(env):
    for signer in (env.rec, env.stranger()):
        before = snaps(env, signer.pubkey())
        h.assert_rejected(env.svm, env.send(ix_set_rec(signer.pubkey(), Pubkey.new_unique()), signer),
                          CommonError.NotAuthority, before)


@pytest.mark.parametrize("new", ["same", "default"])
def test_set_rec_authority_rejects_invalid(env, new):
    target = env.rec.pubkey() if new == "same" else Pubkey.default()
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix_set_rec(env.admin.pubkey(), target), env.admin),
                      GE.InvalidRecAuthority.code, before)


# ----------------------------------------------------------------------------- issue_erc


def test_issue_erc(metered):
    env, owner, meter = metered
    cert_id = cid("ERC-2025-0001")
    cert, bump = gov.erc_certificate_pda(cert_id)
    rec_before = h.snapshot(env.svm, env.rec.pubkey()).lamports
    res = env.ok(ix_issue(env.rec.pubkey(), cert_id, 4_000, meter), env.rec)

    acc = env.svm.get_account(cert)
    assert acc.owner == GOV_ID and len(acc.data) == 8 + 32 + 32 + 32 + 8 + 8 + 8 + 1 + 1
    rent = env.svm.minimum_balance_for_rent_exemption(len(acc.data))
    assert h.snapshot(env.svm, env.rec.pubkey()).lamports == rec_before - rent  # the REC authority paid
    c = env.cert(cert)
    assert (bytes(c.certificate_id), c.owner, c.meter, c.energy_amount, c.issued_at, c.expires_at, c.bump) == (
        cert_id, owner.pubkey(), meter, 4_000, T0, T0 + gov.ERC_VALIDITY_SECONDS, bump)
    assert c.status.kind == "Issued"
    # fixed field order (trading reads it): status byte right after expires_at, bump last
    raw = bytes(acc.data)
    assert raw[8:40] == cert_id and raw[40:72] == bytes(owner.pubkey()) and raw[72:104] == bytes(meter)
    assert raw[-2:] == bytes([gov.ERC_STATUS_ISSUED, bump])

    # the real CPI advanced the registry's high-water mark; nothing else on the meter changed
    m = env.meter(meter)
    assert (m.claimed_erc_generation, m.total_generation, m.settled_net_generation) == (4_000, 10_000, 0)
    assert env.cfg().erc_issued == 1
    assert any(line.startswith(f"Program {REGISTRY_ID} invoke [2]") for line in h.logs(res))
    assert env.events(res, "ErcIssued") == [{
        "certificate": cert, "certificate_id": cert_id, "owner": owner.pubkey(), "meter": meter,
        "meter_id": meter_id("METER-1"), "energy_amount": 4_000, "issued_at": T0,
        "expires_at": T0 + gov.ERC_VALIDITY_SECONDS, "claimed_erc_generation": 4_000, "erc_issued": 1}]
    assert env.events(res, "ErcGenerationClaimed") == [{
        "meter_id": meter_id("METER-1"), "amount": 4_000, "claimed_erc_generation": 4_000,
        "total_generation": 10_000}]
    print(f"\nissue_erc: {h.compute_units(res)} CU")
    assert h.compute_units(res) < 200_000

    # a second certificate for the rest of the generation: exactly all of it is allowed
    cert2, res = issue(env, "ERC-2025-0002", 6_000, meter)
    assert env.meter(meter).claimed_erc_generation == 10_000
    assert env.cfg().erc_issued == 2
    assert env.events(res, "ErcIssued")[0]["claimed_erc_generation"] == 10_000


def test_issue_erc_no_double_claim(metered):
    """The seed's example: 1000 generated, 200 claimed; 300 passes, then 600 > 500 fails."""
    env, _, meter = metered
    set_meter_totals(env, meter, total_generation=1_000, claimed_erc_generation=200, settled_net_generation=600)
    issue(env, "A", 300, meter)
    assert env.meter(meter).claimed_erc_generation == 500
    cert = gov.erc_certificate_pda(cid("B"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("B"), 600, meter), env.rec),
                      GE.InsufficientUnclaimedEnergy.code, before)
    issue(env, "B", 500, meter)  # the remainder is fine...
    cert = gov.erc_certificate_pda(cid("C"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("C"), 1, meter), env.rec),
                      GE.InsufficientUnclaimedEnergy.code, before)  # ...then nothing is left
    # new generation (from the oracle) makes new energy claimable, only that
    set_meter_totals(env, meter, total_generation=1_050)
    issue(env, "C", 50, meter)
    assert env.meter(meter).claimed_erc_generation == 1_050


def test_issue_erc_same_energy_twice_fails(metered):
    env, _, meter = metered
    issue(env, "FIRST", 10_000, meter)
    cert = gov.erc_certificate_pda(cid("SECOND"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("SECOND"), 10_000, meter), env.rec),
                      GE.InsufficientUnclaimedEnergy.code, before)


def test_issue_erc_revocation_does_not_release_energy(issued):
    env, _, meter, cert = issued
    env.ok(ix_revoke(env.rec.pubkey(), cert), env.rec)
    assert env.meter(meter).claimed_erc_generation == 4_000
    target = gov.erc_certificate_pda(cid("AGAIN"))[0]
    before = snaps(env, env.rec.pubkey(), meter, target)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("AGAIN"), 6_001, meter), env.rec),
                      GE.InsufficientUnclaimedEnergy.code, before)


def test_issue_erc_broken_registry_invariant(metered):
    """claimed > generation cannot happen through the registry; if it did, nothing can be issued."""
    env, _, meter = metered
    set_meter_totals(env, meter, total_generation=100, claimed_erc_generation=200)
    cert = gov.erc_certificate_pda(cid("X"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("X"), 1, meter), env.rec),
                      GE.InsufficientUnclaimedEnergy.code, before)


def test_issue_erc_rejects_zero(metered):
    env, _, meter = metered
    cert = gov.erc_certificate_pda(cid("ZERO"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("ZERO"), 0, meter), env.rec),
                      GE.ZeroEnergyAmount.code, before)


def test_issue_erc_requires_rec_authority(metered):
    env, _, meter = metered
    cert = gov.erc_certificate_pda(cid("M"))[0]
    for signer in (env.stranger(), env.admin):  # the admin is not the REC authority either
        before = snaps(env, signer.pubkey(), meter, cert)
        h.assert_rejected(env.svm, env.send(ix_issue(signer.pubkey(), cid("M"), 10, meter), signer),
                          GE.NotRecAuthority.code, before)


def test_issue_erc_existing_certificate_id(issued):
    env, _, meter, cert = issued
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("ERC-1"), 10, meter), env.rec),
                      SYSTEM_ALREADY_IN_USE, before)


def test_issue_erc_certificate_address_must_match_id(metered):
    env, _, meter = metered
    wrong = gov.erc_certificate_pda(cid("OTHER"))[0]
    before = snaps(env, env.rec.pubkey(), meter, wrong)
    ix = ix_issue(env.rec.pubkey(), cid("ERC-1"), 10, meter, erc_certificate=wrong)
    h.assert_rejected(env.svm, env.send(ix, env.rec), AE.ConstraintSeeds.code, before)


def test_issue_erc_counter_overflow(metered):
    env, _, meter = metered
    c = env.cfg()
    c.erc_issued = U64_MAX
    h.set_account(env.svm, env.config, gov.encode_governance_config(c), GOV_ID)
    cert = gov.erc_certificate_pda(cid("O"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("O"), 10, meter), env.rec),
                      GE.ArithmeticOverflow.code, before)


def test_issue_erc_expiry_overflow(metered):
    env, _, meter = metered
    env.warp(I64_MAX - DAY)
    cert = gov.erc_certificate_pda(cid("O"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("O"), 10, meter), env.rec),
                      GE.ArithmeticOverflow.code, before)


def _fake_meter(env: Env, meter: Pubkey, *, owner: Pubkey = REGISTRY_ID, discriminator: bytes | None = None,
                total_generation: int = 10**12) -> Pubkey:
    """A copy of ``meter`` with a huge generation, at a random address."""
    data = bytearray(env.svm.get_account(meter).data)
    m = MeterAccount.decode(bytes(data))
    fake = Pubkey.new_unique()
    h.set_account(env.svm, fake, bytes(data), owner)
    if owner == REGISTRY_ID:
        set_meter_totals(env, fake, total_generation=total_generation)
    else:
        values = {sc.name: getattr(m, sc.name) for sc in MeterAccount.layout.subcons}
        values.update(total_generation=total_generation, meter_type=m.meter_type.to_encodable())
        h.set_account(env.svm, fake, MeterAccount.discriminator + MeterAccount.layout.build(values), owner)
    if discriminator is not None:
        raw = bytearray(env.svm.get_account(fake).data)
        raw[:8] = discriminator
        h.set_account(env.svm, fake, bytes(raw), owner)
    return fake


@pytest.mark.parametrize("forgery,code", [
    ("not_pda", AE.ConstraintSeeds.code),  # registry-owned copy with fake generation at another address
    ("wrong_owner", AE.AccountOwnedByWrongProgram.code),  # same bytes owned by another program
    ("wrong_discriminator", AE.AccountDiscriminatorMismatch.code),
    ("missing", AE.AccountNotInitialized.code),
])
def test_issue_erc_rejects_forged_meter(metered, forgery, code):
    env, _, meter = metered
    set_meter_totals(env, meter, claimed_erc_generation=10_000)  # the real meter is fully claimed
    if forgery == "not_pda":
        fake = _fake_meter(env, meter)
    elif forgery == "wrong_owner":
        fake = _fake_meter(env, meter, owner=Pubkey.new_unique())
    elif forgery == "wrong_discriminator":
        fake = _fake_meter(env, meter, discriminator=h.sighash("account", "NotAMeter"))
    else:
        fake = registry_pda(b"meter", meter_id("NO-SUCH-METER"))
    cert = gov.erc_certificate_pda(cid("F"))[0]
    before = snaps(env, env.rec.pubkey(), meter, fake, cert)
    h.assert_rejected(env.svm, env.send(ix_issue(env.rec.pubkey(), cid("F"), 5, fake), env.rec), code, before)


def test_issue_erc_rejects_wrong_governance_authority(metered):
    env, _, meter = metered
    cert = gov.erc_certificate_pda(cid("G"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    ix = ix_issue(env.rec.pubkey(), cid("G"), 5, meter, governance_authority=Pubkey.new_unique())
    h.assert_rejected(env.svm, env.send(ix, env.rec), AE.ConstraintSeeds.code, before)


@pytest.mark.parametrize("index", [5, 6])  # registry_program, system_program
def test_issue_erc_rejects_wrong_program(metered, index):
    env, _, meter = metered
    cert = gov.erc_certificate_pda(cid("P"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    ix = patch(ix_issue(env.rec.pubkey(), cid("P"), 5, meter), index, pubkey=Pubkey.new_unique())
    h.assert_rejected(env.svm, env.send(ix, env.rec), AE.InvalidProgramId.code, before)


def test_issue_erc_meter_must_be_writable(metered):
    env, _, meter = metered
    cert = gov.erc_certificate_pda(cid("W"))[0]
    before = snaps(env, env.rec.pubkey(), meter, cert)
    ix = patch(ix_issue(env.rec.pubkey(), cid("W"), 5, meter), 2, is_writable=False)
    h.assert_rejected(env.svm, env.send(ix, env.rec), AE.ConstraintMut.code, before)


# ----------------------------------------------------------------------------- validate_erc_for_trading


def test_validate_erc_for_trading(issued):
    env, owner, meter, cert = issued
    data_before = env.cert(cert)
    env.warp(T0 + 3 * DAY)
    res = env.ok(ix_validate(env.rec.pubkey(), cert), env.rec)
    c = env.cert(cert)
    assert c.status.kind == "Validated"
    assert (c.owner, c.energy_amount, c.issued_at, c.expires_at) == (
        data_before.owner, data_before.energy_amount, data_before.issued_at, data_before.expires_at)
    assert bytes(env.svm.get_account(cert).data)[-2] == gov.ERC_STATUS_VALIDATED
    assert env.events(res) == [{"certificate": cert, "certificate_id": cid("ERC-1"),
                                "validator": env.rec.pubkey(), "timestamp": T0 + 3 * DAY}]


def test_validate_erc_on_last_valid_second(issued):
    env, _, _, cert = issued
    env.warp(T0 + 365 * DAY)  # == expires_at: still valid
    env.ok(ix_validate(env.rec.pubkey(), cert), env.rec)
    assert env.cert(cert).status.kind == "Validated"


def test_validate_erc_after_expiry_fails(issued):
    env, _, _, cert = issued
    env.warp(T0 + 365 * DAY + 1)
    before = snaps(env, env.rec.pubkey(), cert)
    h.assert_rejected(env.svm, env.send(ix_validate(env.rec.pubkey(), cert), env.rec),
                      GE.CertificateExpired.code, before)


@pytest.mark.parametrize("state", ["validated", "revoked"])
def test_validate_erc_wrong_status(issued, state):
    env, _, _, cert = issued
    if state == "validated":
        env.ok(ix_validate(env.rec.pubkey(), cert), env.rec)
    else:
        env.ok(ix_revoke(env.rec.pubkey(), cert), env.rec)
    before = snaps(env, env.rec.pubkey(), cert)
    h.assert_rejected(env.svm, env.send(ix_validate(env.rec.pubkey(), cert), env.rec),
                      GE.InvalidErcStatus.code, before)


def test_validate_erc_requires_rec_authority(issued):
    env, owner, _, cert = issued
    for signer in (owner, env.admin, env.stranger()):
        before = snaps(env, signer.pubkey(), cert)
        h.assert_rejected(env.svm, env.send(ix_validate(signer.pubkey(), cert), signer),
                          GE.NotRecAuthority.code, before)


# ----------------------------------------------------------------------------- transfer_erc


def test_transfer_erc(validated):
    env, owner, _, cert = validated
    bob = env.stranger()
    env.warp(T0 + 10 * DAY)
    res = env.ok(ix_transfer(owner.pubkey(), cert, bob.pubkey()), owner)
    c = env.cert(cert)
    assert (c.owner, c.status.kind, c.energy_amount, c.expires_at) == (
        bob.pubkey(), "Validated", 4_000, T0 + gov.ERC_VALIDITY_SECONDS)
    assert env.events(res) == [{"certificate": cert, "certificate_id": cid("ERC-1"), "from": owner.pubkey(),
                                "to": bob.pubkey(), "timestamp": T0 + 10 * DAY}]
    # the new owner can pass it on, the old one no longer can
    before = snaps(env, owner.pubkey(), cert)
    h.assert_rejected(env.svm, env.send(ix_transfer(owner.pubkey(), cert, owner.pubkey()), owner),
                      GE.NotCertificateOwner.code, before)
    env.ok(ix_transfer(bob.pubkey(), cert, owner.pubkey()), bob)
    assert env.cert(cert).owner == owner.pubkey()


def test_transfer_erc_after_expiry_fails(validated):
    env, owner, _, cert = validated
    env.warp(T0 + 365 * DAY + 1)
    before = snaps(env, owner.pubkey(), cert)
    h.assert_rejected(env.svm, env.send(ix_transfer(owner.pubkey(), cert, Pubkey.new_unique()), owner),
                      GE.CertificateExpired.code, before)


@pytest.mark.parametrize("state", ["issued", "revoked"])
def test_transfer_erc_wrong_status(issued, state):
    env, owner, _, cert = issued
    if state == "revoked":
        env.ok(ix_validate(env.rec.pubkey(), cert), env.rec)
        env.ok(ix_revoke(env.rec.pubkey(), cert), env.rec)
    before = snaps(env, owner.pubkey(), cert)
    h.assert_rejected(env.svm, env.send(ix_transfer(owner.pubkey(), cert, Pubkey.new_unique()), owner),
                      GE.InvalidErcStatus.code, before)


def test_transfer_erc_requires_owner(validated):
    env, _, _, cert = validated
    for signer in (env.stranger(), env.rec, env.admin):  # not even the authorities can move it
        before = snaps(env, signer.pubkey(), cert)
        h.assert_rejected(env.svm, env.send(ix_transfer(signer.pubkey(), cert, signer.pubkey()), signer),
                          GE.NotCertificateOwner.code, before)


@pytest.mark.parametrize("target", ["self", "default"])
def test_transfer_erc_rejects_invalid_new_owner(validated, target):
    env, owner, _, cert = validated
    new = owner.pubkey() if target == "self" else Pubkey.default()
    before = snaps(env, owner.pubkey(), cert)
    h.assert_rejected(env.svm, env.send(ix_transfer(owner.pubkey(), cert, new), owner),
                      GE.InvalidNewOwner.code, before)


# ----------------------------------------------------------------------------- revoke_erc


@pytest.mark.parametrize("state", ["issued", "validated", "expired"])
def test_revoke_erc(issued, state):
    env, _, meter, cert = issued
    if state != "issued":
        env.ok(ix_validate(env.rec.pubkey(), cert), env.rec)
    if state == "expired":  # a fraudulent certificate can still be marked after expiry
        env.warp(T0 + 400 * DAY)
    res = env.ok(ix_revoke(env.rec.pubkey(), cert), env.rec)
    c = env.cert(cert)
    assert c.status.kind == "Revoked" and c.energy_amount == 4_000
    assert env.cfg().erc_revoked == 1 and env.cfg().erc_issued == 1
    previous = gov.ERC_STATUS_ISSUED if state == "issued" else gov.ERC_STATUS_VALIDATED
    assert env.events(res) == [{"certificate": cert, "certificate_id": cid("ERC-1"),
                                "revoked_by": env.rec.pubkey(), "previous_status": previous,
                                "timestamp": env.now(), "erc_revoked": 1}]
    assert env.meter(meter).claimed_erc_generation == 4_000  # the claim stays


def test_revoke_erc_twice(issued):
    env, _, _, cert = issued
    env.ok(ix_revoke(env.rec.pubkey(), cert), env.rec)
    before = snaps(env, env.rec.pubkey(), cert)
    h.assert_rejected(env.svm, env.send(ix_revoke(env.rec.pubkey(), cert), env.rec),
                      GE.InvalidErcStatus.code, before)


def test_revoke_erc_requires_rec_authority(issued):
    env, owner, _, cert = issued
    for signer in (owner, env.admin, env.stranger()):
        before = snaps(env, signer.pubkey(), cert)
        h.assert_rejected(env.svm, env.send(ix_revoke(signer.pubkey(), cert), signer),
                          GE.NotRecAuthority.code, before)


def test_revoke_erc_counter_overflow(issued):
    env, _, _, cert = issued
    c = env.cfg()
    c.erc_revoked = U64_MAX
    h.set_account(env.svm, env.config, gov.encode_governance_config(c), GOV_ID)
    before = snaps(env, env.rec.pubkey(), cert)
    h.assert_rejected(env.svm, env.send(ix_revoke(env.rec.pubkey(), cert), env.rec),
                      GE.ArithmeticOverflow.code, before)


# ----------------------------------------------------------------------------- certificate forgeries

CERT_KINDS = ["validate", "transfer", "revoke"]


def cert_ix(kind: str, env: Env, owner: Keypair, cert: Pubkey, config: Pubkey | None = None):
    """(instruction, signer) of a certificate instruction that would succeed on a fresh Issued/Validated cert."""
    if kind == "validate":
        return ix_validate(env.rec.pubkey(), cert, config), env.rec
    if kind == "transfer":
        return ix_transfer(owner.pubkey(), cert, Pubkey.new_unique(), config), owner
    return ix_revoke(env.rec.pubkey(), cert, config), env.rec


@pytest.mark.parametrize("kind", CERT_KINDS)
@pytest.mark.parametrize("forgery,code", [
    ("not_pda", AE.ConstraintSeeds.code),
    ("wrong_owner", AE.AccountOwnedByWrongProgram.code),
    ("wrong_discriminator", AE.AccountDiscriminatorMismatch.code),
    ("missing", AE.AccountNotInitialized.code),
])
def test_certificate_instructions_reject_forged_certificate(issued, kind, forgery, code):
    env, owner, _, cert = issued
    data = bytearray(env.svm.get_account(cert).data)
    if kind == "transfer":  # make the copy transferable
        data[-2] = gov.ERC_STATUS_VALIDATED
    fake = Pubkey.new_unique()
    if forgery == "not_pda":
        h.set_account(env.svm, fake, bytes(data), GOV_ID)
    elif forgery == "wrong_owner":
        h.set_account(env.svm, fake, bytes(data), Pubkey.new_unique())
    elif forgery == "wrong_discriminator":
        data[:8] = h.sighash("account", "NotACertificate")
        h.set_account(env.svm, fake, bytes(data), GOV_ID)
    else:
        fake = gov.erc_certificate_pda(cid("NEVER-ISSUED"))[0]
    ix, signer = cert_ix(kind, env, owner, fake)
    before = snaps(env, signer.pubkey(), cert, fake)
    h.assert_rejected(env.svm, env.send(ix, signer), code, before)


# ----------------------------------------------------------------------------- the pause is honoured

PAUSABLE = ["issue", "validate", "transfer", "revoke"]


def pausable_ix(kind: str, env: Env, owner: Keypair, meter: Pubkey, issued_cert: Pubkey,
                validated_cert: Pubkey, config: Pubkey | None = None):
    if kind == "issue":
        acc = {} if config is None else {"governance_config": config}
        return ix_issue(env.rec.pubkey(), cid("NEW"), 100, meter, **acc), env.rec
    if kind == "validate":
        return cert_ix("validate", env, owner, issued_cert, config)
    if kind == "transfer":
        return cert_ix("transfer", env, owner, validated_cert, config)
    return cert_ix("revoke", env, owner, issued_cert, config)


@pytest.fixture
def lifecycle(metered):
    env, owner, meter = metered
    a, _ = issue(env, "ISSUED", 1_000, meter)
    b, _ = issue(env, "VALIDATED", 1_000, meter)
    env.ok(ix_validate(env.rec.pubkey(), b), env.rec)
    return env, owner, meter, a, b


@pytest.mark.parametrize("kind", PAUSABLE)
def test_pause_blocks_erc_instructions(lifecycle, kind):
    env, owner, meter, a, b = lifecycle
    env.ok(ix_pause(env.admin.pubkey()), env.admin)
    ix, signer = pausable_ix(kind, env, owner, meter, a, b)
    new_cert = gov.erc_certificate_pda(cid("NEW"))[0]
    before = snaps(env, signer.pubkey(), meter, a, b, new_cert)
    h.assert_rejected(env.svm, env.send(ix, signer), CommonError.SystemPaused, before)
    env.ok(ix_unpause(env.admin.pubkey()), env.admin)
    env.ok(pausable_ix(kind, env, owner, meter, a, b)[0], signer)  # works again once unpaused


@pytest.mark.parametrize("kind", PAUSABLE)
@pytest.mark.parametrize("forgery,code", [
    ("other_address", AE.ConstraintSeeds.code),  # same bytes, owned by governance, not at the PDA
    ("other_owner", AE.AccountOwnedByWrongProgram.code),  # same bytes owned by an attacker's program
    ("wrong_discriminator", AE.AccountDiscriminatorMismatch.code),
])
def test_fake_unpaused_config_is_rejected(lifecycle, kind, forgery, code):
    """While the system is paused, a copy of the config saying `paused = false` must not get through."""
    env, owner, meter, a, b = lifecycle
    env.ok(ix_pause(env.admin.pubkey()), env.admin)
    c = env.cfg()
    c.paused = False
    data = bytearray(gov.encode_governance_config(c))
    fake = Pubkey.new_unique()
    if forgery == "wrong_discriminator":
        data[:8] = h.sighash("account", "PoaConfig")
    h.set_account(env.svm, fake, bytes(data), Pubkey.new_unique() if forgery == "other_owner" else GOV_ID)
    ix, signer = pausable_ix(kind, env, owner, meter, a, b, config=fake)
    new_cert = gov.erc_certificate_pda(cid("NEW"))[0]
    before = snaps(env, signer.pubkey(), meter, a, b, new_cert, fake)
    h.assert_rejected(env.svm, env.send(ix, signer), code, before)


def test_fake_config_at_the_real_address_with_wrong_owner(lifecycle):
    """The real PDA's bytes under another owner (cannot happen on chain, but the owner check must hold)."""
    env, owner, meter, a, b = lifecycle
    acc = env.svm.get_account(env.config)
    h.set_account(env.svm, env.config, bytes(acc.data), Pubkey.new_unique(), lamports=acc.lamports)
    for kind in PAUSABLE:
        ix, signer = pausable_ix(kind, env, owner, meter, a, b)
        before = snaps(env, signer.pubkey(), meter, a, b)
        h.assert_rejected(env.svm, env.send(ix, signer), AE.AccountOwnedByWrongProgram.code, before)


CONFIG_ONLY = {  # instructions whose accounts are (signer, governance_config)
    "pause": lambda a, cfg: ix_pause(a, cfg),
    "unpause": lambda a, cfg: ix_unpause(a, cfg),
    "propose": lambda a, cfg: ix_propose(a, Pubkey.new_unique(), cfg),
    "cancel": lambda a, cfg: ix_cancel(a, cfg),
    "accept": lambda a, cfg: ix_accept(a, cfg),
    "set_rec": lambda a, cfg: ix_set_rec(a, Pubkey.new_unique(), cfg),
}


@pytest.mark.parametrize("kind", list(CONFIG_ONLY))
@pytest.mark.parametrize("forgery,code", [
    ("other_address", AE.ConstraintSeeds.code),
    ("other_owner", AE.AccountOwnedByWrongProgram.code),
    ("wrong_discriminator", AE.AccountDiscriminatorMismatch.code),
])
def test_admin_instructions_reject_fake_config(env, kind, forgery, code):
    """A fake config naming the attacker as admin (or pending admin) gets the attacker nowhere."""
    mallory = env.stranger()
    c = env.cfg()
    c.admin.authority = mallory.pubkey()
    c.admin.pending_authority = mallory.pubkey()
    c.admin.pending_expires_at = I64_MAX
    c.paused = kind == "unpause"
    data = bytearray(gov.encode_governance_config(c))
    if forgery == "wrong_discriminator":
        data[:8] = h.sighash("account", "PoaConfig")
    fake = Pubkey.new_unique()
    h.set_account(env.svm, fake, bytes(data), Pubkey.new_unique() if forgery == "other_owner" else GOV_ID)
    before = snaps(env, mallory.pubkey(), fake)
    h.assert_rejected(env.svm, env.send(CONFIG_ONLY[kind](mallory.pubkey(), fake), mallory), code, before)


@pytest.mark.parametrize("kind", list(CONFIG_ONLY))
def test_admin_instructions_before_initialisation(bare, kind):
    env = bare
    before = h.snapshots(env.svm, env.admin.pubkey(), env.config)
    h.assert_rejected(env.svm, env.send(CONFIG_ONLY[kind](env.admin.pubkey(), None), env.admin),
                      AE.AccountNotInitialized.code, before)


@pytest.mark.parametrize("kind", list(CONFIG_ONLY))
def test_admin_instructions_require_signature(env, kind):
    ix = patch(CONFIG_ONLY[kind](env.admin.pubkey(), None), 0, is_signer=False)
    before = snaps(env, env.admin.pubkey())
    h.assert_rejected(env.svm, env.send(ix), AE.AccountNotSigner.code, before)


@pytest.mark.parametrize("kind", PAUSABLE + ["init"])
def test_erc_instructions_require_signature(lifecycle, kind):
    env, owner, meter, a, b = lifecycle
    if kind == "init":
        ix = ix_init(env.admin.pubkey(), env.rec.pubkey())
    else:
        ix = pausable_ix(kind, env, owner, meter, a, b)[0]
    ix = patch(ix, 0, is_signer=False)
    before = snaps(env, env.rec.pubkey(), owner.pubkey(), meter, a, b)
    h.assert_rejected(env.svm, env.send(ix), AE.AccountNotSigner.code, before)


@pytest.mark.parametrize("kind", list(CONFIG_ONLY) + ["issue", "revoke"])
def test_config_must_be_writable(lifecycle, kind):
    env, owner, meter, a, b = lifecycle
    if kind in CONFIG_ONLY:
        ix, signer = CONFIG_ONLY[kind](env.admin.pubkey(), None), env.admin
    else:
        ix, signer = pausable_ix(kind, env, owner, meter, a, b)
    ix = patch(ix, 1, is_writable=False)
    before = snaps(env, signer.pubkey(), meter, a, b)
    h.assert_rejected(env.svm, env.send(ix, signer), AE.ConstraintMut.code, before)


# ----------------------------------------------------------------------------- full lifecycle + CU


def test_full_lifecycle_and_compute_units(metered):
    """issue → validate → transfer → revoke, recording each instruction's compute units."""
    env, owner, meter = metered
    bob, new_admin = env.stranger(), env.stranger()
    cu = {}
    cert, res = issue(env, "LIFE", 2_500, meter)
    cu["issue_erc"] = h.compute_units(res)
    cu["validate_erc_for_trading"] = h.compute_units(env.ok(ix_validate(env.rec.pubkey(), cert), env.rec))
    cu["transfer_erc"] = h.compute_units(env.ok(ix_transfer(owner.pubkey(), cert, bob.pubkey()), owner))
    cu["revoke_erc"] = h.compute_units(env.ok(ix_revoke(env.rec.pubkey(), cert), env.rec))
    cu["emergency_pause"] = h.compute_units(env.ok(ix_pause(env.admin.pubkey()), env.admin))
    cu["emergency_unpause"] = h.compute_units(env.ok(ix_unpause(env.admin.pubkey()), env.admin))
    cu["set_rec_authority"] = h.compute_units(env.ok(ix_set_rec(env.admin.pubkey(), bob.pubkey()), env.admin))
    cu["propose_authority_transfer"] = h.compute_units(
        env.ok(ix_propose(env.admin.pubkey(), new_admin.pubkey()), env.admin))
    cu["cancel_authority_transfer"] = h.compute_units(env.ok(ix_cancel(env.admin.pubkey()), env.admin))
    env.ok(ix_propose(env.admin.pubkey(), new_admin.pubkey()), env.admin)
    cu["accept_authority_transfer"] = h.compute_units(env.ok(ix_accept(new_admin.pubkey()), new_admin))
    c = env.cert(cert)
    assert (c.owner, c.status.kind) == (bob.pubkey(), "Revoked")
    cfg = env.cfg()
    assert (cfg.erc_issued, cfg.erc_revoked, cfg.rec_authority, cfg.admin.authority) == (
        1, 1, bob.pubkey(), new_admin.pubkey())
    print("\n" + "\n".join(f"{name:28} {units:>7} CU" for name, units in cu.items()))
    assert all(0 < units < 200_000 for units in cu.values())


def test_initialize_compute_units(bare):
    env = bare
    res = env.ok(ix_init(env.admin.pubkey(), env.rec.pubkey()), env.admin)
    print(f"\ninitialize_governance {h.compute_units(res)} CU")
    assert 0 < h.compute_units(res) < 200_000
