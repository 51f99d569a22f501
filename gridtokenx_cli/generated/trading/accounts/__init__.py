from .amm_pool import AmmPool, AmmPoolJSON
from .erc_usage import ErcUsage, ErcUsageJSON
from .market_state import MarketState, MarketStateJSON
from .order_book import OrderBook, OrderBookJSON
