"""Fixtures of the energy_token tests and its attack suite."""
from __future__ import annotations

import pytest

from energy_token_env import *  # noqa: F403  (the environment the fixtures build)


@pytest.fixture(scope="session")
def programs():
    """energy_token + governance binaries (built through the toolchain when missing or stale)."""
    return {et.PROGRAM_ID: h.program_so(et.PROGRAM_NAME), gov.PROGRAM_ID: h.program_so(gov.PROGRAM_NAME)}


@pytest.fixture
def bare(programs) -> Env:
    """Programs loaded and governance initialised; energy_token not initialised."""
    svm = make_svm(programs)
    payer = h.funded_keypair(svm)
    gov.initialize_governance_for_tests(svm, payer.pubkey())
    return Env(svm, payer, et.funded_bootstrap(svm), h.funded_keypair(svm), h.funded_keypair(svm))


@pytest.fixture
def env(bare) -> Env:
    """Token initialised; alice and bob have (empty) GRX accounts."""
    et.initialize_token_for_tests(bare.svm)
    et.create_grx_account(bare.svm, bare.payer, bare.alice.pubkey())
    et.create_grx_account(bare.svm, bare.payer, bare.bob.pubkey())
    return bare


@pytest.fixture
def funded(env) -> Env:
    """alice holds 10_000 Wh worth of GRX."""
    env.mint_to(env.a, et.wh_to_grx_units(10_000))
    return env
