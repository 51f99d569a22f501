import typing
from . import authority_state
from .authority_state import AuthorityState, AuthorityStateJSON
from . import governance_config
from .governance_config import GovernanceConfig, GovernanceConfigJSON
from . import meter_type
from .meter_type import MeterTypeKind, MeterTypeJSON
from . import user_type
from .user_type import UserTypeKind, UserTypeJSON
