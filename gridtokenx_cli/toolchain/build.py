"""Offline SBF build: Anchor crates in programs/ -> target/deploy/<name>.so (SBPF v3 by default, v0 on request),
target/deploy/sbpf-v0/<name>.so (SBPF v0, what the embedded chain's LiteSVM runs) + idl/<name>.json.

No Solana platform-tools: Debian's rustc 1.96 builds std from a patched copy of its own source for a custom
`os = "solana"` BPF target, fat LTO leaves one bitcode module, an LLVM pass legalises it for upstream BPF,
sbf-llc (libLLVM 22) emits a relocatable object and relink.py turns that one object into both an SBPF v3 program
and an SBPF v0 shared object (the same code; only the link differs).

Everything heavy is cached outside the repo under $GTX_CACHE_DIR (default ~/.cache/gridtokenx):
  std-<key>/library   patched std source          key: rustc version + std patch + target spec
  target-<key>/       cargo target dir (build-std and every dependency stay compiled between builds)
  tools-<key>/        SbfLegalize.so, sbf-llc, sbf-rt.bc    key: LLVM version + their sources
Usage: python -m gridtokenx_cli.toolchain.build [PROGRAM ...] [--no-idl] [--json]
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import relink as relinker
from .native_programs import NATIVE_PROGRAMS

from gridtokenx_cli.chain.workspace import EMBEDDED_SUBDIR, REPO_ROOT  # noqa: E402
TOOLCHAIN_DIR = REPO_ROOT / "toolchain"
TARGET_SPEC = TOOLCHAIN_DIR / "targets" / "sbf-solana.json"
TARGET_NAME = TARGET_SPEC.stem
STD_PATCH = TOOLCHAIN_DIR / "std-patch" / "solana-std.patch"
PASS_SRC = TOOLCHAIN_DIR / "sbf-legalize" / "SbfLegalize.cpp"
LLC_SRC = TOOLCHAIN_DIR / "sbf-llc" / "sbf-llc.cpp"
RUNTIME_SRC = TOOLCHAIN_DIR / "runtime" / "sbf-rt.ll"

RUSTC = "/usr/bin/rustc"
CARGO = "/usr/bin/cargo"
LLVM_BIN = Path("/usr/lib/llvm-22/bin")
APT_PACKAGES = ["rustc-web", "cargo-web", "rust-web-src", "llvm-22", "llvm-22-dev", "g++", "patch"]
# [0x300000000, +8) is the allocator's bump pointer; std's zero-initialised statics live in the next 248 bytes,
# which the patched std allocator (library/std/src/sys/alloc/solana.rs, HEAP_RESERVED = 256) never hands out.
BSS_HEAP = "0x300000008:248"
OPT_PASSES = "function(lower-atomic),sbf-legalize"
MAX_LIBCALL_ROUNDS = 4
# thresholds the sbf-legalize pass reads (inline equality memcmp / mem intrinsics up to N bytes; default 64): part
# of the link cache key, so an experiment never reuses a .so linked with other thresholds
LEGALIZE_ENV = ("GTX_SBF_MEMCMP_INLINE_MAX", "GTX_SBF_MEM_INLINE_MAX")
BOOTSTRAP_ENV = "GTX_BOOTSTRAP_AUTHORITY"
SBPF_CHOICES = {"v3": 3, "v0": 0}


class BuildError(Exception):
    """A build step failed; the message says which step and why."""


@dataclass
class ProgramBuild:
    name: str
    so_path: str
    size: int
    seconds: float
    cargo_fresh: bool
    link_cached: bool
    insns: int = 0
    syscalls: list[str] = field(default_factory=list)
    libcalls_linked: list[str] = field(default_factory=list)
    idl_path: str | None = None
    sbpf_version: int = 3
    embedded_so_path: str | None = None  # the SBPF v0 copy LiteSVM loads
    rent_exempt_lamports: int = 0  # what deploying it locks up (program-data account, 1x the .so)

    @property
    def cache_hit(self) -> bool:
        return self.cargo_fresh and self.link_cached


def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()[:16]


def _run(cmd: list[str], step: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, cwd=cwd)
    if r.returncode != 0:
        tail = "\n".join((r.stderr or r.stdout).strip().splitlines()[-40:])
        raise BuildError(f"{step} failed (exit {r.returncode}): {' '.join(map(str, cmd))}\n{tail}")
    return r


def ensure_system_packages(log=print) -> None:
    """Install Debian's rustc/cargo 1.96 with std source and LLVM 22 if they are missing (root only)."""
    needed = [RUSTC, CARGO, LLVM_BIN / "opt", LLVM_BIN / "llvm-config", "/usr/bin/g++", "/usr/bin/patch"]
    missing = [str(p) for p in needed if not Path(p).exists()]
    if not missing and list(Path("/usr/src").glob("rustc-*/library/std")):
        return
    cmd = ["apt-get", "install", "-y", "-q", *APT_PACKAGES]
    if os.geteuid() != 0:
        raise BuildError(f"missing {', '.join(missing) or 'rust std source'}; install with: sudo {' '.join(cmd)}")
    log(f"installing {' '.join(APT_PACKAGES)} (missing: {', '.join(missing) or 'std source'})")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-q"], "apt-get update", env=env)
    _run(cmd, "apt-get install", env=env)


class Toolchain:
    def __init__(self, cache_root: Path | None = None, log=print):
        self.log = log
        ensure_system_packages(log)
        self.cache_root = Path(cache_root or os.environ.get("GTX_CACHE_DIR") or Path.home() / ".cache" / "gridtokenx")
        self.rustc_vv = _run([RUSTC, "-vV"], "rustc -vV").stdout
        release = next(line.split(": ")[1] for line in self.rustc_vv.splitlines() if line.startswith("release:"))
        self.std_source = Path(f"/usr/src/rustc-{release}/library")
        if not (self.std_source / "std").is_dir():
            raise BuildError(f"std source not found at {self.std_source} (apt-get install rust-web-src)")
        llvm_version = _run([LLVM_BIN / "llvm-config", "--version"], "llvm-config").stdout.strip()
        self.std_key = _sha(self.rustc_vv, STD_PATCH.read_bytes(), TARGET_SPEC.read_bytes())
        self.tools_key = _sha(llvm_version, PASS_SRC.read_bytes(), LLC_SRC.read_bytes(), RUNTIME_SRC.read_bytes())
        self.link_key = _sha(self.tools_key, Path(relinker.__file__).read_bytes(), BSS_HEAP, OPT_PASSES,
                             *(f"{k}={os.environ.get(k, '')}" for k in LEGALIZE_ENV))
        #: SBPF version of target/deploy/<name>.so (the v0 copy for the embedded chain is always written)
        self.sbpf_version = 3
        self.std_dir = self.cache_root / f"std-{self.std_key}" / "library"
        self.target_dir = self.cache_root / f"target-{self.std_key}"
        self.tools_dir = self.cache_root / f"tools-{self.tools_key}"
        # wall seconds per part of this toolchain's builds: std, tools, sbf (cargo + link), idl, clients
        self.timings: dict[str, float] = {}
        # base58 key compiled in as BOOTSTRAP_AUTHORITY; None builds with the committed localnet key
        self.bootstrap_authority: str | None = None

    # ---- cached preparation ----
    def prepare(self) -> None:
        with self.timed("std"):
            self._prepare_std()
        with self.timed("tools"):
            self._prepare_tools()

    @contextlib.contextmanager
    def timed(self, part: str):
        """Adds the block's wall time to `self.timings[part]` (what `gtx build` reports per part)."""
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.add_time(part, time.monotonic() - t0)

    def add_time(self, part: str, seconds: float) -> None:
        self.timings[part] = self.timings.get(part, 0.0) + seconds

    def _prepare_std(self) -> None:
        if (self.std_dir / ".patched").exists():
            return
        self.log(f"preparing patched std source in {self.std_dir.parent}")
        tmp = self.std_dir.parent.with_name(self.std_dir.parent.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        lib = tmp / "library"
        lib.mkdir(parents=True)
        for d in self.std_source.iterdir():
            if d.name == "vendor":
                (lib / "vendor").symlink_to(d)  # std's vendored deps, read-only, not patched
            elif d.is_dir():
                shutil.copytree(d, lib / d.name, symlinks=True)
            else:
                shutil.copy2(d, lib / d.name)
        _run(["patch", "-p1", "--forward", "-i", STD_PATCH], "applying the std patch", cwd=lib)
        (lib / ".patched").write_text(STD_PATCH.read_text())
        shutil.rmtree(self.std_dir.parent, ignore_errors=True)
        tmp.rename(self.std_dir.parent)

    def _prepare_tools(self) -> None:
        d = self.tools_dir
        if (d / "sbf-rt.bc").exists() and (d / "sbf-llc").exists() and (d / "SbfLegalize.so").exists():
            return
        self.log(f"compiling SbfLegalize.so and sbf-llc into {d}")
        d.mkdir(parents=True, exist_ok=True)
        cxxflags = _run([LLVM_BIN / "llvm-config", "--cxxflags"], "llvm-config").stdout.split()
        libdir = _run([LLVM_BIN / "llvm-config", "--libdir"], "llvm-config").stdout.strip()
        _run(["g++", "-shared", "-fPIC", "-O1", "-o", d / "SbfLegalize.so", PASS_SRC, *cxxflags, "-fno-rtti"],
             "compiling SbfLegalize.so")
        _run(["g++", "-O1", "-o", d / "sbf-llc", LLC_SRC, *cxxflags, "-fno-rtti", f"-L{libdir}", "-lLLVM-22",
              f"-Wl,-rpath,{libdir}"], "compiling sbf-llc")
        _run([LLVM_BIN / "llvm-as", RUNTIME_SRC, "-o", d / "sbf-rt.bc"], "assembling sbf-rt.ll")

    # ---- cargo ----
    def cargo_env(self, workspace: Path) -> dict:
        env = dict(os.environ)
        env["PATH"] = "/usr/bin:/bin:" + env.get("PATH", "")  # rustup's cargo in ~/.cargo/bin must not win
        env.update(RUSTC=RUSTC, RUSTC_BOOTSTRAP="1", CARGO_TARGET_DIR=str(self.target_dir),
                   __CARGO_TESTS_ONLY_SRC_ROOT=str(self.std_dir))  # cargo's (internal) build-std source override
        cargo_home = Path(env.get("CARGO_HOME", Path.home() / ".cargo"))
        # Paths in panic messages must not depend on the machine: the same source gives the same bytes.
        # Workspace members are compiled with relative paths already; the flags must not mention the checkout,
        # or every checkout would rebuild std and all dependencies.
        env["RUSTFLAGS"] = " ".join([
            f"--remap-path-prefix={cargo_home}/registry/src=/crates",
            f"--remap-path-prefix={self.std_dir}=/rustc/library",
            f"--remap-path-prefix={self.target_dir}=/target",
        ])
        env.pop("CARGO_BUILD_TARGET", None)
        # the key compiled in as BOOTSTRAP_AUTHORITY (crates/gridtokenx-common/build.rs); unset = localnet key
        env.pop(BOOTSTRAP_ENV, None)
        if self.bootstrap_authority is not None:
            env[BOOTSTRAP_ENV] = self.bootstrap_authority
        # dependencies that also declare a cdylib would otherwise need `bpf-linker`
        env[f"CARGO_TARGET_{TARGET_NAME.upper().replace('-', '_')}_LINKER"] = str(TOOLCHAIN_DIR / "bin" / "no-link")
        return env

    def cargo_build(self, workspace: Path, package: str, features: list[str]) -> tuple[Path, Path, bool]:
        """cargo rustc for the SBF target -> (staticlib path, compiler_builtins rlib path, all units fresh)."""
        cmd = [CARGO, "rustc", "-p", package, "--crate-type", "staticlib", "--release",
               "--target", TARGET_SPEC, "-Zjson-target-spec", "-Zbuild-std=std,panic_abort",
               "-Zbuild-std-features=compiler-builtins-mem", "--message-format=json-render-diagnostics",
               # Freshness by content, not mtime: cargo names a workspace crate's artifacts the same in every
               # checkout of this workspace, so with mtimes a build in another checkout (another path) could
               # leave artifacts that look newer than this checkout's sources and be reused for them.
               "-Zchecksum-freshness"]
        if features:
            cmd += ["--features", ",".join(features)]
        # stdout is read as cargo goes: the arrival of the last freshly built std crate tells how much of a cold
        # build was build-std (reported as its own part) and how much the program and its dependencies
        t0 = time.monotonic()
        std_done = None
        with tempfile.TemporaryFile("w+") as stderr:
            proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=stderr, text=True,
                                    cwd=workspace, env=self.cargo_env(workspace))
            assert proc.stdout is not None
            staticlib = builtins = None
            fresh = True
            for line in proc.stdout:
                if not line.startswith("{"):
                    continue
                msg = json.loads(line)
                if msg.get("reason") != "compiler-artifact":
                    continue
                fresh &= bool(msg.get("fresh"))
                if not msg.get("fresh") and msg.get("manifest_path", "").startswith(str(self.std_dir)):
                    std_done = time.monotonic()
                name = msg["target"]["name"]
                for fn in msg.get("filenames", []):
                    if name == package.replace("-", "_") or name == package:
                        if fn.endswith(".a"):
                            staticlib = Path(fn)
                    elif name == "compiler_builtins" and fn.endswith(".rlib"):
                        builtins = Path(fn)
            returncode = proc.wait()
            stderr.seek(0)
            stderr_text = stderr.read()
        end = time.monotonic()
        if std_done is not None:
            self.add_time("build-std", std_done - t0)
            t0 = std_done
        self.add_time("sbf", end - t0)
        if returncode != 0 or staticlib is None:
            tail = "\n".join(stderr_text.strip().splitlines()[-60:])
            raise BuildError(f"cargo build of {package} for SBF failed (exit {returncode}):\n{tail}")
        if builtins is None:
            raise BuildError("cargo did not report compiler_builtins (build-std output missing)")
        return staticlib, builtins, fresh

    # ---- codegen and link ----
    def _codegen(self, bc: Path, obj: Path) -> None:
        leg = bc.with_suffix(".leg.bc")
        _run([LLVM_BIN / "opt", f"-load-pass-plugin={self.tools_dir / 'SbfLegalize.so'}", f"-passes={OPT_PASSES}",
              bc, "-o", leg], "LLVM IR legalisation (sbf-legalize)")
        _run([self.tools_dir / "sbf-llc", leg, obj], "BPF codegen (sbf-llc)")

    def _unresolved(self, obj: Path) -> list[str]:
        out = _run([LLVM_BIN / "llvm-nm", "--undefined-only", "--format=just-symbols", obj], "llvm-nm").stdout
        return sorted(s for s in out.split() if s not in relinker.KNOWN_SYSCALLS and s not in relinker.ALIASES)

    def _runtime_library(self, builtins_rlib: Path, work: Path) -> Path:
        """sbf-rt.bc + compiler_builtins bitcode, linked once per compiler_builtins build."""
        lib = work.parent / f"rtlib-{_sha(str(builtins_rlib), str(builtins_rlib.stat().st_mtime_ns))}.bc"
        if lib.exists():
            return lib
        ext = work / "compiler_builtins"
        shutil.rmtree(ext, ignore_errors=True)
        ext.mkdir(parents=True)
        _run(["ar", "x", builtins_rlib.resolve()], "extracting compiler_builtins", cwd=ext)
        members = sorted(str(p) for p in ext.glob("*.o"))
        if not members:
            raise BuildError(f"no bitcode members in {builtins_rlib}")
        _run([LLVM_BIN / "llvm-link", self.tools_dir / "sbf-rt.bc", *members, "-o", lib], "linking the runtime library")
        return lib

    def _link_libcalls(self, bc: Path, obj: Path, builtins_rlib: Path, work: Path) -> list[str]:
        """Soft-float, memcmp/bcmp and other libcalls appear only at codegen, after LTO has dropped
        compiler_builtins: pull exactly the needed functions back in and codegen again until none is left."""
        linked: list[str] = []
        for _ in range(MAX_LIBCALL_ROUNDS):
            missing = self._unresolved(obj)
            if not missing:
                return linked
            lib = self._runtime_library(builtins_rlib, work)
            stub = work / "libcalls.ll"
            decls = "\n".join(f'declare void @"{m}"()' for m in missing)
            used = ", ".join(f'ptr @"{m}"' for m in missing)
            stub.write_text(f'target triple = "bpfel"\n{decls}\n@llvm.used = appending global [{len(missing)} x ptr] '
                            f'[{used}], section "llvm.metadata"\n')
            needed = work / "libcalls.bc"
            _run([LLVM_BIN / "llvm-link", stub, "--only-needed", lib, "-o", needed], "selecting libcalls")
            combined = work / "combined.bc"
            _run([LLVM_BIN / "llvm-link", bc, needed, "-o", combined], "linking libcalls")
            bc = combined
            self._codegen(bc, obj)
            linked += missing
        left = self._unresolved(obj)
        if left:
            names = relinker.demangle(left)
            raise BuildError("unresolved symbols after linking compiler-builtins: "
                             + ", ".join(names[n] for n in left)
                             + " (not Solana syscalls; add them to toolchain/runtime/sbf-rt.ll)")
        return linked

    @contextlib.contextmanager
    def locked(self):
        """One build at a time per cache: concurrent builds would share link work directories."""
        self.cache_root.mkdir(parents=True, exist_ok=True)
        with open(self.cache_root / "build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def build(self, workspace: Path, package: str, out_dir: Path, features: list[str] | None = None,
              so_name: str | None = None) -> ProgramBuild:
        with self.locked():
            return self._build(workspace, package, out_dir, features, so_name)

    def _build(self, workspace: Path, package: str, out_dir: Path, features: list[str] | None,
               so_name: str | None) -> ProgramBuild:
        self.prepare()
        t0 = time.monotonic()
        staticlib, builtins_rlib, fresh = self.cargo_build(workspace, package, features or [])
        with self.timed("sbf"):
            return self._link(workspace, package, out_dir, features, so_name, staticlib, builtins_rlib, fresh, t0)

    def _link(self, workspace: Path, package: str, out_dir: Path, features: list[str] | None, so_name: str | None,
              staticlib: Path, builtins_rlib: Path, fresh: bool, t0: float) -> ProgramBuild:
        """LTO bitcode -> legalised, codegen'd, libcall-linked object -> relinked SBPF shared object."""
        so_path = out_dir / f"{so_name or package}.so"
        work = self.target_dir / "sbf-link" / f"{package}-{_sha(str(workspace), *(features or []))}"
        work.mkdir(parents=True, exist_ok=True)
        for p in work.glob("*.o"):
            p.unlink()
        _run(["ar", "x", staticlib], "extracting the LTO bitcode", cwd=work)
        members = list(work.glob("*.o"))
        if len(members) != 1:
            raise BuildError(f"{staticlib} has {len(members)} objects; the profile needs lto = \"fat\" and "
                             f"codegen-units = 1 so that one bitcode module remains")
        bc = work / "program.bc"
        members[0].rename(bc)
        fingerprint = _sha(self.link_key, bc.read_bytes(), str(self.sbpf_version))
        stamp = work / "fingerprint.json"
        embedded_path = out_dir / EMBEDDED_SUBDIR / so_path.name
        outputs = [(so_path, self.sbpf_version), (embedded_path, 0)]
        if so_path.exists() and embedded_path.exists() and stamp.exists():
            prev = json.loads(stamp.read_text())
            if prev.get("fingerprint") == fingerprint and prev.get("so_sha") == [
                    _sha(p.read_bytes()) for p, _ in outputs]:
                return self._record(package, so_path, embedded_path, time.monotonic() - t0, fresh, True,
                                    prev.get("insns", 0), prev.get("syscalls", []), prev.get("libcalls", []))
        obj = work / "program.o"
        self._codegen(bc, obj)
        libcalls = self._link_libcalls(bc, obj, builtins_rlib, work)
        info = {}
        for path, version in outputs:  # one object, linked once per SBPF version
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp_so = work / f"program-v{version}.so"
            try:
                info = relinker.relink(str(obj), str(tmp_so), bss_heap=BSS_HEAP, log=lambda m: None,
                                       sbpf_version=version)
            except relinker.RelinkError as e:
                raise BuildError(f"{package} (SBPF v{version}): {e}") from None
            shutil.copyfile(tmp_so, path)
        stamp.write_text(json.dumps({"fingerprint": fingerprint, "so_sha": [_sha(p.read_bytes()) for p, _ in outputs],
                                     "insns": info["insns"], "syscalls": info["syscalls"], "libcalls": libcalls}))
        return self._record(package, so_path, embedded_path, time.monotonic() - t0, fresh, False,
                            info["insns"], info["syscalls"], libcalls)

    def _record(self, package: str, so_path: Path, embedded_path: Path, seconds: float, fresh: bool,
                link_cached: bool, insns: int, syscalls: list[str], libcalls: list[str]) -> ProgramBuild:
        size = so_path.stat().st_size
        return ProgramBuild(package, str(so_path), size, seconds, fresh, link_cached, insns, syscalls, libcalls,
                            sbpf_version=self.sbpf_version, embedded_so_path=str(embedded_path),
                            rent_exempt_lamports=deploy_rent_lamports(size))


# agave's default rent: 3,480 lamports per byte-year, 2 years exempt, plus 128 bytes of account overhead
RENT_LAMPORTS_PER_BYTE_YEAR = 3_480
RENT_EXEMPTION_YEARS = 2
ACCOUNT_STORAGE_OVERHEAD = 128


def rent_exempt_lamports(data_len: int) -> int:
    return (ACCOUNT_STORAGE_OVERHEAD + data_len) * RENT_LAMPORTS_PER_BYTE_YEAR * RENT_EXEMPTION_YEARS


def deploy_rent_lamports(so_size: int) -> int:
    """Lamports a deploy of a `so_size`-byte program locks up as rent: the program account and its program-data
    account (the loader's header + the .so at 1x allocation), with the sizes the deployer uses."""
    from gridtokenx_cli.deploy import PROGRAM_ACCOUNT_SIZE, PROGRAMDATA_HEADER

    return rent_exempt_lamports(PROGRAM_ACCOUNT_SIZE) + rent_exempt_lamports(PROGRAMDATA_HEADER + so_size)


def workspace_programs(root: Path = REPO_ROOT) -> list[str]:
    return sorted(p.parent.name for p in (root / "programs").glob("*/Cargo.toml"))


def check_custom_heap(crate_dir: Path) -> None:
    text = (crate_dir / "Cargo.toml").read_text()
    if "custom-heap" not in text:
        raise BuildError(f"{crate_dir / 'Cargo.toml'}: declare the feature `custom-heap = []`; the SBF build enables "
                         f"it so that std's heap allocator, which keeps clear of std's statics, is the one used")


# The parts of a build in the order they run, with the names `gtx build` prints for them.
PARTS = {"std": "std source patch", "tools": "pass + sbf-llc", "build-std": "build-std",
         "sbf": "programs (SBF)", "codegen-venv": "codegen venv", "idl": "IDL (host)", "clients": "clients"}


def format_parts(timings: dict[str, float]) -> str:
    """One line: the wall time of each part that took any time, then the total."""
    shown = [f"{label} {timings[k]:.1f} s" for k, label in PARTS.items() if timings.get(k, 0.0) >= 0.05]
    return "parts: " + (", ".join(shown) or "nothing to do") + f"; total {sum(timings.values()):.1f} s"


def build_programs(names: list[str] | None = None, root: Path = REPO_ROOT, idl: bool = True,
                   log=print, timings: dict[str, float] | None = None, bootstrap_authority: str | None = None,
                   out_dir: Path | None = None, sbpf: str = "v3") -> list[ProgramBuild]:
    """Builds the programs (all by default) into `out_dir` (default target/deploy), each with a build record
    naming the bootstrap key it accepts (`bootstrap_authority`, base58; default the localnet key).
    `sbpf` is the SBPF version of `<out_dir>/<name>.so` ("v3" or "v0"); `<out_dir>/sbpf-v0/<name>.so` is always v0.
    `timings`, when given, receives the wall seconds per part (PARTS)."""
    from solders.pubkey import Pubkey

    from gridtokenx_cli import deployment_keys

    names = names or workspace_programs(root)
    known = workspace_programs(root)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BuildError(f"unknown program(s) {', '.join(unknown)}; programs/ has: {', '.join(known)}")
    localnet = deployment_keys.localnet_bootstrap_pubkey(root)
    bootstrap = localnet
    if bootstrap_authority is not None:
        try:
            bootstrap = Pubkey.from_string(bootstrap_authority)
        except ValueError:
            raise BuildError(f"--bootstrap-authority {bootstrap_authority!r} is not a base58 public key") from None
    if bootstrap is None:
        raise BuildError(f"no bootstrap key: {root / 'keys' / 'bootstrap-authority-keypair.json'} is missing; "
                         f"pass --bootstrap-authority PUBKEY")
    if sbpf not in SBPF_CHOICES:
        raise BuildError(f"--sbpf {sbpf!r}: choose one of {', '.join(SBPF_CHOICES)}")
    tc = Toolchain(log=log)
    tc.sbpf_version = SBPF_CHOICES[sbpf]
    # the localnet key is build.rs's default: leave the variable unset so those builds share one cache entry
    tc.bootstrap_authority = None if bootstrap == localnet else str(bootstrap)
    deploy = out_dir or root / "target" / "deploy"
    results = []
    for name in names:
        check_custom_heap(root / "programs" / name)
        r = tc.build(root, name, deploy, features=["custom-heap"])
        deployment_keys.write_build_record(Path(r.so_path), bootstrap, localnet)
        deployment_keys.write_build_record(Path(r.embedded_so_path or r.so_path), bootstrap, localnet)
        keypair = root / "keys" / "programs" / f"{name}-keypair.json"
        if keypair.exists():  # where Anchor users look for it
            shutil.copyfile(keypair, deploy / keypair.name)
        if idl and name not in NATIVE_PROGRAMS:  # a native program has no Anchor IDL to extract
            from . import clientgen, idl as idl_mod
            with tc.timed("idl"):
                new_path, _legacy = idl_mod.write_idls(root, name)
            r.idl_path = str(new_path.relative_to(root))
            try:
                with tc.timed("codegen-venv"):
                    clientgen.codegen_venv()
                with tc.timed("clients"):
                    clientgen.generate(name, root)
                    clientgen.write_anchor_errors(root)
            except clientgen.ClientGenError as e:
                raise BuildError(str(e)) from None
        results.append(r)
    if timings is not None:
        timings.update(tc.timings)
    return results


LAMPORTS_PER_SOL = 1_000_000_000


def format_report(results: list[ProgramBuild]) -> str:
    lines = [f"{'program':<16} {'SBPF':>4} {'.so bytes':>10} {'insns':>7} {'deploy rent SOL':>15} {'seconds':>8}  cache"]
    for r in results:
        cache = "hit" if r.cache_hit else ("cargo fresh, relinked" if r.cargo_fresh else "miss")
        lines.append(f"{r.name:<16} {'v' + str(r.sbpf_version):>4} {r.size:>10,} {r.insns:>7,} "
                     f"{r.rent_exempt_lamports / LAMPORTS_PER_SOL:>15.4f} {r.seconds:>8.1f}  {cache}"
                     + (f"  (+libcalls: {', '.join(r.libcalls_linked)})" if r.libcalls_linked else ""))
    if len(results) > 1:
        total = sum(r.rent_exempt_lamports for r in results)
        lines.append(f"{'total':<16} {'':>4} {sum(r.size for r in results):>10,} {'':>7} "
                     f"{total / LAMPORTS_PER_SOL:>15.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("programs", nargs="*", help="program crates under programs/ (default: all)")
    ap.add_argument("--no-idl", action="store_true", help="skip IDL generation")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--sbpf", choices=list(SBPF_CHOICES), default="v3",
                    help="SBPF version of target/deploy/<name>.so (target/deploy/sbpf-v0/ always gets v0)")
    a = ap.parse_args(argv)
    timings: dict[str, float] = {}
    try:
        results = build_programs(a.programs or None, idl=not a.no_idl, log=lambda m: print(m, file=sys.stderr),
                                 timings=timings, sbpf=a.sbpf)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if a.json:
        print(json.dumps([asdict(r) | {"cache_hit": r.cache_hit} for r in results], indent=2))
    else:
        print(format_report(results))
        print(format_parts(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
