from .accept_authority_transfer import (
    accept_authority_transfer,
    AcceptAuthorityTransferAccounts,
)
from .cancel_authority_transfer import (
    cancel_authority_transfer,
    CancelAuthorityTransferAccounts,
)
from .cancel_order import cancel_order, CancelOrderAccounts
from .close_order import close_order, CloseOrderAccounts
from .emit_market_depth import emit_market_depth, EmitMarketDepthAccounts
from .execute_batch_auction import execute_batch_auction, ExecuteBatchAuctionAccounts
from .initialize_market import (
    initialize_market,
    InitializeMarketArgs,
    InitializeMarketAccounts,
)
from .initialize_pool import initialize_pool, InitializePoolArgs, InitializePoolAccounts
from .match_orders import match_orders, MatchOrdersArgs, MatchOrdersAccounts
from .place_buy_order import place_buy_order, PlaceBuyOrderArgs, PlaceBuyOrderAccounts
from .place_sell_order import (
    place_sell_order,
    PlaceSellOrderArgs,
    PlaceSellOrderAccounts,
)
from .propose_authority_transfer import (
    propose_authority_transfer,
    ProposeAuthorityTransferArgs,
    ProposeAuthorityTransferAccounts,
)
from .swap import swap, SwapArgs, SwapAccounts
from .withdraw_fees import withdraw_fees, WithdrawFeesArgs, WithdrawFeesAccounts
