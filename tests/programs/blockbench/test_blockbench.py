"""programs/blockbench in LiteSVM: every instruction's results, and every error it can raise.

Instructions are built by hand (Anchor sighash + borsh args, accounts in Accounts-struct order) by the
client in gridtokenx_cli.bench.blockbench_cu; results are checked against independent Python models
(hashlib.sha256 for the digest). A separate fee payer signs every transaction so that the accounts
the program sees keep exactly the same lamports and data when a transaction is rejected.
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridtokenx_cli.testing import svm_lite as h
from gridtokenx_cli.bench import blockbench_cu as bb
from gridtokenx_cli.bench.blockbench_cu import AnchorErr, Err, SystemErr
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def blockbench_so():
    """target/deploy/blockbench.so, built through gridtokenx_cli.toolchain.build if missing.

    A failed build raises (the tests error out) instead of skipping."""
    return h.program_so(bb.PROGRAM_NAME)


@dataclass
class Env:
    svm: LiteSVM
    payer: Keypair
    authority: Keypair

    @property
    def auth(self) -> Pubkey:
        return self.authority.pubkey()

    def send(self, ix: Instruction, *signers: Keypair) -> h.TxResult:
        return h.send(self.svm, ix, self.payer, signers)

    def ok(self, ix: Instruction, *signers: Keypair):
        return h.expect_ok(self.send(ix, *signers))

    def init_store(self, store_id: int = 1) -> Pubkey:
        self.ok(bb.ix_init_store(self.auth, store_id), self.authority)
        return bb.store_pda(self.auth, store_id)[0]

    def store(self, address: Pubkey) -> dict:
        return bb.decode_store(bytes(self.svm.get_account(address).data))

    def balance(self, address: Pubkey) -> int:
        return h.snapshot(self.svm, address).lamports


def make_env(so) -> Env:
    svm = h.new_svm({bb.PROGRAM_ID: so})
    return Env(svm, h.funded_keypair(svm), h.funded_keypair(svm))


@pytest.fixture
def env(blockbench_so) -> Env:
    return make_env(blockbench_so)


@pytest.fixture
def store(env) -> Pubkey:
    return env.init_store(1)


@pytest.fixture(scope="module")
def shared_env(blockbench_so) -> Env:
    """One LiteSVM for the hypothesis tests (examples use fresh store ids / seeds)."""
    return make_env(blockbench_so)


def ev(res, name):
    return h.events(res, bb.EVENTS, name)


# ----------------------------------------------------------------------------- dispatch


def test_unknown_instruction_is_rejected(env):
    ix = Instruction(bb.PROGRAM_ID, hashlib.sha256(b"global:no_such_ix").digest()[:8], [])
    h.assert_rejected(env.svm, env.send(ix), AnchorErr.InstructionFallbackNotFound, {})


def test_truncated_arguments_are_rejected(env):
    full = bb.ix_cpu_heavy(env.auth, 16, 1)
    ix = Instruction(bb.PROGRAM_ID, bytes(full.data)[:8 + 4], full.accounts)  # seed missing
    h.assert_rejected(env.svm, env.send(ix, env.authority), AnchorErr.InstructionDidNotDeserialize,
                      h.snapshots(env.svm, env.auth))


# ----------------------------------------------------------------------------- do_nothing


def test_do_nothing(env):
    before = h.snapshots(env.svm, env.auth)
    res = env.ok(bb.ix_do_nothing(env.auth), env.authority)
    assert "Program log: Instruction: DoNothing" in h.logs(res)
    assert h.program_data(h.logs(res)) == []  # no state, no event
    h.assert_unchanged(env.svm, before)


def test_do_nothing_requires_signer(env):
    ix = bb.ix_do_nothing(env.auth, sign=False)
    h.assert_rejected(env.svm, env.send(ix), AnchorErr.AccountNotSigner, h.snapshots(env.svm, env.auth))


# ----------------------------------------------------------------------------- cpu_heavy


@pytest.mark.parametrize("n,seed", [(1, 0), (2, 1), (16, 42), (100, U64_MAX), (bb.MAX_SORT, 0xDEADBEEF)])
def test_cpu_heavy(env, n, seed):
    before = h.snapshots(env.svm, env.auth)
    res = env.ok(bb.ix_cpu_heavy(env.auth, n, seed), env.authority)
    [event] = ev(res, "CpuHeavyDone")
    values = sorted(bb.xorshift64(seed, n))
    assert event["n"] == n
    assert event["checksum"] == bb.checksum(values)
    assert event["digest"] == hashlib.sha256(b"".join(struct.pack("<Q", v) for v in values)).digest()
    h.assert_unchanged(env.svm, before)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, bb.MAX_SORT), seed=st.integers(0, U64_MAX))
def test_cpu_heavy_matches_model(shared_env, n, seed):
    res = shared_env.ok(bb.ix_cpu_heavy(shared_env.auth, n, seed), shared_env.authority)
    assert ev(res, "CpuHeavyDone") == [bb.cpu_heavy_expected(n, seed)]


def test_cpu_heavy_max_size_fits_compute_budget(env):
    res = env.ok(bb.ix_cpu_heavy(env.auth, bb.MAX_SORT, U64_MAX), env.authority)
    assert h.compute_units(res) < 200_000


@pytest.mark.parametrize("n,code", [(0, Err.InvalidSize), (bb.MAX_SORT + 1, Err.SizeTooLarge),
                                    (U32_MAX, Err.SizeTooLarge)])
def test_cpu_heavy_rejects_bad_size(env, n, code):
    before = h.snapshots(env.svm, env.auth)
    h.assert_rejected(env.svm, env.send(bb.ix_cpu_heavy(env.auth, n, 7), env.authority), code, before)


# ----------------------------------------------------------------------------- init_store


def test_init_store(env):
    store, bump = bb.store_pda(env.auth, 42)
    auth_before = env.balance(env.auth)
    res = env.ok(bb.ix_init_store(env.auth, 42), env.authority)

    acc = env.svm.get_account(store)
    rent = env.svm.minimum_balance_for_rent_exemption(bb.KV_STORE_SPACE)
    assert acc.owner == bb.PROGRAM_ID
    assert len(acc.data) == bb.KV_STORE_SPACE == 8 + 32 + 4 + 1 + 8 + 8 * bb.SLOTS
    assert acc.lamports == rent
    assert env.balance(env.auth) == auth_before - rent  # the authority paid (the fee payer is separate)
    assert bb.decode_store(bytes(acc.data)) == {
        "authority": env.auth, "store_id": 42, "bump": bump, "writes": 0, "values": [0] * bb.SLOTS}
    assert ev(res, "StoreInitialized") == [{"store": store, "authority": env.auth, "store_id": 42}]


def test_init_store_ids_are_independent(env):
    a, b = env.init_store(1), env.init_store(2)
    other = h.funded_keypair(env.svm)
    env.ok(bb.ix_init_store(other.pubkey(), 1), other)  # same id, other authority: another PDA
    c = bb.store_pda(other.pubkey(), 1)[0]
    assert len({a, b, c}) == 3
    assert [env.store(s)["store_id"] for s in (a, b, c)] == [1, 2, 1]
    assert env.store(c)["authority"] == other.pubkey()


def test_init_store_twice_is_rejected(env, store):
    env.ok(bb.ix_io_write(env.auth, store, 0, 4, 9), env.authority)  # make the state non-trivial
    before = h.snapshots(env.svm, env.auth, store)
    h.assert_rejected(env.svm, env.send(bb.ix_init_store(env.auth, 1), env.authority),
                      SystemErr.AccountAlreadyInUse, before)


def test_init_store_rejects_wrong_pda(env):
    wrong = bb.store_pda(env.auth, 2)[0]  # address of id 2, argument says id 1
    before = h.snapshots(env.svm, env.auth, wrong)
    h.assert_rejected(env.svm, env.send(bb.ix_init_store(env.auth, 1, store=wrong), env.authority),
                      AnchorErr.ConstraintSeeds, before)


def test_init_store_requires_signer(env):
    store = bb.store_pda(env.auth, 1)[0]
    before = h.snapshots(env.svm, env.auth, store)
    h.assert_rejected(env.svm, env.send(bb.ix_init_store(env.auth, 1, sign=False)),
                      AnchorErr.AccountNotSigner, before)


def test_init_store_rejects_wrong_system_program(env):
    store = bb.store_pda(env.auth, 1)[0]
    before = h.snapshots(env.svm, env.auth, store)
    ix = bb.ix_init_store(env.auth, 1, system_program=Pubkey.new_unique())
    h.assert_rejected(env.svm, env.send(ix, env.authority), AnchorErr.InvalidProgramId, before)


# ----------------------------------------------------------------------------- io_write


def test_io_write(env, store):
    res = env.ok(bb.ix_io_write(env.auth, store, 3, 5, 1234), env.authority)
    written = bb.xorshift64(1234, 5)
    state = env.store(store)
    assert state["values"] == [0] * 3 + written + [0] * (bb.SLOTS - 8)
    assert state["writes"] == 5
    assert ev(res, "IoWritten") == [
        {"store": store, "start": 3, "count": 5, "checksum": bb.checksum(written), "writes": 5}]

    lamports = env.balance(store)
    res = env.ok(bb.ix_io_write(env.auth, store, 0, bb.SLOTS, 0), env.authority)  # whole store, seed 0
    state = env.store(store)
    assert state["values"] == bb.xorshift64(0, bb.SLOTS)
    assert state["writes"] == 5 + bb.SLOTS
    assert ev(res, "IoWritten")[0]["checksum"] == bb.checksum(state["values"])
    assert env.balance(store) == lamports
    assert (state["authority"], state["store_id"]) == (env.auth, 1)


# ----------------------------------------------------------------------------- io_read


def test_io_read(env, store):
    env.ok(bb.ix_io_write(env.auth, store, 0, bb.SLOTS, 77), env.authority)
    model = bb.xorshift64(77, bb.SLOTS)
    before = h.snapshots(env.svm, env.auth, store)
    for start, count in [(0, 1), (10, 17), (0, bb.SLOTS), (bb.SLOTS - 1, 1)]:
        res = env.ok(bb.ix_io_read(store, start, count))
        assert ev(res, "IoReadDone") == [{"store": store, "start": start, "count": count,
                                          "checksum": bb.checksum(model[start:start + count])}]
    h.assert_unchanged(env.svm, before)  # reading changes nothing, not even the write counter


def test_io_read_of_fresh_store_reads_zeros(env, store):
    res = env.ok(bb.ix_io_read(store, 5, 3))
    assert ev(res, "IoReadDone")[0]["checksum"] == bb.checksum([0, 0, 0])


# ----------------------------------------------------------------------------- io_mixed


def test_io_mixed(env, store):
    env.ok(bb.ix_io_write(env.auth, store, 0, bb.SLOTS, 5), env.authority)
    old = bb.xorshift64(5, bb.SLOTS)
    res = env.ok(bb.ix_io_mixed(env.auth, store, 10, 20, 99), env.authority)
    new = [bb.rotl1(v) ^ r for v, r in zip(old[10:30], bb.xorshift64(99, 20))]
    state = env.store(store)
    assert state["values"] == old[:10] + new + old[30:]
    assert state["writes"] == bb.SLOTS + 20
    assert ev(res, "IoMixedDone") == [{"store": store, "start": 10, "count": 20, "checksum_before": bb.checksum(old[10:30]),
                                       "checksum_after": bb.checksum(new), "writes": bb.SLOTS + 20}]


_ops = st.lists(
    st.tuples(st.sampled_from(["write", "read", "mixed"]), st.integers(0, bb.SLOTS - 1),
              st.integers(1, bb.SLOTS), st.integers(0, U64_MAX)),
    min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops, store_id=st.integers(0, U32_MAX))
def test_io_sequences_match_model(shared_env, ops, store_id):
    env = shared_env
    store = bb.store_pda(env.auth, store_id)[0]
    if env.svm.get_account(store) is None:
        env.init_store(store_id)
    state = env.store(store)
    model, writes = state["values"], state["writes"]
    for op, start, count, seed in ops:
        count = min(count, bb.SLOTS - start)
        rng = bb.xorshift64(seed, count)
        if op == "write":
            res = env.ok(bb.ix_io_write(env.auth, store, start, count, seed), env.authority)
            model[start:start + count] = rng
            writes += count
            assert ev(res, "IoWritten")[0]["checksum"] == bb.checksum(rng)
        elif op == "mixed":
            res = env.ok(bb.ix_io_mixed(env.auth, store, start, count, seed), env.authority)
            model[start:start + count] = [bb.rotl1(v) ^ r for v, r in zip(model[start:start + count], rng)]
            writes += count
            assert ev(res, "IoMixedDone")[0]["checksum_after"] == bb.checksum(model[start:start + count])
        else:
            res = env.ok(bb.ix_io_read(store, start, count))
            assert ev(res, "IoReadDone")[0]["checksum"] == bb.checksum(model[start:start + count])
        assert env.store(store)["values"] == model
        assert env.store(store)["writes"] == writes


# ----------------------------------------------------------------------------- io_* errors

IO_KINDS = ["io_write", "io_read", "io_mixed"]


def io_ix(kind: str, env: Env, store: Pubkey, start: int, count: int, *, authority: Pubkey | None = None,
          sign: bool = True) -> Instruction:
    auth = authority or env.auth
    if kind == "io_write":
        return bb.ix_io_write(auth, store, start, count, 3, sign=sign)
    if kind == "io_mixed":
        return bb.ix_io_mixed(auth, store, start, count, 3, sign=sign)
    return bb.ix_io_read(store, start, count)


@pytest.mark.parametrize("kind", IO_KINDS)
@pytest.mark.parametrize("start,count,code", [
    (0, 0, Err.ZeroCount),
    (bb.SLOTS, 0, Err.ZeroCount),
    (0, bb.SLOTS + 1, Err.RangeOutOfBounds),
    (60, 5, Err.RangeOutOfBounds),
    (bb.SLOTS, 1, Err.RangeOutOfBounds),
    (U32_MAX, 1, Err.RangeOutOfBounds),  # start + count overflows u32
    (1, U32_MAX, Err.RangeOutOfBounds),
    (U32_MAX, U32_MAX, Err.RangeOutOfBounds),
])
def test_io_rejects_bad_range(env, store, kind, start, count, code):
    env.ok(bb.ix_io_write(env.auth, store, 0, bb.SLOTS, 1), env.authority)
    before = h.snapshots(env.svm, env.auth, store)
    h.assert_rejected(env.svm, env.send(io_ix(kind, env, store, start, count), env.authority), code, before)


@pytest.mark.parametrize("kind", ["io_write", "io_mixed"])
def test_io_write_counter_overflow(env, kind):
    store, bump = bb.store_pda(env.auth, 9)
    h.set_account(env.svm, store, bb.encode_store(env.auth, 9, bump, writes=U64_MAX - 1), bb.PROGRAM_ID)
    before = h.snapshots(env.svm, env.auth, store)
    h.assert_rejected(env.svm, env.send(io_ix(kind, env, store, 0, 2), env.authority),
                      Err.ArithmeticOverflow, before)
    env.ok(io_ix(kind, env, store, 0, 1), env.authority)  # exactly reaching u64::MAX is fine
    assert env.store(store)["writes"] == U64_MAX


# ----------------------------------------------------------------------------- account validation

MUT_KINDS = ["io_write", "io_mixed", "fund_store"]  # take the authority + has_one
STORE_KINDS = IO_KINDS + ["fund_store"]


def store_ix(kind: str, env: Env, store: Pubkey, *, authority: Pubkey | None = None, sign: bool = True,
             system_program: Pubkey = SYSTEM_PROGRAM_ID) -> Instruction:
    if kind == "fund_store":
        return bb.ix_fund_store(authority or env.auth, store, 1000, sign=sign, system_program=system_program)
    return io_ix(kind, env, store, 0, 4, authority=authority, sign=sign)


@pytest.mark.parametrize("kind", MUT_KINDS)
def test_rejects_wrong_authority(env, store, kind):
    mallory = h.funded_keypair(env.svm)
    before = h.snapshots(env.svm, env.auth, mallory.pubkey(), store)
    res = env.send(store_ix(kind, env, store, authority=mallory.pubkey()), mallory)
    h.assert_rejected(env.svm, res, AnchorErr.ConstraintHasOne, before)


@pytest.mark.parametrize("kind", MUT_KINDS)
def test_requires_authority_signature(env, store, kind):
    before = h.snapshots(env.svm, env.auth, store)
    h.assert_rejected(env.svm, env.send(store_ix(kind, env, store, sign=False)), AnchorErr.AccountNotSigner, before)


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_rejects_uninitialized_store(env, store, kind):
    missing = bb.store_pda(env.auth, 2)[0]
    before = h.snapshots(env.svm, env.auth, store, missing)
    h.assert_rejected(env.svm, env.send(store_ix(kind, env, missing), env.authority),
                      AnchorErr.AccountNotInitialized, before)


def _forge(env: Env, *, data: bytes | None = None, owner: Pubkey = bb.PROGRAM_ID) -> Pubkey:
    """A copy of store 1's account at a random (non-PDA) address."""
    real, bump = bb.store_pda(env.auth, 1)
    addr = Pubkey.new_unique()
    h.set_account(env.svm, addr, data if data is not None else bb.encode_store(env.auth, 1, bump), owner)
    return addr


@pytest.mark.parametrize("kind", STORE_KINDS)
@pytest.mark.parametrize("forgery,code", [
    ("not_pda", AnchorErr.ConstraintSeeds),
    ("wrong_owner", AnchorErr.AccountOwnedByWrongProgram),
    ("wrong_discriminator", AnchorErr.AccountDiscriminatorMismatch),
])
def test_rejects_forged_store(env, store, kind, forgery, code):
    if forgery == "not_pda":
        fake = _forge(env)
    elif forgery == "wrong_owner":
        fake = _forge(env, owner=Pubkey.new_unique())
    else:
        data = bytearray(env.svm.get_account(store).data)
        data[:8] = h.sighash("account", "NotAKvStore")
        fake = _forge(env, data=bytes(data))
    before = h.snapshots(env.svm, env.auth, store, fake)
    h.assert_rejected(env.svm, env.send(store_ix(kind, env, fake), env.authority), code, before)


# ----------------------------------------------------------------------------- fund_store


def test_fund_store(env, store):
    data = bytes(env.svm.get_account(store).data)
    s0, a0 = env.balance(store), env.balance(env.auth)
    res = env.ok(bb.ix_fund_store(env.auth, store, 1_234_567), env.authority)
    assert env.balance(store) == s0 + 1_234_567
    assert env.balance(env.auth) == a0 - 1_234_567
    assert bytes(env.svm.get_account(store).data) == data
    assert ev(res, "StoreFunded") == [{"store": store, "lamports": 1_234_567, "balance": s0 + 1_234_567}]
    assert any(line.startswith(f"Program {SYSTEM_PROGRAM_ID} invoke [2]") for line in h.logs(res))  # the CPI


def test_fund_store_rejects_zero(env, store):
    before = h.snapshots(env.svm, env.auth, store)
    h.assert_rejected(env.svm, env.send(bb.ix_fund_store(env.auth, store, 0), env.authority), Err.ZeroAmount, before)


def test_fund_store_insufficient_funds(env, store):
    before = h.snapshots(env.svm, env.auth, store)
    ix = bb.ix_fund_store(env.auth, store, env.balance(env.auth) + 1)
    h.assert_rejected(env.svm, env.send(ix, env.authority), SystemErr.ResultWithNegativeLamports, before)


def test_fund_store_rejects_wrong_system_program(env, store):
    before = h.snapshots(env.svm, env.auth, store)
    ix = bb.ix_fund_store(env.auth, store, 1000, system_program=Pubkey.new_unique())
    h.assert_rejected(env.svm, env.send(ix, env.authority), AnchorErr.InvalidProgramId, before)


# ----------------------------------------------------------------------------- benchmark smoke test


def test_measure_reports_every_instruction(blockbench_so):
    rows = bb.measure()
    assert all(r["ok"] for r in rows), rows
    names = {r["instruction"] for r in rows}
    assert names == {"do_nothing", "cpu_heavy", "init_store", "io_write", "io_read", "io_mixed", "fund_store"}
    cpu = [r["cu"] for r in rows if r["instruction"] == "cpu_heavy"]
    assert cpu == sorted(cpu) and all(0 < c < 200_000 for c in cpu)


def test_digest_comes_from_the_sha256_syscall(blockbench_so):
    """cpu_heavy must hash through `sol_sha256`, not a software sha256 compiled into the program."""
    from elftools.elf.elffile import ELFFile

    with open(blockbench_so, "rb") as f:
        dynsym = ELFFile(f).get_section_by_name(".dynsym")
        imported = {s.name for s in dynsym.iter_symbols() if s["st_shndx"] == "SHN_UNDEF" and s.name}
    assert "sol_sha256" in imported
