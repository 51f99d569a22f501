from .meter_state import MeterState, MeterStateJSON
from .oracle_config import OracleConfig, OracleConfigJSON
