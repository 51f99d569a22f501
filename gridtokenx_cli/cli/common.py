"""Conventions shared by every `gtx` command: global options (Solana CLI style), keypairs, argument parsing
that names the field and the fix, output as Rich tables or --json, exit codes (0 ok, 1 on-chain rejection or
failure, 2 usage error)."""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.markup import escape
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)

SOLANA_CONFIG = Path.home() / ".config" / "solana" / "cli" / "config.yml"
DEFAULT_KEYPAIR = Path.home() / ".config" / "solana" / "id.json"
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


@dataclass
class Settings:
    url: str = "localnet"
    keypair_path: Path = DEFAULT_KEYPAIR
    backend: str = "embedded"
    json: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: --priority-fee and --cu-limit: how the rpc backend prices and bounds every transaction it sends
    priority_fee: int | str = 0
    compute_unit_limit: int | str | None = "simulate"

    def rpc_send_options(self) -> dict[str, Any]:
        return {"priority_fee": self.priority_fee, "compute_unit_limit": self.compute_unit_limit}


def read_solana_config(path: Path = SOLANA_CONFIG) -> dict[str, str]:
    """The flat `key: value` lines of the Solana CLI config (json_rpc_url, keypair_path, …)."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text().splitlines():
        if ":" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition(":")
            values[key.strip()] = value.strip().strip("'\"")
    return values


def settings_from(url: str | None, keypair: Path | None, backend: str, as_json: bool) -> Settings:
    config = read_solana_config(Path(os.environ.get("GTX_SOLANA_CONFIG", SOLANA_CONFIG)))
    if backend not in ("embedded", "rpc"):
        usage_error("--backend", f"unknown backend {backend!r}", "use --backend embedded or --backend rpc")
    if url is not None and "," in url:
        check_url_list(url)
    return Settings(url=url or config.get("json_rpc_url", "localnet"),
                    keypair_path=Path(keypair or config.get("keypair_path", DEFAULT_KEYPAIR)).expanduser(),
                    backend=backend, json=as_json)


def check_url_list(url: str) -> None:
    """`-u a,b,…`: several RPC URLs of one cluster (the rpc backend fails over between them); every entry must be
    a moniker or an http(s) URL. Exits 2 naming --url otherwise."""
    from urllib.parse import urlparse

    from gridtokenx_cli.chain.rpc import MONIKERS

    fix = "give RPC URLs (or monikers) separated by commas, e.g. -u http://127.0.0.1:8899,http://127.0.0.1:8909"
    for i, part in enumerate(url.split(","), 1):
        part = part.strip()
        if not part:
            usage_error("--url", f"entry {i} of {url!r} is empty", fix)
        parsed = urlparse(part)
        if part not in MONIKERS and (parsed.scheme not in ("http", "https") or not parsed.hostname):
            usage_error("--url", f"entry {i} ({part!r}) is neither an http(s) URL nor a moniker", fix)


def usage_error(field_name: str, problem: str, fix: str) -> NoReturn:
    # the parts are plain text: "[[meter]]" or "[programs]" must not be read as Rich markup
    err_console.print(f"[red]error:[/red] {escape(field_name)}: {escape(problem)}; {escape(fix)}", soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    err_console.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def parse_pubkey(value: str, field_name: str):
    from solders.pubkey import Pubkey

    try:
        return Pubkey.from_string(value)
    except ValueError:
        usage_error(field_name, f"{value!r} is not a valid public key", "give a base58 address of 32 bytes")


def parse_amount(value: str | int, field_name: str, *, allow_zero: bool = False) -> int:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        usage_error(field_name, f"{value!r} is not a whole number", "give an integer amount")
    if amount < 0 or (amount == 0 and not allow_zero):
        usage_error(field_name, f"{amount} is not allowed", "give a positive amount")
    if amount >= 1 << 64:
        usage_error(field_name, f"{amount} does not fit in u64", "give an amount below 2^64")
    return amount


def load_keypair(path: Path | str, field_name: str = "--keypair"):
    """A keypair file, `stdin` or `prompt://` (gridtokenx_cli.keypairs); errors exit 2 naming the field."""
    from gridtokenx_cli.keypairs import KeypairError, is_file_source, read_keypair

    if is_file_source(path):
        path = Path(path).expanduser()
        if not path.exists():
            usage_error(field_name, f"keypair file {path} does not exist", f"create it with `gtx keys new {path}`")
    try:
        return read_keypair(path)
    except KeypairError as e:
        usage_error(field_name, str(e), "give a keypair file (a JSON list of 64 bytes), stdin or prompt://")


def emit(settings: Settings, data: Any, table: Table | None = None) -> None:
    """--json prints `data`; otherwise the Rich table (or a pretty print of data)."""
    if settings.json:
        print(json.dumps(data, indent=2, default=str))
    elif table is not None:
        console.print(table)
    else:
        console.print(data)


def kv_table(title: str, rows: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in rows.items():
        table.add_row(str(key), str(value))
    return table


GLOBAL_FLAGS_WITH_VALUE = {"--url", "-u", "--keypair", "-k", "--backend", "--program-ids", "--priority-fee", "--cu-limit"}
GLOBAL_FLAGS = {"--json", "--version"}


def hoist_global_options(argv: list[str]) -> list[str]:
    """Let global options stand anywhere on the command line, as the Solana CLI allows."""
    hoisted, rest, i = [], [], 0
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if arg == "--":
            rest += argv[i:]
            break
        if name in GLOBAL_FLAGS_WITH_VALUE:
            if "=" in arg:
                hoisted.append(arg)
            elif i + 1 < len(argv):
                hoisted += [arg, argv[i + 1]]
                i += 1
            else:
                rest.append(arg)
        elif arg in GLOBAL_FLAGS:
            hoisted.append(arg)
        else:
            rest.append(arg)
        i += 1
    return hoisted + rest


def run(app: typer.Typer, argv: list[str] | None = None) -> None:
    """Console-script entry: hoist global options, and turn any unexpected exception into one line."""
    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    try:
        app(args=args, prog_name="gtx", standalone_mode=True)
    except KeyboardInterrupt:
        fail("interrupted", 130)


def parse_units(value: str, field_name: str, decimals: int, unit: str, *, allow_zero: bool = False) -> int:
    """A decimal amount of a token with `decimals` places ("1.5" GRX) -> base units, checked like parse_amount."""
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        usage_error(field_name, f"{value!r} is not a number", f"give an amount in {unit}, e.g. 1.5")
    if not amount.is_finite():
        usage_error(field_name, f"{value!r} is not a number", f"give an amount in {unit}, e.g. 1.5")
    if amount < 0 or (amount == 0 and not allow_zero):
        usage_error(field_name, f"{value} is not allowed", f"give a positive amount in {unit}")
    base = amount.scaleb(decimals)
    if base != base.to_integral_value():
        usage_error(field_name, f"{value} has more than {decimals} decimals", f"{unit} has {decimals} decimals")
    return parse_amount(int(base), field_name, allow_zero=allow_zero)
