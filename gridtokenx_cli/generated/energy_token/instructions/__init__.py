from .accept_authority_transfer import (
    accept_authority_transfer,
    AcceptAuthorityTransferAccounts,
)
from .burn_tokens import burn_tokens, BurnTokensArgs, BurnTokensAccounts
from .cancel_authority_transfer import (
    cancel_authority_transfer,
    CancelAuthorityTransferAccounts,
)
from .initialize_token import initialize_token, InitializeTokenAccounts
from .mint_tokens_direct import (
    mint_tokens_direct,
    MintTokensDirectArgs,
    MintTokensDirectAccounts,
)
from .propose_authority_transfer import (
    propose_authority_transfer,
    ProposeAuthorityTransferArgs,
    ProposeAuthorityTransferAccounts,
)
from .transfer_tokens import transfer_tokens, TransferTokensArgs, TransferTokensAccounts
