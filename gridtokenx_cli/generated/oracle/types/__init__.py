import typing
from . import authority_state
from .authority_state import AuthorityState, AuthorityStateJSON
from . import governance_config
from .governance_config import GovernanceConfig, GovernanceConfigJSON
from . import meter_account
from .meter_account import MeterAccount, MeterAccountJSON
from . import meter_type
from .meter_type import MeterTypeKind, MeterTypeJSON
from . import oracle_params
from .oracle_params import OracleParams, OracleParamsJSON
from . import oracle_values
from .oracle_values import OracleValues, OracleValuesJSON
from . import reading_source
from .reading_source import ReadingSourceKind, ReadingSourceJSON
from . import reject_reason
from .reject_reason import RejectReasonKind, RejectReasonJSON
