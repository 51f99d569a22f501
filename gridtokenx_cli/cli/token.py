"""`gtx token …`: the GRX token (Token-2022, 9 decimals, 1 GRX = 1 kWh): balances, admin mint, transfer, burn,
the energy_token admin handover. Amounts are in GRX with up to 9 decimals ("0.25").

`initialize_token` is run by `gtx init`; `mint_tokens_direct` is also what `gtx registry settle` calls by CPI.
"""
from __future__ import annotations

import typer

from .common import parse_pubkey, parse_units
from .session import add_authority_commands, session

app = typer.Typer(help="GRX token: balance, mint, transfer, burn", no_args_is_help=True)

GRX_DECIMALS = 9


def grx(base_units: int) -> str:
    """Base units -> GRX text with 9 decimals."""
    return f"{base_units // 10**GRX_DECIMALS}.{base_units % 10**GRX_DECIMALS:09d}"


def balance_view(s, owner) -> dict:
    from gridtokenx_cli.clients import energy_token as et

    account = et.grx_ata(owner)
    amount = s.token_amount(account)
    return {"owner": str(owner), "account": str(account), "exists": s.chain.get_account(account) is not None,
            "base_units": amount, "grx": grx(amount)}


def info_view(s) -> dict:
    import struct

    from gridtokenx_cli.clients import energy_token as et
    from gridtokenx_cli.generated.energy_token.accounts import TokenInfo

    address = et.token_info_pda()[0]
    info = s.decode(address, TokenInfo).to_json()
    supply = struct.unpack_from("<Q", s.chain.account_data(et.grx_mint_pda()[0]), 36)[0]
    return {"address": str(address), **info, "mint_supply": supply, "supply_grx": grx(supply)}


@app.command("info")
def info(ctx: typer.Context) -> None:
    """TokenInfo: admin, mint, minted / burned / supply counters (and the mint's own supply)."""
    with session(ctx) as s:
        s.show("GRX token", info_view(s))


@app.command("balance")
def balance(ctx: typer.Context, owner: str = typer.Argument(None, help="owner public key (default: -k)")) -> None:
    """GRX balance of an owner's associated token account."""
    with session(ctx) as s:
        key = parse_pubkey(owner, "OWNER") if owner else s.signer.pubkey()
        s.show(f"GRX balance {key}", balance_view(s, key))


@app.command("mint")
def mint(ctx: typer.Context, to: str = typer.Option(..., "--to", help="owner public key to credit"),
         amount: str = typer.Option(..., "--amount", help="GRX, up to 9 decimals")) -> None:
    """Mint GRX directly (energy_token admin signs; mint_tokens_direct). The owner's account is created if
    missing."""
    from gridtokenx_cli.clients import energy_token as et

    owner = parse_pubkey(to, "--to")
    units = parse_units(amount, "--amount", GRX_DECIMALS, "GRX")
    with session(ctx) as s:
        admin = s.signer.pubkey()
        ixs = [et.ix_create_grx_ata(admin, owner), et.ix_mint_tokens_direct(admin, et.grx_ata(owner), units)]
        out = s.send("token mint", ixs)
        s.report("token mint", out, {"balance": balance_view(s, owner), "supply": info_view(s)["total_supply"]})


@app.command("transfer")
def transfer(ctx: typer.Context, to: str = typer.Option(..., "--to", help="owner public key to credit"),
             amount: str = typer.Option(..., "--amount", help="GRX, up to 9 decimals")) -> None:
    """Transfer GRX from the -k owner's account (transfer_tokens); the recipient's account is created if
    missing."""
    from gridtokenx_cli.clients import energy_token as et

    recipient = parse_pubkey(to, "--to")
    units = parse_units(amount, "--amount", GRX_DECIMALS, "GRX")
    with session(ctx) as s:
        owner = s.signer.pubkey()
        ixs = [et.ix_create_grx_ata(owner, recipient),
               et.ix_transfer_tokens(owner, et.grx_ata(owner), et.grx_ata(recipient), units)]
        out = s.send("token transfer", ixs)
        s.report("token transfer", out, {"from": balance_view(s, owner), "to": balance_view(s, recipient)})


@app.command("burn")
def burn(ctx: typer.Context, amount: str = typer.Option(..., "--amount", help="GRX, up to 9 decimals")) -> None:
    """Burn GRX from the -k owner's account (burn_tokens; the supply counters follow)."""
    from gridtokenx_cli.clients import energy_token as et

    units = parse_units(amount, "--amount", GRX_DECIMALS, "GRX")
    with session(ctx) as s:
        owner = s.signer.pubkey()
        out = s.send("token burn", et.ix_burn_tokens(owner, et.grx_ata(owner), units))
        token = info_view(s)
        s.report("token burn", out, {"balance": balance_view(s, owner), "total_burned": token["total_burned"],
                                     "supply": token["total_supply"]})


def _authority_builders():
    from gridtokenx_cli.clients import energy_token as et

    return et.ix_propose_authority_transfer, et.ix_accept_authority_transfer, et.ix_cancel_authority_transfer


add_authority_commands(app, "token", _authority_builders)
