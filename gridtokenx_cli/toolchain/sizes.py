"""Where the bytes of an SBF program go: per crate and per symbol.

`breakdown(path)` reads the symbol table of the relocatable object the build codegens
(`$GTX_CACHE_DIR/target-<key>/sbf-link/<pkg>-<hash>/program.o`) and returns `[(crate, bytes), …]`, largest
first. A relinked `.so` keeps only dynamic symbols, so for a `.so` the object is looked up in the build
cache: the link work directory whose `program.so` has the same bytes (the build copies it to target/deploy).
Without one, only the sections of the `.so` are reported.

Attribution: a function's bytes go to the crate its demangled path starts with (for an impl,
`<Type as Trait>::f`, the crate of `Type`; generic instances are counted where their code comes from, not
where they are instantiated). Unmangled C symbols (libcalls, `entrypoint`) are "[C/runtime]", bytes of
executable sections no symbol covers are "[text: unnamed]", read-only data is "[rodata]" (string literals
and constants are anonymous), and the `.so`'s own tables (dynamic relocations, symbols) are
"[elf: …]" when a `.so` is given.

Usage: python -m gridtokenx_cli.toolchain.sizes PATH [--top N]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from .relink import demangle

C_RUNTIME = "[C/runtime]"
UNNAMED_TEXT = "[text: unnamed]"
RODATA = "[rodata]"


@dataclass
class Symbol:
    name: str        # demangled
    raw: str         # as in the symbol table
    size: int
    section: str
    crate: str


def _is_text(sec) -> bool:
    return bool(sec["sh_flags"] & 0x4) and sec["sh_type"] == "SHT_PROGBITS"  # SHF_EXECINSTR


def _is_alloc(sec) -> bool:
    return bool(sec["sh_flags"] & 0x2)


_SEG = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def crate_of(demangled: str, raw: str) -> str:
    """The crate a demangled Rust path belongs to; "[C/runtime]" for names that are not Rust-mangled."""
    if not (raw.startswith("_R") or raw.startswith("_ZN")):
        return C_RUNTIME
    s = demangled
    # `<Type as Trait>::f`, `<&mut Type as …>`, `<[T] as …>`, `<dyn Trait as …>`: the first path inside
    while True:
        s = s.lstrip("<&*([ ")
        for prefix in ("mut ", "const ", "dyn ", "impl "):
            if s.startswith(prefix):
                s = s[len(prefix):]
                break
        else:
            break
    m = _SEG.match(s)
    if not m:
        return C_RUNTIME
    seg = m.group(0)
    if s[m.end():m.end() + 2] != "::":  # a primitive (`<u64 as …>`) or a bare name: use the trait's crate
        rest = demangled.split(" as ", 1)
        if len(rest) == 2:
            m2 = _SEG.match(rest[1].lstrip("<&*([ "))
            if m2 and rest[1].lstrip("<&*([ ")[m2.end():m2.end() + 2] == "::":
                return m2.group(0)
        return "core" if seg in _PRIMITIVES else seg
    return seg


_PRIMITIVES = {"u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "bool",
               "char", "str", "f32", "f64"}


def find_object(so_path: Path, cache_root: Path | None = None) -> Path | None:
    """The program.o the build cache made `so_path` from (its work dir's program-v3.so or program-v0.so, one per
    SBPF version linked from that object, has the same bytes)."""
    root = Path(cache_root or os.environ.get("GTX_CACHE_DIR") or Path.home() / ".cache" / "gridtokenx")
    data = so_path.read_bytes()
    digest = hashlib.sha256(data).digest()
    stem = so_path.stem
    candidates = sorted(root.glob(f"target-*/sbf-link/{stem}-*/program*.so"), key=lambda p: -p.stat().st_mtime)
    candidates += [p for p in sorted(root.glob("target-*/sbf-link/*/program*.so"), key=lambda p: -p.stat().st_mtime)
                   if p not in candidates]
    for so in candidates:
        if so.stat().st_size == len(data) and hashlib.sha256(so.read_bytes()).digest() == digest:
            obj = so.with_name("program.o")
            if obj.exists():
                return obj
    return None


def symbols(obj_path: str | Path) -> tuple[list[Symbol], dict[str, int]]:
    """Sized function/object symbols of an object (demangled, with their crate) and the size of every
    allocatable section."""
    with open(obj_path, "rb") as f:
        elf = ELFFile(f)
        sections = {i: s for i, s in enumerate(elf.iter_sections())}
        sec_sizes = {s.name: s["sh_size"] for s in sections.values() if _is_alloc(s)}
        raw: list[tuple[str, int, str]] = []
        for sec in sections.values():
            if not isinstance(sec, SymbolTableSection):
                continue
            for sym in sec.iter_symbols():
                if sym["st_info"]["type"] not in ("STT_FUNC", "STT_OBJECT") or not sym["st_size"]:
                    continue
                idx = sym["st_shndx"]
                if not isinstance(idx, int) or idx not in sections:
                    continue
                raw.append((sym.name, sym["st_size"], sections[idx].name))
    names = demangle(sorted({r[0] for r in raw}))
    out = [Symbol(names.get(n, n), n, size, sec, crate_of(names.get(n, n), n)) for n, size, sec in raw]
    return out, sec_sizes


def _text_sections(obj_path) -> dict[str, int]:
    with open(obj_path, "rb") as f:
        elf = ELFFile(f)
        return {s.name: s["sh_size"] for s in elf.iter_sections() if _is_text(s)}


def breakdown(obj_or_so_path: str | Path, cache_root: Path | None = None) -> list[tuple[str, int]]:
    """[(crate or category, bytes), …], largest first. For a `.so`, the build cache's object is used when it
    can be found (see find_object); the `.so`'s own ELF tables are added as "[elf: …]" entries."""
    path = Path(obj_or_so_path)
    with open(path, "rb") as f:
        elf = ELFFile(f)
        is_so = elf["e_type"] == "ET_DYN"
        so_sections = {s.name: s["sh_size"] for s in elf.iter_sections() if _is_alloc(s)}
    totals: dict[str, int] = defaultdict(int)
    obj = find_object(path, cache_root) if is_so else path
    if obj is None:  # a .so without its object: sections only
        for name, size in so_sections.items():
            totals[f"[section {name}]"] += size
        return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    syms, _ = symbols(obj)
    text_secs = _text_sections(obj)
    covered: dict[str, int] = defaultdict(int)
    for s in syms:
        if s.section in text_secs:
            totals[s.crate] += s.size
            covered[s.section] += s.size
        elif s.section.startswith((".rodata", ".data.rel.ro")):
            totals[RODATA] += s.size
            covered[s.section] += s.size
    for name, size in text_secs.items():
        if size > covered.get(name, 0):
            totals[UNNAMED_TEXT] += size - covered.get(name, 0)
    with open(obj, "rb") as f:
        for sec in ELFFile(f).iter_sections():
            if _is_alloc(sec) and not _is_text(sec) and sec.name.startswith((".rodata", ".data.rel.ro")):
                rest = sec["sh_size"] - covered.get(sec.name, 0)
                if rest > 0:
                    totals[RODATA] += rest
    if is_so:
        for name in (".dynamic", ".dynsym", ".dynstr", ".rel.dyn"):
            if so_sections.get(name):
                totals[f"[elf: {name}]"] += so_sections[name]
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def top_symbols(obj_or_so_path: str | Path, top: int = 20, cache_root: Path | None = None) -> list[Symbol]:
    path = Path(obj_or_so_path)
    with open(path, "rb") as f:
        is_so = ELFFile(f)["e_type"] == "ET_DYN"
    obj = find_object(path, cache_root) if is_so else path
    if obj is None:
        return []
    syms, _ = symbols(obj)
    text = _text_sections(obj)
    return sorted((s for s in syms if s.section in text), key=lambda s: (-s.size, s.name))[:top]


def _short(name: str, width: int = 110) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


def report(path: str | Path, top: int = 20, cache_root: Path | None = None) -> str:
    """Text report: file size, bytes per crate with their share, then the `top` largest functions."""
    path = Path(path)
    rows = breakdown(path, cache_root)
    total = sum(b for _, b in rows) or 1
    lines = [f"{path} ({path.stat().st_size:,} bytes on disk)", f"{'crate / part':<40} {'bytes':>10} {'share':>7}"]
    for crate, b in rows:
        lines.append(f"{crate:<40} {b:>10,} {100 * b / total:>6.1f}%")
    syms = top_symbols(path, top, cache_root)
    if syms:
        lines += ["", f"top {len(syms)} functions", f"{'bytes':>8}  {'crate':<22} symbol"]
        lines += [f"{s.size:>8,}  {s.crate:<22} {_short(s.name)}" for s in syms]
    elif path.suffix == ".so":
        lines += ["", "(no symbols: the build cache has no object for this .so; pass the link work dir's program.o)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="program.o from the link work dir, or a .so the build cache made")
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args(argv)
    print(report(a.path, a.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
