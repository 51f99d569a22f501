"""Fixtures of the registry tests and its attack suite."""
from __future__ import annotations

import pytest

from registry_env import *  # noqa: F403  (the environment the fixtures build)


@pytest.fixture(scope="session")
def programs():
    """registry + energy_token + governance binaries (built through the toolchain when missing or stale)."""
    return {rg.PROGRAM_ID: h.program_so(rg.PROGRAM_NAME), et.PROGRAM_ID: h.program_so(et.PROGRAM_NAME),
            gov.PROGRAM_ID: h.program_so(gov.PROGRAM_NAME)}


@pytest.fixture
def bare(programs) -> Env:
    """governance + energy_token initialised, registry not."""
    return build_env(programs, sigverify=True, registry=False)


@pytest.fixture
def fresh(programs) -> Env:
    """Registry initialised, no users."""
    return build_env(programs, sigverify=True, meter=False)


@pytest.fixture
def env(programs) -> Env:
    """alice is a registered prosumer with an active Solar meter "METER-A" and an empty GRX account."""
    return build_env(programs, sigverify=True)


@pytest.fixture
def sim(programs) -> Env:
    """Like ``env`` but with signature verification off, so transactions can carry another program's PDA as a
    signer (what that program does through invoke_signed)."""
    return build_env(programs, sigverify=False)


@pytest.fixture
def oracle_env(programs) -> tuple[Env, Keypair, Keypair]:
    """``env`` plus the real oracle program (initialised, gateway key, meter state created) and the meter key."""
    from gridtokenx_cli.generated.oracle import instructions as oix
    from gridtokenx_cli.generated.oracle.program_id import PROGRAM_ID as ORACLE_ID

    assert ORACLE_ID == rg.ORACLE_PROGRAM_ID
    meter_kp = Keypair()
    svm = make_svm({**programs, ORACLE_ID: h.program_so("oracle")})
    payer = h.funded_keypair(svm)
    gov.initialize_governance_for_tests(svm, payer.pubkey())
    admin = et.initialize_token_for_tests(svm)
    env = Env(svm, payer, admin, h.funded_keypair(svm), h.funded_keypair(svm), meter_kp=meter_kp)
    rg.initialize_registry_for_tests(svm)
    rg.register_user_and_meter(svm, env.alice, "METER-A", "Solar", meter_kp)
    et.create_grx_account(svm, payer, env.alice.pubkey())
    gateway = h.funded_keypair(svm)
    oracle_config = Pubkey.find_program_address([ORACLE_SEEDS["config"]], ORACLE_ID)[0]
    env.ok(oix.initialize_oracle({"api_gateway": gateway.pubkey()}, {
        "authority": admin.pubkey(), "oracle_config": oracle_config,
        "governance_config": gov.governance_config_pda()[0]}), admin)
    meter_state = Pubkey.find_program_address([ORACLE_SEEDS["meter_state"], env.mid], ORACLE_ID)[0]
    env.ok(oix.initialize_meter_state({"meter_id": list(env.mid)}, {
        "authority": gateway.pubkey(), "oracle_config": oracle_config, "meter": env.meter,
        "meter_state": meter_state, "governance_config": gov.governance_config_pda()[0]}), gateway)

    def submit(produced: int, consumed: int, ts: int):
        ix = oix.submit_meter_reading(
            {"meter_id": list(env.mid), "energy_produced": produced, "energy_consumed": consumed,
             "reading_timestamp": ts},
            {"oracle_config": oracle_config, "api_gateway": gateway.pubkey(), "meter_state": meter_state,
             "meter": env.meter, "oracle_authority": rg.oracle_authority_pda()[0],
             "instructions_sysvar": INSTRUCTIONS_SYSVAR_ID, "governance_config": gov.governance_config_pda()[0],
             "registry_program": rg.PROGRAM_ID})
        sig = ed25519_instruction(meter_kp, reading_message(env.mid, produced, consumed, ts))
        return h.send(svm, [sig, ix], payer, [gateway])

    env.submit = submit
    return env
