"""Unit tests of the SBPF v0 relinker (gridtokenx_cli.toolchain.relink) on small crafted objects.

Every relocation kind the relinker handles and every construct it must reject has its own test.  Expected
addresses are found in the output by unique marker instructions / strings (virtual address == file
offset), not by re-deriving the relinker's layout.  One end-to-end test runs a relinked program in
LiteSVM, so the relocations are checked against the real SBPF v0 loader too.
"""
from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest


from gridtokenx_cli.testing.elf_craft import (  # noqa: E402
    R_BPF_64_32,
    R_BPF_64_64,
    R_BPF_64_RELATIVE,
    Insn,
    SbfSo,
    SbfV3,
    E2E_PROGRAM_ASM,
    assemble,
    bpf_yaml,
    compile_ir,
    llvm_tool,
    yaml_object,
)
from gridtokenx_cli.toolchain.relink import ALIASES, KNOWN_SYSCALLS, RelinkError, relink, syscall_hash  # noqa: E402

pytestmark = pytest.mark.skipif(not (llvm_tool("llvm-mc") and llvm_tool("llc") and llvm_tool("yaml2obj")),
                                reason="LLVM 22 tools (llvm-mc, llc, yaml2obj) not installed")

HEAP = "0x300000008:248"
HEAP_BASE = 0x300000008


def quiet(*_args) -> None:
    pass


def relink_to(obj: Path, out: Path | None = None, **kwargs) -> SbfSo:
    out = out or obj.with_suffix(".so")
    relink(obj, out, log=quiet, **kwargs)
    return SbfSo(out)


def relink_error(obj: Path, **kwargs) -> str:
    with pytest.raises(RelinkError) as info:
        relink(obj, obj.with_suffix(".so"), log=quiet, **kwargs)
    return str(info.value)


def mov(reg: int, imm: int) -> bytes:
    """Encoding of `rREG = IMM` (ALU64 MOV K): used as a unique marker in .text."""
    return struct.pack("<BBhi", 0xB7, reg, 0, imm)


def entry_asm(body: str, extra: str = "") -> str:
    """A global `entrypoint` running ``body`` then `r0 = 0; exit`, followed by ``extra``."""
    return ("\t.text\n\t.globl entrypoint\n\t.type entrypoint,@function\nentrypoint:\n"
            f"{body}\n\tr0 = 0\n\texit\n{extra}\n")


def input_relocs(obj: Path, section: str) -> list[tuple[int, int, str]]:
    """(offset, type, symbol) of the relocations for ``section`` in an input object."""
    from elftools.elf.elffile import ELFFile
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        rel = elf.get_section_by_name(".rel" + section)
        syms = elf.get_section(rel["sh_link"])
        out = []
        for r in rel.iter_relocations():
            sym = syms.get_symbol(r["r_info_sym"])
            name = elf.get_section(sym["st_shndx"]).name if sym["st_info"]["type"] == "STT_SECTION" else sym.name
            out.append((r["r_offset"], r["r_info_type"], name))
        return out


# --------------------------------------------------------------------------------------------------------
# R_BPF_64_64: lddw of a symbol
# --------------------------------------------------------------------------------------------------------

LDDW_SRC = entry_asm("\tr9 = 0x111\n\tr1 = msg+3 ll\n\tr9 = 0x112\n\tr2 = gmsg ll", """
\t.section .rodata,"a",@progbits
\t.ascii "MARKxx"
msg:
\t.ascii "local-string"
\t.globl gmsg
gmsg:
\t.ascii "GLOBAL-string"
""")


@pytest.mark.parametrize("mode,dyn_type", [("relative", R_BPF_64_RELATIVE), ("64_64", R_BPF_64_64)])
def test_lddw_of_rodata_symbol_gets_address_and_dynamic_reloc(tmp_path, mode, dyn_type):
    obj = assemble(tmp_path, LDDW_SRC)
    assert [t for _, t, _ in input_relocs(obj, ".text")] == [R_BPF_64_64, R_BPF_64_64]
    so = relink_to(obj, lddw_reloc=mode)

    local_lddw = so.find(mov(9, 0x111), in_text=True) + 8
    global_lddw = so.find(mov(9, 0x112), in_text=True) + 8
    # section-symbol relocation + implicit addend 3 (msg+3), and a global-symbol relocation
    assert so.lddw_value(local_lddw) == so.find(b"local-string") + 3
    assert so.lddw_value(global_lddw) == so.find(b"GLOBAL-string")
    assert so.lddw_value(global_lddw) < 1 << 32  # the v0 loader adds MM_PROGRAM_START itself
    relocs = so.dyn_relocs()
    assert sorted((r.offset, r.type, r.symbol) for r in relocs) == [
        (local_lddw, dyn_type, ""), (global_lddw, dyn_type, "")]


# --------------------------------------------------------------------------------------------------------
# R_BPF_64_ABS64: 64-bit pointers in read-only data
# --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("section", [".rodata.ptrs", ".data.rel.ro"])
@pytest.mark.parametrize("target,marker,addend", [("msg+2", b"pointee-string", 2), ("helper", mov(0, 0x7E1), 0)],
                         ids=["data-plus-addend", "function"])
def test_abs64_pointer_stores_target_in_upper_u32(tmp_path, section, target, marker, addend):
    src = entry_asm("", f"""
\t.globl helper
\t.type helper,@function
helper:
\tr0 = 0x7e1
\texit
\t.section .rodata,"a",@progbits
msg:
\t.ascii "pointee-string"
\t.section {section},"a",@progbits
\t.ascii "PTRMARK!"
\t.quad {target}
""")
    obj = assemble(tmp_path, src)
    assert [t for _, t, _ in input_relocs(obj, section)] == [2]  # R_BPF_64_ABS64
    so = relink_to(obj)
    slot = so.find(b"PTRMARK!") + 8
    lower, upper = so.u32_pair(slot)
    assert lower == 0
    assert upper == so.find(marker) + addend
    assert [(r.offset, r.type, r.symbol) for r in so.dyn_relocs()] == [(slot, R_BPF_64_RELATIVE, "")]


# --------------------------------------------------------------------------------------------------------
# R_BPF_64_32: calls
# --------------------------------------------------------------------------------------------------------

CALLS_SRC = entry_asm("""\tr9 = 0x101
\tcall helper
\tr9 = 0x102
\tcall lsame
\tr9 = 0x103
\tcall other
\tr9 = 0x104
\tcall lother""", """
\t.globl helper
\t.type helper,@function
helper:
\tr0 = 0x201
\texit
\t.type lsame,@function
lsame:
\tr0 = 0x202
\texit
\t.section .text.other,"ax",@progbits
\tr0 = 0x203
\texit
\t.globl other
\t.type other,@function
other:
\tr0 = 0x204
\texit
\t.type lother,@function
lother:
\tr0 = 0x205
\texit
""")


@pytest.fixture(scope="module")
def calls_so(tmp_path_factory) -> SbfSo:
    tmp = tmp_path_factory.mktemp("calls")
    obj = assemble(tmp, CALLS_SRC)
    # the four call flavours the relinker must handle: a global symbol in the same section, a local
    # call the assembler already resolved (no relocation, src=1), a global in another section, and a
    # local in another section (relocation against the section symbol, addend in imm)
    assert sorted(s for _, t, s in input_relocs(obj, ".text") if t == R_BPF_64_32) == [
        ".text.other", "helper", "other"]
    return relink_to(obj)


@pytest.mark.parametrize("marker,target", [(0x101, 0x201), (0x102, 0x202), (0x103, 0x204), (0x104, 0x205)],
                         ids=["global-same-section", "local-same-section", "global-other-section",
                              "local-other-section"])
def test_call_to_defined_function_is_pc_relative(calls_so, marker, target):
    call = calls_so.find(mov(9, marker), in_text=True) + 8
    dest = calls_so.find(mov(0, target), in_text=True)
    insn = calls_so.insn(call)
    assert insn.opc == 0x85
    assert insn.imm == (dest - (call + 8)) // 8
    assert insn.regs == 0  # src=1 (BPF_PSEUDO_CALL) cleared for SBPF v0
    assert calls_so.dyn_relocs() == []


def test_call_to_syscall_gets_dynamic_reloc_against_named_dynsym(tmp_path):
    src = entry_asm("\tr9 = 0x301\n\tcall sol_log_\n\tr9 = 0x302\n\tcall sol_log_\n\tr9 = 0x303\n\tcall sol_log_64_")
    so = relink_to(assemble(tmp_path, src))
    calls = [so.find(mov(9, m), in_text=True) + 8 for m in (0x301, 0x302, 0x303)]
    for call in calls:
        assert so.insn(call) == Insn(opc=0x85, regs=0, off=0, imm=-1)
    assert sorted((r.offset, r.type, r.symbol) for r in so.dyn_relocs()) == [
        (calls[0], R_BPF_64_32, "sol_log_"), (calls[1], R_BPF_64_32, "sol_log_"),
        (calls[2], R_BPF_64_32, "sol_log_64_")]
    syscalls = [s for s in so.dynsyms() if s.name.startswith("sol_")]
    assert sorted(s.name for s in syscalls) == ["sol_log_", "sol_log_64_"]  # one entry per name
    for sym in syscalls:
        assert sym["st_value"] == 0
        assert sym["st_shndx"] == "SHN_UNDEF"
        assert sym["st_info"]["bind"] == "STB_GLOBAL"


@pytest.mark.parametrize("alias,syscall", sorted(ALIASES.items()))
def test_call_to_alias_is_redirected_to_syscall(tmp_path, alias, syscall):
    so = relink_to(assemble(tmp_path, entry_asm(f"\tr9 = 0x401\n\tcall {alias}")))
    call = so.find(mov(9, 0x401), in_text=True) + 8
    assert so.insn(call).imm == -1
    assert [(r.offset, r.type, r.symbol) for r in so.dyn_relocs()] == [(call, R_BPF_64_32, syscall)]
    assert alias not in {s.name for s in so.dynsyms()}


def test_every_known_syscall_is_accepted(tmp_path):
    body = "\n".join(f"\tcall {name}" for name in sorted(KNOWN_SYSCALLS))
    obj = assemble(tmp_path, entry_asm(body))
    summary = relink(obj, tmp_path / "all.so", log=quiet)
    so = SbfSo(tmp_path / "all.so")
    assert summary["syscalls"] == sorted(KNOWN_SYSCALLS)
    assert {r.symbol for r in so.dyn_relocs()} == KNOWN_SYSCALLS
    assert len(so.dyn_relocs()) == len(KNOWN_SYSCALLS)


@pytest.mark.parametrize("source,expected", [
    ("\tcallx r3", 3),                                    # LLVM puts the register in dst
    ("\t.byte 0x8d, 0x50, 0, 0, 0, 0, 0, 0", 5),          # register in src
], ids=["dst-reg", "src-reg"])
def test_callx_register_is_moved_into_imm(tmp_path, source, expected):
    so = relink_to(assemble(tmp_path, entry_asm(f"\tr9 = 0x501\n{source}")))
    insn = so.insn(so.find(mov(9, 0x501), in_text=True) + 8)
    assert (insn.opc, insn.regs, insn.imm) == (0x8D, 0, expected)


# --------------------------------------------------------------------------------------------------------
# --bss-heap
# --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("zero_section", ['.bss,"aw",@nobits', '.data,"aw",@progbits'])
def test_bss_heap_places_zeroed_data_at_absolute_heap_address(tmp_path, zero_section):
    src = entry_asm("\tr9 = 0x601\n\tr1 = counter ll\n\tr9 = 0x602\n\tr1 = buf+16 ll", f"""
\t.section {zero_section}
\t.p2align 3
counter:
\t.zero 8
buf:
\t.zero 32
\t.section .data.rel.ro,"a",@progbits
\t.ascii "HEAPPTR!"
\t.quad buf+8
""")
    notes = []
    relink(assemble(tmp_path, src), tmp_path / "heap.so", bss_heap=HEAP, log=notes.append)
    so = SbfSo(tmp_path / "heap.so")
    assert so.lddw_value(so.find(mov(9, 0x601), in_text=True) + 8) == HEAP_BASE
    assert so.lddw_value(so.find(mov(9, 0x602), in_text=True) + 8) == HEAP_BASE + 8 + 16
    ptr = so.find(b"HEAPPTR!") + 8
    assert struct.unpack_from("<Q", so.data, ptr)[0] == HEAP_BASE + 8 + 8
    assert so.dyn_relocs() == []  # absolute heap addresses need no load-time relocation
    assert any("40 bytes" in n and hex(HEAP_BASE) in n for n in notes), notes


@pytest.mark.parametrize("size,fits", [(248, True), (256, False)])
def test_bss_heap_reservation_limit(tmp_path, size, fits):
    src = entry_asm("\tr1 = big_buf ll", f'\t.section .bss,"aw",@nobits\n\t.globl big_buf\nbig_buf:\n\t.zero {size}\n')
    obj = assemble(tmp_path, src)
    if fits:
        assert relink_to(obj, bss_heap=HEAP).dyn_relocs() == []
    else:
        msg = relink_error(obj, bss_heap=HEAP)
        assert "big_buf" in msg
        assert "256 bytes" in msg and "248 bytes" in msg


# --------------------------------------------------------------------------------------------------------
# rejected: writable data
# --------------------------------------------------------------------------------------------------------

NONZERO_DATA = entry_asm("\tr1 = state ll", '\t.section .data,"aw",@progbits\n\t.globl state\n\t.p2align 3\n'
                                            'state:\n\t.quad 5\n')


@pytest.mark.parametrize("heap", [None, HEAP])
def test_nonzero_writable_data_is_rejected_naming_symbol(tmp_path, heap):
    msg = relink_error(assemble(tmp_path, NONZERO_DATA), bss_heap=heap)
    assert "state" in msg
    assert "writable" in msg


def test_nonzero_writable_data_with_rust_name_is_demangled(tmp_path):
    ir = ("@_ZN7program5STATE17h0123456789abcdefE = global i64 5, align 8\n"
          "define i64 @entrypoint(ptr %x) {\n"
          "  %v = load i64, ptr @_ZN7program5STATE17h0123456789abcdefE\n  ret i64 %v\n}\n")
    msg = relink_error(compile_ir(tmp_path, ir))
    assert "program::STATE" in msg
    assert "_ZN7program5STATE17h0123456789abcdefE" in msg


def test_bss_without_heap_is_rejected_naming_symbol(tmp_path):
    src = entry_asm("\tr1 = zeroed ll", '\t.section .bss,"aw",@nobits\n\t.globl zeroed\nzeroed:\n\t.zero 8\n')
    assert "zeroed" in relink_error(assemble(tmp_path, src))


def test_allow_writable_folds_data_into_rodata(tmp_path):
    so = relink_to(assemble(tmp_path, NONZERO_DATA), allow_writable=True)
    rodata = so.section(".rodata")
    assert rodata.data()[:8] == struct.pack("<Q", 5)
    lddw = so.text_range.start
    assert so.lddw_value(lddw) == rodata["sh_addr"]
    assert [(r.offset, r.type) for r in so.dyn_relocs()] == [(lddw, R_BPF_64_RELATIVE)]


# --------------------------------------------------------------------------------------------------------
# rejected: stack frames over 4 KiB (.stack_sizes)
# --------------------------------------------------------------------------------------------------------

def stack_ir(frame: int, linkage: str) -> str:
    return (f"declare void @sol_log_(ptr, i64)\n"
            f"define {linkage} void @big_frame() noinline {{\n"
            f"  %a = alloca [{frame} x i8], align 8\n"
            f"  call void @sol_log_(ptr %a, i64 1)\n  ret void\n}}\n"
            f"define i64 @entrypoint(ptr %x) {{\n  call void @big_frame()\n  ret i64 0\n}}\n")


def stack_object(tmp_path: Path, frame: int, linkage: str = "") -> Path:
    obj = compile_ir(tmp_path, stack_ir(frame, linkage), extra_args=("-stack-size-section", "-bpf-stack-size=65536"))
    # the input really records that frame size (so the boundary case below is the boundary)
    sizes = subprocess.run([llvm_tool("llvm-readelf"), "--stack-sizes", str(obj)], capture_output=True,
                           text=True, check=True).stdout
    assert any(line.split() == [str(frame), "big_frame"] for line in sizes.splitlines()), sizes
    return obj


@pytest.mark.parametrize("linkage", ["", "internal"], ids=["global", "static"])
def test_stack_frame_over_4096_is_rejected_naming_function(tmp_path, linkage):
    msg = relink_error(stack_object(tmp_path, 5000, linkage))
    assert "big_frame uses 5000 bytes" in msg
    assert "4096" in msg


def test_stack_frame_of_exactly_4096_passes(tmp_path):
    so = relink_to(stack_object(tmp_path, 4096))
    assert so.elf["e_type"] == "ET_DYN"


def test_max_frame_is_configurable(tmp_path):
    obj = stack_object(tmp_path, 5000)
    assert relink_to(obj, max_frame=8192).elf["e_type"] == "ET_DYN"
    assert "big_frame uses 5000 bytes" in relink_error(obj, max_frame=4999)


# --------------------------------------------------------------------------------------------------------
# rejected: undefined symbols
# --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,shown", [("not_a_syscall", "not_a_syscall"),
                                        ("_ZN4core9panicking5panic17h0123456789abcdefE", "core::panicking::panic")])
def test_call_to_undefined_non_syscall_is_rejected_naming_it(tmp_path, name, shown):
    msg = relink_error(assemble(tmp_path, entry_asm(f"\tcall sol_log_\n\tcall {name}")))
    assert shown in msg
    assert "sol_log_" not in msg  # only the offending symbol is listed


def test_lddw_of_undefined_symbol_is_rejected_naming_it(tmp_path):
    assert "missing_sym" in relink_error(assemble(tmp_path, entry_asm("\tr1 = missing_sym ll")))


def test_data_pointer_to_undefined_symbol_is_rejected_naming_it(tmp_path):
    src = entry_asm("", '\t.section .rodata,"a",@progbits\n\t.quad missing_data\n')
    assert "missing_data" in relink_error(assemble(tmp_path, src))


# --------------------------------------------------------------------------------------------------------
# rejected: opcodes SBPF v0 does not implement
# --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("insn,expected", [
    ("if w1 > 3 goto +0", "JMP32 opcode 0x26"),
    ("lock *(u64 *)(r1 + 0) += r2", "atomic opcode 0xdb"),
    ("lock *(u32 *)(r1 + 0) += w2", "atomic opcode 0xc3"),
    ("gotox r1", "gotox / gotol 0xd"),
    ("gotol +0", "gotox / gotol 0x6"),
    ("r1 s/= r2", "cpu v4 opcode 0x3f"),
    ("r1 = (s8)r2", "cpu v4 opcode 0xbf"),
    ("r1 = bswap16 r1", "cpu v4 opcode 0xd7"),
    ("r1 = *(s8 *)(r2 + 0)", "ldsx 0x91"),
])
def test_unsupported_opcode_is_rejected_with_index(tmp_path, insn, expected):
    # the lddw before it occupies two slots, so the offending instruction is insn 2
    msg = relink_error(assemble(tmp_path, entry_asm(f"\tr1 = 0 ll\n\t{insn}")))
    assert f"1 instruction(s) not supported by SBPF v0: insn 2: {expected}" in msg


def test_v2_opcodes_with_the_same_numbers_pass(tmp_path):
    # unsigned div (0x3f, off 0), plain mov (0xbf, off 0), JMP-class compare, ALU32, byte swap le/be
    body = "\tr1 /= r2\n\tr1 = r2\n\tif r1 > 3 goto +0\n\tw1 += 1\n\tr1 = be16 r1\n\tr1 = *(u8 *)(r2 + 0)"
    so = relink_to(assemble(tmp_path, entry_asm(body)))
    assert [i.opc for _, i in so.text_insns()] == [0x3F, 0xBF, 0x25, 0x04, 0xDC, 0x71, 0xB7, 0x95]


# --------------------------------------------------------------------------------------------------------
# rejected / ignored relocations (yaml2obj where assembly cannot express them)
# --------------------------------------------------------------------------------------------------------

def test_yaml_template_control_relinks(tmp_path):
    """The yaml2obj template itself is a valid input: the negative cases below differ only in one field."""
    so = relink_to(yaml_object(tmp_path, bpf_yaml(relocs=((0, "R_BPF_64_64", "msg"),))))
    assert so.lddw_value(so.text_range.start) == so.section(".rodata")["sh_addr"]


def test_rela_relocations_are_rejected(tmp_path):
    obj = yaml_object(tmp_path, bpf_yaml(rel_type="SHT_RELA", relocs=((0, "R_BPF_64_64", "msg"),)))
    assert "RELA" in relink_error(obj)


def test_unknown_relocation_type_is_rejected_naming_symbol(tmp_path):
    msg = relink_error(yaml_object(tmp_path, bpf_yaml(relocs=((0, "0x7f", "msg"),))))
    assert "unknown relocation type 127" in msg
    assert "(msg)" in msg


def test_abs32_in_allocatable_section_is_rejected(tmp_path):
    obj = assemble(tmp_path, entry_asm("", '\t.section .rodata,"a",@progbits\n\t.long entrypoint\n'))
    assert [t for _, t, _ in input_relocs(obj, ".rodata")] == [3]  # R_BPF_64_ABS32
    msg = relink_error(obj)
    assert "32-bit absolute relocation type 3" in msg
    assert "(entrypoint)" in msg


def test_nodyld32_in_allocatable_section_is_rejected(tmp_path):
    obj = yaml_object(tmp_path, bpf_yaml(rel_target=".rodata", relocs=((0, "R_BPF_64_NODYLD32", "entrypoint"),)))
    msg = relink_error(obj)
    assert "32-bit absolute relocation type 4" in msg
    assert "(entrypoint)" in msg


def test_abs32_in_debug_section_is_ignored(tmp_path):
    obj = assemble(tmp_path, entry_asm("", '\t.section .debug_info,"",@progbits\n\t.long entrypoint\n'))
    assert [t for _, t, _ in input_relocs(obj, ".debug_info")] == [3]
    so = relink_to(obj)
    assert so.elf.get_section_by_name(".debug_info") is None
    assert so.dyn_relocs() == []


def test_r_bpf_64_32_on_non_call_is_rejected(tmp_path):
    # offset 16 is `r0 = 0` (0xb7)
    msg = relink_error(yaml_object(tmp_path, bpf_yaml(relocs=((16, "R_BPF_64_32", "sol_log_"),))))
    assert "non-call opcode 0xb7" in msg


# --------------------------------------------------------------------------------------------------------
# rejected inputs
# --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    entry_asm("").replace("entrypoint", "main"),                   # no such symbol
    entry_asm("").replace("\t.globl entrypoint\n", ""),            # entrypoint is local
], ids=["absent", "local"])
def test_missing_entry_symbol_is_rejected(tmp_path, source):
    assert "entry symbol entrypoint not found" in relink_error(assemble(tmp_path, source))


def test_custom_entry_name(tmp_path):
    src = ("\t.text\nhelper:\n\tr0 = 1\n\texit\n\t.globl main\n\t.type main,@function\nmain:\n"
           "\tr0 = 0x77\n\texit\n")
    so = relink_to(assemble(tmp_path, src), entry_name="main")
    assert so.elf["e_entry"] == so.find(mov(0, 0x77), in_text=True)
    assert [(s.name, s["st_value"]) for s in so.dynsyms() if s.name] == [("main", so.elf["e_entry"])]


def test_non_bpf_object_is_rejected(tmp_path):
    msg = relink_error(yaml_object(tmp_path, bpf_yaml(machine="EM_X86_64")))
    assert "not a BPF object" in msg
    assert "EM_X86_64" in msg


def test_shared_object_input_is_rejected(tmp_path):
    so = relink_to(assemble(tmp_path, entry_asm("")))
    assert so.elf["e_type"] == "ET_DYN"
    msg = relink_error(so.path)
    assert "relocatable" in msg
    assert "ET_DYN" in msg


# --------------------------------------------------------------------------------------------------------
# output format, end to end, determinism
# --------------------------------------------------------------------------------------------------------



@pytest.fixture(scope="module")
def e2e_obj(tmp_path_factory) -> Path:
    return assemble(tmp_path_factory.mktemp("e2e"), E2E_PROGRAM_ASM)


def test_output_is_a_well_formed_sbpf_v0_shared_object(e2e_obj, tmp_path):
    so = relink_to(e2e_obj, tmp_path / "out.so", bss_heap=HEAP)
    elf = so.elf
    assert so.data[:4] == b"\x7fELF" and elf.elfclass == 64 and elf.little_endian
    assert elf["e_machine"] == "EM_BPF" and struct.unpack_from("<H", so.data, 18)[0] == 247
    assert elf["e_type"] == "ET_DYN"
    # entrypoint is the second function in .text: its first instruction is `r1 = msg ll`
    entry = elf["e_entry"]
    assert entry != so.text_range.start and entry in so.text_range
    assert so.insn(entry).opc == 0x18 and so.lddw_value(entry) == so.find(b"relinked hello")

    segs = list(elf.iter_segments())
    loads = [s for s in segs if s["p_type"] == "PT_LOAD"]
    assert [s["p_vaddr"] for s in loads] == sorted(s["p_vaddr"] for s in loads)
    for seg in segs:
        assert seg["p_offset"] == seg["p_vaddr"]
        assert seg["p_filesz"] == seg["p_memsz"]
        assert seg["p_offset"] + seg["p_filesz"] <= len(so.data)
    text = so.section(".text")
    assert (loads[0]["p_vaddr"], loads[0]["p_filesz"]) == (text["sh_addr"], text["sh_size"])
    assert loads[0]["p_flags"] == 5  # R+X
    for sec in elf.iter_sections():
        if sec["sh_flags"] & 2:  # SHF_ALLOC: mapped where it lies in the file, inside a PT_LOAD
            assert sec["sh_addr"] == sec["sh_offset"], sec.name
            assert any(seg["p_vaddr"] <= sec["sh_addr"] and sec["sh_addr"] + sec["sh_size"]
                       <= seg["p_vaddr"] + seg["p_memsz"] for seg in loads), sec.name
    dynamic = so.section(".dynamic")
    (pt_dynamic,) = [s for s in segs if s["p_type"] == "PT_DYNAMIC"]
    assert (pt_dynamic["p_vaddr"], pt_dynamic["p_filesz"]) == (dynamic["sh_addr"], dynamic["sh_size"])

    tags = so.dynamic_tags()
    rel = so.section(".rel.dyn")
    assert tags["DT_REL"] == rel["sh_addr"] and tags["DT_RELSZ"] == rel["sh_size"] and tags["DT_RELENT"] == 16
    assert tags["DT_SYMTAB"] == so.section(".dynsym")["sh_addr"]
    assert tags["DT_STRTAB"] == so.section(".dynstr")["sh_addr"]
    assert tags["DT_STRSZ"] == so.section(".dynstr")["sh_size"]
    offsets = [r.offset for r in so.dyn_relocs()]
    assert len(offsets) == 7 and offsets == sorted(offsets)
    # 6 in .text (3 lddw, 3 syscall calls), then the pointer slot in .rodata
    assert all(o in so.text_range for o in offsets[:-1]) and offsets[-1] not in so.text_range

    (ep,) = [s for s in so.dynsyms() if s.name == "entrypoint"]
    assert ep["st_value"] == entry
    assert (ep["st_info"]["type"], ep["st_info"]["bind"]) == ("STT_FUNC", "STB_GLOBAL")
    assert {s.name for s in so.dynsyms()} == {"", "entrypoint", "sol_log_", "sol_log_64_"}

    # an independent reader accepts it without complaint
    readelf = subprocess.run([llvm_tool("llvm-readelf"), "-a", str(so.path)], capture_output=True, text=True)
    assert readelf.returncode == 0 and "warning" not in readelf.stderr.lower(), readelf.stderr


@pytest.mark.parametrize("mode", ["relative", "64_64"])
def test_relinked_program_runs_in_litesvm(e2e_obj, tmp_path, mode):
    from solders.instruction import Instruction
    from solders.pubkey import Pubkey

    from gridtokenx_cli.testing.svm_lite import funded_keypair, is_ok, logs, new_svm, send

    so = relink_to(e2e_obj, tmp_path / f"e2e-{mode}.so", lddw_reloc=mode, bss_heap=HEAP)
    program_id = Pubkey.from_bytes(bytes([7] * 32))
    svm = new_svm({program_id: so.data})
    res = send(svm, Instruction(program_id, b"", []), funded_keypair(svm))
    out = logs(res)
    assert is_ok(res), out
    # lddw of a rodata string (R_BPF_64_64), a pointer loaded from .data.rel.ro (R_BPF_64_ABS64),
    # a .bss counter in the heap written by entrypoint, bumped through callx, logged from another section
    assert "Program log: relinked hello, world!" in out
    assert "Program log: world" in out
    assert "Program log: 0x2a, 0x0, 0x0, 0x0, 0x0" in out


def test_relinking_is_deterministic(e2e_obj, tmp_path):
    first = relink_to(e2e_obj, tmp_path / "one.so", bss_heap=HEAP).data
    second = relink_to(e2e_obj, tmp_path / "two.so", bss_heap=HEAP).data
    copy = assemble(tmp_path, E2E_PROGRAM_ASM, name="copy")
    third = relink_to(copy, tmp_path / "three.so", bss_heap=HEAP).data
    assert first == second == third


def test_summary_matches_output(e2e_obj, tmp_path):
    out = tmp_path / "sum.so"
    summary = relink(e2e_obj, out, bss_heap=HEAP, log=quiet)
    so = SbfSo(out)
    assert summary["output"] == str(out)
    assert summary["size"] == len(so.data)
    assert summary["text"] == so.section(".text")["sh_size"] == 8 * summary["insns"]
    assert summary["rodata"] == so.section(".rodata")["sh_size"]
    assert summary["dyn_relocs"] == len(so.dyn_relocs())
    assert summary["syscalls"] == ["sol_log_", "sol_log_64_"]


# --------------------------------------------------------------------------------------------------------
# regressions: bugs found by these tests and fixed in relink.py
# --------------------------------------------------------------------------------------------------------

def test_zero_bytes_data_holding_a_pointer_is_rejected_with_heap(tmp_path):
    ir = ("@counter = internal global i64 0, align 8\n@p = global ptr @counter, align 8\n"
          "define i64 @entrypoint(ptr %x) {\n  %q = load ptr, ptr @p\n  store i64 1, ptr %q\n  ret i64 0\n}\n")
    obj = compile_ir(tmp_path, ir)
    assert [(t, s) for _, t, s in input_relocs(obj, ".data")] == [(2, ".bss")]
    msg = relink_error(obj, bss_heap=HEAP)
    assert re.search(r"\bp\b", msg), msg


def test_common_symbol_is_rejected_naming_it(tmp_path):
    ir = ("@c = common global i64 0, align 8\n"
          "define i64 @entrypoint(ptr %x) {\n  store i64 1, ptr @c\n  ret i64 0\n}\n")
    msg = relink_error(compile_ir(tmp_path, ir))
    assert re.search(r"\bc\b", msg), msg


def test_text_alignment_padding_is_valid_code(tmp_path):
    ir = ("define i64 @entrypoint(ptr %x) {\n  %r = call i64 @aligned(i64 1)\n  ret i64 %r\n}\n"
          "define i64 @aligned(i64 %a) noinline align 16 {\n  %b = add i64 %a, 1\n  ret i64 %b\n}\n")
    so = relink_to(compile_ir(tmp_path, ir, extra_args=("-function-sections",)))
    opcodes = [insn.opc for _, insn in so.text_insns()]
    assert 0 not in opcodes, opcodes

    from solders.instruction import Instruction
    from solders.pubkey import Pubkey

    from gridtokenx_cli.testing.svm_lite import custom_error_code, funded_keypair, new_svm, send
    program_id = Pubkey.from_bytes(bytes([7] * 32))
    svm = new_svm({program_id: so.data})
    # the program loads and runs: entrypoint returns aligned(1) == 2, which the runtime reports as error 2
    assert custom_error_code(send(svm, Instruction(program_id, b"", []), funded_keypair(svm))) == 2


# --------------------------------------------------------------------------------------------------------
# SBPF v3 output (sbpf_version=3): what solana-sbpf's strict parser and the v3 instruction set require
# --------------------------------------------------------------------------------------------------------

def relink_v3(obj: Path, out: Path | None = None, **kwargs) -> SbfV3:
    out = out or obj.with_suffix(".v3.so")
    relink(obj, out, log=quiet, sbpf_version=3, **kwargs)
    return SbfV3(out)


@pytest.mark.parametrize("name,expected", [("abort", 0xB6FC1A11), ("sol_panic_", 0x686093BB),
                                           ("sol_log_", 0x207559BD), ("sol_memcpy_", 0x717CC4A3),
                                           ("", 0), ("a", 0x3C2569B2), ("abcd", 0x43ED676A)])
def test_syscall_hash_is_murmur3_32(name, expected):
    # published syscall ids, and MurmurHash3 x86_32 reference values (seed 0) for the 0/1/4-byte tails
    assert syscall_hash(name) == expected


def test_v3_output_has_the_strict_layout(e2e_obj, tmp_path):
    so = relink_v3(e2e_obj, bss_heap=HEAP)
    elf, data = so.elf, so.data
    assert data[:16] == b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # 64-bit, LE, version 1, OSABI none
    e_flags, e_ehsize, e_phentsize, e_phnum = struct.unpack_from("<IHHH", data, 48)
    assert (elf["e_machine"], e_flags, elf["e_phoff"], e_ehsize, e_phentsize) == ("EM_BPF", 3, 64, 64, 56)
    assert e_phnum == 2 and elf["e_version"] == "EV_CURRENT"
    ro, text = so.segments
    # PF_R rodata at vaddr 0 right after the program headers, then PF_X bytecode at 1<<32, back to back
    assert (ro["p_flags"], ro["p_vaddr"], ro["p_paddr"], ro["p_offset"]) == (4, 0, 0, 64 + 2 * 56)
    assert (text["p_flags"], text["p_vaddr"], text["p_paddr"]) == (1, 1 << 32, 1 << 32)
    assert text["p_offset"] == ro["p_offset"] + ro["p_filesz"]
    for seg in (ro, text):
        assert seg["p_filesz"] == seg["p_memsz"] and seg["p_filesz"] % 8 == 0 and seg["p_offset"] % 8 == 0
        assert seg["p_offset"] + seg["p_filesz"] <= len(data)
    assert elf["e_entry"] in so.text_range and elf["e_entry"] % 8 == 0
    assert so.insn(elf["e_entry"]).opc == 0x18 and so.lddw_value(elf["e_entry"]) == so.find(b"relinked hello")
    # nothing for a loader to patch: no dynamic section, symbols or relocations
    assert {s.name for s in elf.iter_sections()} == {"", ".text", ".rodata", ".shstrtab"}
    assert [s["p_type"] for s in elf.iter_segments()] == ["PT_LOAD", "PT_LOAD"]
    assert so.data[ro["p_offset"]:ro["p_offset"] + 8] == bytes(8)  # no object at address 0 (null)
    readelf = subprocess.run([llvm_tool("llvm-readelf"), "-a", str(so.path)], capture_output=True, text=True)
    assert readelf.returncode == 0 and "warning" not in readelf.stderr.lower(), readelf.stderr


def test_v3_addresses_are_final(e2e_obj, tmp_path):
    so = relink_v3(e2e_obj, bss_heap=HEAP)
    values = [so.lddw_value(v) for v, i in so.text_insns() if i.opc == 0x18]
    msg, msg2 = so.find(b"relinked hello"), so.find(b"!world") + 1  # "world" follows "relinked hello, world!"
    assert msg in values and HEAP_BASE in values  # a rodata string, the .bss counter in the heap
    assert 0 < msg < msg2 < 1 << 32
    # `r6 = ptr ll`: the .data.rel.ro slot holds msg2's final 64-bit address (v0 left that to the loader)
    (slot,) = [v for v in values if v in so.rodata_range and v not in (msg,)]
    assert so.u64(slot) == msg2
    # `r3 = helper ll`: a function's address is 1<<32 + its offset in the bytecode
    (fn,) = [v for v in values if v in so.text_range]
    assert so.insn(fn).opc not in (0, 0x05)


def test_v3_syscalls_are_static_and_internal_calls_pc_relative(calls_so, tmp_path):
    so = relink_v3(assemble(tmp_path, CALLS_SRC))
    for marker, target in [(0x101, 0x201), (0x102, 0x202), (0x103, 0x204), (0x104, 0x205)]:
        call = so.find(mov(9, marker), in_text=True) + 8
        dest = so.find(mov(0, target), in_text=True)
        insn = so.insn(call)
        assert (insn.opc, insn.regs, insn.imm) == (0x85, 0x10, (dest - (call + 8)) // 8)  # src = 1: internal
    src = entry_asm("\tr9 = 0x301\n\tcall sol_log_\n\tr9 = 0x302\n\tcall memcpy\n\tr9 = 0x303\n\tcall abort")
    so = relink_v3(assemble(tmp_path, src, name="sys"))
    for marker, name in [(0x301, "sol_log_"), (0x302, "sol_memcpy_"), (0x303, "abort")]:
        insn = so.insn(so.find(mov(9, marker), in_text=True) + 8)
        assert (insn.opc, insn.regs, insn.imm & 0xFFFFFFFF) == (0x85, 0, syscall_hash(name))


@pytest.mark.parametrize("source,expected", [("\tcallx r3", 3), ("\t.byte 0x8d, 0x50, 0, 0, 0, 0, 0, 0", 5),
                                             ("\t.byte 0x8d, 0, 0, 0, 7, 0, 0, 0", 7)],
                         ids=["dst-reg", "src-reg", "imm"])
def test_v3_callx_names_its_register_in_dst(tmp_path, source, expected):
    so = relink_v3(assemble(tmp_path, entry_asm(f"\tr9 = 0x501\n{source}")))
    insn = so.insn(so.find(mov(9, 0x501), in_text=True) + 8)
    assert (insn.opc, insn.regs, insn.imm) == (0x8D, expected, 0)


def test_v3_allows_jmp32_which_v0_refuses(tmp_path):
    obj = assemble(tmp_path, entry_asm("\tr1 = 0 ll\n\tif w1 > 3 goto +0"))
    assert "insn 2: JMP32 opcode 0x26" in relink_error(obj)
    assert [i.opc for _, i in relink_v3(obj).text_insns()] == [0x18, 0x26, 0xB7, 0x95]


@pytest.mark.parametrize("version", [0, 3])
@pytest.mark.parametrize("insn,opcode", [("r10 = 1", 0xB7), ("r10 += 8", 0x07), ("r10 = *(u64 *)(r1 + 0)", 0x79)])
def test_writing_r10_is_refused(tmp_path, version, insn, opcode):
    msg = relink_error(assemble(tmp_path, entry_asm(f"\tr1 = 0 ll\n\t{insn}")), sbpf_version=version)
    assert f"not supported by SBPF v{version}: insn 2: r10 as destination of opcode {opcode:#x}" in msg


def test_v3_storing_through_r10_passes(tmp_path):
    so = relink_v3(assemble(tmp_path, entry_asm("\t*(u64 *)(r10 - 8) = r1\n\t*(u64 *)(r10 - 16) = 3")))
    assert [i.opc for _, i in so.text_insns()][:2] == [0x7B, 0x7A]


def test_v3_rejects_what_v0_rejects(tmp_path):
    assert "missing_sym" in relink_error(assemble(tmp_path, entry_asm("\tr1 = missing_sym ll")), sbpf_version=3)
    assert "state" in relink_error(assemble(tmp_path, NONZERO_DATA, name="nz"), sbpf_version=3, bss_heap=HEAP)
    msg = relink_error(assemble(tmp_path, entry_asm("\tcall not_a_syscall"), name="ns"), sbpf_version=3)
    assert "not_a_syscall" in msg


def test_unknown_sbpf_version_is_refused(e2e_obj, tmp_path):
    with pytest.raises(RelinkError, match="SBPF version 2 is not produced here"):
        relink(e2e_obj, tmp_path / "v2.so", log=quiet, sbpf_version=2)


def test_v3_relinking_is_deterministic_and_differs_from_v0(e2e_obj, tmp_path):
    one = relink_v3(e2e_obj, tmp_path / "a.so", bss_heap=HEAP).data
    two = relink_v3(e2e_obj, tmp_path / "b.so", bss_heap=HEAP).data
    v0 = relink_to(e2e_obj, tmp_path / "c.so", bss_heap=HEAP).data
    assert one == two != v0
    summary = relink(e2e_obj, tmp_path / "d.so", bss_heap=HEAP, log=quiet, sbpf_version=3)
    assert (summary["sbpf_version"], summary["dyn_relocs"], summary["size"]) == (3, 0, len(one))
    assert summary["syscalls"] == ["sol_log_", "sol_log_64_"]
