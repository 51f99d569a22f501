#!/usr/bin/env python3
"""sbf_relink.py - turn ONE relocatable eBPF object (EM_BPF, ET_REL, as produced by
upstream LLVM `llc -march=bpfel`) into a Solana SBPF v3 program (default) or an SBPF v0 ("legacy") shared object.

SBPF v3 (SIMD-0178 static syscalls, SIMD-0189 stricter ELF headers, SIMD-0377; solana-sbpf's strict parser):
    ELF header (e_flags 3) | 2 PHDRs | rodata segment (PF_R, vaddr 0) | bytecode segment (PF_X, vaddr 1<<32)
    | .shstrtab | SHDRs
  no dynamic section and no load-time relocation: every address is final (rodata at 0 + offset, functions at
  1<<32 + offset; the rodata segment starts with 8 zero bytes so no object sits at address 0), syscalls are
  `call` with src 0 and imm = murmur3-32 of the name, internal calls `call` with src 1 and a pc-relative imm,
  `callx` names its register in dst.

SBPF v0 layout (virtual address == file offset, as the v0 loader expects):
    ELF header | PHDRs | .text | .rodata | .dynamic | .dynsym | .dynstr | .rel.dyn | .shstrtab | SHDRs

Relocation handling (input REL with implicit addends):
  R_BPF_64_64 (1)     lddw rX, sym+A   -> vaddr written into both imm halves,
                                          dynamic R_BPF_64_RELATIVE (default) or R_BPF_64_64 vs. null sym
  R_BPF_64_ABS64 (2)  64-bit pointer in rodata/.data.rel.ro -> dynamic R_BPF_64_RELATIVE,
                                          target vaddr stored in the *upper* u32 (what the v0 loader reads)
  R_BPF_64_32 (10)    call imm: defined function -> resolved here to a pc-relative imm (no dyn reloc);
                                undefined symbol -> imm = -1 + dynamic R_BPF_64_32 against a dynsym
                                entry (st_value 0 = syscall, loader hashes the name with murmur3)
  R_BPF_64_NODYLD32/ABS32 in non-alloc (debug/BTF) sections are ignored.
Also: `callx` register moved from the dst/src field into imm (SBPF v0 encoding),
      and a scan for opcodes SBPF v0 does not implement (JMP32, atomics, v4 sdiv/movsx/ldsx, gotox).
Both versions: an instruction other than a store that names r10 as destination is refused (the verifier would).
Rejected, with the offending symbol named: writable statics with non-zero initial values (SBPF v0 maps
no writable program data), stack frames over 4 KiB (read from .stack_sizes, which sbf-llc emits), and
calls to undefined symbols that are neither syscalls nor aliases of one.
"""
import argparse
import shutil
import struct
import subprocess
import sys
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection
from elftools.elf.relocation import RelocationSection

R_BPF_64_64, R_BPF_64_ABS64, R_BPF_64_ABS32, R_BPF_64_NODYLD32, R_BPF_64_RELATIVE, R_BPF_64_32 = 1, 2, 3, 4, 8, 10
EM_BPF = 247
KNOWN_SYSCALLS = {
    "abort", "sol_panic_", "sol_log_", "sol_log_64_", "sol_log_compute_units_", "sol_log_pubkey",
    "sol_log_data", "sol_memcpy_", "sol_memmove_", "sol_memset_", "sol_memcmp_",
    "sol_invoke_signed_c", "sol_invoke_signed_rust", "sol_create_program_address",
    "sol_try_find_program_address", "sol_sha256", "sol_keccak256", "sol_blake3",
    "sol_secp256k1_recover", "sol_get_clock_sysvar", "sol_get_rent_sysvar",
    "sol_get_epoch_schedule_sysvar", "sol_get_fees_sysvar", "sol_get_epoch_rewards_sysvar",
    "sol_get_last_restart_slot", "sol_get_sysvar", "sol_set_return_data", "sol_get_return_data",
    "sol_get_stack_height", "sol_get_processed_sibling_instruction", "sol_alloc_free_",
    "sol_remaining_compute_units", "sol_curve_validate_point", "sol_curve_group_op",
    "sol_curve_multiscalar_mul", "sol_alt_bn128_group_op", "sol_alt_bn128_compression",
    "sol_big_mod_exp", "sol_poseidon", "sol_get_epoch_stake",
}
# names LLVM may emit that we redirect to a syscall
ALIASES = {"__bpf_trap": "abort", "memcpy": "sol_memcpy_", "memmove": "sol_memmove_", "memset": "sol_memset_"}

TEXT_PREFIXES = (".text",)
RO_PREFIXES = (".rodata", ".data.rel.ro", ".srodata")
RW_PREFIXES = (".data", ".bss", ".sdata", ".sbss")


MAX_FRAME = 4096  # SBPF v0 and v3 give every call frame 4 KiB
JA_0 = bytes([0x05]) + bytes(7)  # `ja +0`: a no-op
# the regs byte of an internal `call imm`: v3 tells it from a syscall by src = 1; v0 by the imm alone
INTERNAL_CALL_REGS = {False: 0x00, True: 0x10}
SBPF_VERSIONS = (0, 3)
V3_RODATA_VADDR = 0  # solana-sbpf's MM_RODATA_START
V3_BYTECODE_VADDR = 1 << 32  # MM_BYTECODE_START
# address 0 is the null pointer to Rust and LLVM: no rodata object may start there
V3_RODATA_GUARD = 8


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86_32: how SBPF names a syscall in `call imm` (solana-sbpf's hash_symbol_name)."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed
    rotl = lambda x, r: ((x << r) | (x >> (32 - r))) & mask  # noqa: E731
    body = len(data) - len(data) % 4
    for off in range(0, body, 4):
        k = int.from_bytes(data[off:off + 4], "little")
        k = rotl(k * c1 & mask, 15) * c2 & mask
        h = (rotl(h ^ k, 13) * 5 + 0xE6546B64) & mask
    k = int.from_bytes(data[body:], "little") if len(data) % 4 else 0
    if k:
        h ^= rotl(k * c1 & mask, 15) * c2 & mask
    h ^= len(data)
    h = (h ^ (h >> 16)) * 0x85EBCA6B & mask
    h = (h ^ (h >> 13)) * 0xC2B2AE35 & mask
    return h ^ (h >> 16)


def syscall_hash(name: str) -> int:
    return murmur3_32(name.encode())


class RelinkError(Exception):
    """The object cannot become a correct SBPF v0 program; the message names the offending symbol."""


def demangle(names):
    """Rust v0/legacy names -> readable paths (llvm-cxxfilt understands both); unchanged if unavailable."""
    names = list(names)
    tool = shutil.which("llvm-cxxfilt-22") or shutil.which("llvm-cxxfilt") or "/usr/lib/llvm-22/bin/llvm-cxxfilt"
    try:
        out = subprocess.run([tool], input="\n".join(names), capture_output=True, text=True, check=True).stdout
        lines = out.splitlines()
        if len(lines) == len(names):
            return dict(zip(names, lines))
    except (OSError, subprocess.CalledProcessError):
        pass
    return {n: n for n in names}


def read_uleb(buf, pos):
    value = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def align(x, a):
    return (x + a - 1) & ~(a - 1)


def stack_frames(elf, secs, syms):
    """(symbol name, frame bytes) for every function in .stack_sizes (address reloc + ULEB128 size)."""
    frames = []
    for rs in secs:
        if not isinstance(rs, RelocationSection):
            continue
        target = secs[rs["sh_info"]]
        if target.name != ".stack_sizes":
            continue
        data = target.data()
        for r in sorted(rs.iter_relocations(), key=lambda r: r["r_offset"]):
            sym = syms[r["r_info_sym"]]
            addend = struct.unpack_from("<q", data, r["r_offset"])[0]
            name = sym.name
            if sym["st_info"]["type"] == "STT_SECTION" or not name:
                # relocation against the section: find the function symbol at that offset
                name = next((s.name for s in syms if s["st_shndx"] == sym["st_shndx"] and s["st_value"] == addend
                             and s["st_info"]["type"] == "STT_FUNC"), f"<{secs[sym['st_shndx']].name}+{addend:#x}>")
            size, _ = read_uleb(data, r["r_offset"] + 8)
            frames.append((name, size))
    return frames


def symbols_in(secs, syms, sec_index):
    return [s.name for s in syms if s["st_shndx"] == sec_index and s.name and s["st_info"]["type"] != "STT_SECTION"]


def relink(input_path, output_path, entry_name="entrypoint", lddw_reloc="relative", bss_heap=None,
           allow_writable=False, max_frame=MAX_FRAME, log=print, sbpf_version=0):
    """Relink one BPF ET_REL object into an SBPF v0 shared object or (sbpf_version=3) an SBPF v3 program.
    Returns a summary dict; raises RelinkError."""
    if sbpf_version not in SBPF_VERSIONS:
        raise RelinkError(f"SBPF version {sbpf_version} is not produced here; choose one of {SBPF_VERSIONS}")
    with open(input_path, "rb") as f:
        return _relink(f, argparse.Namespace(input=input_path, output=output_path, entry=entry_name,
                                             lddw_reloc=lddw_reloc, bss_heap=bss_heap,
                                             allow_writable=allow_writable, sbpf_version=sbpf_version),
                       max_frame, log)


def _relink(f, a, max_frame, log):
    elf = ELFFile(f)
    if elf["e_machine"] not in ("EM_BPF", EM_BPF):
        raise RelinkError(f"{a.input}: not a BPF object (e_machine {elf['e_machine']})")
    if elf["e_type"] != "ET_REL":
        raise RelinkError(f"{a.input}: input must be a relocatable object, not {elf['e_type']}")

    # ---- 1. lay out allocatable input sections into .text and .rodata (file offsets == vaddrs) ----
    secs = list(elf.iter_sections())
    # a section some relocation writes into is not zero-initialised, whatever its bytes say
    relocated = {rs["sh_info"] for rs in secs if isinstance(rs, RelocationSection)}
    text_in, ro_in, heap_in, writable = [], [], [], []
    for i, s in enumerate(secs):
        if not (s["sh_flags"] & 0x2) or s["sh_size"] == 0:  # SHF_ALLOC
            continue
        n = s.name
        if n.startswith(TEXT_PREFIXES) or (s["sh_flags"] & 0x4):
            text_in.append(i)
        elif n.startswith(RO_PREFIXES):
            ro_in.append(i)
        elif n.startswith(RW_PREFIXES) and a.bss_heap and i not in relocated and (
                s["sh_type"] == "SHT_NOBITS" or not any(s.data())):
            heap_in.append(i)
        elif n.startswith(RW_PREFIXES):
            if not a.allow_writable:
                writable.append(i)
                continue
            ro_in.append(i)
        elif n.startswith((".eh_frame", ".BTF", ".llvm", ".comment", ".debug")):
            continue
        else:
            raise RelinkError(f"unhandled allocatable section {n}")

    symtab = next(s for s in secs if isinstance(s, SymbolTableSection))
    syms = list(symtab.iter_symbols())
    common = sorted(s.name for s in syms if s["st_shndx"] == "SHN_COMMON")
    if common:
        raise RelinkError(f"common symbol(s) {', '.join(common)}: define them in a section (no -fcommon)")
    if writable:
        names = sorted({nm for i in writable for nm in symbols_in(secs, syms, i)})
        pretty = demangle(names)
        detail = ", ".join(f"{pretty[nm]} ({nm})" if pretty[nm] != nm else nm for nm in names) or \
            ", ".join(secs[i].name for i in writable)
        zeroed = all(i not in relocated and (secs[i]["sh_type"] == "SHT_NOBITS" or not any(secs[i].data()))
                     for i in writable)
        if zeroed:  # only reachable without --bss-heap
            raise RelinkError(f"zero-initialised writable static(s) {detail} need a heap reservation (--bss-heap)")
        raise RelinkError(f"writable static(s) with a non-zero initial value: {detail}. SBPF v0 maps no writable "
                          f"program data; make it a const, zero-initialise it, or keep it in an account")
    too_big = [(nm, sz) for nm, sz in stack_frames(elf, secs, syms) if sz > max_frame]
    if too_big:
        pretty = demangle(nm for nm, _ in too_big)
        detail = "; ".join(f"{pretty[nm]} uses {sz} bytes" for nm, sz in sorted(too_big, key=lambda t: -t[1]))
        raise RelinkError(f"stack frame over the {max_frame}-byte SBF limit: {detail}. Box large locals "
                          f"(e.g. Box<Account<..>>) or split the function")

    v3 = a.sbpf_version == 3
    EHDR, PHDR = 64, 56
    NPH = 2 if v3 else 4
    sec_base = {}
    # v3: the bytecode has its own region; v0: addresses are file offsets, .text right after the headers
    text_start = V3_BYTECODE_VADDR if v3 else align(EHDR + NPH * PHDR, 8)
    text = bytearray()
    for i in text_in:
        s = secs[i]
        pad = align(len(text), max(8, s["sh_addralign"])) - len(text)
        text += JA_0 * (pad // 8)  # padding must decode: the loader rejects invalid opcodes
        sec_base[i] = text_start + len(text)
        text += s.data()
    text_end = text_start + len(text)
    ro_start = V3_RODATA_VADDR if v3 else align(text_end, 8)
    ro = bytearray(V3_RODATA_GUARD if v3 else 0)
    for i in ro_in:
        s = secs[i]
        pad = align(len(ro), max(1, s["sh_addralign"])) - len(ro)
        ro += b"\0" * pad
        sec_base[i] = ro_start + len(ro)
        ro += s.data() if s["sh_type"] != "SHT_NOBITS" else b"\0" * s["sh_size"]
    if v3:  # segment sizes are whole instructions
        ro += bytes(align(len(ro), 8) - len(ro))
    ro_end = ro_start + len(ro)
    heap_secs = set()
    if heap_in:
        hb, hmax = (int(x, 0) for x in a.bss_heap.split(":"))
        hoff = 0
        for i in heap_in:
            s = secs[i]
            hoff = align(hoff, max(1, s["sh_addralign"]))
            sec_base[i] = hb + hoff
            heap_secs.add(i)
            hoff += s["sh_size"]
        if hoff > hmax:
            names = sorted({nm for i in heap_in for nm in symbols_in(secs, syms, i)})
            raise RelinkError(f"zero-initialised writable data ({hoff} bytes: {', '.join(names)}) exceeds the "
                              f"heap reservation ({hmax} bytes)")
        log(f"note: {hoff} bytes of .bss placed in heap at {hb:#x} ({', '.join(secs[i].name for i in heap_in)})")

    # ---- 2. symbols ----

    def sym_addr(sym):
        shn = sym["st_shndx"]
        if shn == "SHN_UNDEF":
            return None
        if shn == "SHN_COMMON":
            raise RelinkError(f"common symbol {sym.name}")
        if shn == "SHN_ABS":
            return sym["st_value"]
        if shn not in sec_base:
            raise RelinkError(f"symbol {sym.name} in dropped section {secs[shn].name}")
        return sec_base[shn] + sym["st_value"]

    globals_ = {}
    for s in syms:
        if s.name and s["st_shndx"] != "SHN_UNDEF" and s["st_info"]["bind"] in ("STB_GLOBAL", "STB_WEAK"):
            globals_[s.name] = sym_addr(s)

    if a.entry not in globals_:
        raise RelinkError(f"entry symbol {a.entry} not found")
    entry = globals_[a.entry]

    # ---- 3. apply relocations ----
    dynsyms = [(b"", 0, 0)]  # (name, value, info)
    dynsym_idx = {}

    def get_dynsym(name):
        if name not in dynsym_idx:
            dynsym_idx[name] = len(dynsyms)
            dynsyms.append((name.encode(), 0, (1 << 4) | 0))  # GLOBAL NOTYPE, UNDEF -> syscall
        return dynsym_idx[name]

    dynrel = []  # (r_offset, type, symidx)
    undefined_calls = {}
    syscall_sites = set()  # v3: text offsets of `call imm` that are syscalls (imm is a hash, not a pc offset)

    def buf_for(addr):
        if text_start <= addr < text_end:
            return text, addr - text_start
        if ro_start <= addr < ro_end:
            return ro, addr - ro_start
        raise ValueError(hex(addr))

    for rs in secs:
        if not isinstance(rs, RelocationSection):
            continue
        tgt_i = rs["sh_info"]
        if tgt_i not in sec_base:
            continue  # debug / BTF / eh_frame relocations: ignored
        if rs["sh_type"] != "SHT_REL":
            raise RelinkError("RELA relocations not expected for BPF")
        base = sec_base[tgt_i]
        for r in rs.iter_relocations():
            rtype, sidx, roff = r["r_info_type"], r["r_info_sym"], r["r_offset"]
            P = base + roff
            buf, bo = buf_for(P)
            sym = syms[sidx]
            S = sym_addr(sym)
            name = sym.name
            if rtype == R_BPF_64_64:
                A = struct.unpack_from("<i", buf, bo + 4)[0]
                if S is None:
                    raise RelinkError(f"lddw of undefined symbol {name}")
                V = S + A
                struct.pack_into("<I", buf, bo + 4, V & 0xffffffff)
                struct.pack_into("<I", buf, bo + 12, V >> 32)
                if sym["st_shndx"] in heap_secs or v3:
                    pass  # absolute heap address / final v3 address: no load-time relocation
                elif a.lddw_reloc == "relative":
                    dynrel.append((P, R_BPF_64_RELATIVE, 0))
                else:
                    dynrel.append((P, R_BPF_64_64, 0))  # null dynsym, st_value 0: addr = imm_lo
            elif rtype == R_BPF_64_ABS64:
                A = struct.unpack_from("<q", buf, bo)[0]
                if S is None:
                    raise RelinkError(f"data pointer to undefined symbol {name}")
                V = S + A
                if sym["st_shndx"] in heap_secs or v3:
                    struct.pack_into("<Q", buf, bo, V)
                    continue
                # SBPF v0 loader reads the u32 at r_offset+4 and writes MM_PROGRAM_START + it as u64
                struct.pack_into("<II", buf, bo, 0, V)
                dynrel.append((P, R_BPF_64_RELATIVE, 0))
            elif rtype == R_BPF_64_32:
                opc = buf[bo]
                if opc != 0x85:
                    raise RelinkError(f"R_BPF_64_32 on non-call opcode {opc:#x} at {P:#x}")
                imm = struct.unpack_from("<i", buf, bo + 4)[0]
                if S is None or name in ALIASES:
                    nm = ALIASES.get(name, name)
                    undefined_calls[nm] = undefined_calls.get(nm, 0) + 1
                    buf[bo + 1] = 0  # src=0, dst=0
                    if v3:  # static syscall: the hash of its name
                        struct.pack_into("<I", buf, bo + 4, syscall_hash(nm))
                        syscall_sites.add(P - text_start)
                    else:
                        struct.pack_into("<i", buf, bo + 4, -1)
                        dynrel.append((P, R_BPF_64_32, get_dynsym(nm)))
                else:
                    # target = S + (imm+1)*8 when relocation is against a section symbol
                    T = S + (imm + 1) * 8 if imm != -1 else S
                    rel = (T - (P + 8)) // 8
                    if (T - text_start) % 8:
                        raise RelinkError(f"call to {name} at {P:#x} targets a misaligned address {T:#x}")
                    struct.pack_into("<i", buf, bo + 4, rel)
                    buf[bo + 1] = INTERNAL_CALL_REGS[v3]
            elif rtype in (R_BPF_64_ABS32, R_BPF_64_NODYLD32):
                raise RelinkError(f"32-bit absolute relocation type {rtype} in allocatable section at {P:#x} ({name})")
            else:
                raise RelinkError(f"unknown relocation type {rtype} at {P:#x} ({name})")

    # ---- 4. instruction fixups and SBPF compatibility scan ----
    bad = []
    i = 0
    n = len(text) // 8
    while i < n:
        opc = text[i * 8]
        regs = text[i * 8 + 1]
        if opc == 0x18:
            i += 2
            continue
        cls = opc & 7
        if (regs & 0xF) == 10 and cls not in (2, 3) and opc != 0x8d:  # only stores may name r10 as dst
            bad.append((i, f"r10 as destination of opcode {opc:#x}"))
        if opc == 0x85 and i * 8 in syscall_sites:
            pass
        elif opc == 0x85:  # call imm; pc-relative calls inside this object have no relocation
            imm = struct.unpack_from("<i", text, i * 8 + 4)[0]
            if imm != -1:
                tgt = i + 1 + imm
                if not (0 <= tgt < n):
                    bad.append((i, "call target out of range"))
                text[i * 8 + 1] = INTERNAL_CALL_REGS[v3]
            elif (regs >> 4) == 1:
                bad.append((i, "unrelocated call -1"))
        elif opc == 0x8d:  # callx: SBPF v0 wants the register number in imm, v3 in dst
            dst, src = regs & 0xf, regs >> 4
            imm = struct.unpack_from("<i", text, i * 8 + 4)[0]
            reg = dst or src or imm
            if v3:
                struct.pack_into("<i", text, i * 8 + 4, 0)
                text[i * 8 + 1] = reg
            else:
                struct.pack_into("<i", text, i * 8 + 4, reg)
                text[i * 8 + 1] = 0
            if not 0 <= reg < 10:
                bad.append((i, f"callx through r{reg}"))
        elif opc == 0x0d or opc == 0x06:
            bad.append((i, f"gotox / gotol {opc:#x}"))
        elif cls == 6 and not v3:  # SIMD-0377 allows JMP32 from v3 on
            bad.append((i, f"JMP32 opcode {opc:#x}"))
        elif opc in (0xdb, 0xc3):
            bad.append((i, f"atomic opcode {opc:#x}"))
        elif opc == 0xd7 or (opc in (0x3f, 0x37, 0x9f, 0x97, 0x3c, 0x34, 0x9c, 0x94, 0xbf, 0xbc)
                             and struct.unpack_from("<h", text, i * 8 + 2)[0] != 0):
            bad.append((i, f"cpu v4 opcode {opc:#x} (sdiv/smod/movsx/bswap)"))
        elif cls in (0, 1) and (opc >> 5) == 4:  # BPF_MEMSX
            bad.append((i, f"ldsx {opc:#x}"))
        i += 1
    unknown = sorted(nm for nm in undefined_calls if nm not in KNOWN_SYSCALLS)
    if unknown:
        pretty = demangle(unknown)
        raise RelinkError("call(s) to undefined symbol(s) that are not Solana syscalls: "
                          + ", ".join(pretty[n] for n in unknown))
    if bad:
        detail = "; ".join(f"insn {b[0]}: {b[1]}" for b in bad[:20])
        raise RelinkError(f"{len(bad)} instruction(s) not supported by SBPF v{a.sbpf_version}: {detail}")
    if v3:
        return _write_v3(a, text, ro, entry, undefined_calls, f)


    # ---- 5. dynamic tables ----
    # export the entrypoint too (like lld does)
    dynsyms.append((a.entry.encode(), entry, (1 << 4) | 2))
    dynstr = bytearray(b"\0")
    dynsym_bytes = bytearray()
    for nm, val, info in dynsyms:
        if nm:
            st_name = len(dynstr)
            dynstr += nm + b"\0"
        else:
            st_name = 0
        shndx = 1 if val else 0  # .text is section 1 in output
        dynsym_bytes += struct.pack("<IBBHQQ", st_name, info, 0, shndx, val, 8 if val else 0)
    dynrel.sort()
    rel_bytes = b"".join(struct.pack("<QQ", o, (s << 32) | t) for o, t, s in dynrel)

    dyn_off = align(ro_end if ro else text_end, 8)
    DYN_N = 10
    dynsym_off = dyn_off + DYN_N * 16
    dynstr_off = dynsym_off + len(dynsym_bytes)
    rel_off = align(dynstr_off + len(dynstr), 8)
    rel_end = rel_off + len(rel_bytes)
    dyn_entries = [(17, rel_off), (18, len(rel_bytes)), (19, 16)] if rel_bytes else []
    dyn_entries += [(6, dynsym_off), (11, 24), (5, dynstr_off), (10, len(dynstr))]
    if rel_bytes:
        dyn_entries += [(30, 4)]  # DT_FLAGS = DF_TEXTREL
    dyn_entries += [(0, 0)]
    dyn_entries += [(0, 0)] * (DYN_N - len(dyn_entries))
    assert len(dyn_entries) == DYN_N
    dynamic = b"".join(struct.pack("<qQ", t, v) for t, v in dyn_entries)

    shstr = bytearray(b"\0")
    def sname(s):
        o = len(shstr)
        shstr.extend(s.encode() + b"\0")
        return o
    shstr_off = rel_end
    # section headers: (name, type, flags, addr/off, size, link, info, align, entsize)
    sh = [(0, 0, 0, 0, 0, 0, 0, 0, 0)]
    sh.append((sname(".text"), 1, 0x6, text_start, len(text), 0, 0, 8, 0))
    if ro:
        sh.append((sname(".rodata"), 1, 0x2, ro_start, len(ro), 0, 0, 8, 0))
    idx_dynsym = len(sh) + 1
    idx_dynstr = len(sh) + 2
    sh.append((sname(".dynamic"), 6, 0x2, dyn_off, len(dynamic), idx_dynstr, 0, 8, 16))
    sh.append((sname(".dynsym"), 11, 0x2, dynsym_off, len(dynsym_bytes), idx_dynstr, 1, 8, 24))
    sh.append((sname(".dynstr"), 3, 0x2, dynstr_off, len(dynstr), 0, 0, 1, 0))
    if rel_bytes:
        sh.append((sname(".rel.dyn"), 9, 0x2, rel_off, len(rel_bytes), idx_dynsym, 0, 8, 16))
    n_shstr = sname(".shstrtab")
    sh.append((n_shstr, 3, 0, shstr_off, 0, 0, 0, 1, 0))  # size fixed below
    shoff = align(shstr_off + len(shstr), 8)
    sh[-1] = (n_shstr, 3, 0, shstr_off, len(shstr), 0, 0, 1, 0)

    out = bytearray(shoff + 64 * len(sh))
    # ELF header
    out[0:16] = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    struct.pack_into("<HHIQQQIHHHHHH", out, 16, 3, EM_BPF, 1, entry, EHDR, shoff, 0,
                     EHDR, PHDR, NPH, 64, len(sh), len(sh) - 1)
    # program headers (ascending vaddr)
    ro_seg_end = ro_end if ro else text_end
    phdrs = [
        (1, 5, text_start, len(text)),                        # PT_LOAD R+X
        (1, 4, ro_start, ro_seg_end - ro_start if ro else 0),  # PT_LOAD R
        (1, 4, dyn_off, rel_end - dyn_off),                    # PT_LOAD R (dynamic tables)
        (2, 4, dyn_off, len(dynamic)),                         # PT_DYNAMIC
    ]
    for k, (pt, fl, o, sz) in enumerate(phdrs):
        struct.pack_into("<IIQQQQQQ", out, EHDR + k * PHDR, pt, fl, o, o, o, sz, sz, 8)
    out[text_start:text_end] = text
    if ro:
        out[ro_start:ro_end] = ro
    out[dyn_off:dyn_off + len(dynamic)] = dynamic
    out[dynsym_off:dynsym_off + len(dynsym_bytes)] = dynsym_bytes
    out[dynstr_off:dynstr_off + len(dynstr)] = dynstr
    out[rel_off:rel_end] = rel_bytes
    out[shstr_off:shstr_off + len(shstr)] = shstr
    for k, h in enumerate(sh):
        nm, ty, fl, ad, sz, lk, inf, al, es = h
        struct.pack_into("<IIQQQQIIQQ", out, shoff + 64 * k, nm, ty, fl, ad if fl & 2 else 0, ad, sz, lk, inf, al, es)
    with open(a.output, "wb") as fo:
        fo.write(out)
    f.close()
    return {"output": str(a.output), "size": len(out), "text": len(text), "insns": len(text) // 8,
            "rodata": len(ro), "dyn_relocs": len(dynrel), "syscalls": sorted(undefined_calls), "sbpf_version": 0}


def _write_v3(a, text, ro, entry, undefined_calls, f):
    """ELF header | PT_LOAD PF_R rodata at vaddr 0 | PT_LOAD PF_X bytecode at 1<<32 | .shstrtab | section headers:
    what solana-sbpf's strict parser accepts (segments back to back right after the program headers)."""
    EHDR, PHDR, NPH = 64, 56, 2
    ro_off = EHDR + NPH * PHDR
    text_off = ro_off + len(ro)
    shstr = bytearray(b"\0")

    def sname(name):
        o = len(shstr)
        shstr.extend(name.encode() + b"\0")
        return o

    # (name, type, flags, addr, offset, size, align)
    sh = [(0, 0, 0, 0, 0, 0, 0),
          (sname(".text"), 1, 0x6, V3_BYTECODE_VADDR, text_off, len(text), 8),
          (sname(".rodata"), 1, 0x2, V3_RODATA_VADDR, ro_off, len(ro), 8)]
    shstr_off = text_off + len(text)
    shstrtab_name = sname(".shstrtab")  # its own name is in it: named before its size is taken
    sh.append((shstrtab_name, 3, 0, 0, shstr_off, len(shstr), 1))
    shoff = align(shstr_off + len(shstr), 8)
    out = bytearray(shoff + 64 * len(sh))
    out[0:16] = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    struct.pack_into("<HHIQQQIHHHHHH", out, 16, 3, EM_BPF, 1, entry, EHDR, shoff, 3,
                     EHDR, PHDR, NPH, 64, len(sh), len(sh) - 1)
    for k, (flags, off, vaddr, size) in enumerate([(4, ro_off, V3_RODATA_VADDR, len(ro)),
                                                   (1, text_off, V3_BYTECODE_VADDR, len(text))]):
        struct.pack_into("<IIQQQQQQ", out, EHDR + k * PHDR, 1, flags, off, vaddr, vaddr, size, size, 8)
    out[ro_off:text_off] = ro
    out[text_off:shstr_off] = text
    out[shstr_off:shstr_off + len(shstr)] = shstr
    for k, (nm, ty, fl, ad, off, sz, al) in enumerate(sh):
        struct.pack_into("<IIQQQQIIQQ", out, shoff + 64 * k, nm, ty, fl, ad, off, sz, 0, 0, al, 0)
    with open(a.output, "wb") as fo:
        fo.write(out)
    f.close()
    return {"output": str(a.output), "size": len(out), "text": len(text), "insns": len(text) // 8,
            "rodata": len(ro), "dyn_relocs": 0, "syscalls": sorted(undefined_calls), "sbpf_version": 3}


def main(argv=None):
    ap = argparse.ArgumentParser(description="relink a BPF relocatable object into an SBPF v3 (or v0) program")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--entry", default="entrypoint")
    ap.add_argument("--lddw-reloc", choices=["relative", "64_64"], default="relative")
    ap.add_argument("--allow-writable", action="store_true",
                    help="fold .data/.bss into .rodata (ONLY safe if never written)")
    ap.add_argument("--bss-heap", metavar="BASE:MAX", default=None,
                    help="place zero-initialised writable sections (.bss, all-zero .data) at absolute address BASE "
                         "(inside the SBF heap, e.g. 0x300000008:248); lddw to them gets no dyn reloc. The program's "
                         "allocator must keep out of [BASE, BASE+MAX)")
    ap.add_argument("--max-frame", type=int, default=MAX_FRAME)
    ap.add_argument("--sbpf-version", type=int, choices=SBPF_VERSIONS, default=3)
    a = ap.parse_args(argv)
    try:
        r = relink(a.input, a.output, a.entry, a.lddw_reloc, a.bss_heap, a.allow_writable, a.max_frame,
                   sbpf_version=a.sbpf_version)
    except RelinkError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{r['output']}: {r['size']} bytes, text {r['text']} B ({r['insns']} insns), rodata {r['rodata']} B, "
          f"{r['dyn_relocs']} dyn relocs, syscalls {r['syscalls']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
