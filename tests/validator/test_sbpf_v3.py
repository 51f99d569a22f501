"""SBPF v3 on a real solana-test-validator with every feature at its default (SIMD-0500 included, nothing
deactivated): the relinker's v3 output loads and runs in the real loader and VM, every program of the workspace
deploys through the upgradeable loader and executes, and the same code linked as SBPF v0 is refused — which also
proves the gate is really on. Ports 22300..22332; skipped when the validator binary is absent."""
from __future__ import annotations

import hashlib
import re
import struct
from pathlib import Path

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli.chain.base import TransactionRejected
from gridtokenx_cli.chain.workspace import Workspace
from gridtokenx_cli.deploy import Deployer
from gridtokenx_cli.localnet import SBPF_V0_DEPLOYMENT_GATE
from gridtokenx_cli.testing.elf_craft import E2E_PROGRAM_ASM, assemble, llvm_tool
from gridtokenx_cli.testing.validator import needs_validator, rpc_chain_of, running_localnet
from gridtokenx_cli.toolchain.native_programs import NATIVE_PROGRAMS
from gridtokenx_cli.toolchain.relink import relink

pytestmark = [needs_validator, pytest.mark.skipif(not llvm_tool("llvm-mc"), reason="llvm-mc (LLVM 22) missing")]

PORT = 22300
HEAP = "0x300000008:248"
ANCHOR_FALLBACK_NOT_FOUND = 101  # anchor_lang::error::ErrorCode::InstructionFallbackNotFound


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    yield from running_localnet(tmp_path_factory, PORT, name="localnet-sbpf-v3")


@pytest.fixture(scope="module")
def chain(net):
    yield from rpc_chain_of(net)


@pytest.fixture(scope="module")
def deployer(chain, tmp_path_factory):
    payer = Keypair()
    chain.airdrop(payer.pubkey(), 500 * 10**9)
    return Deployer(chain, payer, state_dir=tmp_path_factory.mktemp("buffers"))


def custom_code(out) -> int | None:
    """The custom error code of a rejected transaction (decoded or not: the program sits at a fresh address)."""
    if out.error is not None:
        return out.error.code
    found = re.search(r"Custom\((\d+)\)", str(out.raw_error))
    return int(found.group(1)) if found else None


def elf_sbpf_version(path: Path) -> int:
    return struct.unpack_from("<I", path.read_bytes(), 48)[0]


def test_sbpf_v0_deployment_gate_is_active(chain):
    """SIMD-0500's feature account exists and is activated (Feature { activated_at: Some(slot) })."""
    acc = chain.get_account(Pubkey.from_string(SBPF_V0_DEPLOYMENT_GATE))
    assert acc is not None and acc.data[0] == 1, acc


def test_relinked_v3_program_runs_in_the_validator(deployer, chain, tmp_path):
    """Every relocation kind, callx, static syscalls and a .bss counter in the heap, in the real v3 loader/VM."""
    obj = assemble(tmp_path, E2E_PROGRAM_ASM)
    relink(obj, tmp_path / "e2e.so", bss_heap=HEAP, log=lambda _m: None, sbpf_version=3)
    program = Keypair()
    deployer.deploy("e2e", so_path=tmp_path / "e2e.so", program_keypair=program)
    out = chain.send([Instruction(program.pubkey(), b"", [])], deployer.payer, check=True)
    logs = "\n".join(out.logs)
    assert "Program log: relinked hello, world!" in logs
    assert "Program log: world" in logs
    assert "Program log: 0x2a, 0x0, 0x0, 0x0, 0x0" in logs


def test_the_same_program_linked_as_v0_is_refused_at_deploy(deployer, chain, tmp_path):
    obj = assemble(tmp_path, E2E_PROGRAM_ASM)
    relink(obj, tmp_path / "e2e-v0.so", bss_heap=HEAP, log=lambda _m: None, sbpf_version=0)
    program = Keypair()
    with pytest.raises(TransactionRejected) as info:
        deployer.deploy("e2e-v0", so_path=tmp_path / "e2e-v0.so", program_keypair=program)
    # the deploy instruction (index 1, after the program account's creation) fails in the loader
    assert "TransactionErrorInstructionError((1, Fieldless(InvalidAccountData)))" in str(info.value)
    assert "Detected sbpf_version required by the executable which are not enabled" in info.value.outcome.logs
    assert chain.get_account(program.pubkey()) is None  # the transaction is atomic: nothing was created


def workspace_programs() -> list[str]:
    ws = Workspace.load()
    return sorted(set(ws.program_ids) | set(NATIVE_PROGRAMS))


@pytest.mark.parametrize("name", workspace_programs())
def test_every_program_deploys_as_v3_and_executes(deployer, chain, name):
    """Deployed through the upgradeable loader (which loads and verifies the ELF) at its declared id, then
    called: blockbench runs do_nothing, every other Anchor program answers an unknown instruction with
    InstructionFallbackNotFound from its own dispatcher. The native Program Metadata program (no keypair for its
    canonical id; the localnet genesis already holds its v3 build there) goes to a fresh address and refuses
    empty instruction data itself."""
    ws = Workspace.load()
    so = ws.so_path(name)
    assert elf_sbpf_version(so) == 3, f"{so} is not SBPF v3: run `gtx build`"
    if name in NATIVE_PROGRAMS:
        program_kp = Keypair()
        deployer.deploy(name, so_path=so, program_keypair=program_kp)
        program = program_kp.pubkey()
        out = chain.send([Instruction(program, b"", [AccountMeta(deployer.payer.pubkey(), True, True)])],
                         deployer.payer, check=False)
        assert not out.ok and any(f"Program {program} failed" in line for line in out.logs), out
        assert chain.get_account(Pubkey.from_string(NATIVE_PROGRAMS[name])).executable
        return
    deployer.deploy(name, so_path=so)
    program = ws.program_id(name)
    if name == "blockbench":
        data = hashlib.sha256(b"global:do_nothing").digest()[:8]
        signer = AccountMeta(deployer.payer.pubkey(), True, False)
        out = chain.send([Instruction(program, data, [signer])], deployer.payer, check=True)
        assert 0 < out.compute_units < 2_000, out
        return
    out = chain.send([Instruction(program, bytes(8), [])], deployer.payer, check=False)
    assert not out.ok and custom_code(out) == ANCHOR_FALLBACK_NOT_FOUND, out
