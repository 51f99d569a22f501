from .create_table import create_table, CreateTableArgs, CreateTableAccounts
from .customer_position import (
    customer_position,
    CustomerPositionArgs,
    CustomerPositionAccounts,
)
from .delivery import delivery, DeliveryArgs, DeliveryAccounts
from .forecast_revenue import (
    forecast_revenue,
    ForecastRevenueArgs,
    ForecastRevenueAccounts,
)
from .initialize import initialize, InitializeArgs, InitializeAccounts
from .load_rows import load_rows, LoadRowsArgs, LoadRowsAccounts
from .market_feed import market_feed, MarketFeedArgs, MarketFeedAccounts
from .market_watch import market_watch, MarketWatchArgs, MarketWatchAccounts
from .new_order import new_order, NewOrderArgs, NewOrderAccounts
from .order_status import order_status, OrderStatusArgs, OrderStatusAccounts
from .payment import payment, PaymentArgs, PaymentAccounts
from .pricing_summary import pricing_summary, PricingSummaryArgs, PricingSummaryAccounts
from .refresh_delete import refresh_delete, RefreshDeleteArgs, RefreshDeleteAccounts
from .refresh_insert import refresh_insert, RefreshInsertArgs, RefreshInsertAccounts
from .seal import seal, SealAccounts
from .stock_level import stock_level, StockLevelArgs, StockLevelAccounts
from .trade_order import trade_order, TradeOrderArgs, TradeOrderAccounts
from .trade_result import trade_result, TradeResultArgs, TradeResultAccounts
