from .accept_authority_transfer import (
    accept_authority_transfer,
    AcceptAuthorityTransferAccounts,
)
from .cancel_authority_transfer import (
    cancel_authority_transfer,
    CancelAuthorityTransferAccounts,
)
from .cancel_order import cancel_order, CancelOrderArgs, CancelOrderAccounts
from .claim_seat import claim_seat, ClaimSeatArgs, ClaimSeatAccounts
from .deposit import deposit, DepositArgs, DepositAccounts
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
from .set_market_mode import set_market_mode, SetMarketModeArgs, SetMarketModeAccounts
from .swap import swap, SwapArgs, SwapAccounts
from .withdraw import withdraw, WithdrawArgs, WithdrawAccounts
from .withdraw_fees import withdraw_fees, WithdrawFeesArgs, WithdrawFeesAccounts
