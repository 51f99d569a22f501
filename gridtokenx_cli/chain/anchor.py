"""Anchor errors and events decoded from transaction logs, with the programs' IDLs as the package carries them
(``gridtokenx_cli.idls``; both backends see logs).

Errors: Anchor logs "AnchorError … Error Code: <Name>. Error Number: <n>. Error Message: <msg>." for framework
and program errors alike; when a log is missing (e.g. a failure before the program ran) the number is looked up
in the programs' IDLs and the generated clients' Anchor error table.
Events: "Program data: <base64>" lines whose 8-byte discriminator matches an event of any program's IDL,
decoded with AnchorPy's event coder.
"""
from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from typing import Any

from gridtokenx_cli import idls

_ANCHOR_ERROR = re.compile(
    r"AnchorError (?:thrown in .*?|caused by account: \S+)?\.?\s*Error Code: (\w+)\. Error Number: (\d+)\. "
    r"Error Message: (.*?)\.?$")
_ANCHOR_ERROR_LOOSE = re.compile(r"Error Code: (\w+)\. Error Number: (\d+)\. Error Message: (.*?)\.?$")


@dataclass(frozen=True)
class AnchorError:
    code: int
    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.name} ({self.code}): {self.message}"


@dataclass
class DecodedEvent:
    program: str
    name: str
    data: dict[str, Any]


@functools.cache
def _error_table() -> dict[int, tuple[str, str]]:
    table: dict[int, tuple[str, str]] = {}
    # Anchor framework errors (100–5000) of the anchor-lang we build with, and the shared CommonError (7000…)
    for err in idls.anchor_errors() + idls.common_errors():
        table[err["code"]] = (err["name"], err["msg"])
    for program in idls.available():
        for err in idls.legacy_idl(program).get("errors", []):
            # programs number their own errors from 6000, so names can collide across programs; the log
            # line (preferred) names the right one
            table.setdefault(err["code"], (err["name"], err.get("msg", "")))
    return table


def decode_error(logs: list[str], code: int | None) -> AnchorError | None:
    for line in reversed(logs):
        m = _ANCHOR_ERROR.search(line) or _ANCHOR_ERROR_LOOSE.search(line)
        if m:
            return AnchorError(int(m.group(2)), m.group(1), m.group(3))
    if code is None:
        return None
    name, msg = _error_table().get(code, (f"Custom{code}", "unknown error code"))
    return AnchorError(code, name, msg)


@functools.cache
def _event_coders() -> list[tuple[str, Any]]:
    from anchorpy import Idl
    from anchorpy.coder.event import EventCoder

    coders = []
    for program in idls.available():
        idl = Idl.from_json(idls.legacy_idl_text(program))
        if idl.events:
            coders.append((program, EventCoder(idl)))
    return coders


def _plain(value: Any) -> Any:
    """AnchorPy's decoded containers/dataclasses -> plain dicts and lists (JSON-friendly apart from bytes)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not str(k).startswith("_")}
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__") and not isinstance(value, (bytes, bytearray)) and type(value).__module__ != "builtins":
        fields = {k: v for k, v in vars(value).items() if not k.startswith("_")}
        if fields:
            return {k: _plain(v) for k, v in fields.items()}
    return value


def decode_events(logs: list[str]) -> list[DecodedEvent]:
    events = []
    for line in logs:
        if not line.startswith("Program data: "):
            continue
        try:
            raw = base64.b64decode(line.removeprefix("Program data: "))
        except ValueError:
            continue
        for program, coder in _event_coders():
            if raw[:8] in coder.discriminators:
                ev = coder.parse(raw)
                if ev is not None:
                    data = _plain(ev.data)
                    events.append(DecodedEvent(program, ev.name, data))
                break
    return events
