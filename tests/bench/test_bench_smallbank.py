"""Smallbank: the `smallbank_*` instructions of programs/blockbench in LiteSVM (balances after every transaction,
every error with its code and unchanged state, owner signatures), the client-side generator (standard mix,
hotspot, determinism), the same request stream on the embedded chain and on PostgreSQL ending in the same balances,
and smoke runs with the conservation check. No timing assertions."""
from __future__ import annotations

import collections
import itertools
import struct

import pytest
from solders.account import Account
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair

from gridtokenx_cli.testing.bench import check_cu_table, loaded, reject, run_threaded
from gridtokenx_cli.bench.workload_api import Op
from gridtokenx_cli.bench.workloads import smallbank as sb
from gridtokenx_cli.generated.blockbench import instructions as bix
from gridtokenx_cli.generated.blockbench.accounts import SmallbankBank, SmallbankCustomer

# programs/blockbench/src/error.rs (6000 + declaration order) and the Anchor framework errors
(ARITHMETIC_OVERFLOW, INVALID_AMOUNT, INSUFFICIENT_FUNDS, NEGATIVE_OPENING_BALANCE, DIFFERENT_BANK,
 NOT_CUSTOMER_OWNER) = 6005, 6010, 6011, 6012, 6013, 6014
CONSTRAINT_HAS_ONE, DUPLICATE_MUTABLE, NOT_SIGNER = 2001, 2040, 3010
I64_MAX = 2**63 - 1


@pytest.fixture
def ex(chain):
    executor = sb.OnChainExecutor(chain)
    executor.load({"accounts": 6})
    return executor


def balances(chain, ex, c) -> tuple[int, int]:
    cust = SmallbankCustomer.decode(chain.account_data(ex.customer(c)))
    return cust.checking, cust.savings


def set_balances(chain, ex, c, checking, savings):
    address = ex.customer(c)
    acc = chain.get_account(address)
    data = bytearray(acc.data)
    struct.pack_into("<qq", data, 8 + 32 + 32 + 8 + 1, checking, savings)  # disc, bank, owner, id, bump | balances
    chain.set_account(address, Account(acc.lamports, bytes(data), acc.owner, acc.executable, acc.rent_epoch))


# ----------------------------------------------------------------------------- instructions


def test_load_opens_customers_with_their_owners(chain, ex):
    bank = SmallbankBank.decode(chain.account_data(ex.bank))
    assert (bank.authority, bank.bank_id, bank.customers) == (ex.authority.pubkey(), 1, 6)
    assert bank.opening_total == sum(sum(sb.opening_balances(c)) for c in range(6))
    cust = SmallbankCustomer.decode(chain.account_data(ex.customer(4)))
    assert (cust.bank, cust.owner, cust.customer_id) == (ex.bank, ex.owner(4).pubkey(), 4)
    assert (cust.checking, cust.savings) == sb.opening_balances(4)
    ex.load({"accounts": 6})  # idempotent
    assert SmallbankBank.decode(chain.account_data(ex.bank)).customers == 6


def create_ix(ex, c, checking, savings, owner=None, authority=None):
    return bix.smallbank_create_account(
        {"customer_id": c, "checking": checking, "savings": savings},
        {"authority": (authority or ex.authority).pubkey(), "owner": (owner or ex.owner(c)).pubkey(),
         "bank": ex.bank, "customer": ex.customer(c)})


@pytest.mark.parametrize("checking,savings", [(-1, 0), (0, -1)])
def test_negative_opening_balance_is_rejected(chain, ex, payer, checking, savings):
    reject(chain, payer, create_ix(ex, 9, checking, savings), [ex.authority, ex.owner(9)], NEGATIVE_OPENING_BALANCE,
           [ex.bank, ex.customer(9)])


def test_opening_balance_overflow_is_rejected(chain, ex, payer):
    reject(chain, payer, create_ix(ex, 9, I64_MAX, 1), [ex.authority, ex.owner(9)], ARITHMETIC_OVERFLOW,
           [ex.bank, ex.customer(9)])


def test_account_opening_needs_the_bank_authority(chain, ex, payer):
    intruder = Keypair()
    chain.airdrop(intruder.pubkey(), 10**9)
    reject(chain, payer, create_ix(ex, 9, 1, 1, authority=intruder), [intruder, ex.owner(9)], CONSTRAINT_HAS_ONE,
           [ex.bank, ex.customer(9)])


def test_account_opening_needs_the_owners_signature(chain, ex, payer):
    ix = create_ix(ex, 9, 1, 1)
    metas = [AccountMeta(m.pubkey, False, m.is_writable) if m.pubkey == ex.owner(9).pubkey() else m
             for m in ix.accounts]
    reject(chain, payer, Instruction(ix.program_id, ix.data, metas), [ex.authority], NOT_SIGNER,
           [ex.bank, ex.customer(9)])


def test_balance(chain, ex):
    checking, savings = sb.opening_balances(2)
    res = ex.execute(Op("balance", {"customer": 2}, 1))
    assert res.ok
    assert res.detail == {"customer_id": 2, "checking": checking, "savings": savings, "total": checking + savings}


def test_deposit_checking(chain, ex):
    checking, savings = sb.opening_balances(1)
    res = ex.execute(Op("deposit_checking", {"customer": 1, "amount": 130}, 1))
    assert res.ok and res.detail == {"customer_id": 1, "amount": 130, "checking": checking + 130}
    assert balances(chain, ex, 1) == (checking + 130, savings)


@pytest.mark.parametrize("kind", ["deposit_checking", "write_check", "send_payment"])
def test_zero_amount_is_rejected(chain, ex, payer, kind):
    if kind == "send_payment":
        ix = bix.smallbank_send_payment({"amount": 0}, {"owner": ex.owner(1).pubkey(), "source": ex.customer(1),
                                                         "destination": ex.customer(2)})
        signers, watched = [ex.owner(1)], [ex.customer(1), ex.customer(2)]
    elif kind == "deposit_checking":
        ix = bix.smallbank_deposit_checking({"amount": 0}, {"depositor": payer.pubkey(), "customer": ex.customer(1)})
        signers, watched = [], [ex.customer(1)]
    else:
        ix = bix.smallbank_write_check({"amount": 0}, {"owner": ex.owner(1).pubkey(), "customer": ex.customer(1)})
        signers, watched = [ex.owner(1)], [ex.customer(1)]
    reject(chain, payer, ix, signers, INVALID_AMOUNT, watched)


def test_deposit_overflow_is_rejected(chain, ex, payer):
    set_balances(chain, ex, 1, I64_MAX - 5, 0)
    ix = bix.smallbank_deposit_checking({"amount": 6}, {"depositor": payer.pubkey(), "customer": ex.customer(1)})
    reject(chain, payer, ix, [], ARITHMETIC_OVERFLOW, [ex.customer(1)])


def test_transact_savings_deposit_and_withdrawal(chain, ex):
    checking, savings = sb.opening_balances(3)
    assert ex.execute(Op("transact_savings", {"customer": 3, "amount": 2020}, 1)).detail["savings"] == savings + 2020
    res = ex.execute(Op("transact_savings", {"customer": 3, "amount": -(savings + 2020)}, 2))
    assert res.ok and res.detail["savings"] == 0
    assert balances(chain, ex, 3) == (checking, 0)


def test_transact_savings_below_zero_is_rejected(chain, ex, payer):
    savings = sb.opening_balances(3)[1]
    ix = bix.smallbank_transact_savings({"amount": -(savings + 1)},
                                        {"owner": ex.owner(3).pubkey(), "customer": ex.customer(3)})
    reject(chain, payer, ix, [ex.owner(3)], INSUFFICIENT_FUNDS, [ex.customer(3)])


def test_debits_need_the_customers_owner(chain, ex, payer):
    """Customer 2's key cannot debit customer 3; and the owner must actually sign."""
    stranger = ex.owner(2)
    for ix in [bix.smallbank_transact_savings({"amount": -1}, {"owner": stranger.pubkey(), "customer": ex.customer(3)}),
               bix.smallbank_write_check({"amount": 1}, {"owner": stranger.pubkey(), "customer": ex.customer(3)}),
               bix.smallbank_send_payment({"amount": 1}, {"owner": stranger.pubkey(), "source": ex.customer(3),
                                                          "destination": ex.customer(2)}),
               bix.smallbank_amalgamate({"owner": stranger.pubkey(), "source": ex.customer(3),
                                         "destination": ex.customer(2)})]:
        reject(chain, payer, ix, [stranger], NOT_CUSTOMER_OWNER, [ex.customer(3), ex.customer(2)])
    ix = bix.smallbank_write_check({"amount": 1}, {"owner": ex.owner(3).pubkey(), "customer": ex.customer(3)})
    metas = [AccountMeta(m.pubkey, False, m.is_writable) for m in ix.accounts]
    reject(chain, payer, Instruction(ix.program_id, ix.data, metas), [], NOT_SIGNER, [ex.customer(3)])


def test_send_payment(chain, ex):
    (c0, s0), (c1, s1) = sb.opening_balances(0), sb.opening_balances(1)
    res = ex.execute(Op("send_payment", {"from": 0, "to": 1, "amount": 500}, 1))
    assert res.ok and res.detail == {"from_customer_id": 0, "to_customer_id": 1, "amount": 500,
                                     "from_checking": c0 - 500, "to_checking": c1 + 500}
    assert (balances(chain, ex, 0), balances(chain, ex, 1)) == ((c0 - 500, s0), (c1 + 500, s1))


def test_send_payment_beyond_checking_is_rejected(chain, ex, payer):
    checking = sb.opening_balances(0)[0]
    ix = bix.smallbank_send_payment({"amount": checking + 1}, {"owner": ex.owner(0).pubkey(), "source": ex.customer(0),
                                                               "destination": ex.customer(1)})
    reject(chain, payer, ix, [ex.owner(0)], INSUFFICIENT_FUNDS, [ex.customer(0), ex.customer(1)])


@pytest.mark.parametrize("kind", ["send_payment", "amalgamate"])
def test_transfer_to_oneself_is_rejected(chain, ex, payer, kind):
    accounts = {"owner": ex.owner(0).pubkey(), "source": ex.customer(0), "destination": ex.customer(0)}
    ix = (bix.smallbank_send_payment({"amount": 1}, accounts) if kind == "send_payment"
          else bix.smallbank_amalgamate(accounts))
    reject(chain, payer, ix, [ex.owner(0)], DUPLICATE_MUTABLE, [ex.customer(0)])


@pytest.mark.parametrize("kind", ["send_payment", "amalgamate"])
def test_transfer_to_another_bank_is_rejected(chain, ex, payer, kind):
    other = sb.OnChainExecutor(chain, bank_id=2)
    other.load({"accounts": 2})
    accounts = {"owner": ex.owner(0).pubkey(), "source": ex.customer(0), "destination": other.customer(1)}
    ix = (bix.smallbank_send_payment({"amount": 1}, accounts) if kind == "send_payment"
          else bix.smallbank_amalgamate(accounts))
    reject(chain, payer, ix, [ex.owner(0)], DIFFERENT_BANK, [ex.customer(0), other.customer(1)])


def test_write_check_without_and_with_overdraft(chain, ex):
    checking, savings = sb.opening_balances(4)
    res = ex.execute(Op("write_check", {"customer": 4, "amount": 500}, 1))
    assert res.ok and res.detail == {"customer_id": 4, "amount": 500, "penalty": 0, "checking": checking - 500}
    big = checking - 500 + savings + 1  # one more than checking + savings
    res = ex.execute(Op("write_check", {"customer": 4, "amount": big}, 2))
    assert res.ok and res.detail["penalty"] == sb.OVERDRAFT_PENALTY
    assert balances(chain, ex, 4) == (checking - 500 - big - 1, savings)  # checking may go negative


def test_write_check_overflow_is_rejected(chain, ex, payer):
    set_balances(chain, ex, 4, -(2**63) + 3, 0)
    ix = bix.smallbank_write_check({"amount": 5}, {"owner": ex.owner(4).pubkey(), "customer": ex.customer(4)})
    reject(chain, payer, ix, [ex.owner(4)], ARITHMETIC_OVERFLOW, [ex.customer(4)])


def test_amalgamate(chain, ex):
    (c2, s2), (c5, s5) = sb.opening_balances(2), sb.opening_balances(5)
    res = ex.execute(Op("amalgamate", {"from": 2, "to": 5}, 1))
    assert res.ok and res.detail == {"from_customer_id": 2, "to_customer_id": 5, "amount": c2 + s2,
                                     "to_checking": c5 + c2 + s2}
    assert (balances(chain, ex, 2), balances(chain, ex, 5)) == ((0, 0), (c5 + c2 + s2, s5))


def test_amalgamate_overflow_is_rejected(chain, ex, payer):
    set_balances(chain, ex, 5, I64_MAX, 0)
    ix = bix.smallbank_amalgamate({"owner": ex.owner(2).pubkey(), "source": ex.customer(2),
                                   "destination": ex.customer(5)})
    reject(chain, payer, ix, [ex.owner(2)], ARITHMETIC_OVERFLOW, [ex.customer(2), ex.customer(5)])


# ----------------------------------------------------------------------------- generator


def take(n, seed=7, accounts=1000, **options):
    return list(itertools.islice(sb.generate({"accounts": accounts}, seed, **options), n))


def test_generation_is_deterministic_per_seed():
    assert take(3000) == take(3000)
    assert take(3000) != take(3000, seed=8)


def test_standard_mix():
    ops = take(40_000)
    counts = collections.Counter(op.kind for op in ops)
    for kind, percent in sb.STANDARD_MIX.items():
        assert abs(counts[kind] / len(ops) - percent / 100) < 0.01, (kind, counts)
    for op in ops:
        if op.kind in ("send_payment", "amalgamate"):
            assert op.args["from"] != op.args["to"]
        if "amount" in op.args:
            assert op.args["amount"] == sb.AMOUNTS[op.kind]


def test_hotspot_concentrates_on_the_hot_accounts():
    def hot_share(ops):
        picks = [c for op in ops for c in (op.args.get("customer"), op.args.get("from"), op.args.get("to"))
                 if c is not None]
        return sum(c < sb.HOTSPOT_SIZE for c in picks) / len(picks)

    assert abs(hot_share(take(20_000, hotspot=True)) - sb.HOTSPOT_PROBABILITY) < 0.03
    assert abs(hot_share(take(20_000)) - sb.HOTSPOT_SIZE / 1000) < 0.02


def test_bad_options_are_rejected():
    with pytest.raises(ValueError, match="accounts"):
        next(sb.generate({"accounts": 1}, 1))
    with pytest.raises(ValueError, match="unknown Smallbank"):
        next(sb.generate({"accounts": 10}, 1, mix={"withdraw": 1}))


# ----------------------------------------------------------------------------- runs and PostgreSQL


def test_smoke_run_conserves_money(chain):
    ex = sb.OnChainExecutor(chain)
    ex.load({"accounts": 20})
    ops = take(300, accounts=20, hotspot=True, hotspot_size=5)
    results = [ex.execute(op) for op in ops[:150]] + [ex.submit(p) for p in ex.prepare_many(ops[150:])]
    errors = collections.Counter(r.error for r in results if not r.ok)
    assert set(errors) <= {"InsufficientFunds"}  # payments from amalgamated (emptied) accounts
    assert sum(r.ok for r in results) > 250
    assert any(r.ok and r.detail.get("penalty") for r in results)  # overdrafts happened
    assert ex.check_consistency() == []


def test_consistency_check_catches_created_money(chain, ex):
    checking, savings = balances(chain, ex, 0)
    set_balances(chain, ex, 0, checking + 1, savings)
    assert len(ex.check_consistency()) == 1 and "not conserved" in ex.check_consistency()[0]


def test_same_stream_on_chain_and_postgres_ends_in_the_same_balances(chain, pg):
    ops = take(400, seed=5, accounts=15, hotspot=True, hotspot_size=4)
    on_chain = sb.OnChainExecutor(chain)
    sql = sb.PostgresExecutor(pg.dsn, prefix="sb_equivalence")
    try:
        on_chain.load({"accounts": 15})
        sql.load({"accounts": 15})
        for op in ops:
            a, b = on_chain.execute(op), sql.execute(op)
            assert (a.ok, a.error) == (b.ok, b.error), op
            assert a.detail == b.detail, op
        assert on_chain.balances() == sql.balances()
        assert on_chain.ledger.external == sql.ledger.external
        assert on_chain.check_consistency() == [] and sql.check_consistency() == []
    finally:
        sql.close()


def test_postgres_rejections_leave_balances_unchanged(pg):
    with loaded(sb.PostgresExecutor(pg.dsn, prefix="sb_rejections"), {"accounts": 3}) as sql:
        before = sql.balances()
        checking = before[0][0]
        for op, error in [(Op("send_payment", {"from": 0, "to": 1, "amount": checking + 1}), "InsufficientFunds"),
                          (Op("transact_savings", {"customer": 0, "amount": -(before[0][1] + 1)}), "InsufficientFunds"),
                          (Op("deposit_checking", {"customer": 0, "amount": 0}), "InvalidAmount"),
                          (Op("amalgamate", {"from": 1, "to": 1}), "ConstraintDuplicateMutableAccount"),
                          (Op("balance", {"customer": 99}), "AccountNotInitialized")]:
            assert sql.execute(op).error == error
        assert sql.balances() == before


def test_postgres_concurrent_clients_conserve_money(pg):
    with loaded(sb.PostgresExecutor(pg.dsn, prefix="sb_threads"), {"accounts": 10}) as sql:
        ops = take(600, seed=9, accounts=10)  # ten customers: two-customer transactions collide often
        results = run_threaded(sql, ops, 6)
        assert {r.error for r in results if not r.ok} <= {"InsufficientFunds"}


def test_cu_table_lists_every_type():
    check_cu_table(sb)
