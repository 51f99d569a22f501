import typing
from . import auction_fill
from .auction_fill import AuctionFill, AuctionFillJSON
from . import authority_state
from .authority_state import AuthorityState, AuthorityStateJSON
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
from . import order_side
from .order_side import OrderSideKind, OrderSideJSON
from . import order_status
from .order_status import OrderStatusKind, OrderStatusJSON
from . import price_point
from .price_point import PricePoint, PricePointJSON
from . import swap_direction
from .swap_direction import SwapDirectionKind, SwapDirectionJSON
