"""The programs' legacy IDLs and ids as the installed package carries them (``gridtokenx_cli/generated/<program>/
idl.json`` and ``program_id.py``, written by ``gtx build``), so decoding events and errors needs no checkout.
A deployment with its own program ids passes them by configuration (:func:`program_ids`)."""
from __future__ import annotations

import functools
import importlib
import json
from enum import IntEnum
from importlib import resources
from pathlib import Path
from typing import Any

from solders.pubkey import Pubkey

#: the programs with generated clients, platform programs first
PROGRAMS = ("governance", "energy_token", "registry", "oracle", "trading", "blockbench", "tpc")


def available() -> list[str]:
    root = resources.files("gridtokenx_cli.generated")
    return [p for p in PROGRAMS if root.joinpath(p, "idl.json").is_file()]


@functools.cache
def legacy_idl(program: str) -> dict[str, Any]:
    """The legacy (AnchorPy) IDL of ``program`` from the package."""
    path = resources.files("gridtokenx_cli.generated").joinpath(program, "idl.json")
    if not path.is_file():
        raise FileNotFoundError(f"no IDL for {program!r} in the package (known: {', '.join(available())})")
    return json.loads(path.read_text())


@functools.cache
def anchor_errors() -> list[dict[str, Any]]:
    """Anchor's framework errors (``code``, ``name``, ``msg``) of the anchor-lang the programs are built with
    (``gridtokenx_cli/generated/anchor_errors.json``, written by ``gtx build`` from anchor-lang's source)."""
    return json.loads(resources.files("gridtokenx_cli.generated").joinpath("anchor_errors.json").read_text())


@functools.cache
def common_errors() -> list[dict[str, Any]]:
    """``gridtokenx_common::CommonError`` (7000…), shared by every program (generated/common_errors.json)."""
    return json.loads(resources.files("gridtokenx_cli.generated").joinpath("common_errors.json").read_text())


def error_enum(name: str, errors: list[dict[str, Any]]) -> Any:
    """An IntEnum ``name`` of ``errors`` (``code`` / ``name`` dicts); typed Any: its members exist only at run time."""
    return IntEnum(name, {e["name"]: e["code"] for e in errors})  # type: ignore[misc]


def program_errors(program: str) -> list[dict[str, Any]]:
    """The custom errors of ``program`` (6000…) from its IDL."""
    return legacy_idl(program).get("errors", [])


def legacy_idl_text(program: str) -> str:
    return json.dumps(legacy_idl(program))


def generated_program_id(program: str) -> Pubkey:
    """The id the client of ``program`` was generated for."""
    return importlib.import_module(f"gridtokenx_cli.generated.{program}.program_id").PROGRAM_ID


def program_ids(config: Path | None = None) -> dict[str, Pubkey]:
    """Program ids: the generated clients' ids, overridden by ``config`` — a TOML file with a ``[programs]`` table
    (``registry = "<base58>"``), the format of ``gtx --program-ids FILE`` and Anchor.toml's
    ``[programs.<cluster>]``. Unknown program names and malformed ids raise ``ValueError`` naming the key."""
    ids = {p: generated_program_id(p) for p in available()}
    if config is None:
        return ids
    import tomllib

    table = tomllib.loads(config.read_text()).get("programs", {})
    for name, value in table.items():
        if name not in ids:
            raise ValueError(f"{config}: programs.{name} is not a GridTokenX program; known: {', '.join(ids)}")
        try:
            ids[name] = Pubkey.from_string(str(value))
        except ValueError:
            raise ValueError(f"{config}: programs.{name} = {value!r} is not a base58 public key") from None
    return ids
