import typing
from . import authority_state
from .authority_state import AuthorityState, AuthorityStateJSON
from . import governance_config
from .governance_config import GovernanceConfig, GovernanceConfigJSON
