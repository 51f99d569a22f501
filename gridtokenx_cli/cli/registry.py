"""`gtx registry …`: users, meters (by their text id), settlement into GRX, the registry's admin handover.

`initialize_registry` is run by `gtx init`; `update_meter_reading` and `update_claimed_erc_generation` are
CPI-only (their signers are the oracle's / governance's PDAs): they run through `gtx oracle submit-reading`
and `gtx governance issue-erc`.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from . import bulk
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


def parse_signature(value: str, field_name: str):
    """A 64-byte ed25519 signature, base58 (as `gtx meter pop` prints it) or 128 hex digits."""
    from solders.signature import Signature

    try:
        if len(value) == 128:
            return Signature.from_bytes(bytes.fromhex(value))
        return Signature.from_string(value)
    except ValueError:
        usage_error(field_name, f"{value!r} is not a signature", "pass the base58 (or hex) signature that "
                    "`gtx meter pop` printed")


def _meter_key_and_signature(key_opt: str | None, keypair_opt: Path | None, signature_opt: str | None,
                             key_name: str, keypair_name: str, message: Callable[[object], bytes]):
    """(public key, keypair or None, signature or None) from either a keypair file (it signs) or a public key
    with a pre-made signature, which is checked here against ``message(pubkey)`` so a wrong one never costs a
    transaction."""
    from gridtokenx_cli.clients import meter_pop

    if (key_opt is None) == (keypair_opt is None):
        usage_error(key_name, "give the meter's key", f"pass exactly one of {key_name} (with --signature) or "
                    f"{keypair_name}")
    if keypair_opt is not None:
        if signature_opt is not None:
            usage_error("--signature", f"not used with {keypair_name}", "the keypair signs itself; drop --signature")
        kp = load_keypair(keypair_opt, keypair_name)
        return kp.pubkey(), kp, None
    key = parse_pubkey(key_opt, key_name)
    if signature_opt is None:
        usage_error("--signature", f"{key_name} needs the meter key's proof-of-possession signature",
                    "make it where the key lives with `gtx meter pop KEYFILE …`, or pass " + keypair_name)
    sig = parse_signature(signature_opt, "--signature")
    if not meter_pop.verify_signature(key, message(key), sig):
        usage_error("--signature", f"does not verify for {key} over this owner, meter id and registry",
                    "sign again with `gtx meter pop` using the same owner, meter id and capacity")
    return key, None, sig


@app.command("register-meter")
def register_meter(ctx: typer.Context,
                   meter_id: str = typer.Argument(..., help="text id of the meter (at most 32 bytes)"),
                   meter_type: str = typer.Option("solar", "--type", help="solar, wind, battery or grid"),
                   capacity_w: str = typer.Option(..., "--capacity-w", help="rated capacity in W (> 0)"),
                   meter_keypair: Path = typer.Option(None, "--meter-keypair",
                                                      help="the meter's keypair file: it signs the registration"),
                   meter_pubkey: str = typer.Option(None, "--meter-pubkey",
                                                    help="or: the meter's ed25519 public key, with --signature"),
                   signature: str = typer.Option(None, "--signature",
                                                 help="the meter key's proof of possession (`gtx meter pop`)"),
                   ) -> None:
    """Register a meter owned by the -k keypair (a registered user) with the key that signs its readings; the
    meter key must sign the registration (proof of possession)."""
    from gridtokenx_cli.clients import meter_pop
    from gridtokenx_cli.clients import registry as reg

    from .session import parse_text_id

    mid = parse_text_id(meter_id, "METER_ID")
    kind = parse_choice(meter_type, "--type", METER_TYPES)
    capacity = parse_amount(capacity_w, "--capacity-w")
    with session(ctx) as s:
        owner = s.signer.pubkey()
        key, kp, sig = _meter_key_and_signature(
            meter_pubkey, meter_keypair, signature, "--meter-pubkey", "--meter-keypair",
            lambda _k: meter_pop.register_meter_message(owner, mid, capacity))
        if user_view(s, owner) is None:
            from .common import fail

            fail(f"--keypair: {owner} is not a registered user: run `gtx registry register-user` first")
        out = s.send("registry register-meter",
                     reg.register_meter_ixs(owner, mid, kind, kp or key, capacity, signature=sig))
        s.report("registry register-meter", out, {"meter": meter_view(s, meter_id)})


@app.command("register-meters")
def register_meters(ctx: typer.Context,
                    file: Path = typer.Argument(..., help="CSV with a header: meter_id,capacity_w and meter_keypair (or "
                                                "meter_pubkey + signature); optional type (default solar)"),
                    results: Path = bulk.ResultsOption, window: int = bulk.WindowOption) -> None:
    """Register many meters owned by the -k keypair, many transactions in flight; each row's result goes to the
    result file as it lands, so a rerun skips what is done (also meters found already registered to you)."""
    from gridtokenx_cli import bulk as sdk

    with session(ctx) as s:
        owner = s.signer.pubkey()
        rows = bulk.read_rows(lambda: sdk.meter_registration_rows(file, owner))
        if user_view(s, owner) is None:
            from .common import fail

            fail(f"--keypair: {owner} is not a registered user: run `gtx registry register-user` first")
        sdk.mark_registered(s.chain, rows, owner)
        bulk.land(s, "registry register-meters", rows, results or sdk.results_path_for(file),
                  sdk.classify_registration, window)


@app.command("rekey-meter")
def rekey_meter(ctx: typer.Context,
                meter_id: str = typer.Argument(..., help="text id of the meter"),
                new_meter_keypair: Path = typer.Option(None, "--new-meter-keypair",
                                                       help="the new key's keypair file: it signs the re-key"),
                new_meter_pubkey: str = typer.Option(None, "--new-meter-pubkey",
                                                     help="or: the new public key, with --signature"),
                signature: str = typer.Option(None, "--signature",
                                              help="the new key's proof of possession (`gtx meter pop --rekey`)"),
                ) -> None:
    """Owner (-k): replace the meter's key; the new key must sign (rekey_meter). Where the registry requires
    approval, the admin must approve the meter again."""
    from gridtokenx_cli.clients import meter_pop
    from gridtokenx_cli.clients import registry as reg

    with session(ctx) as s:
        mid, _, m = s.meter(meter_id)
        owner = s.signer.pubkey()
        key, kp, sig = _meter_key_and_signature(
            new_meter_pubkey, new_meter_keypair, signature, "--new-meter-pubkey", "--new-meter-keypair",
            lambda _k: meter_pop.rekey_meter_message(owner, mid, m.meter_pubkey))
        out = s.send("registry rekey-meter", reg.rekey_meter_ixs(owner, mid, m.meter_pubkey, kp or key,
                                                                 signature=sig))
        s.report("registry rekey-meter", out, {"meter": meter_view(s, meter_id)})


@app.command("transfer-meter")
def transfer_meter(ctx: typer.Context,
                   meter_id: str = typer.Argument(..., help="text id of the meter"),
                   new_owner_keypair: Path = typer.Option(..., "--new-owner-keypair",
                                                          help="the new owner's keypair file (a registered user; "
                                                               "signs too)")) -> None:
    """Owner (-k) and new owner both sign: move the meter to the new owner (transfer_meter). Settle first:
    unsettled generation refuses the transfer, uncertified generation can no longer be certified."""
    from gridtokenx_cli.clients import registry as reg

    new_owner = load_keypair(new_owner_keypair, "--new-owner-keypair")
    with session(ctx) as s:
        _, address, _ = s.meter(meter_id)
        out = s.send("registry transfer-meter",
                     reg.ix_transfer_meter(s.signer.pubkey(), new_owner.pubkey(), address), signers=[new_owner])
        s.report("registry transfer-meter", out, {"meter": meter_view(s, meter_id)})


def _admin_meter_action(ctx: typer.Context, meter_id: str, name: str, build) -> None:
    action = f"registry {name}"
    with session(ctx) as s:
        _, address, _ = s.meter(meter_id)
        out = s.send(action, build(s.signer.pubkey(), address))
        s.report(action, out, {"meter": meter_view(s, meter_id)})


@app.command("approve-meter")
def approve_meter(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter")) -> None:
    """Registry admin (-k): accept the meter's readings (approve_meter; needed when set-options requires it)."""
    from gridtokenx_cli.clients import registry as reg

    _admin_meter_action(ctx, meter_id, "approve-meter", reg.ix_approve_meter)


@app.command("retire-meter")
def retire_meter(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter")) -> None:
    """Registry admin (-k): retire the meter for good (no readings; its id can never be registered again)."""
    from gridtokenx_cli.clients import registry as reg

    _admin_meter_action(ctx, meter_id, "retire-meter", reg.ix_retire_meter)


@app.command("set-options")
def set_options(ctx: typer.Context,
                require_meter_approval: bool = typer.Option(..., "--require-meter-approval/--no-require-meter-approval",
                                                            help="new meters (and re-keyed ones) wait for "
                                                                 "approve-meter")) -> None:
    """Registry admin (-k): registry-wide options (set_registry_options)."""
    from gridtokenx_cli.clients import registry as reg
    from gridtokenx_cli.generated.registry.accounts import RegistryConfig

    with session(ctx) as s:
        out = s.send("registry set-options", reg.ix_set_registry_options(s.signer.pubkey(), require_meter_approval))
        address = reg.registry_config_pda()[0]
        s.report("registry set-options", out, {"config": s.decode(address, RegistryConfig).to_json()})


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
    """Stop a meter's readings (owner or registry admin signs; only the admin can undo an admin deactivation)."""
    _set_active(ctx, meter_id, False)


@app.command("reactivate-meter")
def reactivate_meter(ctx: typer.Context, meter_id: str = typer.Argument(..., help="text id of the meter")) -> None:
    """Accept a deactivated meter's readings again (owner or registry admin signs; the admin only, if the admin
    deactivated it)."""
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
    """A meter's account: owner, key, capacity, approval/retirement, totals, settlement and ERC marks."""
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
    """The RegistryConfig: admin (and pending transfer), user and meter counts, options."""
    from gridtokenx_cli.clients import registry as reg
    from gridtokenx_cli.generated.registry.accounts import RegistryConfig

    with session(ctx) as s:
        address = reg.registry_config_pda()[0]
        s.show("registry config", {"address": str(address), **s.decode(address, RegistryConfig).to_json()})


def _authority_builders():
    from gridtokenx_cli.clients import registry as reg

    return reg.ix_propose_authority_transfer, reg.ix_accept_authority_transfer, reg.ix_cancel_authority_transfer


add_authority_commands(app, "registry", _authority_builders)
