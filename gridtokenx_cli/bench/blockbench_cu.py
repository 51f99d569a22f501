"""Compute units of every BLOCKBENCH instruction (programs/blockbench) measured in LiteSVM.

    python -m gridtokenx_cli.bench.blockbench_cu [--json]

The first half of this module is the Python client of the program (instruction builders, account and
event layouts, PDA derivation, and Python mirrors of its xorshift64 / checksum) shared with
tests/programs/blockbench/test_blockbench.py; ``measure()`` at the bottom runs the benchmark.
"""
from __future__ import annotations

import hashlib
import struct
import sys
from dataclasses import dataclass

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

from gridtokenx_cli import idls
from gridtokenx_cli.testing import svm_lite
from gridtokenx_cli.testing.svm_lite import Borsh

# ----------------------------------------------------------------------------- program constants

PROGRAM_NAME = "blockbench"
PROGRAM_ID = idls.generated_program_id("blockbench")
SLOTS = 64  # state.rs SLOTS
MAX_SORT = 512  # state.rs MAX_SORT
STORE_SEED = b"store"

XORSHIFT_ZERO_SEED = 0x9E37_79B9_7F4A_7C15
CHECKSUM_INIT = 0xCBF2_9CE4_8422_2325
CHECKSUM_PRIME = 0x0000_0100_0000_01B3
U64 = (1 << 64) - 1


class Err:
    """Custom error codes (error.rs, Anchor numbers them from 6000 in declaration order)."""

    InvalidSize = 6000
    SizeTooLarge = 6001
    ZeroCount = 6002
    RangeOutOfBounds = 6003
    ZeroAmount = 6004
    ArithmeticOverflow = 6005


class AnchorErr:
    """The Anchor framework errors the program can raise (anchor-lang 1.0.3 error.rs)."""

    InstructionFallbackNotFound = 101
    InstructionDidNotDeserialize = 102
    ConstraintHasOne = 2001
    ConstraintSeeds = 2006
    AccountDiscriminatorMismatch = 3002
    AccountOwnedByWrongProgram = 3007
    InvalidProgramId = 3008
    AccountNotSigner = 3010
    AccountNotInitialized = 3012


class SystemErr:
    """System program custom errors surfaced through Anchor's CPIs."""

    AccountAlreadyInUse = 0
    ResultWithNegativeLamports = 1


KV_STORE = Borsh([
    ("authority", "pubkey"),
    ("store_id", "u32"),
    ("bump", "u8"),
    ("writes", "u64"),
    ("values", f"[u64;{SLOTS}]"),
])
KV_STORE_SPACE = 8 + KV_STORE.size

EVENTS = {
    "CpuHeavyDone": Borsh([("n", "u32"), ("checksum", "u64"), ("digest", "[u8;32]")]),
    "StoreInitialized": Borsh([("store", "pubkey"), ("authority", "pubkey"), ("store_id", "u32")]),
    "IoWritten": Borsh([("store", "pubkey"), ("start", "u32"), ("count", "u32"), ("checksum", "u64"),
                        ("writes", "u64")]),
    "IoReadDone": Borsh([("store", "pubkey"), ("start", "u32"), ("count", "u32"), ("checksum", "u64")]),
    "IoMixedDone": Borsh([("store", "pubkey"), ("start", "u32"), ("count", "u32"), ("checksum_before", "u64"),
                          ("checksum_after", "u64"), ("writes", "u64")]),
    "StoreFunded": Borsh([("store", "pubkey"), ("lamports", "u64"), ("balance", "u64")]),
}

# ----------------------------------------------------------------------------- Python mirrors


def xorshift64(seed: int, n: int) -> list[int]:
    """instructions/mod.rs XorShift64: n successive outputs for ``seed``."""
    x = seed or XORSHIFT_ZERO_SEED
    out = []
    for _ in range(n):
        x ^= (x << 13) & U64
        x ^= x >> 7
        x ^= (x << 17) & U64
        out.append(x)
    return out


def checksum(values: list[int]) -> int:
    """instructions/mod.rs checksum: FNV-1a over u64 words."""
    acc = CHECKSUM_INIT
    for v in values:
        acc = ((acc ^ v) * CHECKSUM_PRIME) & U64
    return acc


def cpu_heavy_expected(n: int, seed: int) -> dict:
    """The CpuHeavyDone event cpu_heavy(n, seed) must emit, computed independently (hashlib)."""
    values = sorted(xorshift64(seed, n))
    raw = b"".join(struct.pack("<Q", v) for v in values)
    return {"n": n, "checksum": checksum(values), "digest": hashlib.sha256(raw).digest()}


def rotl1(v: int) -> int:
    return ((v << 1) | (v >> 63)) & U64


# ----------------------------------------------------------------------------- client


def store_pda(authority: Pubkey, store_id: int) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address([STORE_SEED, bytes(authority), struct.pack("<I", store_id)], PROGRAM_ID)


def _ix(name: str, args: bytes, metas: list[AccountMeta]) -> Instruction:
    return svm_lite.anchor_instruction(PROGRAM_ID, name, args, metas)


def _signer(key: Pubkey, writable: bool = False, signer: bool = True) -> AccountMeta:
    return AccountMeta(key, is_signer=signer, is_writable=writable)


def ix_do_nothing(signer: Pubkey, *, sign: bool = True) -> Instruction:
    return _ix("do_nothing", b"", [_signer(signer, signer=sign)])


def ix_cpu_heavy(signer: Pubkey, n: int, seed: int) -> Instruction:
    return _ix("cpu_heavy", struct.pack("<IQ", n, seed), [_signer(signer)])


def ix_init_store(authority: Pubkey, store_id: int, store: Pubkey | None = None, *,
                  system_program: Pubkey = SYSTEM_PROGRAM_ID, sign: bool = True) -> Instruction:
    store = store or store_pda(authority, store_id)[0]
    return _ix("init_store", struct.pack("<I", store_id), [
        _signer(authority, writable=True, signer=sign),
        AccountMeta(store, is_signer=False, is_writable=True),
        AccountMeta(system_program, is_signer=False, is_writable=False),
    ])


def ix_io_write(authority: Pubkey, store: Pubkey, start: int, count: int, value_seed: int, *,
                sign: bool = True) -> Instruction:
    return _ix("io_write", struct.pack("<IIQ", start, count, value_seed), [
        _signer(authority, signer=sign),
        AccountMeta(store, is_signer=False, is_writable=True),
    ])


def ix_io_read(store: Pubkey, start: int, count: int) -> Instruction:
    return _ix("io_read", struct.pack("<II", start, count), [AccountMeta(store, is_signer=False, is_writable=False)])


def ix_io_mixed(authority: Pubkey, store: Pubkey, start: int, count: int, value_seed: int, *,
                sign: bool = True) -> Instruction:
    return _ix("io_mixed", struct.pack("<IIQ", start, count, value_seed), [
        _signer(authority, signer=sign),
        AccountMeta(store, is_signer=False, is_writable=True),
    ])


def ix_fund_store(authority: Pubkey, store: Pubkey, lamports: int, *,
                  system_program: Pubkey = SYSTEM_PROGRAM_ID, sign: bool = True) -> Instruction:
    return _ix("fund_store", struct.pack("<Q", lamports), [
        _signer(authority, writable=True, signer=sign),
        AccountMeta(store, is_signer=False, is_writable=True),
        AccountMeta(system_program, is_signer=False, is_writable=False),
    ])


def decode_store(data: bytes) -> dict:
    return svm_lite.decode_account(data, "KvStore", KV_STORE)


def encode_store(authority: Pubkey, store_id: int, bump: int, writes: int = 0,
                 values: list[int] | None = None) -> bytes:
    """Raw KvStore account data (discriminator + borsh), for forging accounts in LiteSVM."""
    values = values if values is not None else [0] * SLOTS
    return svm_lite.sighash("account", "KvStore") + KV_STORE.encode(authority, store_id, bump, writes, values)


def new_blockbench_svm() -> LiteSVM:
    return svm_lite.new_svm({PROGRAM_ID: svm_lite.program_so(PROGRAM_NAME)})


# ----------------------------------------------------------------------------- benchmark

CPU_SIZES = (16, 64, 256, MAX_SORT)
IO_COUNTS = (1, 16, 64)


@dataclass
class _Ctx:
    svm: LiteSVM
    payer: Keypair
    authority: Keypair


def _run(ctx: _Ctx, instruction: str, params: str, ix: Instruction, signers=()) -> dict:
    res = svm_lite.send(ctx.svm, ix, ctx.payer, signers)
    row = {"instruction": instruction, "params": params, "cu": svm_lite.compute_units(res), "ok": svm_lite.is_ok(res)}
    if not row["ok"]:
        row["error"] = str(res.err())
    return row


def measure() -> list[dict]:
    """Run each instruction once per parameter set; ``[{instruction, params, cu, ok}]`` in run order."""
    svm = new_blockbench_svm()
    # Fixed keys: init_store's PDA bump search costs 1,500 CU per rejected bump, so a random authority
    # makes that figure vary from run to run. This authority's store 1 has bump 255 (no rejected bump).
    payer = svm_lite.funded_keypair(svm, keypair=Keypair.from_seed(bytes([1] * 32)))
    authority = svm_lite.funded_keypair(svm, keypair=Keypair.from_seed(bytes([3] * 32)))
    ctx = _Ctx(svm, payer, authority)
    auth = ctx.authority.pubkey()
    rows = [_run(ctx, "do_nothing", "", ix_do_nothing(auth), [ctx.authority])]
    for n in CPU_SIZES:
        rows.append(_run(ctx, "cpu_heavy", f"n={n}", ix_cpu_heavy(auth, n, 0xC0FFEE + n), [ctx.authority]))
    store, _ = store_pda(auth, 1)
    rows.append(_run(ctx, "init_store", f"space={KV_STORE_SPACE}", ix_init_store(auth, 1), [ctx.authority]))
    for c in IO_COUNTS:
        rows.append(_run(ctx, "io_write", f"count={c}", ix_io_write(auth, store, 0, c, 7 + c), [ctx.authority]))
    for c in IO_COUNTS:
        rows.append(_run(ctx, "io_read", f"count={c}", ix_io_read(store, 0, c)))
    for c in IO_COUNTS:
        rows.append(_run(ctx, "io_mixed", f"count={c}", ix_io_mixed(auth, store, 0, c, 11 + c), [ctx.authority]))
    rows.append(_run(ctx, "fund_store", "lamports=1000000", ix_fund_store(auth, store, 1_000_000), [ctx.authority]))
    return rows


def format_table(rows: list[dict]) -> str:
    lines = [f"{'instruction':<12} {'params':<18} {'CU':>8}  status", "-" * 48]
    for r in rows:
        status = "ok" if r["ok"] else f"FAILED {r.get('error', '')}"
        lines.append(f"{r['instruction']:<12} {r['params']:<18} {r['cu']:>8,}  {status}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from gridtokenx_cli.bench import run_main

    return run_main(__doc__.splitlines()[0], measure, format_table, argv)


if __name__ == "__main__":
    sys.exit(main())
