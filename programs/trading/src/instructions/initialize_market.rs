use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{Mint, TokenAccount, TokenInterface},
};
use gridtokenx_common::{
    require_not_paused, seeds, AuthorityState, CommonError, GovernanceConfig, BOOTSTRAP_AUTHORITY,
};

use crate::{
    book::book_space,
    error::TradingError,
    events::MarketInitialized,
    state::{
        MarketMode, MarketState, OrderBook, GRX_DECIMALS, GRX_ESCROW, MAX_FEE_BPS, MAX_ORDER_CAPACITY,
        MAX_SEAT_CAPACITY, QUOTE_DECIMALS, QUOTE_ESCROW,
    },
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
    /// The order book: a fresh account the authority created in the same transaction (system
    /// `create_account`, owner this program, size `book::book_space(order_capacity, seat_capacity)`, all
    /// zero) — too large for a PDA created by CPI. `zero` makes Anchor require the all-zero discriminator,
    /// so an initialised book can never be reused.
    #[account(zero)]
    pub book: AccountLoader<'info, OrderBook>,
    /// CHECK: PDA without data, the authority of the two vaults.
    #[account(seeds = [seeds::ESCROW_AUTHORITY, market.key().as_ref()], bump)]
    pub escrow_authority: UncheckedAccount<'info>,
    /// The GRX mint of energy_token (Token-2022, 9 decimals).
    #[account(
        constraint = grx_mint.key() == gridtokenx_common::pda::GRX_MINT @ anchor_lang::error::ErrorCode::ConstraintSeeds,
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
    #[account(constraint = governance_config.key() == gridtokenx_common::pda::GOVERNANCE_CONFIG @ anchor_lang::error::ErrorCode::ConstraintSeeds)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub grx_token_program: Program<'info, Token2022>,
    pub quote_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// Creates the market with `fee_bps` (charged to the seller of every fill, rounded up) and its book with
/// room for `order_capacity` resting orders per side and `seat_capacity` traders.
pub fn handler(ctx: Context<InitializeMarket>, fee_bps: u16, order_capacity: u32, seat_capacity: u32) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(fee_bps <= MAX_FEE_BPS, TradingError::InvalidFeeBps);
    require!(
        (1..=MAX_ORDER_CAPACITY).contains(&order_capacity) && (1..=MAX_SEAT_CAPACITY).contains(&seat_capacity),
        TradingError::InvalidCapacity
    );
    let book_info = ctx.accounts.book.to_account_info();
    require!(book_info.data_len() == book_space(order_capacity, seat_capacity), TradingError::InvalidBookAccount);
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
    market.book = book_info.key();
    market.fee_bps = fee_bps;
    market.mode = MarketMode::Continuous;
    market.escrow_authority_bump = ctx.bumps.escrow_authority;
    market.bump = ctx.bumps.market;
    // Counters, price history and VWAP accumulators start zeroed (fresh account).

    let mut book = ctx.accounts.book.load_init()?;
    book.market = market_key;
    book.order_capacity = order_capacity;
    book.seat_capacity = seat_capacity;
    drop(book);

    emit!(MarketInitialized {
        market: market_key,
        admin,
        book: book_info.key(),
        grx_mint: market.grx_mint,
        quote_mint: market.quote_mint,
        fee_bps,
        order_capacity,
        seat_capacity,
    });
    Ok(())
}
