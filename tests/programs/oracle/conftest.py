"""Fixtures of the oracle tests and its attack suite."""
from __future__ import annotations

import pytest

from oracle_env import *  # noqa: F403  (the environment the fixtures build)


@pytest.fixture(scope="session")
def programs():
    """oracle + registry + governance binaries (built through the toolchain when missing or stale)."""
    return {ORACLE_ID: h.program_so("oracle"), reg.PROGRAM_ID: h.program_so("registry"),
            gov.PROGRAM_ID: h.program_so("governance")}


@pytest.fixture
def env(programs) -> Env:
    return make_env(programs)


@pytest.fixture
def bare(programs) -> Env:
    """Governance and registry initialised, meter registered, oracle not initialised."""
    return make_env(programs, init_oracle=False)


@pytest.fixture
def oracles(env) -> list[Keypair]:
    """Three backup oracles; the only safe threshold for n = 3 is 3."""
    kps = [Keypair() for _ in range(3)]
    env.update(backup_oracles=[k.pubkey() for k in kps], consensus_threshold=3)
    return kps
