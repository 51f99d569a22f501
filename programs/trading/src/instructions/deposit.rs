use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use gridtokenx_common::{require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::TradingError,
    events::BalanceMoved,
    instructions::{transfer, with_book},
    state::{Asset, MarketState, OrderBook},
};

/// The accounts of a deposit or withdrawal: the trader's token account, the market's vault, the mint and
/// its token program, all for `asset` (checked by the instruction: `InvalidTokenAccount`).
#[derive(Accounts)]
pub struct MoveBalance<'info> {
    pub owner: Signer<'info>,
    /// Owner and type checked: the only `MarketState` is the `[MARKET]` PDA initialize_market creates.
    pub market: Box<Account<'info, MarketState>>,
    #[account(mut, address = market.book @ TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
    /// CHECK: the vaults' authority PDA. Not checked here: a withdrawal is signed with its seeds, which
    /// make only that address a signer, and the token program refuses any other authority for the vault.
    pub escrow_authority: UncheckedAccount<'info>,
    /// The market's GRX or quote vault.
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The owner's token account of the asset.
    #[account(mut, token::mint = mint, token::authority = owner, token::token_program = asset_token_program)]
    pub owner_token_account: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// Owner (governance) and type checked: governance creates its one config only at its PDA.
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    /// The mint's token program (Token-2022 for GRX). Not named `token_program`: AnchorPy's client
    /// generator hard-codes accounts of that name to the classic SPL Token id.
    pub asset_token_program: Interface<'info, TokenInterface>,
}

impl MoveBalance<'_> {
    fn check_asset(&self, asset: Asset) -> Result<()> {
        let (vault, mint) = match asset {
            Asset::Grx => (self.market.grx_escrow, self.market.grx_mint),
            Asset::Quote => (self.market.quote_escrow, self.market.quote_mint),
        };
        require!(self.vault.key() == vault && self.mint.key() == mint, TradingError::InvalidTokenAccount);
        Ok(())
    }

    /// The checks both directions share (pause, amount, asset accounts), then `change` applied to the signer's
    /// free balance of `asset` in seat `slot`; returns the new free balance.
    fn update_free(
        &self,
        slot: u32,
        asset: Asset,
        amount: u64,
        change: impl FnOnce(u64) -> Result<u64>,
    ) -> Result<u64> {
        require_not_paused(&self.governance_config)?;
        require!(amount > 0, TradingError::ZeroAmount);
        self.check_asset(asset)?;
        let owner = self.owner.key();
        with_book(&self.book, |book| {
            let seat = book.seat_of(slot, &owner)?;
            let free = match asset {
                Asset::Grx => &mut seat.grx_free,
                Asset::Quote => &mut seat.quote_free,
            };
            *free = change(*free)?;
            Ok(*free)
        })
    }
}

/// Moves `amount` of `asset` from the owner's token account into the market's vault and credits the
/// seat's free balance (which then backs orders, or is withdrawn).
pub fn deposit(ctx: Context<MoveBalance>, slot: u32, asset: Asset, amount: u64) -> Result<()> {
    let owner = ctx.accounts.owner.key();
    let free_after = ctx.accounts.update_free(slot, asset, amount, |free| {
        Ok(free.checked_add(amount).ok_or(TradingError::ArithmeticOverflow)?)
    })?;
    let a = &ctx.accounts;
    transfer(
        &a.asset_token_program.to_account_info(),
        &a.owner_token_account.to_account_info(),
        &a.mint,
        &a.vault.to_account_info(),
        &a.owner.to_account_info(),
        amount,
        &[],
    )?;
    emit!(BalanceMoved { owner, slot, asset, deposit: true, amount, free_after });
    Ok(())
}

/// Pays `amount` of the seat's free `asset` balance out of the vault to the owner's token account
/// (`InsufficientBalance` beyond the free part: locked tokens back resting orders).
pub fn withdraw(ctx: Context<MoveBalance>, slot: u32, asset: Asset, amount: u64) -> Result<()> {
    let owner = ctx.accounts.owner.key();
    let free_after = ctx.accounts.update_free(slot, asset, amount, |free| {
        Ok(free.checked_sub(amount).ok_or(TradingError::InsufficientBalance)?)
    })?;
    let market_key = ctx.accounts.market.key();
    let bump = [ctx.accounts.market.escrow_authority_bump];
    let signer: &[&[u8]] = &[seeds::ESCROW_AUTHORITY, market_key.as_ref(), &bump];
    let a = &ctx.accounts;
    transfer(
        &a.asset_token_program.to_account_info(),
        &a.vault.to_account_info(),
        &a.mint,
        &a.owner_token_account.to_account_info(),
        &a.escrow_authority.to_account_info(),
        amount,
        &[signer],
    )?;
    emit!(BalanceMoved { owner, slot, asset, deposit: false, amount, free_after });
    Ok(())
}
