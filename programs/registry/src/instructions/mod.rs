//! One module per instruction: the `#[derive(Accounts)]` struct and its handler, plus the logic shared by
//! `deactivate_meter` / `reactivate_meter`.
#![allow(ambiguous_glob_reexports)]

pub mod accept_authority_transfer;
pub mod cancel_authority_transfer;
pub mod deactivate_meter;
pub mod initialize_registry;
pub mod propose_authority_transfer;
pub mod reactivate_meter;
pub mod register_meter;
pub mod register_user;
pub mod resume_meter;
pub mod settle_and_mint_tokens;
pub mod update_claimed_erc_generation;
pub mod update_meter_reading;

pub use accept_authority_transfer::*;
pub use cancel_authority_transfer::*;
pub use deactivate_meter::*;
pub use initialize_registry::*;
pub use propose_authority_transfer::*;
pub use reactivate_meter::*;
pub use register_meter::*;
pub use register_user::*;
pub use resume_meter::*;
pub use settle_and_mint_tokens::*;
pub use update_claimed_erc_generation::*;
pub use update_meter_reading::*;

use anchor_lang::prelude::*;

use crate::{
    error::RegistryError,
    events::MeterStatusChanged,
    state::{MeterAccount, RegistryConfig},
};

/// Flips `meter.active` to `active` if `signer` is the meter owner or the registry admin.
pub fn set_meter_active(
    meter: &mut MeterAccount,
    config: &RegistryConfig,
    signer: &Pubkey,
    active: bool,
) -> Result<()> {
    require!(
        *signer == meter.owner || *signer == config.admin.authority,
        RegistryError::UnauthorizedMeterAuthority
    );
    if active {
        require!(!meter.active, RegistryError::MeterAlreadyActive);
    } else {
        require!(meter.active, RegistryError::MeterInactive);
    }
    meter.active = active;
    emit!(MeterStatusChanged {
        meter_id: meter.meter_id,
        active,
        changed_by: *signer,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
