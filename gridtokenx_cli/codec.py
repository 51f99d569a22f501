"""Pure encodings of our Anchor programs, shared by the SDK and the tests: discriminators, ``Program data``
log payloads, a borsh codec for fixed-size structs, and the event layouts **generated from the programs'
IDLs** (``event_layouts``), so no client carries a hand-written copy of an event."""
from __future__ import annotations

import base64
import functools
import hashlib
import re
import struct
from typing import Any, Iterable, Sequence

from solders.pubkey import Pubkey

from gridtokenx_cli import idls


def sighash(namespace: str, name: str) -> bytes:
    """Anchor discriminator: ``sha256(f"{namespace}:{name}")[:8]``.

    namespace ``global`` + snake_case instruction name, ``account`` / ``event`` + CamelCase type.
    """
    return hashlib.sha256(f"{namespace}:{name}".encode()).digest()[:8]


def program_data(log_lines: Iterable[str]) -> list[bytes]:
    """Payloads of all ``Program data: <base64>...`` lines (sol_log_data, Anchor ``emit!``)."""
    out = []
    for line in log_lines:
        if line.startswith("Program data: "):
            out.append(b"".join(base64.b64decode(part) for part in line[len("Program data: "):].split()))
    return out


_SCALARS = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q", "i8": "b", "i16": "h", "i32": "i", "i64": "q", "bool": "?"}


class Borsh:
    """Borsh codec for fixed-size structs: fields are ``(name, type)`` with type one of
    ``u8..u64``, ``i8..i64``, ``bool``, ``pubkey``, ``[u8;N]`` (-> bytes) or ``[<scalar>;N]`` (-> list).
    """

    def __init__(self, fields: Sequence[tuple[str, str]]):
        self.fields = list(fields)
        fmt = "<"
        for _, ty in self.fields:
            fmt += self._fmt(ty)
        self._struct = struct.Struct(fmt)

    @staticmethod
    def _fmt(ty: str) -> str:
        if ty in _SCALARS:
            return _SCALARS[ty]
        if ty == "pubkey":
            return "32s"
        if ty.startswith("[") and ty.endswith("]"):
            inner_text, count_text = ty[1:-1].split(";")
            inner, n = inner_text.strip(), int(count_text)
            return f"{n}s" if inner == "u8" else _SCALARS[inner] * n
        raise ValueError(f"unsupported borsh type {ty!r}")

    @property
    def size(self) -> int:
        return self._struct.size

    def encode(self, *values: Any, **named: Any) -> bytes:
        if named:
            values = tuple(named[name] for name, _ in self.fields)
        flat: list[Any] = []
        for (_, ty), v in zip(self.fields, values, strict=True):
            if ty == "pubkey":
                flat.append(bytes(v))
            elif ty.startswith("[") and not ty.startswith("[u8"):
                flat.extend(v)
            else:
                flat.append(v)
        return self._struct.pack(*flat)

    def decode(self, data: bytes) -> dict[str, Any]:
        if len(data) != self.size:
            raise ValueError(f"expected {self.size} bytes, got {len(data)}")
        flat = list(self._struct.unpack(data))
        out: dict[str, Any] = {}
        for name, ty in self.fields:
            if ty.startswith("[") and not ty.startswith("[u8"):
                n = int(ty[1:-1].split(";")[1])
                out[name], flat = flat[:n], flat[n:]
            else:
                v = flat.pop(0)
                out[name] = Pubkey.from_bytes(v) if ty == "pubkey" else v
        return out


def decode_account(data: bytes, name: str, layout: Borsh) -> dict[str, Any]:
    """Check the 8-byte ``account:<Name>`` discriminator and borsh-decode the rest."""
    disc = sighash("account", name)
    if data[:8] != disc:
        raise ValueError(f"account discriminator {data[:8].hex()} != {disc.hex()} ({name})")
    return layout.decode(data[8 : 8 + layout.size])


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _borsh_type(ty: Any, idl: dict) -> str:
    if isinstance(ty, str):
        return "pubkey" if ty == "publicKey" else ty
    if "array" in ty:
        inner, n = ty["array"]
        return f"[{_borsh_type(inner, idl)};{n}]"
    if "defined" in ty:
        defined = next(t for t in idl.get("types", []) if t["name"] == ty["defined"])
        variants = defined["type"].get("variants", [])
        if defined["type"]["kind"] == "enum" and all("fields" not in v for v in variants):
            return "u8"  # a unit enum is its variant index
    raise ValueError(f"event field type {ty!r} is not fixed-size")


@functools.cache
def event_layouts(program: str) -> dict[str, Borsh]:
    """``{EventName: Borsh}`` of every event of ``program`` from its IDL (snake_case field names, unit enums
    as their index, ``[u8; N]`` as bytes). Events with variable-size fields are left out (decode those with
    AnchorPy's event coder, as ``chain.anchor`` does)."""
    idl = idls.legacy_idl(program)
    layouts = {}
    for event in idl.get("events", []):
        try:
            layouts[event["name"]] = Borsh([(_snake(f["name"]), _borsh_type(f["type"], idl)) for f in event["fields"]])
        except (ValueError, StopIteration):
            continue
    return layouts
