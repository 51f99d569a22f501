import typing
from . import authority_state
from .authority_state import AuthorityState, AuthorityStateJSON
from . import erc_status
from .erc_status import ErcStatusKind, ErcStatusJSON
from . import meter_account
from .meter_account import MeterAccount, MeterAccountJSON
from . import meter_type
from .meter_type import MeterTypeKind, MeterTypeJSON
