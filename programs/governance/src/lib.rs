//! GridTokenX governance (Proof of Authority): the system-wide emergency pause in `GovernanceConfig`
//! (defined in `gridtokenx_common`, read by every program), the admin's two-step authority transfer,
//! the REC authority, and the Energy Renewable Certificate (ERC) lifecycle issue → validate → transfer →
//! revoke, with double-claim prevention through the registry's `claimed_erc_generation` high-water mark.
//! `sync_grx_freeze` carries the pause to GRX itself: while paused it freezes the GRX token accounts passed
//! (the mint's freeze authority is this program's `[GOVERNANCE_AUTHORITY]` PDA), after the pause it thaws them.
//!
//! This file only dispatches; every instruction lives in `instructions/<name>.rs`.
use anchor_lang::prelude::*;

pub mod error;
pub mod events;
pub mod instructions;
pub mod state;

pub use instructions::*;

declare_id!("G4ScZyZ1dfXxHsuFv228xDnofi72JtUqF1fMPefSmxma");

#[program]
pub mod governance {
    use super::*;

    pub fn initialize_governance(ctx: Context<InitializeGovernance>, rec_authority: Pubkey) -> Result<()> {
        instructions::initialize_governance::handler(ctx, rec_authority)
    }

    pub fn emergency_pause(ctx: Context<EmergencyControl>) -> Result<()> {
        instructions::emergency_pause::handler(ctx)
    }

    pub fn emergency_unpause(ctx: Context<EmergencyControl>) -> Result<()> {
        instructions::emergency_unpause::handler(ctx)
    }

    pub fn propose_authority_transfer(ctx: Context<AuthorityTransfer>, new_authority: Pubkey) -> Result<()> {
        instructions::propose_authority_transfer::handler(ctx, new_authority)
    }

    pub fn accept_authority_transfer(ctx: Context<AuthorityTransfer>) -> Result<()> {
        instructions::accept_authority_transfer::handler(ctx)
    }

    pub fn cancel_authority_transfer(ctx: Context<AuthorityTransfer>) -> Result<()> {
        instructions::cancel_authority_transfer::handler(ctx)
    }

    pub fn set_rec_authority(ctx: Context<SetRecAuthority>, new_rec_authority: Pubkey) -> Result<()> {
        instructions::set_rec_authority::handler(ctx, new_rec_authority)
    }

    pub fn issue_erc(ctx: Context<IssueErc>, certificate_id: [u8; 32], energy_amount: u64) -> Result<()> {
        instructions::issue_erc::handler(ctx, certificate_id, energy_amount)
    }

    pub fn validate_erc_for_trading(ctx: Context<ValidateErcForTrading>) -> Result<()> {
        instructions::validate_erc_for_trading::handler(ctx)
    }

    pub fn transfer_erc(ctx: Context<TransferErc>, new_owner: Pubkey) -> Result<()> {
        instructions::transfer_erc::handler(ctx, new_owner)
    }

    pub fn revoke_erc(ctx: Context<RevokeErc>) -> Result<()> {
        instructions::revoke_erc::handler(ctx)
    }

    pub fn sync_grx_freeze<'info>(ctx: Context<'info, SyncGrxFreeze<'info>>) -> Result<()> {
        instructions::sync_grx_freeze::handler(ctx)
    }
}
