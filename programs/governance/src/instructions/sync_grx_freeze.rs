use anchor_lang::prelude::*;
use anchor_lang::solana_program::program_option::COption;
use anchor_spl::{
    token_2022::{self, FreezeAccount, ThawAccount, Token2022},
    token_interface::{Mint, TokenAccount},
};
use gridtokenx_common::{ids, seeds, GovernanceConfig};

use crate::{error::GovernanceError, events::GrxFreezeSynced};

#[derive(Accounts)]
pub struct SyncGrxFreeze<'info> {
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Account<'info, GovernanceConfig>,
    /// CHECK: this program's signer PDA, the GRX mint's freeze authority; holds no data, checked by its seeds.
    #[account(constraint = governance_authority.key() == gridtokenx_common::pda::GOVERNANCE_AUTHORITY @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_authority: UncheckedAccount<'info>,
    /// The GRX mint (energy_token's `[GRX_MINT]` PDA, Token-2022), whose freeze authority must be
    /// `governance_authority` (energy_token's `initialize_token` sets it).
    #[account(
        seeds = [seeds::GRX_MINT],
        bump,
        seeds::program = ids::ENERGY_TOKEN,
        mint::token_program = token_program,
        constraint = grx_mint.freeze_authority == COption::Some(governance_authority.key())
            @ GovernanceError::GrxNotFreezable,
    )]
    pub grx_mint: InterfaceAccount<'info, Mint>,
    pub token_program: Program<'info, Token2022>,
}

/// Makes the GRX token accounts passed as remaining accounts (writable) agree with the pause flag: while
/// the system is paused each is frozen, once it is unpaused each is thawed (accounts already in that state
/// are left alone). Permissionless: it can only enforce what the admin decided with `emergency_pause` /
/// `emergency_unpause`, and nothing else freezes GRX accounts (the governance PDA is the only freeze
/// authority), so a thaw never undoes another freeze. `gtx governance pause` sends `emergency_pause` and
/// the first batch of accounts in one transaction, then the rest in batches; unpause likewise.
///
/// A frozen Token-2022 account can neither send, receive nor burn, so during a pause raw Token-2022
/// `transfer_checked` and `burn` fail with Token-2022's `AccountFrozen` — not only our programs'
/// instructions. Limits (docs/programs.md): accounts not yet passed stay usable until a batch reaches them.
pub fn handler<'info>(ctx: Context<'info, SyncGrxFreeze<'info>>) -> Result<()> {
    let paused = ctx.accounts.governance_config.paused;
    let mint_key = ctx.accounts.grx_mint.key();
    let bump = [gridtokenx_common::pda::GOVERNANCE_AUTHORITY_BUMP];
    let signer: &[&[&[u8]]] = &[&[seeds::GOVERNANCE_AUTHORITY, &bump]];
    let authority = ctx.accounts.governance_authority.to_account_info();
    let mint = ctx.accounts.grx_mint.to_account_info();
    let program = ctx.accounts.token_program.key();
    let (mut frozen, mut thawed, mut unchanged) = (0u32, 0u32, 0u32);
    let overflow = || error!(GovernanceError::ArithmeticOverflow);
    for info in ctx.remaining_accounts.iter() {
        require!(info.is_writable, GovernanceError::InvalidGrxAccount);
        // Owner (a token program) and layout checked by the conversion; the mint by the comparison.
        // the decoded account is scoped so that its borrow of the data ends before the CPI below
        let is_frozen = {
            let account = InterfaceAccount::<TokenAccount>::try_from(info)
                .map_err(|_| error!(GovernanceError::InvalidGrxAccount))?;
            require_keys_eq!(account.mint, mint_key, GovernanceError::InvalidGrxAccount);
            account.is_frozen()
        };
        if paused && !is_frozen {
            let accounts = FreezeAccount { account: info.clone(), mint: mint.clone(), authority: authority.clone() };
            token_2022::freeze_account(CpiContext::new_with_signer(program, accounts, signer))?;
            frozen = frozen.checked_add(1).ok_or_else(overflow)?;
        } else if !paused && is_frozen {
            let accounts = ThawAccount { account: info.clone(), mint: mint.clone(), authority: authority.clone() };
            token_2022::thaw_account(CpiContext::new_with_signer(program, accounts, signer))?;
            thawed = thawed.checked_add(1).ok_or_else(overflow)?;
        } else {
            unchanged = unchanged.checked_add(1).ok_or_else(overflow)?;
        }
    }
    emit!(GrxFreezeSynced { paused, frozen, thawed, unchanged, timestamp: Clock::get()?.unix_timestamp });
    Ok(())
}
