"""Anchor IDL generation (the `anchor idl build` way) and conversion to the legacy format.

Two halves:

1. :func:`build_idl` -- a Python port of ``anchor_lang_idl::build::IdlBuilder::build``
   (crate ``anchor-lang-idl`` 0.1.2, ``src/build.rs``), i.e. what ``anchor idl build`` does:

       cd programs/<name>
       ANCHOR_IDL_BUILD_NO_DOCS=FALSE ANCHOR_IDL_BUILD_RESOLUTION=TRUE \\
       ANCHOR_IDL_BUILD_SKIP_LINT=FALSE ANCHOR_IDL_BUILD_PROGRAM_PATH=<abs program dir> \\
       RUSTFLAGS="-A warnings" \\
       cargo test __anchor_private_print_idl --features idl-build -- --show-output --quiet

   The ``idl-build`` feature makes ``#[program]``, ``declare_id!``, ``#[event]``,
   ``#[error_code]``, ``#[constant]`` emit ``#[test] fn __anchor_private_print_idl_*`` functions
   that print JSON fragments between ``--- IDL begin <section> ---`` / ``--- IDL end <section> ---``
   markers.  The fragments are stitched together exactly like build.rs does (including the
   "commit on the `test result: ok` line" rule, event types merged under program types,
   ``convert_module_paths``, ``sort`` and ``verify``).  Everything runs on the host: no SBF
   toolchain, no anchor-cli.

   Deviation from Anchor, on purpose: Anchor runs ``cargo +nightly`` with
   ``RUSTFLAGS="--cfg procmacro2_semver_exempt -A warnings"``.  There is no nightly here, and on a
   *stable* rustc that cfg switches proc-macro2 to its pure fallback implementation (build.rs of
   proc-macro2: ``wrap_proc_macro`` is only enabled when ``proc_macro_span || !semver_exempt``),
   which makes ``Span::local_file()`` return ``None``: anchor-syn 1.0 then silently stops resolving
   type aliases / external types.  Since Rust 1.88 ``local_file`` is stable and anchor-syn already
   enables proc-macro2's ``span-locations`` feature, so on a stable compiler we drop the cfg and
   get the same behaviour as Anchor's nightly build.  On a nightly/dev compiler Anchor's exact
   RUSTFLAGS are used.

2. :func:`to_legacy` -- convert the new (Anchor >= 0.30, spec 0.1.0) IDL to the pre-0.30 format
   that AnchorPy 0.21 (``anchorpy_core.idl.Idl``) understands, verifying that AnchorPy will compute
   exactly the discriminators that the Anchor 1.0 program uses.

CLI::

    python -m gridtokenx_cli.toolchain.idl PROGRAM [--workspace DIR]

writes ``idl/<program>.json`` (new format) and ``idl/legacy/<program>.json`` (legacy).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

try:  # Python >= 3.11
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover
    _toml = None  # type: ignore[assignment]

__all__ = [
    "IdlBuildError",
    "IdlConversionError",
    "IDL_SPEC",
    "build_idl",
    "idl_build_command",
    "parse_idl_build_output",
    "to_legacy",
    "verify_legacy_with_anchorpy",
    "write_idls",
    "dump_json",
    "main",
]

IDL_SPEC = "0.1.0"
TEST_FILTER = "__anchor_private_print_idl"
DEFAULT_TARGET_DIR = Path.home() / ".cache" / "gridtokenx" / "host-target"


def _default_target_dir(env) -> Path:
    """Host IDL builds share the SBF build's cache root ($GTX_CACHE_DIR)."""
    root = env.get("GTX_CACHE_DIR")
    return Path(root) / "host-target" if root else DEFAULT_TARGET_DIR
ANCHOR_RUSTFLAGS = "--cfg procmacro2_semver_exempt -A warnings"  # what anchor-lang-idl 0.1.2 sets
STDERR_TAIL_LINES = 60


class IdlBuildError(RuntimeError):
    """IDL generation failed (cargo error, missing markers, invalid IDL...)."""

    def __init__(self, message: str, *, stderr_tail: str = "", stdout_tail: str = "",
                 command: Sequence[str] | None = None, returncode: int | None = None):
        self.stderr_tail = stderr_tail
        self.stdout_tail = stdout_tail
        self.command = list(command) if command else None
        self.returncode = returncode
        parts = [message]
        if command:
            parts.append("command: " + " ".join(command))
        if returncode is not None:
            parts.append(f"exit status: {returncode}")
        if stderr_tail:
            parts.append("---- cargo stderr (tail) ----\n" + stderr_tail)
        if stdout_tail:
            parts.append("---- cargo stdout (tail) ----\n" + stdout_tail)
        super().__init__("\n".join(parts))


class IdlConversionError(ValueError):
    """The new-format IDL cannot be expressed faithfully in the legacy (AnchorPy 0.21) format."""


# --------------------------------------------------------------------------------------------
# Locating the program
# --------------------------------------------------------------------------------------------

def _read_toml(path: Path) -> dict:
    if _toml is None:  # pragma: no cover
        raise IdlBuildError("Python >= 3.11 (tomllib) is required to read Cargo.toml")
    with open(path, "rb") as f:
        return _toml.load(f)


def _norm(name: str) -> str:
    return name.replace("-", "_")


def find_program_dir(workspace_root: Path, program: str) -> Path:
    """``programs/<program>`` or the member of ``programs/*`` whose package/lib name matches."""
    workspace_root = Path(workspace_root).resolve()
    direct = workspace_root / "programs" / program
    if (direct / "Cargo.toml").is_file():
        return direct
    wanted = _norm(program)
    for manifest in sorted((workspace_root / "programs").glob("*/Cargo.toml")):
        try:
            data = _read_toml(manifest)
        except Exception:
            continue
        names = {data.get("package", {}).get("name", ""), data.get("lib", {}).get("name", "")}
        if wanted in {_norm(n) for n in names if n}:
            return manifest.parent
    raise IdlBuildError(f"program {program!r} not found under {workspace_root / 'programs'}")


def check_idl_build_feature(program_dir: Path, log: Callable[[str], None] | None = None) -> None:
    """anchor-cli's ``check_idl_build_feature``: the crate must define ``idl-build``."""
    manifest = _read_toml(program_dir / "Cargo.toml")
    features = manifest.get("features", {})
    if "idl-build" not in features:
        raise IdlBuildError(
            f"`idl-build` feature is missing in {program_dir / 'Cargo.toml'}. To solve, add\n\n"
            '[features]\nidl-build = ["anchor-lang/idl-build"]\n')
    deps = manifest.get("dependencies", {})
    if "anchor-spl" in deps and "anchor-spl/idl-build" not in features["idl-build"]:
        msg = ("WARNING: `idl-build` feature of crate `anchor-spl` is not enabled; this is likely to "
               'result in cryptic compile errors.\nAdd "anchor-spl/idl-build" to the `idl-build` '
               f"feature list in {program_dir / 'Cargo.toml'}")
        (log or (lambda m: print(m, file=sys.stderr)))(msg)


def declared_program_id(program_dir: Path) -> str | None:
    """The address in ``declare_id!("...")`` of ``src/lib.rs`` (best effort, for cross-checking)."""
    lib = program_dir / "src" / "lib.rs"
    try:
        src = lib.read_text()
    except OSError:
        return None
    m = re.search(r'declare_id!\s*\(\s*"([1-9A-HJ-NP-Za-km-z]+)"\s*\)', src)
    return m.group(1) if m else None


# --------------------------------------------------------------------------------------------
# Running cargo
# --------------------------------------------------------------------------------------------

def _cargo_executable(env: dict) -> str:
    explicit = os.environ.get("GRIDTOKENX_CARGO")
    if explicit:
        return explicit
    if os.path.exists("/usr/bin/cargo"):  # Debian's toolchain, never rustup's proxy
        return "/usr/bin/cargo"
    found = shutil.which("cargo", path=env.get("PATH"))
    if not found:
        raise IdlBuildError("cargo not found")
    return found


def _rustc_is_nightly(env: dict) -> bool:
    rustc = env.get("RUSTC") or shutil.which("rustc", path=env.get("PATH")) or "rustc"
    try:
        out = subprocess.run([rustc, "-vV"], env=env, capture_output=True, text=True,
                             timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise IdlBuildError(f"cannot run `{rustc} -vV`: {e}") from e
    m = re.search(r"^release:\s*(\S+)", out, re.M)
    if not m:
        raise IdlBuildError(f"cannot parse `{rustc} -vV` output:\n{out}")
    release = m.group(1)
    if "nightly" in release or "dev" in release:
        return True
    ver = tuple(int(x) for x in re.findall(r"\d+", release)[:2])
    if ver < (1, 88):
        raise IdlBuildError(
            f"rustc {release} is too old for a stable-toolchain IDL build: Span::local_file needs "
            "Rust >= 1.88 (or use a nightly toolchain, as anchor-cli does)")
    return False


def idl_build_command(program_dir: Path, *, resolution: bool = True, skip_lint: bool = False,
                      no_docs: bool = False, cargo_args: Sequence[str] = (),
                      target_dir: Path | str | None = None,
                      base_env: dict | None = None) -> tuple[list[str], dict, dict]:
    """Return ``(argv, full_env, env_overrides)`` of the cargo invocation for the IDL build."""
    env = dict(os.environ if base_env is None else base_env)
    env["PATH"] = "/usr/bin:/bin:" + env.get("PATH", "")  # rustup's cargo/rustc must not win
    cargo = _cargo_executable(env)
    nightly = _rustc_is_nightly(env)
    overrides = {
        "ANCHOR_IDL_BUILD_NO_DOCS": "TRUE" if no_docs else "FALSE",
        "ANCHOR_IDL_BUILD_RESOLUTION": "TRUE" if resolution else "FALSE",
        "ANCHOR_IDL_BUILD_SKIP_LINT": "TRUE" if skip_lint else "FALSE",
        "ANCHOR_IDL_BUILD_PROGRAM_PATH": str(Path(program_dir).resolve()),
        # see module docstring for why the semver_exempt cfg is dropped on stable
        "RUSTFLAGS": ANCHOR_RUSTFLAGS if nightly else "-A warnings",
        "CARGO_TARGET_DIR": str(target_dir or env.get("CARGO_TARGET_DIR") or _default_target_dir(env)),
    }
    # Workspace feature unification: every program's IDL build resolves dependency features as if the whole
    # workspace were built, so anchor-lang, anchor-spl and their dependencies are compiled once for all seven
    # programs instead of once per distinct feature set (a cold host IDL build of the seven: 509 s -> 186 s,
    # measured on a loaded 2-core machine). The option is unstable in cargo 1.96, hence the channel override,
    # which cargo alone reads (rustc and build scripts still see a stable compiler).
    overrides.update({"CARGO_RESOLVER_FEATURE_UNIFICATION": "workspace",
                      "__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS": "nightly"})
    env.pop("CARGO_ENCODED_RUSTFLAGS", None)  # would take precedence over RUSTFLAGS
    env.update(overrides)
    argv = [cargo, "test", "-Zfeature-unification", TEST_FILTER, "--features", "idl-build", *cargo_args,
            "--", "--show-output", "--quiet"]
    return argv, env, overrides


def forget_other_checkouts_members(target_dir: Path, workspace_root: Path) -> None:
    """Make cargo rebuild the workspace's own crates when the previous build in `target_dir` came from another
    checkout (another path) of this workspace.

    Cargo names a workspace crate's artifacts the same in every checkout (its metadata hash takes the path
    relative to the workspace root) and judges them fresh by mtime, so artifacts built from another checkout
    after this one's sources were last written would be reused as if they were this checkout's. Content-based
    freshness (`-Zchecksum-freshness`, used by the SBF build) would need rustc's `-Z` flags, which these stable
    host builds avoid; dropping the members' fingerprints costs only the members' compile (dependencies stay)."""
    root = str(Path(workspace_root).resolve())
    stamp = Path(target_dir) / "gtx-checkout"
    try:
        if stamp.read_text() == root:
            return
    except OSError:
        pass
    members = {_read_toml(p).get("package", {}).get("name", "").replace("_", "-")
               for pattern in ("programs/*/Cargo.toml", "crates/*/Cargo.toml")
               for p in Path(root).glob(pattern)}
    members.discard("")
    for fingerprint in (Path(target_dir) / "debug" / ".fingerprint").glob("*"):
        if fingerprint.name.rsplit("-", 1)[0].replace("_", "-") in members:
            shutil.rmtree(fingerprint, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(root)


def _tail(text: str, n: int = STDERR_TAIL_LINES) -> str:
    lines = text.rstrip("\n").split("\n")
    return "\n".join(lines[-n:]) if text.strip() else ""


def _run_cargo(argv: list[str], env: dict, cwd: Path, stream_stderr: bool) -> tuple[int, str, str]:
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    except OSError as e:
        raise IdlBuildError(f"cannot start cargo: {e}", command=argv) from e
    err_chunks: list[bytes] = []

    def pump() -> None:
        assert proc.stderr is not None
        for line in iter(proc.stderr.readline, b""):
            err_chunks.append(line)
            if stream_stderr:
                sys.stderr.write(line.decode("utf-8", "replace"))
                sys.stderr.flush()

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    assert proc.stdout is not None
    out = proc.stdout.read()
    rc = proc.wait()
    t.join()
    return (rc, out.decode("utf-8", "replace"), b"".join(err_chunks).decode("utf-8", "replace"))


# --------------------------------------------------------------------------------------------
# Parsing the printed IDL (port of build.rs)
# --------------------------------------------------------------------------------------------

_PRIMITIVES = {"bool", "u8", "i8", "u16", "i16", "u32", "i32", "f32", "u64", "i64", "f64",
               "u128", "i128", "u256", "i256", "bytes", "string"}


class _Schema:
    """Serde round trip of anchor-lang-idl-spec 0.1.0 types: fields in struct declaration order,
    ``skip_serializing_if = "is_default"`` fields dropped, unknown fields dropped.

    build.rs deserializes every printed fragment into these structs and anchor-cli re-serializes
    them, so e.g. event fragments (printed from a key-sorted ``serde_json::Value``) come out in
    struct order.  Doing the same here makes the output byte-compatible with ``anchor idl build``.
    """

    SKIP = object()

    @staticmethod
    def _obj(value: Any, where: str, spec: Sequence[tuple]) -> dict:
        if not isinstance(value, dict):
            raise IdlBuildError(f"IDL: expected an object at {where}, got {value!r:.200}")
        out: dict = {}
        for key, conv, skip in spec:
            if key not in value:
                if skip is None:  # required field
                    raise IdlBuildError(f"IDL: missing field `{key}` at {where}")
                continue
            v = value[key]
            if v is None and skip is not None:
                continue
            v = conv(v, f"{where}.{key}") if conv else v
            if skip is not None and v == skip:
                continue
            out[key] = v
        return out

    @classmethod
    def _list(cls, conv: Callable[[Any, str], Any]) -> Callable[[Any, str], list]:
        def f(value: Any, where: str) -> list:
            if not isinstance(value, list):
                raise IdlBuildError(f"IDL: expected a list at {where}")
            return [conv(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return f

    @classmethod
    def _tagged(cls, variants: dict) -> Callable[[Any, str], dict]:
        def f(value: Any, where: str) -> dict:
            kind = value.get("kind") if isinstance(value, dict) else None
            if kind not in variants:
                raise IdlBuildError(f"IDL: unknown kind {kind!r} at {where}")
            return {"kind": kind, **cls._obj(value, where, variants[kind])}
        return f

    @classmethod
    def ty(cls, value: Any, where: str) -> Any:
        if isinstance(value, str):
            if value in _PRIMITIVES or value == "pubkey":
                return value
            raise IdlBuildError(f"IDL: unknown type {value!r} at {where}")
        if not isinstance(value, dict) or len(value) != 1:
            raise IdlBuildError(f"IDL: malformed type {value!r:.200} at {where}")
        (k, v), = value.items()
        if k in ("option", "vec"):
            return {k: cls.ty(v, f"{where}.{k}")}
        if k == "array":
            n = v[1]
            if not (isinstance(n, int) or (isinstance(n, dict) and list(n) == ["generic"])):
                raise IdlBuildError(f"IDL: malformed array length {n!r} at {where}")
            return {"array": [cls.ty(v[0], f"{where}.array"), n]}
        if k == "defined":
            return {"defined": cls._obj(v, f"{where}.defined", (
                ("name", None, None), ("generics", cls._list(cls.generic_arg), [])))}
        if k == "generic":
            return {"generic": v}
        raise IdlBuildError(f"IDL: unknown type kind {k!r} at {where}")

    @classmethod
    def generic_arg(cls, value: Any, where: str) -> dict:
        return cls._tagged({"type": (("type", cls.ty, None),),
                            "const": (("value", None, None),)})(value, where)

    @classmethod
    def field(cls, value: Any, where: str) -> dict:
        return cls._obj(value, where, (("name", None, None), ("docs", None, []),
                                       ("type", cls.ty, None)))

    @classmethod
    def defined_fields(cls, value: Any, where: str) -> list:
        if isinstance(value, list) and _is_named_fields(value):  # untagged: Named first
            return [cls.field(f, f"{where}[{i}]") for i, f in enumerate(value)]
        return cls._list(cls.ty)(value, where)

    @classmethod
    def typedef(cls, value: Any, where: str) -> dict:
        modifier = (("packed", None, False), ("align", None, cls.SKIP))
        return cls._obj(value, where, (
            ("name", None, None),
            ("docs", None, []),
            ("serialization", None, "borsh"),
            ("repr", cls._tagged({"rust": modifier, "c": modifier, "transparent": ()}), cls.SKIP),
            ("generics", cls._list(cls._tagged({"type": (("name", None, None),),
                                                 "const": (("name", None, None),
                                                           ("type", None, None))})), []),
            ("type", cls._tagged({
                "struct": (("fields", cls.defined_fields, cls.SKIP),),
                "enum": (("variants", cls._list(lambda v, w: cls._obj(v, w, (
                    ("name", None, None), ("fields", cls.defined_fields, cls.SKIP)))), None),),
                "type": (("alias", cls.ty, None),),
            }), None)))

    @classmethod
    def seed(cls, value: Any, where: str) -> dict:
        return cls._tagged({"const": (("value", None, None),),
                            "arg": (("path", None, None),),
                            "account": (("path", None, None), ("account", None, cls.SKIP))})(
            value, where)

    @classmethod
    def account_item(cls, value: Any, where: str) -> dict:
        if isinstance(value, dict) and "accounts" in value:  # untagged: Composite first
            return cls._obj(value, where, (("name", None, None),
                                           ("accounts", cls._list(cls.account_item), None)))
        return cls._obj(value, where, (
            ("name", None, None), ("docs", None, []), ("writable", None, False),
            ("signer", None, False), ("optional", None, False), ("address", None, cls.SKIP),
            ("pda", lambda v, w: cls._obj(v, w, (("seeds", cls._list(cls.seed), None),
                                                  ("program", cls.seed, cls.SKIP))), cls.SKIP),
            ("relations", None, [])))

    @classmethod
    def idl(cls, value: Any, where: str = "idl") -> dict:
        named_disc = (("name", None, None), ("discriminator", None, None))
        return cls._obj(value, where, (
            ("address", None, None),
            ("metadata", lambda v, w: cls._obj(v, w, (
                ("name", None, None), ("version", None, None), ("spec", None, None),
                ("description", None, cls.SKIP), ("repository", None, cls.SKIP),
                ("dependencies", cls._list(lambda d, w2: cls._obj(d, w2, (
                    ("name", None, None), ("version", None, None)))), []),
                ("contact", None, cls.SKIP),
                ("deployments", lambda d, w2: {k: d.get(k) for k in
                                               ("mainnet", "testnet", "devnet", "localnet")},
                 cls.SKIP))), None),
            ("docs", None, []),
            ("instructions", cls._list(lambda v, w: cls._obj(v, w, (
                ("name", None, None), ("docs", None, []), ("discriminator", None, None),
                ("accounts", cls._list(cls.account_item), None),
                ("args", cls._list(cls.field), None),
                ("returns", cls.ty, cls.SKIP)))), None),
            ("accounts", cls._list(lambda v, w: cls._obj(v, w, named_disc)), []),
            ("events", cls._list(lambda v, w: cls._obj(v, w, named_disc)), []),
            ("errors", cls._list(lambda v, w: cls._obj(v, w, (
                ("code", None, None), ("name", None, None), ("msg", None, cls.SKIP)))), []),
            ("types", cls._list(cls.typedef), []),
            ("constants", cls._list(lambda v, w: cls._obj(v, w, (
                ("name", None, None), ("docs", None, []), ("type", cls.ty, None),
                ("value", None, None)))), []),
        ))


def canonical_idl(idl: dict) -> dict:
    """Normalize a new-format IDL exactly like a serde round trip through anchor-lang-idl-spec."""
    return _Schema.idl(idl)


def parse_idl_build_output(stdout: str) -> dict:
    """Port of the stdout state machine of ``anchor_lang_idl::build::build``."""
    address = ""
    events: list = []
    error_codes: list = []
    constants: list = []
    types: dict[str, dict] = {}
    idl: dict | None = None

    state = "pass"
    buf: list[str] = []
    # Rust's str::lines(): split on '\n', strip one trailing '\r'
    for line in stdout.split("\n"):
        if line.endswith("\r"):
            line = line[:-1]
        if state == "pass":
            if line == "--- IDL begin address ---":
                state = "address"
            elif line in ("--- IDL begin const ---", "--- IDL begin event ---",
                          "--- IDL begin errors ---", "--- IDL begin program ---"):
                state = line.split()[3]
                buf = []
            elif (line.startswith("test result: ok")
                  and not line.startswith("test result: ok. 0 passed; 0 failed; 0")):
                if idl is not None:
                    idl["address"], address = address, ""
                    idl["constants"], constants = constants, []
                    idl["events"], events = events, []
                    idl["errors"], error_codes = error_codes, []
                    merged, types = types, {}
                    for ty in idl.get("types", []):
                        merged[ty["name"]] = ty
                    idl["types"] = [merged[k] for k in sorted(merged)]
        elif state == "address":
            address = "".join(c for c in line if c.isalnum())
            state = "pass"
        else:
            if line == f"--- IDL end {state} ---":
                text = "\n".join(buf)
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as e:
                    raise IdlBuildError(f"invalid JSON in IDL section `{state}`: {e}\n{text[:2000]}")
                if state == "const":
                    constants.append(value)
                elif state == "event":
                    events.append(value["event"])
                    for ty in value.get("types", []):
                        types[ty["name"]] = ty
                elif state == "errors":
                    error_codes = value
                elif state == "program":
                    idl = value
                state = "pass"
                continue
            buf.append(line)

    if idl is None:
        raise IdlBuildError("IDL doesn't exist (no `--- IDL begin program ---` section in the "
                            "test output; is there a #[program] module and the idl-build feature?)")
    idl.setdefault("address", "")  # `address: Default::default()` in the printed program IDL
    return canonical_idl(idl)


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def convert_module_paths(idl: dict) -> dict:
    """Port of build.rs ``convert_module_paths``: ``"a::b::Name"`` -> ``"Name"`` unless ambiguous."""
    text = _compact(idl)
    acc = text
    for m in re.finditer(r'"(\w+::)+(\w+)"', text):
        path, name = m.group(0), m.group(2)
        replaced = acc.replace(path, f'"{name}"')
        if re.search(rf'"(\w+::)+{re.escape(name)}"', replaced):
            continue  # conflict: keep the full path
        acc = replaced
    return json.loads(acc)


def sort_idl(idl: dict) -> dict:
    """Port of build.rs ``sort``: alphabetical (stable) by name."""
    for key in ("accounts", "constants", "events", "instructions", "types"):
        if key in idl:
            idl[key] = sorted(idl[key], key=lambda it: it["name"])
    return idl


def verify_idl(idl: dict) -> None:
    """Port of build.rs ``verify``."""
    accounts = idl.get("accounts", [])
    for acc in accounts:
        if "::" in acc["name"]:
            raise IdlBuildError("Conflicting accounts names are not allowed.\n"
                                f"Program: `{idl['metadata']['name']}`\nAccount: `{acc['name']}`")
    for field in ("accounts", "events", "instructions"):
        for it in idl.get(field, []):
            if not it["discriminator"]:
                raise IdlBuildError(f"Empty discriminators are not allowed for {field}: "
                                    f"`{it['name']}`")
    for field in ("accounts", "events", "instructions"):
        items = idl.get(field, [])
        for outer in items:
            for inner in items:
                if inner["name"] != outer["name"] and \
                        outer["discriminator"][:len(inner["discriminator"])] == inner["discriminator"]:
                    raise IdlBuildError(f"Ambiguous discriminators for {field} `{outer['name']}` "
                                        f"and `{inner['name']}`")
    for acc in accounts:
        if all(b == 0 for b in acc["discriminator"]):
            raise IdlBuildError(f"All zero account discriminators are not allowed (account: "
                                f"`{acc['name']}`)")
    for acc in accounts:
        zero_count = 0
        for b in acc["discriminator"]:
            if b != 0:
                break
            zero_count += 1
        for acc2 in accounts:
            if len(acc2["discriminator"]) <= zero_count:
                raise IdlBuildError("Accounts may allow substitution when used with the `zero` "
                                    f"constraint: `{acc['name']}` `{acc2['name']}`")


def build_idl(workspace_root: Path, program: str, *, resolution: bool = True,
              skip_lint: bool = False, no_docs: bool = False, cargo_args: Sequence[str] = (),
              target_dir: Path | str | None = None, stream_stderr: bool = False,
              log: Callable[[str], None] | None = None) -> dict:
    """Generate the program's IDL (new format, spec 0.1.0) like ``anchor idl build``.

    Raises :class:`IdlBuildError` (with the cargo stderr tail) on any failure.
    """
    program_dir = find_program_dir(Path(workspace_root), program)
    check_idl_build_feature(program_dir, log)
    argv, env, _ = idl_build_command(program_dir, resolution=resolution, skip_lint=skip_lint,
                                     no_docs=no_docs, cargo_args=cargo_args, target_dir=target_dir)
    forget_other_checkouts_members(Path(env["CARGO_TARGET_DIR"]), Path(workspace_root))
    t0 = time.monotonic()
    rc, stdout, stderr = _run_cargo(argv, env, program_dir, stream_stderr)
    build_idl.last_duration = time.monotonic() - t0  # type: ignore[attr-defined]
    if os.environ.get("ANCHOR_LOG"):
        print(stdout, file=sys.stderr)
    if rc != 0:
        raise IdlBuildError(f"Building IDL for `{program}` failed (cargo test with the idl-build "
                            "feature did not succeed)", stderr_tail=_tail(stderr),
                            stdout_tail=_tail(stdout, 30), command=argv, returncode=rc)
    try:
        idl = parse_idl_build_output(stdout)
    except IdlBuildError as e:
        raise IdlBuildError(str(e), stderr_tail=_tail(stderr), stdout_tail=_tail(stdout, 30),
                            command=argv) from None
    idl = canonical_idl(sort_idl(convert_module_paths(idl)))
    verify_idl(idl)

    meta = idl.get("metadata", {})
    for key in ("name", "version", "spec"):
        if not meta.get(key):
            raise IdlBuildError(f"generated IDL has no metadata.{key}")
    if meta["spec"] != IDL_SPEC:
        raise IdlBuildError(f"unexpected IDL spec {meta['spec']!r} (expected {IDL_SPEC!r})")
    if not idl.get("address"):
        raise IdlBuildError("generated IDL has no program address: is there a `declare_id!` in "
                            f"{program_dir / 'src' / 'lib.rs'}?", stdout_tail=_tail(stdout, 30))
    declared = declared_program_id(program_dir)
    if declared and declared != idl["address"]:
        raise IdlBuildError(f"IDL address {idl['address']} != declare_id!(\"{declared}\") in "
                            f"{program_dir / 'src' / 'lib.rs'}")
    return idl


# --------------------------------------------------------------------------------------------
# New format -> legacy (AnchorPy 0.21)
# --------------------------------------------------------------------------------------------

def _disc(namespace: str, name: str) -> list[int]:
    return list(hashlib.sha256(f"{namespace}:{name}".encode()).digest()[:8])


def _heck():
    try:
        from pyheck import lower_camel, snake  # AnchorPy's own case conversion (heck)
    except ImportError as e:  # pragma: no cover
        raise IdlConversionError("pyheck (a dependency of anchorpy) is required for the legacy "
                                 "IDL conversion") from e
    return snake, lower_camel


def _is_named_fields(fields: list) -> bool:
    return all(isinstance(f, dict) and "name" in f and "type" in f for f in fields)


def _walk_defined(ty: Any) -> Iterable[str]:
    """Names of all defined types referenced by a new-format type (incl. generic args)."""
    if isinstance(ty, dict):
        if "defined" in ty:
            d = ty["defined"]
            yield d["name"] if isinstance(d, dict) else d
            for g in (d.get("generics", []) if isinstance(d, dict) else []):
                if g.get("kind") == "type":
                    yield from _walk_defined(g["type"])
        elif "option" in ty:
            yield from _walk_defined(ty["option"])
        elif "vec" in ty:
            yield from _walk_defined(ty["vec"])
        elif "array" in ty:
            yield from _walk_defined(ty["array"][0])


def _typedef_field_types(td: dict) -> list:
    ty = td["type"]
    out: list = []
    if ty["kind"] == "struct":
        fields = ty.get("fields") or []
        out = [f["type"] for f in fields] if _is_named_fields(fields) else list(fields)
    elif ty["kind"] == "enum":
        for v in ty["variants"]:
            fields = v.get("fields") or []
            out += [f["type"] for f in fields] if _is_named_fields(fields) else list(fields)
    elif ty["kind"] == "type":
        out = [ty["alias"]]
    return out


class _LegacyConverter:
    def __init__(self, idl: dict):
        self.idl = idl
        self.snake, self.lower_camel = _heck()
        self.typedefs = {t["name"]: t for t in idl.get("types", [])}
        self.account_names = [a["name"] for a in idl.get("accounts", [])]
        self.event_names = [e["name"] for e in idl.get("events", [])]
        self.mono: dict[str, dict] = {}  # monomorphized generic instances: name -> legacy typedef
        self._mono_busy: set[str] = set()

    # ---- names ---------------------------------------------------------------------------
    def name(self, rust_name: str) -> str:
        """camelCase (legacy convention) when AnchorPy's snake() maps it back to the Rust name."""
        camel = self.lower_camel(rust_name)
        if self.snake(camel) == rust_name:
            return camel
        return rust_name

    def check_unique(self, names: list[str], where: str) -> None:
        seen: dict[str, str] = {}
        for n in names:
            s = self.snake(n)
            if s in seen:
                raise IdlConversionError(f"{where}: names {seen[s]!r} and {n!r} both become {s!r} "
                                         "in AnchorPy (pyheck.snake); AnchorPy would mix them up")
            seen[s] = n

    # ---- types ---------------------------------------------------------------------------
    @staticmethod
    def _subst(ty: Any, subst: dict) -> Any:
        """Substitute generic parameters inside a new-format type (new -> new)."""
        if not subst:
            return ty
        if isinstance(ty, dict):
            if "generic" in ty and ty["generic"] in subst:
                return subst[ty["generic"]]
            if "option" in ty:
                return {"option": _LegacyConverter._subst(ty["option"], subst)}
            if "vec" in ty:
                return {"vec": _LegacyConverter._subst(ty["vec"], subst)}
            if "array" in ty:
                inner, n = ty["array"]
                if isinstance(n, dict) and "generic" in n and n["generic"] in subst:
                    n = subst[n["generic"]]
                return {"array": [_LegacyConverter._subst(inner, subst), n]}
            if "defined" in ty and isinstance(ty["defined"], dict):
                d = dict(ty["defined"])
                gens = []
                for g in d.get("generics", []):
                    if g.get("kind") == "type":
                        gens.append({"kind": "type", "type": _LegacyConverter._subst(g["type"], subst)})
                    elif g.get("kind") == "const" and g.get("value") in subst:
                        gens.append({"kind": "const", "value": str(subst[g["value"]])})
                    else:
                        gens.append(g)
                d["generics"] = gens
                return {"defined": d}
        return ty

    @staticmethod
    def _has_generic(ty: Any) -> bool:
        """Does a (list of) new-format type(s) / generic arg(s) still mention a generic param?"""
        if isinstance(ty, list):
            return any(_LegacyConverter._has_generic(t) for t in ty)
        if not isinstance(ty, dict):
            return False
        if "generic" in ty and len(ty) == 1:
            return True
        if ty.get("kind") == "type" and "type" in ty:  # generic arg
            return _LegacyConverter._has_generic(ty["type"])
        if ty.get("kind") == "const":  # a const arg naming an outer const param, e.g. `N`
            value = str(ty.get("value", ""))
            return value.isidentifier() and value not in ("true", "false")
        (k, v), = ty.items() if len(ty) == 1 else ((None, None),)
        if k in ("option", "vec"):
            return _LegacyConverter._has_generic(v)
        if k == "array":
            return _LegacyConverter._has_generic(v[0]) or isinstance(v[1], dict)
        if k == "defined" and isinstance(v, dict):
            return _LegacyConverter._has_generic(v.get("generics", []))
        return False

    @staticmethod
    def _render(ty: Any) -> str:
        """Rust-like rendering of a concrete new-format type (used for instance names)."""
        if isinstance(ty, str):
            return {"pubkey": "Pubkey", "string": "String", "bytes": "Vec<u8>"}.get(ty, ty)
        if "option" in ty:
            return f"Option<{_LegacyConverter._render(ty['option'])}>"
        if "vec" in ty:
            return f"Vec<{_LegacyConverter._render(ty['vec'])}>"
        if "array" in ty:
            return f"[{_LegacyConverter._render(ty['array'][0])}; {ty['array'][1]}]"
        d = ty["defined"]
        gens = d.get("generics", [])
        if not gens:
            return d["name"]
        args = [(_LegacyConverter._render(g["type"]) if g["kind"] == "type" else str(g["value"]))
                for g in gens]
        return f"{d['name']}<{', '.join(args)}>"

    def type(self, ty: Any, where: str) -> Any:
        if isinstance(ty, str):
            if ty == "pubkey":
                return "publicKey"
            if ty in _PRIMITIVES:
                return ty
            raise IdlConversionError(f"{where}: unknown IDL type {ty!r}")
        if not isinstance(ty, dict) or len(ty) != 1:
            raise IdlConversionError(f"{where}: malformed IDL type {ty!r}")
        (kind, val), = ty.items()
        if kind == "option":
            return {"option": self.type(val, where)}
        if kind == "vec":
            return {"vec": self.type(val, where)}
        if kind == "array":
            inner, n = val
            if isinstance(n, int):
                return {"array": [self.type(inner, where), n]}
            if isinstance(n, str):
                raise IdlConversionError(f"{where}: array length {n!r} is not an integer")
            if isinstance(n, dict) and "generic" in n:
                return {"genericLenArray": [self.type(inner, where), n["generic"]]}
            raise IdlConversionError(f"{where}: malformed array length {n!r}")
        if kind == "generic":
            return {"generic": val}
        if kind == "defined":
            if isinstance(val, str):  # tolerate an already-legacy reference
                return {"defined": val}
            name, gens = val["name"], val.get("generics", [])
            if not gens:
                return {"defined": name}
            if not self._has_generic(gens):
                return {"defined": self.monomorphize(val, where)}
            args = []
            for g in gens:
                if g["kind"] == "type":
                    t = g["type"]
                    if isinstance(t, dict) and "generic" in t:
                        args.append({"generic": t["generic"]})
                    else:
                        args.append({"type": self.type(t, where)})
                elif self._has_generic(g):  # const arg naming an outer const param
                    args.append({"generic": str(g["value"])})
                else:
                    args.append({"value": str(g["value"])})
            return {"definedWithTypeArgs": {"name": name, "args": args}}
        raise IdlConversionError(f"{where}: IDL type kind {kind!r} has no legacy equivalent")

    def monomorphize(self, defined: dict, where: str) -> str:
        """Concrete instance of a generic type, e.g. ``Pair<u8, 4>``, as a plain legacy type."""
        inst = self._render({"defined": defined})
        if inst in self.mono or inst in self._mono_busy:
            return inst
        base = self.typedefs.get(defined["name"])
        if base is None:
            raise IdlConversionError(f"{where}: generic type {defined['name']!r} not in `types`")
        params = base.get("generics", [])
        args = defined.get("generics", [])
        if len(params) != len(args):
            raise IdlConversionError(f"{where}: {inst}: expected {len(params)} generic args")
        subst: dict = {}
        for p, a in zip(params, args):
            if p["kind"] == "type":
                if a["kind"] != "type":
                    raise IdlConversionError(f"{where}: {inst}: generic {p['name']} needs a type")
                subst[p["name"]] = a["type"]
            else:
                value = str(a.get("value", ""))
                try:
                    subst[p["name"]] = int(value.replace("_", ""))
                except ValueError:  # bool/char const generics: only usable outside array lengths
                    subst[p["name"]] = value
        self._mono_busy.add(inst)
        td = copy.deepcopy(base)
        td.pop("generics", None)
        td["name"] = inst
        td["type"] = self._subst_typedef_ty(td["type"], subst)
        self.mono[inst] = self.typedef(td, where=f"type {inst}")
        self._mono_busy.discard(inst)
        return inst

    def _subst_typedef_ty(self, ty: dict, subst: dict) -> dict:
        ty = copy.deepcopy(ty)
        def fix(fields):
            if not fields:
                return fields
            if _is_named_fields(fields):
                return [{**f, "type": self._subst(f["type"], subst)} for f in fields]
            return [self._subst(t, subst) for t in fields]
        if ty["kind"] == "struct":
            ty["fields"] = fix(ty.get("fields"))
        elif ty["kind"] == "enum":
            for v in ty["variants"]:
                if v.get("fields"):
                    v["fields"] = fix(v["fields"])
        elif ty["kind"] == "type":
            ty["alias"] = self._subst(ty["alias"], subst)
        return ty

    def fields(self, fields: list | None, where: str) -> list[dict]:
        """Struct fields; tuple structs get synthetic names field0, field1, ... (borsh is positional)."""
        if not fields:
            return []
        if _is_named_fields(fields):
            out = []
            for f in fields:
                lf: dict = {"name": self.name(f["name"])}
                if f.get("docs"):
                    lf["docs"] = list(f["docs"])
                lf["type"] = self.type(f["type"], f"{where}.{f['name']}")
                out.append(lf)
            self.check_unique([f["name"] for f in out], where)
            return out
        return [{"name": f"field{i}", "type": self.type(t, f"{where}.{i}")}
                for i, t in enumerate(fields)]

    def typedef(self, td: dict, where: str) -> dict:
        ser = td.get("serialization", "borsh")
        if ser not in ("borsh", "bytemuck", "bytemuckunsafe"):
            # bytemuck (zero_copy) structs are Pod: repr(C)/packed without padding, i.e. the same
            # bytes as borsh for their (fixed-size) fields.  Custom serializers are opaque.
            raise IdlConversionError(f"{where}: serialization {ser!r} cannot be expressed in the "
                                     "legacy IDL (AnchorPy only speaks borsh)")
        out: dict = {"name": td["name"]}
        if td.get("docs"):
            out["docs"] = list(td["docs"])
        if td.get("generics"):
            out["generics"] = [g["name"] for g in td["generics"]]
        ty = td["type"]
        kind = ty["kind"]
        if kind == "struct":
            out["type"] = {"kind": "struct", "fields": self.fields(ty.get("fields"), where)}
        elif kind == "enum":
            variants = []
            for v in ty["variants"]:
                lv: dict = {"name": v["name"]}
                vf = v.get("fields")
                if vf:  # empty field lists are dropped: same borsh bytes, and AnchorPy needs >= 1
                    if _is_named_fields(vf):
                        lv["fields"] = self.fields(vf, f"{where}::{v['name']}")
                    else:
                        lv["fields"] = [self.type(t, f"{where}::{v['name']}.{i}")
                                        for i, t in enumerate(vf)]
                variants.append(lv)
            out["type"] = {"kind": "enum", "variants": variants}
        elif kind == "type":
            out["type"] = {"kind": "alias", "value": self.type(ty["alias"], where)}
        else:
            raise IdlConversionError(f"{where}: unknown type definition kind {kind!r}")
        return out

    # ---- reachability (AnchorPy resolves `defined` in different lists per coder) -------------
    def reachable(self, roots: Iterable[Any]) -> set[str]:
        seen: set[str] = set()
        stack = [n for t in roots for n in _walk_defined(t)]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            td = self.typedefs.get(n)
            if td:
                stack += [m for t in _typedef_field_types(td) for m in _walk_defined(t)]
        return seen

    # ---- instructions ------------------------------------------------------------------------
    def account_item(self, item: dict, where: str) -> dict:
        if "accounts" in item:  # composite (nested Accounts struct)
            accs = [self.account_item(a, f"{where}.{item['name']}") for a in item["accounts"]]
            self.check_unique([a["name"] for a in accs], f"{where}.{item['name']}")
            return {"name": self.name(item["name"]), "accounts": accs}
        out: dict = {"name": self.name(item["name"]),
                     "isMut": bool(item.get("writable", False)),
                     "isSigner": bool(item.get("signer", False))}
        if item.get("optional"):
            out["isOptional"] = True
        if item.get("docs"):
            out["docs"] = list(item["docs"])
        if item.get("relations"):
            out["relations"] = [self.name(r) for r in item["relations"]]
        # `address` (fixed account) and `pda` (seeds) are dropped: AnchorPy 0.21 never resolves
        # accounts, and legacy seeds need per-seed types that the new format does not carry.
        return out

    def instruction(self, ix: dict) -> dict:
        rust = ix["name"]
        disc = list(ix["discriminator"])
        legacy_name = None
        for cand in (self.name(rust), rust):
            if _disc("global", self.snake(cand)) == disc:
                legacy_name = cand
                break
        if legacy_name is None:
            raise IdlConversionError(
                f"instruction `{rust}`: its discriminator {disc} is not sha256(\"global:{rust}\")[:8]"
                f" = {_disc('global', rust)} as AnchorPy 0.21 recomputes it from the (snake_cased) "
                f"name ({self.snake(self.name(rust))!r}); custom instruction discriminators "
                "cannot be expressed in the legacy IDL")
        where = f"instruction {rust}"
        accounts = [self.account_item(a, where) for a in ix.get("accounts", [])]
        self.check_unique([a["name"] for a in accounts], f"{where} accounts")
        args = []
        for a in ix.get("args", []):
            la: dict = {"name": self.name(a["name"])}
            if a.get("docs"):
                la["docs"] = list(a["docs"])
            la["type"] = self.type(a["type"], f"{where} arg {a['name']}")
            args.append(la)
        self.check_unique([a["name"] for a in args], f"{where} args")
        out: dict = {"name": legacy_name}
        if ix.get("docs"):
            out["docs"] = list(ix["docs"])
        out["accounts"] = accounts
        out["args"] = args
        if ix.get("returns") is not None:
            out["returns"] = self.type(ix["returns"], f"{where} returns")
        return out

    # ---- whole IDL -----------------------------------------------------------------------------

    def _checked_typedef(self, kind: str, item: dict) -> dict:
        """The type definition of an account or event whose discriminator AnchorPy 0.21 recomputes by name."""
        name = item["name"]
        if list(item["discriminator"]) != _disc(kind, name):
            raise IdlConversionError(
                f"{kind} `{name}`: discriminator {list(item['discriminator'])} != "
                f"sha256(\"{kind}:{name}\")[:8] = {_disc(kind, name)} which AnchorPy 0.21 uses; "
                f"custom {kind} discriminators cannot be expressed in the legacy IDL")
        td = self.typedefs.get(name)
        if td is None:
            raise IdlConversionError(f"{kind} `{name}` has no type definition in `types`")
        return td
    def convert(self) -> dict:
        idl = self.idl
        meta = idl.get("metadata", {})
        address = idl.get("address")
        if not address:
            raise IdlConversionError("IDL has no `address`")

        instructions = [self.instruction(ix) for ix in idl.get("instructions", [])]

        # accounts: type definitions come from `types`; discriminator must be sha256("account:N")
        accounts = []
        for acc in idl.get("accounts", []):
            name = acc["name"]
            td = self._checked_typedef("account", acc)
            if td.get("generics"):
                raise IdlConversionError(f"account `{name}` is generic")
            accounts.append(self.typedef(td, f"account {name}"))

        events = []
        for ev in idl.get("events", []):
            name = ev["name"]
            td = self._checked_typedef("event", ev)
            if td["type"]["kind"] != "struct" or td.get("generics"):
                raise IdlConversionError(f"event `{name}` must be a non-generic struct")
            fields = self.fields(td["type"].get("fields"), f"event {name}")
            events.append({"name": name,
                           "fields": [{"name": f["name"], "type": f["type"], "index": False}
                                      for f in fields]})

        # AnchorPy looks `defined` types up in accounts+types for instruction args, but in `types`
        # only for account/event/type fields.  Legacy IDLs keep #[account] structs out of `types`
        # (a duplicate would make the instruction lookup ambiguous), so an account struct that is
        # nested in another account/event/type goes into `types` too -- unless an instruction arg
        # also reaches it, which AnchorPy 0.21 cannot handle either way.
        acc_set, ev_set = set(self.account_names), set(self.event_names)
        ix_roots = [a["type"] for ix in idl.get("instructions", []) for a in ix.get("args", [])]
        reach_ix = self.reachable(ix_roots)
        nested_roots = [t for n in self.account_names + self.event_names if n in self.typedefs
                        for t in _typedef_field_types(self.typedefs[n])]
        other_roots = [t for n, td in self.typedefs.items() if n not in acc_set | ev_set
                       for t in _typedef_field_types(td)]
        reach_nested = self.reachable(nested_roots + other_roots)
        const_roots = [c["type"] for c in idl.get("constants", [])]
        reach_any = reach_ix | reach_nested | self.reachable(const_roots) | \
            self.reachable([ix["returns"] for ix in idl.get("instructions", []) if ix.get("returns")])

        types = []
        for td in idl.get("types", []):
            name = td["name"]
            if name in acc_set:
                if name not in reach_nested:
                    continue
                if name in reach_ix:
                    raise IdlConversionError(
                        f"account type `{name}` is used both inside another account/event/type and "
                        "(directly or nested) in an instruction argument; AnchorPy 0.21 cannot "
                        "resolve it in both places")
            elif name in ev_set and name not in reach_any:
                continue  # legacy events are self-describing
            types.append(self.typedef(td, f"type {name}"))
        errors = [{k: e[k] for k in ("code", "name", "msg") if e.get(k) is not None}
                  for e in idl.get("errors", [])]
        constants = [{"name": c["name"], "type": self.type(c["type"], f"constant {c['name']}"),
                      "value": c["value"]} for c in idl.get("constants", [])]
        # concrete instances of generic types, created while converting everything above
        types += [self.mono[k] for k in sorted(self.mono)]

        out: dict = {"version": meta.get("version", "0.0.0"), "name": meta.get("name", "")}
        if idl.get("docs"):
            out["docs"] = list(idl["docs"])
        out["instructions"] = instructions
        out["accounts"] = accounts
        out["types"] = types
        if events:
            out["events"] = events
        if errors:
            out["errors"] = errors
        if constants:
            out["constants"] = constants
        # no `spec` here: its absence is what marks an IDL as legacy (anchor-lang-idl convert_idl)
        out["metadata"] = {"address": address}
        return out


def to_legacy(idl: dict) -> dict:
    """Convert a new-format (spec 0.1.0) IDL to the legacy format parsed by AnchorPy 0.21.

    Raises :class:`IdlConversionError` when something cannot be expressed faithfully (e.g. custom
    discriminators, custom serialization, name collisions after AnchorPy's snake_casing).
    """
    spec = idl.get("metadata", {}).get("spec")
    if spec != IDL_SPEC:
        raise IdlConversionError(f"expected a new-format IDL with metadata.spec == {IDL_SPEC!r}, "
                                 f"got {spec!r}")
    return _LegacyConverter(idl).convert()


def verify_legacy_with_anchorpy(idl: dict, legacy: dict) -> None:
    """Parse `legacy` with AnchorPy and check its coders use the discriminators of `idl`.

    Raises :class:`IdlConversionError` on mismatch, ImportError if anchorpy is unavailable.
    """
    from anchorpy import Idl  # noqa: WPS433 (optional dependency)
    from anchorpy.coder.accounts import AccountsCoder
    from anchorpy.coder.event import EventCoder
    from anchorpy.coder.instruction import InstructionCoder

    try:
        parsed = Idl.from_json(json.dumps(legacy))
    except Exception as e:  # anchorpy_core raises ValueError-ish errors from serde
        raise IdlConversionError(f"AnchorPy cannot parse the legacy IDL: {e}") from e
    if not isinstance(parsed.metadata, dict) or parsed.metadata.get("address") != idl["address"]:
        raise IdlConversionError("legacy IDL metadata.address does not match the program address")
    def same(kind: str, got: dict, want: dict) -> None:
        if got != want:
            raise IdlConversionError(f"AnchorPy {kind} discriminators differ:\nanchorpy={got}\nprogram ={want}")

    same("instruction", {n: list(d) for n, d in InstructionCoder(parsed).sighashes.items()},
         {ix["name"]: list(ix["discriminator"]) for ix in idl.get("instructions", [])})
    same("account", {n: list(d) for n, d in AccountsCoder(parsed).acc_name_to_discriminator.items()},
         {a["name"]: list(a["discriminator"]) for a in idl.get("accounts", [])})
    same("event", {n: list(d) for d, n in EventCoder(parsed).discriminators.items()},
         {e["name"]: list(e["discriminator"]) for e in idl.get("events", [])})


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def dump_json(value: Any) -> str:
    """Pretty JSON like serde_json::to_string_pretty (2-space indent, UTF-8), trailing newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_idls(workspace_root: Path, program: str, *, out_dir: Path | None = None,
               verify_with_anchorpy: bool = True, **build_kwargs: Any) -> tuple[Path, Path]:
    """Build the IDL and write ``idl/<program>.json`` and ``idl/legacy/<program>.json``.

    The legacy conversion is done (and checked against AnchorPy if importable) *before* anything
    is written, so a failure never leaves a new IDL next to a stale legacy one.
    """
    workspace_root = Path(workspace_root).resolve()
    idl = build_idl(workspace_root, program, **build_kwargs)
    legacy = to_legacy(idl)
    if verify_with_anchorpy:
        try:
            verify_legacy_with_anchorpy(idl, legacy)
        except ImportError:
            pass
    out_dir = Path(out_dir) if out_dir else workspace_root / "idl"
    new_path = out_dir / f"{program}.json"
    legacy_path = out_dir / "legacy" / f"{program}.json"
    _write_if_changed(new_path, dump_json(idl))
    _write_if_changed(legacy_path, dump_json(legacy))
    return new_path, legacy_path


def _find_workspace(start: Path) -> Path:
    for d in [start, *start.parents]:
        manifest = d / "Cargo.toml"
        if manifest.is_file():
            try:
                if "workspace" in _read_toml(manifest):
                    return d
            except Exception:
                pass
    return Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m gridtokenx_cli.toolchain.idl",
        description="Generate an Anchor program's IDL (like `anchor idl build`) and its legacy "
                    "(AnchorPy 0.21) form: idl/<program>.json and idl/legacy/<program>.json")
    ap.add_argument("program")
    ap.add_argument("--workspace", type=Path, default=None,
                    help="Cargo workspace root (default: nearest ancestor workspace of the cwd)")
    ap.add_argument("--no-docs", action="store_true", help="ANCHOR_IDL_BUILD_NO_DOCS=TRUE")
    ap.add_argument("--no-resolution", action="store_true",
                    help="ANCHOR_IDL_BUILD_RESOLUTION=FALSE (no pda/relations/address info)")
    ap.add_argument("--skip-lint", action="store_true", help="ANCHOR_IDL_BUILD_SKIP_LINT=TRUE")
    ap.add_argument("--cargo-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for `cargo test` (repeatable), e.g. --cargo-arg=--offline")
    ap.add_argument("--stdout", action="store_true",
                    help="print the new-format IDL to stdout instead of writing files")
    ap.add_argument("-v", "--verbose", action="store_true", help="stream cargo's stderr")
    a = ap.parse_args(argv)
    ws = (a.workspace or _find_workspace(Path.cwd())).resolve()
    kw = dict(no_docs=a.no_docs, resolution=not a.no_resolution, skip_lint=a.skip_lint,
              cargo_args=a.cargo_arg, stream_stderr=a.verbose)
    t0 = time.monotonic()
    try:
        if a.stdout:
            sys.stdout.write(dump_json(build_idl(ws, a.program, **kw)))
            return 0
        new_path, legacy_path = write_idls(ws, a.program, **kw)
    except (IdlBuildError, IdlConversionError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {new_path} and {legacy_path} ({time.monotonic() - t0:.1f}s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
