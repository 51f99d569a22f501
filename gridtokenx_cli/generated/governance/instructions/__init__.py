from .accept_authority_transfer import (
    accept_authority_transfer,
    AcceptAuthorityTransferAccounts,
)
from .cancel_authority_transfer import (
    cancel_authority_transfer,
    CancelAuthorityTransferAccounts,
)
from .emergency_pause import emergency_pause, EmergencyPauseAccounts
from .emergency_unpause import emergency_unpause, EmergencyUnpauseAccounts
from .initialize_governance import (
    initialize_governance,
    InitializeGovernanceArgs,
    InitializeGovernanceAccounts,
)
from .issue_erc import issue_erc, IssueErcArgs, IssueErcAccounts
from .propose_authority_transfer import (
    propose_authority_transfer,
    ProposeAuthorityTransferArgs,
    ProposeAuthorityTransferAccounts,
)
from .revoke_erc import revoke_erc, RevokeErcAccounts
from .set_rec_authority import (
    set_rec_authority,
    SetRecAuthorityArgs,
    SetRecAuthorityAccounts,
)
from .sync_grx_freeze import sync_grx_freeze, SyncGrxFreezeAccounts
from .transfer_erc import transfer_erc, TransferErcArgs, TransferErcAccounts
from .validate_erc_for_trading import (
    validate_erc_for_trading,
    ValidateErcForTradingAccounts,
)
