"""The pipelined submission path (chain/pipeline.py) against a real solana-test-validator, and its sequential twin
on the embedded LiteSVM: every job lands exactly once, results come back in submission order, jobs sharing a key
land in order, an expired blockhash is re-signed without double execution, and outcomes decode like `Chain.send`."""
from __future__ import annotations

import itertools

import pytest
from solders.hash import Hash
from solders.keypair import Keypair
from solders.system_program import TransferParams, transfer

from gridtokenx_cli.chain import ChainError, TxOutcome
from gridtokenx_cli.chain.base import Chain
from gridtokenx_cli.chain.pipeline import Job, RpcPipeline, SequentialPipeline, pipeline_for
from gridtokenx_cli.testing.validator import needs_validator, rpc_chain_of, running_localnet

SOL = 10**9
RPC_PORT = 19620


@pytest.fixture(scope="module")
def localnet(tmp_path_factory):
    yield from running_localnet(tmp_path_factory, RPC_PORT, "pipeline-localnet")


@pytest.fixture(scope="module")
def rpc(localnet):
    yield from rpc_chain_of(localnet)


def _funded(chain, lamports: int = 500 * SOL) -> Keypair:
    kp = Keypair()
    chain.airdrop(kp.pubkey(), lamports)
    return kp


def _transfer_job(payer: Keypair, source: Keypair, to, lamports: int, key=None) -> Job:
    def build(blockhash: Hash):
        return Chain.sign([transfer(TransferParams(from_pubkey=source.pubkey(), to_pubkey=to, lamports=lamports))],
                          payer, [source], blockhash)

    return Job(build, key)


def _relay_chains(payer: Keypair, chains: int, hops: int, amount: int) -> tuple[list[list[Keypair]], list[Job]]:
    """`chains` relays A0→A1→…→A_hops, each hop moving the whole `amount`; hop k of a relay only succeeds after hop
    k-1 (A_k holds nothing before it). Jobs are listed hop-major so a pipeline without per-key order would send
    later hops before earlier ones."""
    relays = [[Keypair() for _ in range(hops + 1)] for _ in range(chains)]
    jobs = [_transfer_job(payer, relay[h], relay[h + 1].pubkey(), amount, key=c)
            for h in range(hops) for c, relay in enumerate(relays)]
    return relays, jobs


@needs_validator
def test_rpc_pipeline_lands_every_transfer_exactly_once_in_submission_order(rpc):
    payer = _funded(rpc)
    targets = [Keypair().pubkey() for _ in range(40)]
    n = 1200
    jobs = [_transfer_job(payer, payer, targets[i % len(targets)], 1_000_000 + i) for i in range(n)]
    streamed = []
    with RpcPipeline(rpc.url, window=300) as pipe:
        results = pipe.run(jobs, on_result=lambda i, job, r: streamed.append(i))
        stats = pipe.stats
    assert len(results) == n and sorted(streamed) == list(range(n))
    assert all(isinstance(r, TxOutcome) and r.ok for r in results), [r for r in results if not getattr(r, "ok", 0)][:3]
    # submission order: result i is job i's transaction (its signature is the one job i built under some blockhash)
    assert len({r.signature for r in results}) == n
    expected = {t: 0 for t in targets}
    for i in range(n):
        expected[targets[i % len(targets)]] += 1_000_000 + i
    balances = rpc.accounts_data(targets)  # each target got exactly its transfers: none lost, none doubled
    assert all(b is not None for b in balances)
    assert {t: rpc.get_balance(t) for t in targets} == expected
    assert stats.confirmed == n and stats.max_in_flight > 50  # really pipelined, not one at a time


@needs_validator
def test_rpc_pipeline_keeps_per_key_order_while_keys_run_concurrently(rpc):
    payer = _funded(rpc)
    amount = 3 * SOL
    relays, jobs = _relay_chains(payer, chains=30, hops=4, amount=amount)
    for relay in relays:
        rpc.airdrop(relay[0].pubkey(), amount)
    with RpcPipeline(rpc.url, window=64) as pipe:
        results = pipe.run(jobs)
        in_flight = pipe.stats.max_in_flight
    failed = [r for r in results if not (isinstance(r, TxOutcome) and r.ok)]
    assert not failed, failed[:3]
    for relay in relays:  # the whole amount went down every relay, hop by hop
        assert rpc.get_balance(relay[-1].pubkey()) == amount
        assert all(rpc.get_balance(k.pubkey()) == 0 for k in relay[:-1])
    assert in_flight >= 20  # the 30 relays were in flight together


@needs_validator
def test_rpc_pipeline_resigns_an_expired_transaction_once_and_it_lands_once(rpc):
    payer = _funded(rpc)
    target = Keypair().pubkey()
    built = itertools.count()

    def build(blockhash: Hash):
        # the first signature uses a blockhash no validator knows: it can never land; the pipeline must wait for
        # its (bounded) expiry, then sign again with a fresh one
        bh = Hash.new_unique() if next(built) == 0 else blockhash
        return Chain.sign([transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=target, lamports=10_777_000))],
                          payer, [], bh)

    with RpcPipeline(rpc.url, resend_interval=0.5) as pipe:
        pipe.unknown_blockhash_validity = 8  # blocks: keeps the test short; the default is MAX_PROCESSING_AGE
        (result,) = pipe.run([Job(build)])
        stats = pipe.stats
    assert isinstance(result, TxOutcome) and result.ok
    assert stats.resigned == 1 and stats.resent >= 1
    assert rpc.get_balance(target) == 10_777_000


@needs_validator
def test_rpc_pipeline_outcomes_decode_like_send(rpc):
    payer = _funded(rpc, 2 * SOL)
    poor = Keypair()
    rpc.airdrop(poor.pubkey(), SOL)
    too_much = _transfer_job(payer, poor, Keypair().pubkey(), 5 * SOL)
    sent = rpc.send([transfer(TransferParams(from_pubkey=poor.pubkey(), to_pubkey=Keypair().pubkey(),
                                             lamports=5 * SOL))], payer, [poor])
    with pipeline_for(rpc) as pipe:
        (piped,) = pipe.run([too_much])
    assert isinstance(piped, TxOutcome) and not piped.ok and not sent.ok
    assert str(piped.raw_error) == str(sent.raw_error)  # InstructionError(0, Custom(1)): ResultWithNegativeLamports
    assert (piped.error and piped.error.code) == (sent.error and sent.error.code) == 1
    assert any("insufficient lamports" in line for line in piped.logs)
    assert rpc.get_balance(poor.pubkey()) == SOL  # nothing moved


@needs_validator
def test_rpc_pipeline_without_a_builder_fails_the_job_with_a_chain_error(rpc):
    payer = _funded(rpc, 2 * SOL)
    tx = Chain.sign([transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=Keypair().pubkey(),
                                             lamports=1))], payer, [], Hash.new_unique())
    with RpcPipeline(rpc.url, resend_interval=0.5) as pipe:
        pipe.unknown_blockhash_validity = 4
        with pytest.raises(ChainError, match="expired unconfirmed .*no builder"):
            pipe.submit(tx).result(timeout=60)


def test_sequential_pipeline_on_the_embedded_chain_keeps_order_and_outcomes():
    from gridtokenx_cli.chain.embedded import EmbeddedChain

    chain = EmbeddedChain(programs=[])
    payer = _funded(chain)
    amount = 2 * SOL
    relays, jobs = _relay_chains(payer, chains=5, hops=3, amount=amount)
    for relay in relays:
        chain.airdrop(relay[0].pubkey(), amount)
    pipe = pipeline_for(chain)
    assert isinstance(pipe, SequentialPipeline)
    results = pipe.run(jobs)
    assert all(isinstance(r, TxOutcome) and r.ok for r in results)
    assert all(chain.get_balance(relay[-1].pubkey()) == amount for relay in relays)
    # a failing job is an outcome, not an exception, exactly as on rpc
    (bad,) = pipe.run([_transfer_job(payer, relays[0][0], payer.pubkey(), SOL)])
    assert isinstance(bad, TxOutcome) and not bad.ok and bad.error is not None and bad.error.code == 1


def test_run_reads_the_source_lazily_even_when_every_job_waits_on_one_key():
    """Jobs held behind a busy key are bounded (HELD_PER_WINDOW × window): one meter's million readings are not
    read into memory before the first lands."""
    from gridtokenx_cli.chain.embedded import EmbeddedChain
    from gridtokenx_cli.chain.pipeline import HELD_PER_WINDOW

    chain = EmbeddedChain(programs=[])
    payer = _funded(chain)
    consumed = 0
    read_at_first_outcome: list[int] = []

    def jobs():
        nonlocal consumed
        for i in range(100):
            consumed += 1
            yield _transfer_job(payer, payer, Keypair().pubkey(), 1_000_000 + i, key="one meter")

    window = 8
    results = pipeline_for(chain).run(jobs(), window=window,
                                      on_result=lambda i, job, r: read_at_first_outcome.append(consumed))
    assert len(results) == 100 and all(isinstance(r, TxOutcome) and r.ok for r in results)
    # the one in flight and those held behind it
    assert read_at_first_outcome[0] == 1 + HELD_PER_WINDOW * window < 100
