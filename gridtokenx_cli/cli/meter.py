"""`gtx meter …`: meter keys, the gateway daemon (run), its queue and health (status), emulated meters (emulate)
and the gateway benchmark (bench). See docs/meter-gateway.md."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import typer
from rich.table import Table

from .common import EXIT_FAILURE, Settings, console, emit, fail, kv_table, usage_error

app = typer.Typer(help="Meter gateway: keys, the store-and-forward daemon, its status, emulated meters",
                  no_args_is_help=True)

CONFIG_OPTION = typer.Option(..., "--config", "-c", help="gateway.toml (see docs/meter-gateway.md)")


def _load(config: Path):
    from gridtokenx_cli.meter.config import ConfigError, load_config

    try:
        return load_config(config)
    except ConfigError as e:
        usage_error(e.key, e.problem, e.fix)


@app.command("keys")
def keys(ctx: typer.Context, path: Path = typer.Argument(..., help="where to write the meter keypair file"),
         force: bool = typer.Option(False, "--force", help="overwrite an existing file (the old key is lost)")) -> None:
    """Create a meter ed25519 keypair file (mode 0600); register its public key as the meter's meter_pubkey
    (the key signs its own registration: `gtx meter pop`, or `gtx registry register-meter --meter-keypair`)."""
    from solders.keypair import Keypair

    from gridtokenx_cli.meter.signing import write_keypair_file

    path = path.expanduser()
    if path.exists() and not force:
        usage_error("PATH", f"{path} already exists", "pass --force to overwrite it (the old key is lost)")
    kp = Keypair()
    write_keypair_file(path, kp)
    emit(ctx.obj, {"path": str(path), "meter_pubkey": str(kp.pubkey())},
         kv_table("new meter key", {"path": path, "meter_pubkey": kp.pubkey(), "mode": "0600"}))


@app.command("pop")
def pop(ctx: typer.Context, path: Path = typer.Argument(..., help="the meter keypair file (stays on the gateway)"),
        owner: str = typer.Option(..., "--owner", help="public key of the owner the meter is registered under"),
        meter_id: str = typer.Option(..., "--meter-id", help="text id of the meter (at most 32 bytes)"),
        capacity_w: str = typer.Option(None, "--capacity-w", help="rated capacity in W (registration)"),
        rekey_from: str = typer.Option(None, "--rekey-from",
                                       help="instead: the meter's current public key (this key replaces it)")) -> None:
    """Proof of possession: the meter key signs its registration (or a re-key) for the operator, who passes
    meter_pubkey and signature to `gtx registry register-meter|rekey-meter --signature`. Offline; the message
    binds the registry, the owner, the meter id and the capacity (docs/programs.md "registry")."""
    from gridtokenx_cli.clients import meter_pop
    from gridtokenx_cli.meter.signing import load_keypair_file

    from .common import parse_amount, parse_pubkey
    from .session import parse_text_id

    path = path.expanduser()
    if not path.exists():
        usage_error("PATH", f"{path} does not exist", f"create it with `gtx meter keys {path}`")
    try:
        kp = load_keypair_file(path)
    except (ValueError, TypeError):
        usage_error("PATH", f"{path} is not a keypair file", "give the meter's keypair file")
    owner_key = parse_pubkey(owner, "--owner")
    mid = parse_text_id(meter_id, "--meter-id")
    if (capacity_w is None) == (rekey_from is None):
        usage_error("--capacity-w", "say what to sign", "pass --capacity-w W (registration) or --rekey-from KEY")
    if rekey_from is None:
        capacity = parse_amount(capacity_w, "--capacity-w")
        sig = meter_pop.sign_register_meter(kp, owner_key, mid, capacity)
        data = {"purpose": "register-meter", "capacity_w": capacity}
        hint = (f"gtx registry register-meter {meter_id} --capacity-w {capacity} --meter-pubkey {kp.pubkey()} "
                f"--signature {sig}")
    else:
        current = parse_pubkey(rekey_from, "--rekey-from")
        sig = meter_pop.sign_rekey_meter(kp, owner_key, mid, current)
        data = {"purpose": "rekey-meter", "current_meter_pubkey": str(current)}
        hint = f"gtx registry rekey-meter {meter_id} --new-meter-pubkey {kp.pubkey()} --signature {sig}"
    data.update({"meter_id": meter_id, "owner": str(owner_key), "meter_pubkey": str(kp.pubkey()),
                 "signature": str(sig), "registry_config": str(meter_pop.registry_config_address()),
                 "command": hint + " -k OWNER_KEYPAIR"})
    emit(ctx.obj, data, kv_table("meter proof of possession", data))


@app.command("run")
def run(ctx: typer.Context, config: Path = CONFIG_OPTION) -> None:
    """Run the gateway daemon in the foreground (systemd: Type=notify, see scripts/gtx-meter-gateway.service)."""
    cfg = _load(config)
    from gridtokenx_cli.meter.daemon import Gateway
    from gridtokenx_cli.meter.signing import load_keypair_file

    for name, path in [("gateway.keypair", cfg.keypair)] + [(f"meter {m.id} keypair", m.keypair) for m in cfg.meters]:
        if not path.exists():
            usage_error(name, f"{path} does not exist", f"create it with `gtx meter keys {path}`")
        try:
            load_keypair_file(path)
        except (ValueError, TypeError):
            usage_error(name, f"{path} is not a Solana keypair file", "it must hold a JSON list of 64 bytes")
    try:
        gateway = Gateway(cfg)
    except OSError as e:
        fail(f"cannot start the gateway: {e}")
    try:
        code = gateway.run_forever()
    except OSError as e:  # e.g. the listen port is taken
        fail(f"gateway stopped: {e}")
    raise typer.Exit(code)


def _when(ts: float | None) -> str:
    if not ts:
        return "-"
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


@app.command("status")
def status(ctx: typer.Context, config: Path = CONFIG_OPTION) -> None:
    """Queue and per-meter health from the gateway's SQLite queue, plus the daemon's /healthz when it is running."""
    cfg = _load(config)
    from gridtokenx_cli.meter.queue import ReadingQueue

    if not cfg.queue.exists():
        usage_error("gateway.queue", f"{cfg.queue} does not exist", "start the gateway once (`gtx meter run`)")
    q = ReadingQueue(cfg.queue)
    stats = q.stats()
    q.close()
    health = None
    try:
        with urllib.request.urlopen(f"http://{cfg.listen_host}:{cfg.listen_port}/healthz", timeout=2) as resp:
            health = json.loads(resp.read())
    except urllib.error.HTTPError as e:
        health = json.loads(e.read() or b"{}")
    except (OSError, ValueError):
        health = None
    held = (health or {}).get("held", {})
    meters = []
    for m in cfg.meters:
        s = stats.get(m.id, {})
        meters.append({
            "meter": m.id, "queued": s.get("queued", 0) + s.get("sending", 0), "delivered": s.get("delivered", 0),
            "rejected": s.get("rejected", 0), "delivered_produced_wh": s.get("delivered_produced_wh", 0),
            "delivered_consumed_wh": s.get("delivered_consumed_wh", 0),
            "last_delivered_at": s.get("last_delivered_at"), "last_rejection": s.get("last_rejection"),
            "held": held.get(m.id)})
    data = {"queue": str(cfg.queue), "queue_depth": sum(r["queued"] for r in meters),
            "daemon": "not running" if health is None else health.get("status"), "health": health, "meters": meters}
    settings: Settings = ctx.obj
    if settings.json:
        emit(settings, data)
        return
    console.print(kv_table("gateway", {"queue": data["queue"], "queue depth": data["queue_depth"],
                                       "daemon": data["daemon"],
                                       "rpc": "-" if health is None else ("up" if health.get("rpc_up") else "down")}))
    table = Table(title="meters (energies: --json)")
    table.add_column("meter", no_wrap=True)
    for col in ("queued", "delivered", "rejected"):
        table.add_column(col, justify="right")
    table.add_column("last delivered")
    table.add_column("last rejection / held", overflow="fold")
    for r in meters:
        note = " / ".join(x for x in (r["last_rejection"], f"held: {r['held']}" if r["held"] else None) if x)
        table.add_row(r["meter"], str(r["queued"]), str(r["delivered"]), str(r["rejected"]),
                      _when(r["last_delivered_at"]), note or "-")
    console.print(table)


@app.command("emulate")
def emulate(ctx: typer.Context,
            protocol: str = typer.Option("modbus-tcp", "--protocol", help="modbus-rtu (pty), modbus-tcp or iec62056 (pty)"),
            devices: str = typer.Option("sdm120", "--device", help="sdm120, sdm630 or iec; one for all ids or a "
                                                                   "comma list, one per id"),
            ids: str = typer.Option("1", "--ids", help="device ids (Modbus unit ids), comma separated"),
            address: str = typer.Option(None, "--address", help="serial path (default: a new pty) or HOST:PORT "
                                                                "(default 127.0.0.1:5020)"),
            seed: int = typer.Option(1, "--seed", help="profile seed (deterministic)"),
            faults: str = typer.Option("", "--faults", help="e.g. crc:2,timeout:0.05 (count or rate)"),
            time_scale: float = typer.Option(60.0, "--time-scale", help="emulated seconds per real second"),
            baudrate: int = typer.Option(None, "--baudrate", help="rtu bus rate / iec highest rate")) -> None:
    """Serve emulated meters (docs/meter-sources.md) until Ctrl-C; prints the source table for gateway.toml."""
    from gridtokenx_cli.meter.emulator import EmulatorConfig, run_emulator

    try:
        id_list = [int(i) for i in ids.split(",") if i.strip()]
    except ValueError:
        usage_error("--ids", f"{ids!r} is not a comma list of integers", "e.g. --ids 1,2,3")
    config = EmulatorConfig(protocol=protocol, devices=[d.strip() for d in devices.split(",") if d.strip()],
                            ids=id_list, address=address, seed=seed, faults=faults, time_scale=time_scale,
                            baudrate=baudrate)

    def ready(running) -> None:
        sources = []
        for m in running.meters:
            if protocol == "modbus-tcp":
                host, _, port = running.address.rpartition(":")
                sources.append({"kind": "modbus-tcp", "host": host, "port": int(port), "device": m.device,
                                "unit": m.device_id})
            elif protocol == "modbus-rtu":
                sources.append({"kind": "modbus-rtu", "port": running.address, "device": m.device,
                                "unit": m.device_id})
            else:
                sources.append({"kind": "iec62056", "port": running.address, "address": m.address})
        emit(ctx.obj, {"address": running.address, "sources": sources},
             kv_table("emulator (Ctrl-C stops)", {"address": running.address,
                                                 "meters": ", ".join(f"{m.device}#{m.device_id}"
                                                                     for m in running.meters),
                                                 "time scale": f"{time_scale:g}× real time",
                                                 **{f"source {i + 1}": json.dumps(src) for i, src in
                                                    enumerate(sources)}}))

    try:
        run_emulator(config, ready)
    except ValueError as e:
        usage_error("emulator", str(e), "see `gtx meter emulate --help`")
    except OSError as e:
        usage_error("--address", f"cannot serve on {address or 'the default address'} ({e})",
                    "pick a free port or another path")


@app.command("bench")
def bench(ctx: typer.Context,
          validator: bool = typer.Option(True, "--validator/--no-validator",
                                         help="also measure against a local solana-test-validator")) -> None:
    """Sustained readings/second delivered (embedded, validator) and SQLite queue write throughput."""
    from gridtokenx_cli.bench import gateway as gb

    rows = gb.measure(validator=validator)
    settings: Settings = ctx.obj
    if settings.json:
        print(json.dumps(rows, indent=2))
    else:
        console.print(gb.format_table(rows))
    if not all(r["ok"] for r in rows):
        raise typer.Exit(EXIT_FAILURE)
