from .erc_certificate import ErcCertificate, ErcCertificateJSON
from .governance_config import GovernanceConfig, GovernanceConfigJSON
