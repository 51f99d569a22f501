from .accept_authority_transfer import (
    accept_authority_transfer,
    AcceptAuthorityTransferAccounts,
)
from .cancel_authority_transfer import (
    cancel_authority_transfer,
    CancelAuthorityTransferAccounts,
)
from .initialize_meter_state import (
    initialize_meter_state,
    InitializeMeterStateArgs,
    InitializeMeterStateAccounts,
)
from .initialize_oracle import (
    initialize_oracle,
    InitializeOracleArgs,
    InitializeOracleAccounts,
)
from .propose_authority_transfer import (
    propose_authority_transfer,
    ProposeAuthorityTransferArgs,
    ProposeAuthorityTransferAccounts,
)
from .submit_meter_reading import (
    submit_meter_reading,
    SubmitMeterReadingArgs,
    SubmitMeterReadingAccounts,
)
from .submit_meter_reading_consensus import (
    submit_meter_reading_consensus,
    SubmitMeterReadingConsensusArgs,
    SubmitMeterReadingConsensusAccounts,
)
from .trigger_market_clearing import (
    trigger_market_clearing,
    TriggerMarketClearingAccounts,
)
from .update_oracle_config import (
    update_oracle_config,
    UpdateOracleConfigArgs,
    UpdateOracleConfigAccounts,
)
