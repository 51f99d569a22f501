"""Set a chain up for a gateway: the platform, an owner per meter, each meter registered with its ed25519 key and
its oracle state initialised, and (optionally) oracle limits for fast test/benchmark intervals.

Used by the tests, the benchmark and operators of a localnet; never by the daemon (it imports the platform
helpers, which carry LiteSVM fixtures).
"""
from __future__ import annotations

from collections.abc import Sequence

from solders.keypair import Keypair

U64_MAX = 2**64 - 1
U16_MAX = 2**16 - 1


def provision(chain, meters: Sequence[tuple[str, Keypair]], *, min_reading_interval: int | None = None,
              lenient: bool = False, meter_type: str = "Solar"):
    """Returns the bootstrapped ``Platform``. ``min_reading_interval`` rewrites the oracle's minimum interval;
    ``lenient`` also widens the range/ratio/deviation limits so only the timestamp rules reject (tests whose
    point is exact totals)."""
    from gridtokenx_cli.clients import oracle as orc
    from gridtokenx_cli.platform import bootstrap_platform

    platform = bootstrap_platform(chain)
    owner = platform.register_participant("Prosumer")
    for text_id, key in meters:
        platform.register_meter(owner, text_id, meter_type, key)
    if min_reading_interval is not None or lenient:
        cfg = platform.fetch_oracle_config()
        params = orc.params(
            cfg.api_gateway, min_energy_value=0 if lenient else cfg.min_energy_value,
            max_energy_value=U64_MAX if lenient else cfg.max_energy_value,
            max_production_ratio=U64_MAX if lenient else cfg.max_production_ratio,
            max_deviation_percent=U16_MAX if lenient else cfg.max_deviation_percent,
            min_reading_interval=cfg.min_reading_interval if min_reading_interval is None else min_reading_interval,
            backup_oracles=list(cfg.backup_oracles[:cfg.backup_oracle_count]),
            consensus_threshold=cfg.consensus_threshold)
        platform.send(orc.ix_update_oracle_config(platform.bootstrap.pubkey(), params))
    return platform


def set_oracle_limits(platform, **changes) -> None:
    """``update_oracle_config`` with some limits changed (e.g. ``max_energy_value`` to provoke OutOfRange)."""
    from gridtokenx_cli.clients import oracle as orc

    cfg = platform.fetch_oracle_config()
    current = dict(min_energy_value=cfg.min_energy_value, max_energy_value=cfg.max_energy_value,
                   max_production_ratio=cfg.max_production_ratio, max_deviation_percent=cfg.max_deviation_percent,
                   min_reading_interval=cfg.min_reading_interval)
    current.update(changes)
    params = orc.params(cfg.api_gateway, backup_oracles=list(cfg.backup_oracles[:cfg.backup_oracle_count]),
                        consensus_threshold=cfg.consensus_threshold, **current)
    platform.send(orc.ix_update_oracle_config(platform.bootstrap.pubkey(), params))
