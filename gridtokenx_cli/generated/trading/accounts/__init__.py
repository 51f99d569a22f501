from .amm_pool import AmmPool, AmmPoolJSON
from .erc_usage import ErcUsage, ErcUsageJSON
from .limit_order import LimitOrder, LimitOrderJSON
from .market_state import MarketState, MarketStateJSON
