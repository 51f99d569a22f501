"""`gtx registry …`: users, meters (by their text id), settlement into GRX, the registry's admin handover.

`initialize_registry` is run by `gtx init`; `update_meter_reading` and `update_claimed_erc_generation` are
CPI-only (their signers are the oracle's / governance's PDAs): they run through `gtx oracle submit-reading`
and `gtx governance issue-erc`.
"""
from __future__ import annotations

from pathlib import Path

import typer

from .common import load_keypair, parse_amount, parse_pubkey, usage_error
from .session import add_authority_commands, parse_choice, session

app = typer.Typer(help="Registry: users, meters, settlement", no_args_is_help=True)

USER_TYPES = {"prosumer": "Prosumer", "consumer": "Consumer"}
METER_TYPES = {"solar": "Solar", "wind": "Wind", "battery": "Battery", "grid": "Grid"}


def meter_view(s, text_id: str) -> dict:
    from gridtokenx_cli.clients import oracle as orc
    from gridtokenx_cli.generated.oracle.accounts import MeterState

    mid, address, m = s.meter(text_id)
    data = {"address": str(address), **m.to_json(), "meter_id": text_id}
    state = s.decode(orc.meter_state_pda(mid)[0], MeterState)
    data["net_generation"] = max(m.total_generation - m.total_consumption, 0)
    data["unsettled_wh"] = max(data["net_generation"] - m.settled_net_generation, 0)
    data["oracle_state"] = state is not None
    return data


@app.command("register-user")
def register_user(ctx: typer.Context,
                  user_type: str = typer.Option("prosumer", "--type", help="prosumer or consumer")) -> None:
    """Register the -k keypair as a user (register_user)."""
    from gridtokenx_cli.clients import registry as reg

    kind = parse_choice(user_type, "--type", USER_TYPES)
    with session(ctx) as s:
        owner = s.signer.pubkey()
        out = s.send("registry register-user", reg.ix_register_user(owner, kind))
        s.report("registry register-user", out, {"user": user_view(s, owner)})


def user_view(s, owner) -> dict:
    from gridtokenx_cli.clients import registry as reg
    from gridtokenx_cli.generated.registry.accounts import UserAccount

    address = reg.user_pda(owner)[0]
    user = s.decode(address, UserAccount)
    if user is None:
        return None
    return {"address": str(address), **user.to_json()}


@app.command("register-meter")
def register_meter(ctx: typer.Context,
                   meter_id: str = typer.Argument(..., help="text id of the meter (at most 32 bytes)"),
                   meter_type: str = typer.Option("solar", "--type", help="solar, wind, battery or grid"),
                   meter_pubkey: str = typer.Option(None, "--meter-pubkey",
                                                    help="the meter's ed25519 public key (signs its readings)"),
                   meter_keypair: Path = typer.Option(None, "--meter-keypair",
                                                      help="or: the meter's keypair file (its public key is used)"),
                   ) -> None:
    """Register a meter owned by the -k keypair (a registered user) with the key that signs its readings."""
    from gridtokenx_cli.clients import registry as reg

    from .session import parse_text_id

    mid = parse_text_id(meter_id, "METER_ID")
    kind = parse_choice(meter_type, "--type", METER_TYPES)
    if (meter_pubkey is None) == (meter_keypair is None):
        usage_error("--meter-pubkey", "give the meter's key", "pass exactly one of --meter-pubkey or --meter-keypair")
    key = parse_pubkey(meter_pubkey, "--meter-pubkey") if meter_pubkey is not None else \
        load_keypair(meter_keypair, "--meter-keypair").pubkey()
    with session(ctx) as s:
        owner = s.signer.pubkey()
        if user_view(s, owner) is None:
            from .common import fail

            fail(f"--keypair: {owner} is not a registered user: run `gtx registry register-user` first")
        out = s.send("registry register-meter", reg.ix_register_meter(owner, mid, kind, key))
        s.report("registry register-meter", out, {"meter": meter_view(s, meter_id)})


def _set_active(ctx: typer.Context, meter_id: str, activate: bool) -> None:
    from gridtokenx_cli.clients import registry as reg

    action = "registry " + ("reactivate-meter" if activate else "deactivate-meter")
    build = reg.ix_reactivate_meter if activate else reg.ix_deactivate_meter
    with session(ctx) as s:
        _, address, _ = s.meter(meter_id)
        out = s.send(action, build(s.signer.pubkey(), address))
        s.report(action, out, {"meter": meter_view(s, meter_id)})


@app.command("deactivate-meter")
def deactivate_meter(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter")) -> None:
    """Stop a meter's readings (owner or registry admin signs)."""
    _set_active(ctx, meter_id, False)


@app.command("reactivate-meter")
def reactivate_meter(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter")) -> None:
    """Accept a deactivated meter's readings again (owner or registry admin signs)."""
    _set_active(ctx, meter_id, True)


@app.command("resume-meter")
def resume_meter(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter"),
                 at: str = typer.Option(None, "--at", help="unix time to resume from (default: now); readings "
                                                           "must follow it within 24 h")) -> None:
    """Registry admin: move a silent meter's last reading time forward (resume_meter)."""
    from gridtokenx_cli.clients import registry as reg

    with session(ctx) as s:
        _, address, _ = s.meter(meter_id)
        resume_at = s.now() if at is None else parse_amount(at, "--at")
        out = s.send("registry resume-meter", reg.ix_resume_meter(s.signer.pubkey(), address, resume_at))
        s.report("registry resume-meter", out, {"meter": meter_view(s, meter_id)})


@app.command("settle")
def settle(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter")) -> None:
    """Mint GRX for the meter's unsettled net generation into the owner's GRX account (owner signs with -k;
    the account is created if missing)."""
    from gridtokenx_cli.clients import energy_token as et
    from gridtokenx_cli.clients import registry as reg

    with session(ctx) as s:
        _, address, _ = s.meter(meter_id)
        owner = s.signer.pubkey()
        ixs = [et.ix_create_grx_ata(owner, owner), reg.ix_settle_and_mint_tokens(owner, address)]
        out = s.send("registry settle", ixs)
        s.report("registry settle", out, {"meter": meter_view(s, meter_id),
                                          "grx_balance_base_units": s.token_amount(et.grx_ata(owner))})


@app.command("show-meter")
def show_meter(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter")) -> None:
    """A meter's account: owner, key, totals, settlement and ERC marks."""
    with session(ctx) as s:
        s.show(f"meter {meter_id}", meter_view(s, meter_id))


@app.command("show-user")
def show_user(ctx: typer.Context, owner: str = typer.Argument(None, help="user public key (default: -k)")) -> None:
    """A user's account."""
    from .common import fail

    with session(ctx) as s:
        key = parse_pubkey(owner, "OWNER") if owner else s.signer.pubkey()
        view = user_view(s, key)
        if view is None:
            fail(f"OWNER: {key} is not a registered user: register with `gtx registry register-user`")
        s.show(f"user {key}", view)


@app.command("config")
def config(ctx: typer.Context) -> None:
    """The RegistryConfig: admin (and pending transfer), user and meter counts."""
    from gridtokenx_cli.clients import registry as reg
    from gridtokenx_cli.generated.registry.accounts import RegistryConfig

    with session(ctx) as s:
        address = reg.registry_config_pda()[0]
        s.show("registry config", {"address": str(address), **s.decode(address, RegistryConfig).to_json()})


def _authority_builders():
    from gridtokenx_cli.clients import registry as reg

    return reg.ix_propose_authority_transfer, reg.ix_accept_authority_transfer, reg.ix_cancel_authority_transfer


add_authority_commands(app, "registry", _authority_builders)
