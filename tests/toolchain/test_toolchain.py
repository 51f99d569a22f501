"""The offline SBF toolchain end to end: constructs the pipeline must compile correctly (checked by running
them in LiteSVM) and constructs it must reject with a build error that names the offending symbol."""
from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest
from solders.instruction import Instruction
from solders.pubkey import Pubkey

from gridtokenx_cli.testing.svm_lite import funded_keypair, is_ok, logs, new_svm, send
from gridtokenx_cli.toolchain.build import REPO_ROOT, BuildError, Toolchain, build_programs, check_custom_heap

FIXTURE = REPO_ROOT / "toolchain" / "tests" / "sbf-features"
PROGRAM_ID = Pubkey.from_bytes(bytes([7] * 32))


def log64_values(result) -> list[int]:
    """The five values of the last `sol_log_64_` line."""
    lines = [line for line in logs(result) if line.startswith("Program log: 0x")]
    assert lines, logs(result)
    return [int(v, 16) for v in lines[-1].removeprefix("Program log: ").split(", ")]


@pytest.fixture(scope="module")
def toolchain() -> Toolchain:
    return Toolchain()


@pytest.fixture(scope="module")
def features_so(toolchain, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sbf-features")
    result = toolchain.build(FIXTURE, "sbf_features", out)
    # f64 arithmetic is lowered to compiler-builtins calls at codegen; they must have been linked back in
    assert {"__muldf3", "__divdf3", "__adddf3"} <= set(result.libcalls_linked)
    # LiteSVM (solders 0.26) runs the v0 link of the same object; tests/validator/test_sbpf_v3.py runs v3
    assert result.embedded_so_path is not None and result.sbpf_version == 3
    return Path(result.embedded_so_path)


@pytest.fixture()
def run(features_so):
    svm = new_svm({PROGRAM_ID: features_so})
    payer = funded_keypair(svm)

    def invoke(data: bytes):
        return send(svm, Instruction(PROGRAM_ID, data, []), payer)

    return invoke


def test_soft_float_results_are_exact(run):
    res = run(bytes([0]) + struct.pack("<QQ", 6, 4))
    assert is_ok(res), logs(res)
    # 6*4*1.5, 6/4*1000, (6+4-0.25)*4, 6<4, sqrt(6)*100
    assert log64_values(res) == [36, 1500, 39, 0, 244]


@pytest.mark.parametrize("payload,equal,order", [(b"abcdabcd", 1, 0), (b"abcdabce", 0, (1 << 64) - 1),
                                                  (b"abcfabce", 0, 1)])
def test_memcmp_and_bcmp(run, payload, equal, order):
    res = run(bytes([1]) + payload)
    assert is_ok(res), logs(res)
    assert log64_values(res)[:3] == [equal, order, 4]


@pytest.mark.parametrize("pick,vtable_result", [(0, 2 * (1 + 4 + 9 + 16 + 25 + 36 + 49)), (1, 1 ^ 2 ^ 3 ^ 4 ^ 5 ^ 6 ^ 7)])
def test_more_than_five_arguments_through_vtable_and_fn_pointer(run, pick, vtable_result):
    res = run(bytes([2, pick]))
    assert is_ok(res), logs(res)
    assert log64_values(res)[:2] == [vtable_result, 1_234_567]


M = (1 << 128) - 1


@pytest.mark.parametrize("signed,a,b", [
    (0, (1 << 64) + 3, 1 << 63),            # fits: 2^127 + 3·2^63
    (0, 1 << 64, 1 << 64),                  # overflows u128
    (0, M, 1),
    (0, M, 2),
    (1, -(1 << 63), 1 << 64),               # exactly i128::MIN
    (1, 1 << 63, 1 << 64),                  # 2^127 overflows i128
    (1, -7, -(1 << 100)),
    (1, -(1 << 127), -1),                   # MIN · -1 overflows
])
def test_128_bit_checked_multiply(run, signed, a, b):
    res = run(bytes([8, signed]) + (a & M).to_bytes(16, "little") + (b & M).to_bytes(16, "little"))
    assert is_ok(res), logs(res)
    product = a * b
    fits = (-(1 << 127) <= product < (1 << 127)) if signed else product <= M
    ok, lo, hi = log64_values(res)[:3]
    assert ok == int(fits)
    if fits:
        assert (hi << 64 | lo) == product & M


def test_heap_exhaustion_leaves_relocated_statics_intact(run):
    res = run(bytes([3]))
    assert is_ok(res), logs(res)
    marker, allocated = log64_values(res)[:2]
    assert marker == 0x5EED_CAFE
    # 32 KiB heap minus the 256-byte reservation, in 512-byte blocks
    assert allocated == (32 * 1024 - 256) // 512 * 512


def test_panic_message_reaches_the_log(run):
    res = run(bytes([4, 5]))
    assert not is_ok(res)
    text = "\n".join(logs(res))
    assert "panicked at src/lib.rs:" in text
    assert "boom with seed 5" in text


def test_bounds_check_panic_is_logged(run):
    res = run(bytes([5, 3]))
    assert not is_ok(res)
    assert "index out of bounds: the len is 0 but the index is 3" in "\n".join(logs(res))


def test_nonzero_writable_static_is_a_build_error_naming_it(toolchain, tmp_path):
    with pytest.raises(BuildError) as err:
        toolchain.build(FIXTURE, "sbf_features", tmp_path, features=["nonzero-static"])
    assert "sbf_features::COUNTER" in str(err.value)
    assert not (tmp_path / "sbf_features.so").exists()


def test_oversized_frame_is_a_build_error_naming_function_and_size(toolchain, tmp_path):
    with pytest.raises(BuildError) as err:
        toolchain.build(FIXTURE, "sbf_features", tmp_path, features=["big-frame"])
    message = str(err.value)
    assert "sbf_features::oversized_frame" in message
    assert "6008 bytes" in message


def test_program_without_custom_heap_feature_is_rejected(tmp_path):
    crate = tmp_path / "p"
    crate.mkdir()
    (crate / "Cargo.toml").write_text('[package]\nname = "p"\nversion = "0.1.0"\n[features]\ndefault = []\n')
    with pytest.raises(BuildError, match="custom-heap"):
        check_custom_heap(crate)


def test_unknown_program_is_rejected_with_the_list():
    with pytest.raises(BuildError, match="programs/ has: .*blockbench"):
        build_programs(["no_such_program"], idl=False)


@pytest.mark.slow
def test_build_from_clean_is_deterministic(tmp_path, monkeypatch):
    """Two builds, each from an empty cache at the same path, give the same bytes."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("GTX_CACHE_DIR", str(cache))
    outputs = []
    for attempt in range(2):
        shutil.rmtree(cache, ignore_errors=True)
        toolchain = Toolchain()
        assert toolchain.target_dir.is_relative_to(cache)
        result = toolchain.build(REPO_ROOT, "blockbench", tmp_path / f"out{attempt}", features=["custom-heap"])
        assert not result.cargo_fresh and not result.link_cached
        # a cold build reports each of its parts (what `gtx build` prints as the CI budget's SBF share)
        assert all(toolchain.timings.get(part, 0) > 0 for part in ("std", "tools", "build-std", "sbf")), \
            toolchain.timings
        outputs.append((Path(result.so_path).read_bytes(), Path(result.embedded_so_path).read_bytes()))
    assert outputs[0] == outputs[1]
    shutil.rmtree(cache, ignore_errors=True)
