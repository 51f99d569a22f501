from .accept_authority_transfer import (
    accept_authority_transfer,
    AcceptAuthorityTransferAccounts,
)
from .cancel_authority_transfer import (
    cancel_authority_transfer,
    CancelAuthorityTransferAccounts,
)
from .deactivate_meter import deactivate_meter, DeactivateMeterAccounts
from .initialize_registry import initialize_registry, InitializeRegistryAccounts
from .propose_authority_transfer import (
    propose_authority_transfer,
    ProposeAuthorityTransferArgs,
    ProposeAuthorityTransferAccounts,
)
from .reactivate_meter import reactivate_meter, ReactivateMeterAccounts
from .register_meter import register_meter, RegisterMeterArgs, RegisterMeterAccounts
from .register_user import register_user, RegisterUserArgs, RegisterUserAccounts
from .resume_meter import resume_meter, ResumeMeterArgs, ResumeMeterAccounts
from .settle_and_mint_tokens import settle_and_mint_tokens, SettleAndMintTokensAccounts
from .update_claimed_erc_generation import (
    update_claimed_erc_generation,
    UpdateClaimedErcGenerationArgs,
    UpdateClaimedErcGenerationAccounts,
)
from .update_meter_reading import (
    update_meter_reading,
    UpdateMeterReadingArgs,
    UpdateMeterReadingAccounts,
)
