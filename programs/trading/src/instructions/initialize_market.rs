use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{Mint, TokenAccount, TokenInterface},
};
use gridtokenx_common::{
    ids, require_not_paused, seeds, AuthorityState, CommonError, GovernanceConfig, BOOTSTRAP_AUTHORITY,
};

use crate::{
    error::TradingError,
    events::MarketInitialized,
    state::{MarketState, FEE_VAULT, GRX_DECIMALS, GRX_ESCROW, MAX_FEE_BPS, QUOTE_DECIMALS, QUOTE_ESCROW},
};

/// Size of a mint without extensions (SPL Token and Token-2022).
const PLAIN_MINT_LEN: usize = 82;

#[derive(Accounts)]
pub struct InitializeMarket<'info> {
    /// Must be the bootstrap authority (nobody can front-run initialisation); becomes the admin and pays.
    #[account(mut, address = BOOTSTRAP_AUTHORITY @ CommonError::NotBootstrapAuthority)]
    pub authority: Signer<'info>,
    #[account(init, payer = authority, space = MarketState::SPACE, seeds = [seeds::MARKET], bump)]
    pub market: Box<Account<'info, MarketState>>,
    /// CHECK: PDA without data, the authority of the escrow token accounts and the fee vault.
    #[account(seeds = [seeds::ESCROW_AUTHORITY, market.key().as_ref()], bump)]
    pub escrow_authority: UncheckedAccount<'info>,
    /// The GRX mint of energy_token (Token-2022, 9 decimals).
    #[account(
        seeds = [seeds::GRX_MINT],
        bump,
        seeds::program = ids::ENERGY_TOKEN,
        mint::decimals = GRX_DECIMALS,
        mint::token_program = grx_token_program,
    )]
    pub grx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mint::token_program = quote_token_program)]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = authority,
        seeds = [GRX_ESCROW, market.key().as_ref()],
        bump,
        token::mint = grx_mint,
        token::authority = escrow_authority,
        token::token_program = grx_token_program,
    )]
    pub grx_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = authority,
        seeds = [QUOTE_ESCROW, market.key().as_ref()],
        bump,
        token::mint = quote_mint,
        token::authority = escrow_authority,
        token::token_program = quote_token_program,
    )]
    pub quote_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = authority,
        seeds = [FEE_VAULT, market.key().as_ref()],
        bump,
        token::mint = quote_mint,
        token::authority = escrow_authority,
        token::token_program = quote_token_program,
    )]
    pub fee_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub grx_token_program: Program<'info, Token2022>,
    pub quote_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeMarket>, fee_bps: u16) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(fee_bps <= MAX_FEE_BPS, TradingError::InvalidFeeBps);
    // Prices are micro-units per kWh: the quote mint must have 6 decimals. Extensions (transfer fees,
    // hooks, ...) would make the escrow receive less than it accounts for, so plain mints only.
    let quote_mint = &ctx.accounts.quote_mint;
    require!(
        quote_mint.decimals == QUOTE_DECIMALS && quote_mint.to_account_info().data_len() == PLAIN_MINT_LEN,
        TradingError::InvalidQuoteMint
    );

    let admin = ctx.accounts.authority.key();
    let market_key = ctx.accounts.market.key();
    let market = &mut ctx.accounts.market;
    market.admin = AuthorityState::new(admin);
    market.grx_mint = ctx.accounts.grx_mint.key();
    market.quote_mint = quote_mint.key();
    market.grx_escrow = ctx.accounts.grx_escrow.key();
    market.quote_escrow = ctx.accounts.quote_escrow.key();
    market.fee_vault = ctx.accounts.fee_vault.key();
    market.fee_bps = fee_bps;
    market.next_order_id = 0;
    market.open_orders = 0;
    market.escrow_authority_bump = ctx.bumps.escrow_authority;
    market.bump = ctx.bumps.market;
    // Counters, price history and VWAP accumulators start zeroed (fresh account).

    emit!(MarketInitialized {
        market: market_key,
        admin,
        grx_mint: market.grx_mint,
        quote_mint: market.quote_mint,
        fee_bps,
    });
    Ok(())
}
