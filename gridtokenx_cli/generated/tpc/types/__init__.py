import typing
from . import forecast_args
from .forecast_args import ForecastArgs, ForecastArgsJSON
from . import lineitem_in
from .lineitem_in import LineitemIn, LineitemInJSON
from . import new_order_args
from .new_order_args import NewOrderArgs, NewOrderArgsJSON
from . import order_line_req
from .order_line_req import OrderLineReq, OrderLineReqJSON
from . import order_status_args
from .order_status_args import OrderStatusArgs, OrderStatusArgsJSON
from . import payment_args
from .payment_args import PaymentArgs, PaymentArgsJSON
from . import q1_group
from .q1_group import Q1Group, Q1GroupJSON
from . import scale
from .scale import Scale, ScaleJSON
from . import tick
from .tick import Tick, TickJSON
from . import trade_order_args
from .trade_order_args import TradeOrderArgs, TradeOrderArgsJSON
