use anchor_lang::prelude::*;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    error::OracleError,
    events::MarketClearingTriggered,
    state::{OracleConfig, ORACLE_CONFIG_ADDRESS},
};

#[derive(Accounts)]
pub struct TriggerMarketClearing<'info> {
    /// The admin or the API gateway.
    pub authority: Signer<'info>,
    #[account(mut, address = ORACLE_CONFIG_ADDRESS)]
    pub oracle_config: Box<Account<'info, OracleConfig>>,
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
}

/// Records the clearing time and emits `MarketClearingTriggered` (off-chain matchers and the trading
/// program's batch clearing key on the event, platform-algorithms §1.4 step 2).
pub fn handler(ctx: Context<TriggerMarketClearing>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let signer = ctx.accounts.authority.key();
    let config = &mut ctx.accounts.oracle_config;
    require!(signer == config.api_gateway || signer == config.admin.authority, OracleError::UnauthorizedCaller);

    let now = Clock::get()?.unix_timestamp;
    let previous_clearing_at = config.last_clearing_at;
    config.last_clearing_at = now;
    config.clearing_count = config.clearing_count.checked_add(1).ok_or(OracleError::ArithmeticOverflow)?;

    emit!(MarketClearingTriggered {
        triggered_by: signer,
        timestamp: now,
        previous_clearing_at,
        clearing_count: config.clearing_count,
    });
    Ok(())
}
