from .accept_authority_transfer import (
    accept_authority_transfer,
    AcceptAuthorityTransferAccounts,
)
from .approve_meter import approve_meter, ApproveMeterAccounts
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
from .rekey_meter import rekey_meter, RekeyMeterArgs, RekeyMeterAccounts
from .resume_meter import resume_meter, ResumeMeterArgs, ResumeMeterAccounts
from .retire_meter import retire_meter, RetireMeterAccounts
from .set_registry_options import (
    set_registry_options,
    SetRegistryOptionsArgs,
    SetRegistryOptionsAccounts,
)
from .settle_and_mint_tokens import settle_and_mint_tokens, SettleAndMintTokensAccounts
from .transfer_meter import transfer_meter, TransferMeterAccounts
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
