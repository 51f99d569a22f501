//! One module per instruction: the `#[derive(Accounts)]` struct and its handler, plus the logic shared by
//! `deactivate_meter` / `reactivate_meter` and the meter-key signature check of `register_meter` /
//! `rekey_meter`.
#![allow(ambiguous_glob_reexports)]

pub mod accept_authority_transfer;
pub mod approve_meter;
pub mod cancel_authority_transfer;
pub mod deactivate_meter;
pub mod initialize_registry;
pub mod propose_authority_transfer;
pub mod reactivate_meter;
pub mod register_meter;
pub mod register_user;
pub mod rekey_meter;
pub mod resume_meter;
pub mod retire_meter;
pub mod set_registry_options;
pub mod settle_and_mint_tokens;
pub mod transfer_meter;
pub mod update_claimed_erc_generation;
pub mod update_meter_reading;

pub use accept_authority_transfer::*;
pub use approve_meter::*;
pub use cancel_authority_transfer::*;
pub use deactivate_meter::*;
pub use initialize_registry::*;
pub use propose_authority_transfer::*;
pub use reactivate_meter::*;
pub use register_meter::*;
pub use register_user::*;
pub use rekey_meter::*;
pub use resume_meter::*;
pub use set_registry_options::*;
pub use settle_and_mint_tokens::*;
pub use transfer_meter::*;
pub use update_claimed_erc_generation::*;
pub use update_meter_reading::*;

use anchor_lang::prelude::*;

use gridtokenx_common::ed25519::verify_preceding_ed25519;

use crate::{
    error::RegistryError,
    events::MeterStatusChanged,
    state::{MeterAccount, RegistryConfig},
};

/// Flips `meter.active` to `active` if `signer` is the meter owner or the registry admin.
///
/// An admin deactivation sticks: it sets `deactivated_by_admin`, and then only the admin may reactivate
/// (`ReactivationRequiresAdmin`); the owner's own deactivation stays reversible by the owner. The admin may
/// also lock a meter its owner already switched off. A retired meter changes no more (`MeterRetired`).
pub fn set_meter_active(
    meter: &mut MeterAccount,
    config: &RegistryConfig,
    signer: &Pubkey,
    active: bool,
) -> Result<()> {
    let is_admin = *signer == config.admin.authority;
    require!(is_admin || *signer == meter.owner, RegistryError::UnauthorizedMeterAuthority);
    require!(!meter.retired, RegistryError::MeterRetired);
    if active {
        require!(!meter.active, RegistryError::MeterAlreadyActive);
        require!(is_admin || !meter.deactivated_by_admin, RegistryError::ReactivationRequiresAdmin);
        meter.deactivated_by_admin = false;
    } else {
        require!(meter.active || (is_admin && !meter.deactivated_by_admin), RegistryError::MeterInactive);
        meter.deactivated_by_admin = is_admin;
    }
    meter.active = active;
    emit!(MeterStatusChanged {
        meter_id: meter.meter_id,
        active,
        changed_by: *signer,
        timestamp: Clock::get()?.unix_timestamp,
        deactivated_by_admin: meter.deactivated_by_admin,
    });
    Ok(())
}

/// The meter key's proof of possession: the instruction before the current one must be an Ed25519
/// precompile instruction in which `meter_pubkey` signed `message` (rules in `gridtokenx_common::ed25519`).
/// `sysvar` must be the instructions sysvar (its address is checked by the caller's accounts struct).
pub fn verify_meter_key_signature(sysvar: &AccountInfo, meter_pubkey: &Pubkey, message: &[u8]) -> Result<()> {
    let data = sysvar.try_borrow_data()?;
    verify_preceding_ed25519(&data, &meter_pubkey.to_bytes(), message).map_err(RegistryError::from)?;
    Ok(())
}
