//! Retire a meter for good: the registry admin only.
//!
//! The account is kept (marked retired, inactive, admin-locked) rather than closed: `register_meter`'s `init`
//! then refuses the id forever, so nobody can re-register a retired meter id and inherit its history. A
//! retired meter accepts no readings, re-key, transfer, approval, resume or (re)activation.
use anchor_lang::prelude::*;
use gridtokenx_common::require_not_paused;

use super::approve_meter::AdminMeterDecision;
use crate::events::MeterRetirement;

pub fn handler(ctx: Context<AdminMeterDecision>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let admin = ctx.accounts.authority.key();
    ctx.accounts.registry_config.admin.require_authority(&admin)?;
    let meter = &mut ctx.accounts.meter;
    meter.retired = true;
    meter.active = false;
    meter.deactivated_by_admin = true;
    emit!(MeterRetirement {
        meter_id: meter.meter_id,
        owner: meter.owner,
        retired_by: admin,
        timestamp: Clock::get()?.unix_timestamp,
    });
    Ok(())
}
