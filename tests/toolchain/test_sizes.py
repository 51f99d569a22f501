"""gridtokenx_cli.toolchain.sizes: bytes per crate and top symbols of an SBF object or relinked .so."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gridtokenx_cli.testing.elf_craft import compile_ir, llvm_tool
from gridtokenx_cli.toolchain import sizes
from gridtokenx_cli.toolchain.relink import relink

pytestmark = pytest.mark.skipif(not llvm_tool("llc"), reason="LLVM 22 llc not installed")

# two functions of crate `alpha`, one of `beta` (an impl of a trait from `gamma`), a C function and the entrypoint;
# Rust v0 mangling (what rustc 1.96 emits), which llvm-cxxfilt demangles to `alpha::one`
IR = r"""
target triple = "bpfel"
@table = internal constant [24 x i64] [i64 1, i64 2, i64 3, i64 4, i64 5, i64 6, i64 7, i64 8, i64 9, i64 10,
  i64 11, i64 12, i64 13, i64 14, i64 15, i64 16, i64 17, i64 18, i64 19, i64 20, i64 21, i64 22, i64 23, i64 24]

define i64 @_RNvC5alpha3one(i64 %x) noinline {
  %a = mul i64 %x, 3
  %b = add i64 %a, 7
  ret i64 %b
}
define i64 @_RNvC5alpha3two(i64 %x, i64 %y) noinline {
  %a = xor i64 %x, %y
  %b = mul i64 %a, %y
  %c = add i64 %b, %x
  %d = sub i64 %c, 5
  ret i64 %d
}
define i64 @"_RNvXCs_4betaNtB2_5ThingNtC5gamma5Trait4call"(i64 %i) noinline {
  %p = getelementptr [24 x i64], ptr @table, i64 0, i64 %i
  %v = load i64, ptr %p
  ret i64 %v
}
define i64 @c_helper(i64 %x) noinline {
  %a = shl i64 %x, 2
  ret i64 %a
}
define i64 @entrypoint(ptr %in) {
  %x = ptrtoint ptr %in to i64
  %a = call i64 @_RNvC5alpha3one(i64 %x)
  %b = call i64 @_RNvC5alpha3two(i64 %a, i64 %x)
  %c = call i64 @"_RNvXCs_4betaNtB2_5ThingNtC5gamma5Trait4call"(i64 %b)
  %d = call i64 @c_helper(i64 %c)
  ret i64 %d
}
"""


def _nm_sizes(obj: Path) -> dict[str, int]:
    import subprocess
    out = subprocess.run([llvm_tool("llvm-nm"), "--print-size", "--radix=d", str(obj)], capture_output=True,
                         text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            res[parts[3]] = int(parts[1])
    return res


@pytest.fixture
def obj(tmp_path: Path) -> Path:
    return compile_ir(tmp_path, IR, extra_args=("-function-sections",))


def test_breakdown_attributes_functions_to_crates(obj: Path):
    nm = _nm_sizes(obj)
    got = dict(sizes.breakdown(obj))
    assert got["alpha"] == nm["_RNvC5alpha3one"] + nm["_RNvC5alpha3two"]
    assert got["beta"] == nm["_RNvXCs_4betaNtB2_5ThingNtC5gamma5Trait4call"]
    assert got[sizes.C_RUNTIME] == nm["c_helper"] + nm["entrypoint"]
    assert got[sizes.RODATA] >= 24 * 8
    rows = sizes.breakdown(obj)
    assert [b for _, b in rows] == sorted((b for _, b in rows), reverse=True)  # largest first


def test_report_lists_crates_and_demangled_top_symbols(obj: Path):
    text = sizes.report(obj, top=3)
    assert "alpha" in text and "beta" in text and sizes.C_RUNTIME in text
    assert "alpha::two" in text  # demangled, not _RNvC5alpha…
    assert "_RNvC5alpha" not in text
    top_lines = text.split("top 3 functions", 1)[1].strip().splitlines()[1:]
    assert len(top_lines) == 3


def test_so_is_resolved_through_the_build_cache(tmp_path: Path, obj: Path):
    # the build's layout: $GTX_CACHE_DIR/target-<key>/sbf-link/<pkg>-<hash>/{program.o,program.so}
    work = tmp_path / "cache" / "target-k" / "sbf-link" / "demo-0123"
    work.mkdir(parents=True)
    shutil.copy(obj, work / "program.o")
    relink(str(work / "program.o"), str(work / "program.so"), log=lambda *_: None)
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    so = deploy / "demo.so"
    shutil.copy(work / "program.so", so)
    got = dict(sizes.breakdown(so, cache_root=tmp_path / "cache"))
    assert got["alpha"] == dict(sizes.breakdown(obj))["alpha"]
    assert "[elf: .dynsym]" in got
    # a .so the cache did not make: sections only, and the report says why there are no symbols
    other = deploy / "other.so"
    data = bytearray(so.read_bytes())
    data[-1] ^= 0xFF  # same layout, different bytes
    other.write_bytes(bytes(data))
    assert all(k.startswith("[section ") for k, _ in sizes.breakdown(other, cache_root=tmp_path / "cache"))
    assert "no symbols" in sizes.report(other, cache_root=tmp_path / "cache")


@pytest.mark.parametrize("demangled,raw,crate", [
    ("anchor_lang::error::Error::log", "_RNvX", "anchor_lang"),
    ("<blockbench::Ix as anchor_lang::Accounts<'_>>::try_accounts", "_RNvX", "blockbench"),
    ("<&mut borsh::de::Reader as std::io::Read>::read", "_RNvX", "borsh"),
    ("<u64 as core::fmt::Display>::fmt", "_RNvX", "core"),
    ("<[u8] as alloc::borrow::ToOwned>::to_owned", "_RNvX", "alloc"),
    ("memcmp", "memcmp", sizes.C_RUNTIME),
])
def test_crate_of(demangled: str, raw: str, crate: str):
    assert sizes.crate_of(demangled, raw) == crate
