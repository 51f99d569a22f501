"""`gtx oracle …`: signed meter readings (the meter's key signs, the API gateway submits), consensus readings of
backup oracles, validation limits, market clearing trigger, the oracle's admin handover.

`initialize_oracle` is run by `gtx init`.
"""
from __future__ import annotations

from pathlib import Path
from typing import List

import typer

from . import bulk
from .common import err_console, load_keypair, parse_amount, parse_pubkey, usage_error
from .session import add_authority_commands, session

app = typer.Typer(help="Oracle: signed meter readings, consensus, validation limits", no_args_is_help=True)


def meter_state_view(s, mid: bytes) -> dict | None:
    from gridtokenx_cli.clients import oracle as orc
    from gridtokenx_cli.generated.oracle.accounts import MeterState

    address = orc.meter_state_pda(mid)[0]
    state = s.decode(address, MeterState)
    return None if state is None else {"address": str(address), **state.to_json()}


def config_view(s) -> dict:
    from gridtokenx_cli.clients import oracle as orc
    from gridtokenx_cli.generated.oracle.accounts import OracleConfig

    address = orc.oracle_config_pda()[0]
    cfg = s.decode(address, OracleConfig).to_json()
    cfg["backup_oracles"] = cfg["backup_oracles"][: cfg["backup_oracle_count"]]
    return {"address": str(address), **cfg}


def _reading_result(s, mid: bytes, text_id: str, outcome) -> dict:
    from gridtokenx_cli.generated.registry.accounts import MeterAccount

    from .session import plain

    rejected = [e for e in outcome.events if e.name == "ReadingRejected"]
    result = {"accepted": not rejected, "reject_reason": plain(rejected[-1].data["reason"]) if rejected else None,
              "meter_state": meter_state_view(s, mid)}
    meter = s.decode(s.meter(text_id)[1], MeterAccount)
    result["meter_totals"] = {"total_generation": meter.total_generation,
                              "total_consumption": meter.total_consumption, "reading_count": meter.reading_count}
    if rejected:
        err_console.print(f"[yellow]reading recorded as rejected:[/yellow] {result['reject_reason']}")
    return result


@app.command("init-meter")
def init_meter(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of a registered meter")) -> None:
    """Create the oracle's per-meter validation state (initialize_meter_state; API gateway or admin signs)."""
    from gridtokenx_cli.clients import oracle as orc

    with session(ctx) as s:
        mid, address, _ = s.meter(meter_id)
        out = s.send("oracle init-meter", orc.ix_initialize_meter_state(s.signer.pubkey(), mid, meter=address))
        s.report("oracle init-meter", out, {"meter_state": meter_state_view(s, mid)})


@app.command("submit-reading")
def submit_reading(ctx: typer.Context,
                   meter_id: str = typer.Argument(..., help="text id of the meter"),
                   produced: str = typer.Option(..., "--produced", help="energy produced in the interval, Wh"),
                   consumed: str = typer.Option(..., "--consumed", help="energy consumed in the interval, Wh"),
                   meter_keypair: Path = typer.Option(..., "--meter-keypair",
                                                      help="the meter's keypair file: signs the canonical reading"),
                   timestamp: str = typer.Option(None, "--timestamp", help="reading time, unix seconds "
                                                                           "(default: the chain's clock)")) -> None:
    """Submit one reading: the meter signs it (Ed25519 precompile instruction), the API gateway (-k) sends it.
    A reading that fails validation is recorded (ReadingRejected, reason shown) and the command exits 0."""
    from gridtokenx_cli.clients import oracle as orc

    wh_produced = parse_amount(produced, "--produced", allow_zero=True)
    wh_consumed = parse_amount(consumed, "--consumed", allow_zero=True)
    meter_key = load_keypair(meter_keypair, "--meter-keypair")
    with session(ctx) as s:
        mid, _, _ = s.meter(meter_id)
        if meter_state_view(s, mid) is None:
            from .common import fail

            fail(f"METER_ID: meter {meter_id!r} has no oracle state yet: run `gtx oracle init-meter {meter_id}`")
        ts = s.now() if timestamp is None else parse_amount(timestamp, "--timestamp")
        ixs = orc.signed_reading_instructions(meter_key, s.signer.pubkey(), mid, wh_produced, wh_consumed, ts)
        out = s.send("oracle submit-reading", ixs)
        s.report("oracle submit-reading", out, {"reading_timestamp": ts, **_reading_result(s, mid, meter_id, out)})


@app.command("submit-readings")
def submit_readings(ctx: typer.Context,
                    file: Path = typer.Argument(..., help="CSV with a header: meter_id,produced_wh,consumed_wh,"
                                                "timestamp,meter_keypair (each meter's rows in time order)"),
                    results: Path = bulk.ResultsOption, window: int = bulk.WindowOption) -> None:
    """Relay many meter-signed readings as the API gateway (-k): meters in parallel, each meter's readings in
    file order. Results per row (accepted, rejected:<reason>, failed:<error>) go to the result file as they
    land; a rerun skips rows done before and readings already on chain."""
    from gridtokenx_cli import bulk as sdk

    with session(ctx) as s:
        rows = bulk.read_rows(lambda: sdk.reading_rows(file, s.signer.pubkey()))
        problems = sdk.check_reading_meters(s.chain, rows)
        if problems:
            from .common import fail

            fail("FILE: " + "; ".join(problems))
        bulk.land(s, "oracle submit-readings", rows, results or sdk.results_path_for(file),
                  sdk.classify_reading, window)


def _parse_oracle_reading(value: str) -> tuple:
    path, sep, rest = value.rpartition(":")
    path2, sep2, produced = path.rpartition(":")
    if not sep or not sep2 or not path2:
        usage_error("--reading", f"{value!r} is not KEYPAIR:PRODUCED:CONSUMED", "e.g. --reading oracle1.json:500:20")
    return (load_keypair(Path(path2), "--reading"), parse_amount(produced, "--reading", allow_zero=True),
            parse_amount(rest, "--reading", allow_zero=True))


@app.command("submit-consensus")
def submit_consensus(ctx: typer.Context,
                     meter_id: str = typer.Argument(..., help="text id of the meter"),
                     readings: List[str] = typer.Option(..., "--reading",
                                                        help="KEYPAIR:PRODUCED:CONSUMED of one backup oracle "
                                                             "(repeat; each keypair signs)"),
                     timestamp: str = typer.Option(None, "--timestamp", help="reading time, unix seconds "
                                                                             "(default: the chain's clock)")) -> None:
    """Backup oracles submit one reading together: an odd number, at least the consensus threshold, of distinct
    configured oracles sign; the reading equal to (median produced, median consumed) is taken whole, and a round
    where no oracle reported that pair fails with ConsensusDisagreement (submit_meter_reading_consensus; -k
    pays)."""
    from gridtokenx_cli.clients import oracle as orc

    parsed = [_parse_oracle_reading(r) for r in readings]
    if len(parsed) % 2 == 0:
        usage_error("--reading", f"{len(parsed)} readings: an even count has no middle reading",
                    "give an odd number of --reading options")
    with session(ctx) as s:
        mid, _, _ = s.meter(meter_id)
        ts = s.now() if timestamp is None else parse_amount(timestamp, "--timestamp")
        ix = orc.ix_submit_meter_reading_consensus(mid, ts, [(kp.pubkey(), p, c) for kp, p, c in parsed])
        out = s.send("oracle submit-consensus", ix, [kp for kp, _, _ in parsed])
        s.report("oracle submit-consensus", out, {"reading_timestamp": ts, **_reading_result(s, mid, meter_id, out)})


#: ``OracleParams`` field -> the option that sets it (errors name the option).
CONFIG_FLAGS = {
    "api_gateway": "--api-gateway", "min_energy_value": "--min-energy", "max_energy_value": "--max-energy",
    "max_production_ratio": "--max-production-ratio", "max_deviation_percent": "--max-deviation-percent",
    "min_reading_interval": "--min-reading-interval", "type_ceiling_w": "--type-ceiling",
    "capacity_margin_percent": "--capacity-margin-percent",
    "first_reading_max_interval": "--first-reading-max-interval",
    "deviation_floor_percent": "--deviation-floor-percent", "backup_oracles": "--backup-oracle",
    "consensus_threshold": "--consensus-threshold",
}


def _parse_type_ceiling(value: str) -> tuple[str, int]:
    from gridtokenx_cli.clients import oracle as orc

    name, sep, watts = value.partition("=")
    if not sep or name not in orc.METER_TYPES:
        usage_error("--type-ceiling", f"{value!r} is not TYPE=W with TYPE one of {', '.join(orc.METER_TYPES)}",
                    "e.g. --type-ceiling Solar=1000000")
    return name, parse_amount(watts, "--type-ceiling")


@app.command("update-config")
def update_config(ctx: typer.Context,
                  api_gateway: str = typer.Option(None, "--api-gateway", help="the key allowed to submit readings"),
                  min_energy: str = typer.Option(None, "--min-energy", help="smallest accepted value per reading, Wh"),
                  max_energy: str = typer.Option(None, "--max-energy", help="largest accepted value per reading, Wh"),
                  max_ratio: str = typer.Option(None, "--max-production-ratio",
                                                help="largest produced:consumed ratio (10 = 10:1)"),
                  max_deviation: str = typer.Option(None, "--max-deviation-percent",
                                                    help="largest change against the previous reading, %"),
                  min_interval: str = typer.Option(None, "--min-reading-interval",
                                                   help="seconds between two readings of a meter"),
                  type_ceilings: List[str] = typer.Option(None, "--type-ceiling",
                                                          help="TYPE=W: plausibility ceiling of a meter type "
                                                               "(Solar, Wind, Battery, Grid), 1 W to 1 GW (repeat)"),
                  capacity_margin: str = typer.Option(None, "--capacity-margin-percent",
                                                      help="allowance above the rated energy, % (0-100)"),
                  first_interval: str = typer.Option(None, "--first-reading-max-interval",
                                                     help="seconds of rated output a first reading may cover at "
                                                          "most, and how far before registration readings may "
                                                          "reach back (1-86400)"),
                  deviation_floor: str = typer.Option(None, "--deviation-floor-percent",
                                                      help="production change always allowed, % of the "
                                                           "interval's capacity bound (0-100)"),
                  backup_oracles: List[str] = typer.Option(None, "--backup-oracle",
                                                           help="public key of a backup oracle (repeat; replaces "
                                                                "the list)"),
                  clear_backup_oracles: bool = typer.Option(False, "--clear-backup-oracles",
                                                            help="remove every backup oracle"),
                  threshold: str = typer.Option(None, "--consensus-threshold",
                                                help="backup oracles needed for a consensus reading (odd, a "
                                                     "majority, >= 2f+1 with f = (n-1)/3)")) -> None:
    """Change validation limits, plausibility bounds, the API gateway or the backup oracles (admin signs);
    unset options keep their current value. The new values are checked before sending; an invalid one is a
    usage error naming its option."""
    from gridtokenx_cli.clients import oracle as orc
    from gridtokenx_cli.generated.oracle.accounts import OracleConfig

    gateway = parse_pubkey(api_gateway, "--api-gateway") if api_gateway else None
    oracles = [parse_pubkey(o, "--backup-oracle") for o in backup_oracles or []]
    ceilings = dict(_parse_type_ceiling(v) for v in type_ceilings or [])
    numbers = {name: parse_amount(v, flag, allow_zero=True) for name, flag, v in (
        ("min_energy_value", "--min-energy", min_energy), ("max_energy_value", "--max-energy", max_energy),
        ("max_production_ratio", "--max-production-ratio", max_ratio),
        ("max_deviation_percent", "--max-deviation-percent", max_deviation),
        ("min_reading_interval", "--min-reading-interval", min_interval),
        ("capacity_margin_percent", "--capacity-margin-percent", capacity_margin),
        ("first_reading_max_interval", "--first-reading-max-interval", first_interval),
        ("deviation_floor_percent", "--deviation-floor-percent", deviation_floor),
        ("consensus_threshold", "--consensus-threshold", threshold)) if v is not None}
    for name in ("max_deviation_percent", "capacity_margin_percent", "deviation_floor_percent"):
        if numbers.get(name, 0) >= 1 << 16:
            usage_error(CONFIG_FLAGS[name], "does not fit in u16", "give a percentage below 65536")
    if numbers.get("consensus_threshold", 0) >= 1 << 8:
        usage_error("--consensus-threshold", "does not fit in u8", "give a count below 256")
    with session(ctx) as s:
        cfg = s.decode(orc.oracle_config_pda()[0], OracleConfig)
        changes = dict(numbers)
        if ceilings:
            changes["type_ceiling_w"] = ceilings
        if gateway:
            changes["api_gateway"] = gateway
        if oracles or clear_backup_oracles:
            changes["backup_oracles"] = oracles
        params = orc.params_from_config(cfg, **changes)
        try:
            orc.check_params(params)
        except ValueError as e:
            field, _, problem = str(e).partition(": ")
            usage_error(CONFIG_FLAGS.get(field, field), problem, "see `gtx oracle update-config --help`")
        out = s.send("oracle update-config", orc.ix_update_oracle_config(s.signer.pubkey(), params))
        s.report("oracle update-config", out, {"config": config_view(s)})


@app.command("trigger-clearing")
def trigger_clearing(ctx: typer.Context) -> None:
    """Record a market clearing (trigger_market_clearing; API gateway or admin signs)."""
    from gridtokenx_cli.clients import oracle as orc

    with session(ctx) as s:
        out = s.send("oracle trigger-clearing", orc.ix_trigger_market_clearing(s.signer.pubkey()))
        cfg = config_view(s)
        s.report("oracle trigger-clearing", out, {"clearing_count": cfg["clearing_count"],
                                                  "last_clearing_at": cfg["last_clearing_at"]})


@app.command("config")
def config(ctx: typer.Context) -> None:
    """The OracleConfig: admin, API gateway, validation limits, backup oracles, reading counters."""
    with session(ctx) as s:
        s.show("oracle config", config_view(s))


@app.command("meter-state")
def meter_state(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter")) -> None:
    """The oracle's validation state of one meter (last reading, average interval, quality score)."""
    from .common import fail

    with session(ctx) as s:
        mid, _, _ = s.meter(meter_id)
        view = meter_state_view(s, mid)
        if view is None:
            fail(f"METER_ID: meter {meter_id!r} has no oracle state yet: run `gtx oracle init-meter {meter_id}`")
        s.show(f"oracle meter state {meter_id}", view)


def _authority_builders():
    from gridtokenx_cli.clients import oracle as orc

    return orc.ix_propose_authority_transfer, orc.ix_accept_authority_transfer, orc.ix_cancel_authority_transfer


add_authority_commands(app, "oracle", _authority_builders)
