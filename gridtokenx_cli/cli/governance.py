"""`gtx governance …`: emergency pause, the REC authority, energy-renewable certificates (ERCs, by their text
id), the governance admin handover.

`initialize_governance` is run by `gtx init`.
"""
from __future__ import annotations

from typing import List

import typer

from .common import parse_amount, parse_pubkey
from .session import add_authority_commands, parse_text_id, session

app = typer.Typer(help="Governance: pause, REC authority, certificates (ERCs)", no_args_is_help=True)


def config_view(s) -> dict:
    from gridtokenx_cli.clients import governance as gov
    from gridtokenx_cli.generated.governance.accounts import GovernanceConfig

    address = gov.governance_config_pda()[0]
    return {"address": str(address), **s.decode(address, GovernanceConfig).to_json()}


def certificate_view(s, text_id: str) -> dict:
    _, address, cert = s.certificate(text_id)
    view = {"address": str(address), **cert.to_json(), "certificate_id": text_id}
    view["expired"] = s.now() >= cert.expires_at
    return view


def _pause(ctx: typer.Context, pause: bool, accounts: list[str] | None) -> None:
    from gridtokenx_cli import platform as pf
    from gridtokenx_cli.clients import governance as gov

    action = "governance " + ("pause" if pause else "unpause")
    extra = [parse_pubkey(a, "--account") for a in accounts or []]
    with session(ctx) as s:
        # Every GRX token account the chain lists, the market's GRX escrow and any --account: frozen while paused
        # (a holder's raw Token-2022 transfer or burn then fails), thawed after.
        from gridtokenx_cli.clients import trading as tc

        candidates = set(gov.grx_token_accounts(s.chain)) | {tc.market_accounts()["grx_escrow"], *extra}
        targets = pf.pause_targets(s.chain, candidates)
        txs = pf.pause_transactions(s.signer.pubkey(), pause, targets)
        out = s.send(action, txs[0])
        for ixs in txs[1:]:
            s.send(action + " (sync_grx_freeze)", ixs)
        cfg = config_view(s)
        s.report(action, out, {"paused": cfg["paused"], "pause_count": cfg["pause_count"],
                               "grx_accounts_" + ("frozen" if pause else "thawed"): len(targets),
                               "transactions": len(txs)})


ACCOUNT_OPTION = typer.Option(None, "--account", help="a GRX token account to freeze / thaw besides the ones the "
                                                       "chain lists (repeatable)")


@app.command("pause")
def pause(ctx: typer.Context, account: List[str] = ACCOUNT_OPTION) -> None:
    """Emergency pause: every state-changing instruction of every program fails with SystemPaused, and every
    GRX token account is frozen (governance sync_grx_freeze), so raw Token-2022 transfers and burns fail too
    (admin)."""
    _pause(ctx, True, account)


@app.command("unpause")
def unpause(ctx: typer.Context, account: List[str] = ACCOUNT_OPTION) -> None:
    """Lift the emergency pause and thaw the GRX token accounts (admin)."""
    _pause(ctx, False, account)


@app.command("sync-grx-freeze")
def sync_grx_freeze(ctx: typer.Context, account: List[str] = ACCOUNT_OPTION) -> None:
    """Make GRX token accounts agree with the pause flag: frozen while paused, thawed otherwise (anyone may
    send it; e.g. for accounts created after the pause)."""
    from gridtokenx_cli import platform as pf
    from gridtokenx_cli.clients import governance as gov

    extra = [parse_pubkey(a, "--account") for a in account or []]
    with session(ctx) as s:
        targets = pf.pause_targets(s.chain, set(gov.grx_token_accounts(s.chain)) | set(extra))
        outs = [s.send("governance sync-grx-freeze", ixs) for ixs in pf.sync_batches(targets)]
        synced = [e.data for o in outs for e in o.events if e.name == "GrxFreezeSynced"]
        totals = {k: sum(d[k] for d in synced) for k in ("frozen", "thawed", "unchanged")}
        if not outs:
            from .common import emit, kv_table

            emit(s.settings, {"ok": True, "action": "governance sync-grx-freeze", "accounts": 0},
                 kv_table("governance sync-grx-freeze", {"accounts": 0}))
            return
        s.report("governance sync-grx-freeze", outs[0], {"accounts": len(targets), "transactions": len(outs),
                                                         **totals})


@app.command("set-rec-authority")
def set_rec_authority(ctx: typer.Context,
                      new_rec_authority: str = typer.Argument(..., help="public key that issues and validates "
                                                                        "certificates")) -> None:
    """Name the REC authority (admin signs)."""
    from gridtokenx_cli import platform as pf

    new = parse_pubkey(new_rec_authority, "NEW_REC_AUTHORITY")
    with session(ctx) as s:
        out = s.send("governance set-rec-authority", pf.ix_set_rec_authority(s.signer.pubkey(), new))
        s.report("governance set-rec-authority", out, {"rec_authority": config_view(s)["rec_authority"]})


@app.command("issue-erc")
def issue_erc(ctx: typer.Context,
              certificate_id: str = typer.Argument(..., help="text id of the new certificate (at most 32 bytes)"),
              meter_id: str = typer.Option(..., "--meter", help="text id of the meter whose generation it certifies"),
              amount: str = typer.Option(..., "--amount", help="energy in Wh (at most the meter's unclaimed "
                                                               "generation)")) -> None:
    """Issue a certificate for a meter's generation (REC authority signs; claims the energy in the registry)."""
    from gridtokenx_cli import platform as pf

    cid = parse_text_id(certificate_id, "CERTIFICATE_ID", "certificate id")
    wh = parse_amount(amount, "--amount")
    with session(ctx) as s:
        _, meter, _ = s.meter(meter_id, "--meter")
        out = s.send("governance issue-erc", pf.ix_issue_erc(s.signer.pubkey(), cid, wh, meter))
        from .registry import meter_view

        m = meter_view(s, meter_id)
        s.report("governance issue-erc", out, {"certificate": certificate_view(s, certificate_id),
                                               "meter_claimed_erc_generation": m["claimed_erc_generation"]})


@app.command("validate-erc")
def validate_erc(ctx: typer.Context, certificate_id: str = typer.Argument(..., help="text id of the certificate")) -> None:
    """Mark a certificate valid for trading (REC authority signs)."""
    from gridtokenx_cli import platform as pf

    with session(ctx) as s:
        _, address, _ = s.certificate(certificate_id)
        out = s.send("governance validate-erc", pf.ix_validate_erc(s.signer.pubkey(), address))
        s.report("governance validate-erc", out, {"certificate": certificate_view(s, certificate_id)})


@app.command("transfer-erc")
def transfer_erc(ctx: typer.Context, certificate_id: str = typer.Argument(..., help="text id of the certificate"),
                 to: str = typer.Option(..., "--to", help="public key of the new owner")) -> None:
    """Give a certificate to another owner (the owner signs with -k)."""
    from gridtokenx_cli import platform as pf

    new_owner = parse_pubkey(to, "--to")
    with session(ctx) as s:
        _, address, _ = s.certificate(certificate_id)
        out = s.send("governance transfer-erc", pf.ix_transfer_erc(s.signer.pubkey(), address, new_owner))
        s.report("governance transfer-erc", out, {"certificate": certificate_view(s, certificate_id)})


@app.command("revoke-erc")
def revoke_erc(ctx: typer.Context, certificate_id: str = typer.Argument(..., help="text id of the certificate")) -> None:
    """Revoke a certificate (REC authority signs)."""
    from gridtokenx_cli import platform as pf

    with session(ctx) as s:
        _, address, _ = s.certificate(certificate_id)
        out = s.send("governance revoke-erc", pf.ix_revoke_erc(s.signer.pubkey(), address))
        s.report("governance revoke-erc", out, {"certificate": certificate_view(s, certificate_id)})


@app.command("certificate")
def certificate(ctx: typer.Context, certificate_id: str = typer.Argument(..., help="text id of the certificate")) -> None:
    """A certificate: owner, meter, energy, status, expiry."""
    with session(ctx) as s:
        s.show(f"certificate {certificate_id}", certificate_view(s, certificate_id))


@app.command("config")
def config(ctx: typer.Context) -> None:
    """The GovernanceConfig: admin, REC authority, pause state, certificate counters."""
    with session(ctx) as s:
        s.show("governance config", config_view(s))


def _authority_builders():
    from gridtokenx_cli import platform as pf

    return (pf.ix_governance_propose_authority_transfer, pf.ix_governance_accept_authority_transfer,
            pf.ix_governance_cancel_authority_transfer)


add_authority_commands(app, "governance", _authority_builders)
