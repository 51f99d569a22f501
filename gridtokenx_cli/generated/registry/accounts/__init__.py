from .meter_account import MeterAccount, MeterAccountJSON
from .registry_config import RegistryConfig, RegistryConfigJSON
from .user_account import UserAccount, UserAccountJSON
