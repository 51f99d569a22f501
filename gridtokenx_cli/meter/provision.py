"""Set a chain up for a gateway: the platform, an owner per meter, each meter registered with its ed25519 key (the
key signs its own registration, proof of possession: it never leaves the gateway, only the signature does; an
operator registering from elsewhere gets that signature from `gtx meter pop`) and its rated capacity, and its
oracle state initialised, and (optionally) oracle limits for fast test/benchmark intervals.

Used by the tests, the benchmark and operators of a localnet; never by the daemon (it imports the platform
helpers, which carry LiteSVM fixtures).
"""
from __future__ import annotations

from typing import Any

from collections.abc import Sequence

from solders.keypair import Keypair

U64_MAX = 2**64 - 1
U16_MAX = 2**16 - 1


def provision(chain, meters: Sequence[tuple[str, Keypair]], *, min_reading_interval: int | None = None,
              lenient: bool = False, meter_type: str = "Solar", capacity_w: int | None = None):
    """Returns the bootstrapped ``Platform``. ``capacity_w``: every meter's rated capacity in W (default: the
    registry client's ``DEFAULT_CAPACITY_W``; lenient: 1 GW). ``min_reading_interval`` rewrites the oracle's
    minimum interval; ``lenient`` also widens the range/ratio/deviation/capacity limits to the widest the oracle
    accepts so only the timestamp rules reject (tests whose point is exact totals; a reading stamped before the
    meter's registration is still refused, CapacityExceeded)."""
    from gridtokenx_cli.clients import oracle as orc
    from gridtokenx_cli.clients import registry as reg
    from gridtokenx_cli.platform import bootstrap_platform

    platform = bootstrap_platform(chain)
    owner = platform.register_participant("Prosumer")
    for text_id, key in meters:
        # lenient: the largest capacity the oracle's type ceilings allow, so its capacity bound never decides
        default_w = orc.MAX_TYPE_CEILING_W if lenient else reg.DEFAULT_CAPACITY_W
        platform.register_meter(owner, text_id, meter_type, key, capacity_w=capacity_w or default_w)
    if min_reading_interval is not None or lenient:
        cfg = platform.fetch_oracle_config()
        changes: dict[str, Any] = {} if min_reading_interval is None else {"min_reading_interval": min_reading_interval}
        if lenient:
            # the widest values update_oracle_config accepts; the capacity bound still applies (meter rating ×
            # 2, the largest margin), so readings must stay physically possible for the declared capacity
            changes.update(min_energy_value=0, max_energy_value=U64_MAX, max_production_ratio=U64_MAX,
                           max_deviation_percent=U16_MAX, type_ceiling_w=[orc.MAX_TYPE_CEILING_W] * 4,
                           capacity_margin_percent=orc.MAX_CAPACITY_MARGIN_PERCENT,
                           first_reading_max_interval=orc.MAX_READING_GAP_SECONDS,
                           deviation_floor_percent=orc.MAX_DEVIATION_FLOOR_PERCENT)
        platform.send(orc.ix_update_oracle_config(platform.bootstrap.pubkey(), orc.params_from_config(cfg, **changes)))
    return platform


def set_oracle_limits(platform, **changes) -> None:
    """``update_oracle_config`` with some limits changed (e.g. ``max_energy_value`` to provoke OutOfRange)."""
    from gridtokenx_cli.clients import oracle as orc

    platform.send(orc.ix_update_oracle_config(platform.bootstrap.pubkey(),
                                              orc.params_from_config(platform.fetch_oracle_config(), **changes)))
