import typing
from . import asset
from .asset import AssetKind, AssetJSON
from . import auction_fill
from .auction_fill import AuctionFill, AuctionFillJSON
from . import authority_state
from .authority_state import AuthorityState, AuthorityStateJSON
from . import cancel_reason
from .cancel_reason import CancelReasonKind, CancelReasonJSON
from . import curve_type
from .curve_type import CurveTypeKind, CurveTypeJSON
from . import depth_level
from .depth_level import DepthLevel, DepthLevelJSON
from . import erc_certificate
from .erc_certificate import ErcCertificate, ErcCertificateJSON
from . import erc_status
from .erc_status import ErcStatusKind, ErcStatusJSON
from . import governance_config
from .governance_config import GovernanceConfig, GovernanceConfigJSON
from . import market_mode
from .market_mode import MarketModeKind, MarketModeJSON
from . import order_side
from .order_side import OrderSideKind, OrderSideJSON
from . import order_type
from .order_type import OrderTypeKind, OrderTypeJSON
from . import price_point
from .price_point import PricePoint, PricePointJSON
from . import swap_direction
from .swap_direction import SwapDirectionKind, SwapDirectionJSON
