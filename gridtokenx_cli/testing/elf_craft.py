"""Small helpers that craft relocatable eBPF objects for the relinker tests and read back its output.

Inputs are made with the LLVM 22 tools: BPF assembly (``llvm-mc``), tiny LLVM IR (``llc``) or, for
what neither can express (RELA sections, unknown or NODYLD32 relocation types, foreign machines),
``yaml2obj``.  The output reader (:class:`SbfSo`) relies only on the ELF file itself (pyelftools), never
on the relinker's internals, so the tests compare against independently derived values.
"""
from __future__ import annotations

import io
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

LLVM_BIN = Path("/usr/lib/llvm-22/bin")

R_BPF_64_64, R_BPF_64_RELATIVE, R_BPF_64_32 = 1, 8, 10


def llvm_tool(name: str) -> str:
    """Path of an LLVM 22 tool, or "" when it is not installed."""
    candidate = LLVM_BIN / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(f"{name}-22") or ""


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr}")


def assemble(tmp_path: Path, source: str, name: str = "prog") -> Path:
    """Assemble BPF assembly (``llvm-mc -triple=bpfel -mcpu=v2``) into ``tmp_path/name.o``."""
    src = tmp_path / f"{name}.s"
    obj = tmp_path / f"{name}.o"
    src.write_text(source)
    _run([llvm_tool("llvm-mc"), "-triple=bpfel", "-mcpu=v2", "-filetype=obj", str(src), "-o", str(obj)])
    return obj


def compile_ir(tmp_path: Path, ir: str, name: str = "prog", extra_args: tuple[str, ...] = ()) -> Path:
    """Compile LLVM IR with ``llc -march=bpfel -mcpu=v2 -relocation-model=pic`` into ``tmp_path/name.o``."""
    src = tmp_path / f"{name}.ll"
    obj = tmp_path / f"{name}.o"
    src.write_text(ir)
    _run([llvm_tool("llc"), "-march=bpfel", "-mcpu=v2", "-filetype=obj", "-relocation-model=pic", *extra_args,
          str(src), "-o", str(obj)])
    return obj


def yaml_object(tmp_path: Path, yaml: str, name: str = "prog") -> Path:
    """Build an object from a yaml2obj description into ``tmp_path/name.o``."""
    src = tmp_path / f"{name}.yaml"
    obj = tmp_path / f"{name}.o"
    src.write_text(yaml)
    _run([llvm_tool("yaml2obj"), str(src), "-o", str(obj)])
    return obj


# lddw r1, 0 ; r0 = 0 ; exit
YAML_TEXT = "18010000000000000000000000000000" "B700000000000000" "9500000000000000"


def bpf_yaml(*, machine: str = "EM_BPF", elf_type: str = "ET_REL", rel_type: str = "SHT_REL",
             rel_target: str = ".text", relocs: tuple[tuple[int, str, str], ...] = (),
             rodata_hex: str = "68690000") -> str:
    """yaml2obj text of a minimal object: ``.text`` (YAML_TEXT, global ``entrypoint``), ``.rodata``
    (local ``msg``), an undefined global ``sol_log_``, and one relocation section of ``rel_type`` for
    ``rel_target`` holding ``relocs`` = (offset, type name or number, symbol name)."""
    lines = [
        "--- !ELF",
        "FileHeader:",
        "  Class: ELFCLASS64",
        "  Data: ELFDATA2LSB",
        f"  Type: {elf_type}",
        f"  Machine: {machine}",
        "Sections:",
        "  - Name: .text",
        "    Type: SHT_PROGBITS",
        "    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]",
        "    AddressAlign: 0x8",
        f"    Content: {YAML_TEXT}",
        "  - Name: .rodata",
        "    Type: SHT_PROGBITS",
        "    Flags: [ SHF_ALLOC ]",
        "    AddressAlign: 0x8",
        f"    Content: '{rodata_hex}'",
    ]
    if relocs:
        prefix = ".rela" if rel_type == "SHT_RELA" else ".rel"
        lines += [
            f"  - Name: {prefix}{rel_target}",
            f"    Type: {rel_type}",
            "    Link: .symtab",
            f"    Info: {rel_target}",
            "    Relocations:",
        ]
        for offset, rtype, sym in relocs:
            lines += [f"      - Offset: {offset:#x}", f"        Symbol: {sym}", f"        Type: {rtype}"]
            if rel_type == "SHT_RELA":
                lines.append("        Addend: 0")
    lines += [
        "Symbols:",
        "  - Name: msg",
        "    Section: .rodata",
        "  - Name: entrypoint",
        "    Type: STT_FUNC",
        "    Section: .text",
        "    Binding: STB_GLOBAL",
        "  - Name: sol_log_",
        "    Binding: STB_GLOBAL",
        "",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Insn:
    opc: int
    regs: int
    off: int
    imm: int


@dataclass(frozen=True)
class DynReloc:
    offset: int
    type: int
    symbol: str  # "" for the null symbol


class SbfSo:
    """Read-only view of a relinked SBPF v0 shared object (virtual address == file offset)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.data = self.path.read_bytes()
        self.elf = ELFFile(io.BytesIO(self.data))

    def section(self, name: str):
        sec = self.elf.get_section_by_name(name)
        assert sec is not None, f"{self.path.name} has no {name} section"
        return sec

    @property
    def text_range(self) -> range:
        text = self.section(".text")
        return range(text["sh_addr"], text["sh_addr"] + text["sh_size"])

    def find(self, needle: bytes, *, in_text: bool = False) -> int:
        """Virtual address of the only occurrence of ``needle`` (in .text if ``in_text``)."""
        lo, hi = (self.text_range.start, self.text_range.stop) if in_text else (0, len(self.data))
        first = self.data.find(needle, lo, hi)
        assert first >= 0, f"{needle!r} not found"
        assert self.data.find(needle, first + 1, hi) < 0, f"{needle!r} occurs more than once"
        return first

    def insn(self, vaddr: int) -> Insn:
        assert vaddr in self.text_range and (vaddr - self.text_range.start) % 8 == 0, hex(vaddr)
        opc, regs, off, imm = struct.unpack_from("<BBhi", self.data, vaddr)
        return Insn(opc, regs, off, imm)

    def lddw_value(self, vaddr: int) -> int:
        """The 64-bit immediate of the lddw at ``vaddr`` (low half in the first slot, high in the second)."""
        assert self.data[vaddr] == 0x18, f"no lddw at {vaddr:#x}"
        lo = struct.unpack_from("<I", self.data, vaddr + 4)[0]
        hi = struct.unpack_from("<I", self.data, vaddr + 12)[0]
        return hi << 32 | lo

    def u32_pair(self, vaddr: int) -> tuple[int, int]:
        """(lower u32, upper u32) of the 8 bytes at ``vaddr``."""
        return struct.unpack_from("<II", self.data, vaddr)

    def dynsyms(self) -> list:
        return list(self.section(".dynsym").iter_symbols())

    def dyn_relocs(self) -> list[DynReloc]:
        rel = self.elf.get_section_by_name(".rel.dyn")
        if rel is None:
            return []
        syms = self.dynsyms()
        return [DynReloc(r["r_offset"], r["r_info_type"], syms[r["r_info_sym"]].name)
                for r in rel.iter_relocations()]

    def dynamic_tags(self) -> dict[str, int]:
        dyn = next(s for s in self.elf.iter_sections() if isinstance(s, DynamicSection))
        return {t.entry.d_tag: t.entry.d_val for t in dyn.iter_tags() if t.entry.d_tag != "DT_NULL"}

    def text_insns(self) -> list[tuple[int, Insn]]:
        """(vaddr, insn) of every instruction slot in .text, skipping the second half of each lddw."""
        out, vaddr = [], self.text_range.start
        while vaddr < self.text_range.stop:
            ins = self.insn(vaddr)
            out.append((vaddr, ins))
            vaddr += 16 if ins.opc == 0x18 else 8
        return out


#: A program exercising every relocation kind the relinker handles: lddw of a rodata string (R_BPF_64_64), a
#: pointer loaded from .data.rel.ro (R_BPF_64_ABS64), a .bss counter in the heap written by entrypoint and
#: bumped through callx, syscalls, a call into another section. It logs "relinked hello, world!", "world" and
#: the counter (42) through sol_log_64_.
E2E_PROGRAM_ASM = """\t.text
\t.globl helper
\t.type helper,@function
helper:
\tr1 = counter ll
\tr2 = *(u64 *)(r1 + 0)
\tr2 += 1
\t*(u64 *)(r1 + 0) = r2
\texit
\t.globl entrypoint
\t.type entrypoint,@function
entrypoint:
\tr1 = msg ll
\tr2 = 22
\tcall sol_log_
\tr6 = ptr ll
\tr1 = *(u64 *)(r6 + 0)
\tr2 = 5
\tcall sol_log_
\tr1 = counter ll
\tr2 = 41
\t*(u64 *)(r1 + 0) = r2
\tr3 = helper ll
\tcallx r3
\tcall logger
\tr0 = 0
\texit
\t.section .text.other,"ax",@progbits
\t.type logger,@function
logger:
\tr1 = counter ll
\tr1 = *(u64 *)(r1 + 0)
\tr2 = 0
\tr3 = 0
\tr4 = 0
\tr5 = 0
\tcall sol_log_64_
\texit
\t.section .rodata,"a",@progbits
msg:
\t.ascii "relinked hello, world!"
msg2:
\t.ascii "world"
\t.section .data.rel.ro,"a",@progbits
\t.p2align 3
ptr:
\t.quad msg2
\t.section .bss,"aw",@nobits
\t.p2align 3
counter:
\t.zero 8
"""


class SbfV3(SbfSo):
    """Read-only view of a relinked SBPF v3 program: two segments, rodata at vaddr 0 and bytecode at 1 << 32,
    each mapped from its file range (the strict loader's layout); addresses below are virtual addresses."""

    def __init__(self, path: Path):
        super().__init__(path)
        self.segments = [s for s in self.elf.iter_segments() if s["p_type"] == "PT_LOAD"]

    def _segment(self, vaddr: int):
        for seg in self.segments:
            if seg["p_vaddr"] <= vaddr < seg["p_vaddr"] + seg["p_memsz"]:
                return seg
        raise AssertionError(f"{vaddr:#x} is in no segment")

    def offset(self, vaddr: int) -> int:
        seg = self._segment(vaddr)
        return seg["p_offset"] + vaddr - seg["p_vaddr"]

    @property
    def text_range(self) -> range:
        seg = self.segments[-1]
        return range(seg["p_vaddr"], seg["p_vaddr"] + seg["p_memsz"])

    @property
    def rodata_range(self) -> range:
        seg = self.segments[0]
        return range(seg["p_vaddr"], seg["p_vaddr"] + seg["p_memsz"])

    def find(self, needle: bytes, *, in_text: bool = False) -> int:
        """Virtual address of the only occurrence of ``needle`` in the bytecode or the rodata segment."""
        seg = self.segments[-1] if in_text else self.segments[0]
        body = self.data[seg["p_offset"]:seg["p_offset"] + seg["p_filesz"]]
        first = body.find(needle)
        assert first >= 0, f"{needle!r} not found"
        assert body.find(needle, first + 1) < 0, f"{needle!r} occurs more than once"
        return seg["p_vaddr"] + first

    def insn(self, vaddr: int) -> Insn:
        assert vaddr in self.text_range and (vaddr - self.text_range.start) % 8 == 0, hex(vaddr)
        opc, regs, off, imm = struct.unpack_from("<BBhi", self.data, self.offset(vaddr))
        return Insn(opc, regs, off, imm)

    def u64(self, vaddr: int) -> int:
        return struct.unpack_from("<Q", self.data, self.offset(vaddr))[0]

    def lddw_value(self, vaddr: int) -> int:
        o = self.offset(vaddr)
        assert self.data[o] == 0x18, f"no lddw at {vaddr:#x}"
        return struct.unpack_from("<I", self.data, o + 12)[0] << 32 | struct.unpack_from("<I", self.data, o + 4)[0]
