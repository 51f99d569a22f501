"""gateway.toml: where the chain is, which key relays readings, where the queue lives, and every meter.

```toml
[gateway]
rpc_url = "http://127.0.0.1:8899"          # or a moniker: localnet, devnet; or a list of nodes of one cluster
keypair = "/etc/gridtokenx/gateway.json"   # the oracle's api_gateway key (pays fees, signs the transaction)
queue = "/var/lib/gridtokenx/queue.sqlite" # store-and-forward SQLite database (WAL)
listen = "127.0.0.1:9464"                  # /healthz and /metrics (loopback only)

[[meter]]
id = "house-7-solar"                       # text meter id (UTF-8, at most 32 bytes), as registered
keypair = "meters/house-7-solar.json"      # the meter's ed25519 key (registry meter_pubkey)
interval = 60                              # seconds between reads
source = { kind = "modbus-tcp", device = "sdm630", host = "127.0.0.1", port = 5020, unit = 1 }
```

Relative paths are resolved against the directory of the config file. Errors name the key and the fix
(:class:`ConfigError`), so ``gtx meter run`` can print them as one line and exit 2; a key this file does not
know (a typo) or an unknown source kind is an error too, naming the allowed ones.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

METER_ID_MAX_BYTES = 32
DEFAULT_LISTEN = "127.0.0.1:9464"
TOP_LEVEL_KEYS = ("gateway", "meter")
GATEWAY_KEYS = ("rpc_url", "keypair", "queue", "listen", "log_format", "min_reading_interval", "confirm_timeout",
                "backoff_initial", "backoff_max", "submit_idle")
METER_KEYS = ("id", "keypair", "interval", "source")
#: source kinds (meter/daemon.py open_source) and the keys each requires
SOURCE_KINDS = {"modbus-tcp": (), "modbus-rtu": ("port",), "iec62056": ("port",)}


class ConfigError(ValueError):
    def __init__(self, key: str, problem: str, fix: str):
        self.key, self.problem, self.fix = key, problem, fix
        super().__init__(f"{key}: {problem}; {fix}")


@dataclass(frozen=True)
class MeterConfig:
    id: str
    keypair: Path
    interval: float
    source: dict[str, Any]

    @property
    def meter_id(self) -> bytes:
        """The 32-byte on-chain id: UTF-8 zero-padded (docs/programs.md)."""
        return meter_id_bytes(self.id)


@dataclass(frozen=True)
class GatewayConfig:
    #: one URL (or moniker), or several nodes of one cluster in failover order
    rpc_url: str | tuple[str, ...]
    keypair: Path
    queue: Path
    listen_host: str = "127.0.0.1"
    listen_port: int = 9464
    meters: tuple[MeterConfig, ...] = ()
    #: readings are cut no closer than this (s); None = read OracleConfig.min_reading_interval from the chain
    min_reading_interval: int | None = None
    confirm_timeout: float = 20.0
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    #: seconds between submit rounds when the queue is empty
    submit_idle: float = 0.2
    log_format: str = "json"
    source_path: Path | None = field(default=None, compare=False)


def meter_id_bytes(text: str) -> bytes:
    raw = text.encode()
    if len(raw) > METER_ID_MAX_BYTES:
        raise ValueError(f"meter id {text!r} is {len(raw)} bytes, at most {METER_ID_MAX_BYTES}")
    return raw.ljust(METER_ID_MAX_BYTES, b"\0")


def _number(table: dict, key: str, where: str, default=None, *, minimum: float = 0.0, integer: bool = False):
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        kind = "an integer" if integer else "a number"
        raise ConfigError(f"{where}.{key}", f"{value!r} is not {kind}", f"write {key} = <{kind}>")
    if value < minimum:
        raise ConfigError(f"{where}.{key}", f"{value} is below {minimum}", f"give {key} ≥ {minimum}")
    return value


def _path(table: dict, key: str, where: str, base: Path, default: str | None = None) -> Path:
    value = table.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}.{key}", "missing or not a string", f'write {key} = "<path>"')
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def _known_keys(table: dict, allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            prefix = f"{where}." if where else ""
            raise ConfigError(f"{prefix}{key}", "is not a known key", f"use one of: {', '.join(allowed)}")


def _rpc_urls(value) -> str | tuple[str, ...]:
    """gateway.rpc_url: a string, or an array of strings (nodes of one cluster: the gateway fails over to the next
    on a connection error or a stalled node)."""
    if isinstance(value, str) and value:
        return value
    if value is None or value == "":
        raise ConfigError("gateway.rpc_url", "missing", 'write rpc_url = "http://127.0.0.1:8899" (or localnet)')
    fix = 'write rpc_url = "http://127.0.0.1:8899" or a list: rpc_url = ["http://10.0.0.1:8899", "http://10.0.0.2:8899"]'
    if not isinstance(value, list):
        raise ConfigError("gateway.rpc_url", f"{value!r} is neither a string nor an array of strings", fix)
    if not value:
        raise ConfigError("gateway.rpc_url", "the array is empty", fix)
    for i, url in enumerate(value):
        if not isinstance(url, str) or not url.strip() or "," in url:
            raise ConfigError(f"gateway.rpc_url[{i}]", f"{url!r} is not one URL", fix)
    return tuple(url.strip() for url in value)


def parse_config(data: dict, base: Path = Path(".")) -> GatewayConfig:
    _known_keys(data, TOP_LEVEL_KEYS, "")
    gw = data.get("gateway")
    if not isinstance(gw, dict):
        raise ConfigError("[gateway]", "section missing", "add a [gateway] table with rpc_url, keypair and queue")
    _known_keys(gw, GATEWAY_KEYS, "gateway")
    rpc_url = _rpc_urls(gw.get("rpc_url"))
    listen = gw.get("listen", DEFAULT_LISTEN)
    host, _, port = str(listen).rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ConfigError("gateway.listen", f"{listen!r} is not host:port", 'write listen = "127.0.0.1:9464"')
    log_format = gw.get("log_format", "json")
    if log_format not in ("json", "text"):
        raise ConfigError("gateway.log_format", f"{log_format!r} is unknown", 'use "json" or "text"')

    meters_raw = data.get("meter", [])
    if not isinstance(meters_raw, list) or not meters_raw:
        raise ConfigError("[[meter]]", "no meters configured", "add one [[meter]] table per meter")
    meters, seen = [], set()
    for i, m in enumerate(meters_raw):
        where = f"meter[{i}]"
        _known_keys(m, METER_KEYS, where)
        mid = m.get("id")
        if not isinstance(mid, str) or not mid:
            raise ConfigError(f"{where}.id", "missing", 'write id = "<meter text id as registered>"')
        try:
            meter_id_bytes(mid)
        except ValueError as e:
            raise ConfigError(f"{where}.id", str(e), "use a shorter id (the chain stores 32 bytes)") from None
        if mid in seen:
            raise ConfigError(f"{where}.id", f"{mid!r} appears twice", "give every meter its own id")
        seen.add(mid)
        source = m.get("source")
        if not isinstance(source, dict) or not isinstance(source.get("kind"), str):
            raise ConfigError(f"{where}.source", "missing or without kind",
                              'write source = { kind = "modbus-tcp", host = "…", port = 502 } (see docs)')
        kind = source["kind"]
        if kind not in SOURCE_KINDS:
            raise ConfigError(f"{where}.source.kind", f"{kind!r} is unknown", f"use one of: {', '.join(SOURCE_KINDS)}")
        for key in SOURCE_KINDS[kind]:
            if key not in source:
                raise ConfigError(f"{where}.source.{key}", f"missing (a {kind} source needs it)",
                                  f'write {key} = "…" in the source table')
        meters.append(MeterConfig(id=mid, keypair=_path(m, "keypair", where, base),
                                  interval=float(_number(m, "interval", where, 60, minimum=0.05)),
                                  source=dict(source)))
    min_interval = _number(gw, "min_reading_interval", "gateway", None, integer=True)
    return GatewayConfig(
        rpc_url=rpc_url, keypair=_path(gw, "keypair", "gateway", base),
        queue=_path(gw, "queue", "gateway", base, "gateway-queue.sqlite"),
        listen_host=host, listen_port=int(port), meters=tuple(meters), min_reading_interval=min_interval,
        confirm_timeout=float(_number(gw, "confirm_timeout", "gateway", 20.0, minimum=1.0)),
        backoff_initial=float(_number(gw, "backoff_initial", "gateway", 0.5, minimum=0.01)),
        backoff_max=float(_number(gw, "backoff_max", "gateway", 30.0, minimum=0.01)),
        submit_idle=float(_number(gw, "submit_idle", "gateway", 0.2, minimum=0.01)),
        log_format=log_format)


def load_config(path: Path) -> GatewayConfig:
    path = Path(path).expanduser()
    if not path.exists():
        raise ConfigError("--config", f"{path} does not exist", "write a gateway.toml (see docs/meter-gateway.md)")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ConfigError("--config", f"{path} is not valid TOML ({e})", "fix the syntax at that line") from None
    cfg = parse_config(data, path.resolve().parent)
    object.__setattr__(cfg, "source_path", path)
    return cfg
