from .tpc_config import TpcConfig, TpcConfigJSON
