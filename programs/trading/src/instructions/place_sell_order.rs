use anchor_lang::prelude::*;
use governance::state::ErcCertificate;
use gridtokenx_common::{require_not_paused, GovernanceConfig};

use crate::{
    error::TradingError,
    instructions::{place, PlaceArgs},
    state::{ErcUsage, MarketState, OrderBook, OrderSide, OrderType, ERC_USAGE},
};

#[derive(Accounts)]
pub struct PlaceSellOrder<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    /// Owner and type checked: the only `MarketState` is the `[MARKET]` PDA initialize_market creates.
    #[account(mut)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(mut, address = market.book @ TradingError::InvalidBookAccount)]
    pub book: AccountLoader<'info, OrderBook>,
    /// Governance's certificate covering the energy (owner and type checked: governance creates
    /// certificates only at their `[ERC_CERTIFICATE, id]` PDAs).
    pub erc_certificate: Box<Account<'info, ErcCertificate>>,
    /// Trading's tally of the certificate's energy committed to asks (created on first use).
    #[account(
        init_if_needed,
        payer = owner,
        space = ErcUsage::SPACE,
        seeds = [ERC_USAGE, erc_certificate.key().as_ref()],
        bump,
    )]
    pub erc_usage: Box<Account<'info, ErcUsage>>,
    /// Owner (governance) and type checked: governance creates its one config only at its PDA.
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub system_program: Program<'info, System>,
}

/// An ask for `amount_wh` at `price` or more, funded by the seat's free GRX (`amount_wh × GRX_PER_WH`
/// locked) and backed by an ERC: owned by the seller, Validated, unexpired, with `amount_wh` not yet
/// committed to other asks (`ErcUsage`; the same energy never backs two asks). Matching and the order
/// types as for `place_buy_order`; the certificate and its expiry are stored with the resting order and
/// checked again before every fill.
pub fn handler<'info>(
    ctx: Context<'info, PlaceSellOrder<'info>>,
    slot: u32,
    price: u64,
    amount_wh: u64,
    order_type: OrderType,
    match_limit: u8,
) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let now = Clock::get()?.unix_timestamp;
    let owner = ctx.accounts.owner.key();
    let cert = &ctx.accounts.erc_certificate;
    crate::instructions::require_erc_backs(cert, &owner, now)?;
    let cert_key = cert.key();
    let (energy, expires_at) = (cert.energy_amount, cert.expires_at);

    let usage = &mut ctx.accounts.erc_usage;
    if usage.certificate == Pubkey::default() {
        usage.certificate = cert_key;
        usage.bump = ctx.bumps.erc_usage;
    }
    let committed = usage.committed_wh.checked_add(amount_wh).ok_or(TradingError::InsufficientErcEnergy)?;
    require!(committed <= energy, TradingError::InsufficientErcEnergy);
    usage.committed_wh = committed;

    let args = PlaceArgs {
        side: OrderSide::Sell,
        slot,
        price,
        amount_wh,
        order_type,
        match_limit,
        erc: Some((cert_key, expires_at)),
    };
    let outcome = place(&owner, &mut ctx.accounts.market, &ctx.accounts.book, args, ctx.remaining_accounts)?;
    // An immediate-or-cancel remainder never rested: its energy is free to back another ask.
    let usage = &mut ctx.accounts.erc_usage;
    usage.committed_wh =
        usage.committed_wh.checked_sub(outcome.cancelled_wh).ok_or(TradingError::ArithmeticOverflow)?;
    Ok(())
}
