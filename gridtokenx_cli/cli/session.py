"""What the per-program command groups (`gtx registry|token|trade|oracle|governance …`) share: the chain of the
selected backend, the persistent embedded state, the signer, sending with one-line rejection reports, and the
lookups that turn human arguments (meter text ids, certificate ids, order ids) into accounts.

Embedded state (gridtokenx_cli.chain.persistent): LiteSVM keeps accounts only in this process, so a
multi-command session on `--backend embedded` saves the accounts its transactions touched to a JSON file (default
`.gtx/embedded/state.json` in the workspace, or `$GTX_EMBEDDED_STATE`) and loads them into the next command's
LiteSVM. Programs are not saved (they are loaded from target/deploy, so a rebuilt program is picked up). The clock
follows the wall clock and never moves back. Commands on the same state file are serialised with a lock. Delete the
file to start over.
"""
from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import typer

from .common import EXIT_FAILURE, Settings, console, emit, err_console, fail, kv_table, load_keypair, usage_error

from gridtokenx_cli.chain.workspace import REPO_ROOT  # noqa: E402
DEFAULT_STATE = REPO_ROOT / ".gtx" / "embedded" / "state.json"
LAMPORTS_PER_SOL = 1_000_000_000
#: embedded only: a signer below this is topped up (LiteSVM airdrops cost nothing), as `solana airdrop` would
EMBEDDED_MIN_LAMPORTS = LAMPORTS_PER_SOL
EMBEDDED_AIRDROP = 10 * LAMPORTS_PER_SOL



def state_path() -> Path:
    return Path(os.environ.get("GTX_EMBEDDED_STATE") or DEFAULT_STATE).expanduser()


#: what the per-program groups need loaded (blockbench and other workspace programs are not)
PLATFORM_PROGRAMS = ("governance", "energy_token", "registry", "oracle", "trading")


def open_backend_chain(settings: Settings, programs: Sequence[str] | None = None):
    """The chain of the selected backend; on `embedded` the persistent one (see the module docstring), with
    `programs` loaded (default: every built program of the workspace)."""
    from gridtokenx_cli.chain import open_chain

    if settings.backend == "embedded":
        from gridtokenx_cli.chain.persistent import PersistentEmbeddedChain, StateFileError

        try:
            return PersistentEmbeddedChain(state_path(), programs=list(programs) if programs is not None else None)
        except (FileNotFoundError, StateFileError) as e:
            fail(f"{e}")
    return open_chain("rpc", settings.url, **settings.rpc_send_options())


# ----------------------------------------------------------------------------- argument parsing


def parse_text_id(value: str, field_name: str, what: str = "meter id") -> bytes:
    """A text id (meter, certificate) as its canonical 32 bytes: UTF-8, zero-padded."""
    raw = value.encode()
    if not raw:
        usage_error(field_name, f"empty {what}", f"give a {what} of 1 to 32 bytes")
    if len(raw) > 32:
        usage_error(field_name, f"{what} {value!r} is {len(raw)} bytes long", f"give a {what} of at most 32 bytes")
    return raw.ljust(32, b"\0")


def text_of(raw: Sequence[int] | bytes) -> str:
    """32-byte id -> its text (trailing zeros dropped); hex when it is not UTF-8."""
    data = bytes(raw).rstrip(b"\0")
    try:
        return data.decode()
    except UnicodeDecodeError:
        return data.hex()


def parse_choice(value: str, field_name: str, choices: dict[str, Any]) -> Any:
    key = value.lower()
    if key not in choices:
        usage_error(field_name, f"unknown value {value!r}", f"use one of {', '.join(choices)}")
    return choices[key]


def plain(value: Any) -> Any:
    """A decoded account (AnchorPy dataclass) -> JSON-friendly values: pubkeys as str, unit enums as their
    name, 32-byte ids as text."""
    from solders.pubkey import Pubkey

    if isinstance(value, Pubkey):
        return str(value)
    if type(value).__module__ == "sumtypes":  # a unit enum variant in an event decoded from the IDL
        fields = {k: plain(v) for k, v in vars(value).items() if not k.startswith("_")}
        return {type(value).__name__: fields} if fields else type(value).__name__
    if hasattr(value, "to_json") and hasattr(value, "__dataclass_fields__"):  # generated account / type
        value = value.to_json()
    if isinstance(value, dict):
        if set(value) == {"kind"}:
            return value["kind"]
        out = {}
        for k, v in value.items():
            if k in ("meter_id", "certificate_id") and isinstance(v, list):
                out[k] = text_of(v)
            else:
                out[k] = plain(v)
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def flat_rows(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dict -> `a.b` rows for kv_table."""
    rows: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dict):
            rows.update(flat_rows(v, f"{prefix}{k}."))
        else:
            rows[f"{prefix}{k}"] = v
    return rows


# ----------------------------------------------------------------------------- the session


@dataclass
class Session:
    settings: Settings
    chain: Any
    _signer: Any = field(default=None, repr=False)

    # ---- keys
    @property
    def signer(self):
        """The -k keypair (loaded on first use, so read-only commands need none); topped up on embedded."""
        if self._signer is None:
            self._signer = load_keypair(self.settings.keypair_path, "--keypair")
            self.ensure_funded(self._signer.pubkey())
        return self._signer

    def ensure_funded(self, address) -> None:
        if self.chain.name == "embedded" and self.chain.get_balance(address) < EMBEDDED_MIN_LAMPORTS:
            self.chain.airdrop(address, EMBEDDED_AIRDROP)

    # ---- reading
    def decode(self, address, cls):
        data = self.chain.account_data(address)
        return None if data is None else cls.decode(data)

    def require_platform(self) -> None:
        from gridtokenx_cli.clients import governance as gov

        if self.chain.get_account(gov.governance_config_pda()[0]) is None:
            fail("the platform is not initialised on this chain: run `gtx init` first")

    def now(self) -> int:
        return self.chain.get_clock().unix_timestamp

    def token_amount(self, token_account) -> int:
        import struct

        data = self.chain.account_data(token_account)
        return 0 if data is None else struct.unpack_from("<Q", data, 64)[0]

    def meter(self, text_id: str, field_name: str = "METER_ID"):
        """(meter_id bytes, MeterAccount address, decoded MeterAccount) or a one-line error naming the fix."""
        from gridtokenx_cli.clients import registry as reg
        from gridtokenx_cli.generated.registry.accounts import MeterAccount

        mid = parse_text_id(text_id, field_name)
        address = reg.meter_pda(mid)[0]
        account = self.decode(address, MeterAccount)
        if account is None:
            fail(f"{field_name}: unknown meter {text_id!r}: register it with "
                 f"`gtx registry register-meter {text_id} --capacity-w W --meter-keypair FILE`")
        return mid, address, account

    def certificate(self, text_id: str, field_name: str = "CERTIFICATE_ID"):
        from gridtokenx_cli.clients import governance as gov
        from gridtokenx_cli.generated.governance.accounts import ErcCertificate

        cid = parse_text_id(text_id, field_name, "certificate id")
        address = gov.erc_certificate_pda(cid)[0]
        account = self.decode(address, ErcCertificate)
        if account is None:
            fail(f"{field_name}: unknown certificate {text_id!r}: issue it with "
                 f"`gtx governance issue-erc {text_id} --meter METER_ID --amount WH`")
        return cid, address, account

    # ---- sending
    def send(self, action: str, ixs, signers: Sequence = (), payer=None):
        """Send; on rejection print one line naming the error (and a JSON object with --json), exit 1."""
        from gridtokenx_cli.chain import ChainError

        payer = payer or self.signer
        try:
            outcome = self.chain.send(ixs, payer, signers)
        except ChainError as e:
            fail(f"{action}: {e}")
        except ValueError as e:  # a signer the message needs is missing
            fail(f"{action}: {e}")
        if not outcome.ok:
            err = outcome.error
            name = err.name if err else "TransactionError"
            text = f"{err.name} ({err.code}): {err.message}" if err else str(outcome.raw_error)
            if self.settings.json:
                print(json.dumps({"ok": False, "action": action, "error": {
                    "name": name, "code": err.code if err else None, "message": err.message if err else text},
                    "signature": str(outcome.signature)}, indent=2))
            err_console.print(f"[red]error:[/red] {action} rejected: {text}", soft_wrap=True)
            raise typer.Exit(EXIT_FAILURE)
        return outcome

    def report(self, action: str, outcome, result: dict[str, Any] | None = None) -> None:
        """Print a successful transaction: signature, CU, events, and `result` (the state afterwards)."""
        data = {"ok": True, "action": action, "signature": str(outcome.signature),
                "compute_units": outcome.compute_units,
                "events": [{"program": e.program, "name": e.name, "data": plain(e.data)} for e in outcome.events]}
        data.update(plain(result or {}))
        rows = {"signature": data["signature"], "compute units": data["compute_units"],
                "events": ", ".join(e["name"] for e in data["events"]) or "-"}
        rows.update(flat_rows(plain(result or {})))
        emit(self.settings, data, kv_table(action, rows))

    def show(self, title: str, data: dict[str, Any]) -> None:
        data = plain(data)
        emit(self.settings, data, kv_table(title, flat_rows(data)))


@contextlib.contextmanager
def session(ctx: typer.Context, *, need_platform: bool = True) -> Iterator[Session]:
    settings: Settings = ctx.obj
    from gridtokenx_cli.chain import ChainError

    chain = open_backend_chain(settings, PLATFORM_PROGRAMS)
    try:
        s = Session(settings, chain)
        if need_platform:
            s.require_platform()
        yield s
    except ChainError as e:  # transport (RPC unreachable, …): one line, not a traceback
        fail(str(e))
    finally:
        chain.close()


# ----------------------------------------------------------------------------- authority transfers


def add_authority_commands(app: typer.Typer, program: str, builders) -> None:
    """`propose-authority NEW`, `accept-authority`, `cancel-authority` for one program's config (two-step
    admin handover, 48 h expiry). `builders()` returns `(propose(signer, new), accept(signer), cancel(signer))`
    (called lazily, so `gtx --help` does not import the clients; signer: the -k keypair)."""
    from .common import parse_pubkey

    @app.command("propose-authority")
    def propose_authority(ctx: typer.Context,
                          new_authority: str = typer.Argument(..., help="public key of the next admin")) -> None:
        """Propose a new admin (current admin signs with -k); the new admin must accept within 48 h."""
        new = parse_pubkey(new_authority, "NEW_AUTHORITY")
        with session(ctx) as s:
            out = s.send(f"{program} propose-authority", builders()[0](s.signer.pubkey(), new))
            s.report(f"{program} propose-authority", out, {"pending_authority": str(new)})

    @app.command("accept-authority")
    def accept_authority(ctx: typer.Context) -> None:
        """Accept a pending admin transfer (the proposed admin signs with -k)."""
        with session(ctx) as s:
            out = s.send(f"{program} accept-authority", builders()[1](s.signer.pubkey()))
            s.report(f"{program} accept-authority", out, {"authority": str(s.signer.pubkey())})

    @app.command("cancel-authority")
    def cancel_authority(ctx: typer.Context) -> None:
        """Cancel a pending admin transfer (the current admin signs with -k)."""
        with session(ctx) as s:
            out = s.send(f"{program} cancel-authority", builders()[2](s.signer.pubkey()))
            s.report(f"{program} cancel-authority", out)


__all__ = ["Session", "add_authority_commands", "open_backend_chain", "parse_choice", "parse_text_id", "plain",
           "session", "state_path", "text_of", "console"]
