"""`gtx init` (bootstrap every program config in dependency order, idempotent) and `gtx status` (overview)."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from gridtokenx_cli.chain.workspace import REPO_ROOT

from .common import Settings, emit, fail, kv_table, load_keypair

DEFAULT_BOOTSTRAP = REPO_ROOT / "keys" / "bootstrap-authority-keypair.json"


def open_settings_chain(settings: Settings):
    # embedded: the persistent chain of cli/session.py, so `gtx init` state is there for the next command
    from .session import open_backend_chain

    return open_backend_chain(settings)


def init(ctx: typer.Context,
         bootstrap_keypair: Path = typer.Option(DEFAULT_BOOTSTRAP, "--bootstrap-keypair",
                                                help="the key every program accepts for initialisation"),
         fee_bps: int = typer.Option(25, "--fee-bps", min=0, max=10_000, help="trading fee in basis points")) -> None:
    """Initialise governance, energy_token, registry, oracle and the trading market, skipping what exists."""
    from gridtokenx_cli.chain import ChainError, TransactionRejected
    from gridtokenx_cli.platform import bootstrap_platform

    from gridtokenx_cli.deployment_keys import DeploymentKeyError, check_cluster_init

    settings: Settings = ctx.obj
    boot = load_keypair(bootstrap_keypair, "--bootstrap-keypair")
    if settings.backend == "rpc":
        try:  # before any connection: a committed key must never initialise a real cluster's programs
            check_cluster_init(settings.url, boot.pubkey())
        except DeploymentKeyError as e:
            fail(str(e))
    chain = open_settings_chain(settings)
    try:
        platform = bootstrap_platform(chain, bootstrap=boot, fee_bps=fee_bps)
    except (RuntimeError, ChainError, TransactionRejected) as e:
        fail(str(e))
    finally:
        chain.close()
    steps = [{"step": s.name, "created": s.created} for s in platform.steps]
    table = Table(title=f"gtx init ({settings.backend})")
    table.add_column("step")
    table.add_column("result")
    for s in steps:
        table.add_row(s["step"], "created" if s["created"] else "already there")
    emit(settings, {"steps": steps, "addresses": platform.summary()}, table)


def status(ctx: typer.Context) -> None:
    """Programs, authorities, pause state, GRX supply, market figures."""
    from gridtokenx_cli.clients import energy_token as et, governance as gov, oracle as orc, registry as reg
    from gridtokenx_cli.clients import trading as tc
    from gridtokenx_cli.generated.energy_token.accounts import TokenInfo
    from gridtokenx_cli.generated.governance.accounts import GovernanceConfig
    from gridtokenx_cli.generated.oracle.accounts import OracleConfig
    from gridtokenx_cli.generated.registry.accounts import RegistryConfig
    from gridtokenx_cli.generated.trading.accounts import MarketState

    settings: Settings = ctx.obj
    chain = open_settings_chain(settings)
    try:
        def load(address, cls):
            data = chain.account_data(address)
            return cls.decode(data) if data else None

        info: dict = {"backend": settings.backend, "programs": {}}
        for name, pid in sorted(chain.workspace.program_ids.items()) if hasattr(chain, "workspace") else []:
            acc = chain.get_account(pid)
            info["programs"][name] = bool(acc and acc.executable)
        governance = load(gov.governance_config_pda()[0], GovernanceConfig)
        token = load(et.token_info_pda()[0], TokenInfo)
        registry = load(reg.registry_config_pda()[0], RegistryConfig)
        oracle = load(orc.oracle_config_pda()[0], OracleConfig)
        market = load(tc.market_accounts()["market"], MarketState)
        book_data = chain.account_data(market.book) if market else None
        book = tc.decode_book(book_data) if book_data else None
    finally:
        chain.close()
    if governance:
        info["governance"] = {"admin": str(governance.admin.authority), "rec_authority": str(governance.rec_authority),
                              "paused": governance.paused, "erc_issued": governance.erc_issued}
    if token:
        info["grx"] = {"mint": str(token.mint), "supply_base_units": token.total_supply,
                       "supply_kwh": token.total_supply / 1e9, "admin": str(token.admin.authority)}
    if registry:
        info["registry"] = {"users": registry.user_count, "meters": registry.meter_count,
                            "admin": str(registry.admin.authority)}
    if oracle:
        info["oracle"] = {"readings": oracle.total_readings, "valid": oracle.valid_readings,
                          "rejected": oracle.rejected_readings, "admin": str(oracle.admin.authority)}
    if market:
        info["market"] = {"mode": market.mode.to_json()["kind"],
                          "bids": book.header.bid_count if book else None,
                          "asks": book.header.ask_count if book else None,
                          "seats": book.header.seat_count if book else None, "trades": market.total_trades,
                          "volume_wh": market.total_volume_wh, "last_clearing_price": market.last_clearing_price,
                          "vwap": market.vwap, "fee_bps": market.fee_bps, "fees_unclaimed": market.fees_unclaimed,
                          "admin": str(market.admin.authority)}
    rows = {f"program {k}": ("deployed" if v else "-") for k, v in info["programs"].items()}
    for section in ("governance", "grx", "registry", "oracle", "market"):
        for k, v in info.get(section, {"initialised": False}).items():
            rows[f"{section}.{k}"] = v
    emit(settings, info, kv_table(f"gtx status ({settings.backend})", rows))
