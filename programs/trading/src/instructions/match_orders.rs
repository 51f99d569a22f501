use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{Mint, TokenAccount, TokenInterface},
};
use governance::state::ErcCertificate;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::TradingError,
    events::OrderMatched,
    instructions::{apply_fill, load_order, record_clearing, require_erc_backs, transfer},
    math::{clearing_price, compute_fill},
    state::{MarketState, LimitOrder, OrderSide},
};

#[derive(Accounts)]
pub struct MatchOrders<'info> {
    /// Anyone may crank a match; the orders fix every amount and price.
    pub matcher: Signer<'info>,
    #[account(mut, seeds = [seeds::MARKET], bump = market.bump)]
    pub market: Box<Account<'info, MarketState>>,
    #[account(
        mut,
        seeds = [seeds::ORDER, market.key().as_ref(), &buy_order.order_id.to_le_bytes()],
        bump = buy_order.bump,
    )]
    pub buy_order: Box<Account<'info, LimitOrder>>,
    #[account(
        mut,
        seeds = [seeds::ORDER, market.key().as_ref(), &sell_order.order_id.to_le_bytes()],
        bump = sell_order.bump,
    )]
    pub sell_order: Box<Account<'info, LimitOrder>>,
    /// The certificate backing the sell order (governance-owned `ErcCertificate`, the address the order
    /// recorded), re-checked at the fill: owned by the seller, Validated, not expired.
    #[account(address = sell_order.erc_certificate @ TradingError::ErcCertificateMismatch)]
    pub sell_erc_certificate: Box<Account<'info, ErcCertificate>>,
    /// CHECK: PDA without data, signs the escrow transfers.
    #[account(seeds = [seeds::ESCROW_AUTHORITY, market.key().as_ref()], bump = market.escrow_authority_bump)]
    pub escrow_authority: UncheckedAccount<'info>,
    #[account(mut, address = market.grx_escrow)]
    pub grx_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = market.quote_escrow)]
    pub quote_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = market.fee_vault)]
    pub fee_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Receives the GRX.
    #[account(mut, token::mint = grx_mint, token::authority = buy_order.owner)]
    pub buyer_grx_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Receives the buyer's price improvement.
    #[account(mut, token::mint = quote_mint, token::authority = buy_order.owner)]
    pub buyer_quote_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Receives the proceeds minus the fee.
    #[account(mut, token::mint = quote_mint, token::authority = sell_order.owner)]
    pub seller_quote_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = market.grx_mint)]
    pub grx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = market.quote_mint)]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub grx_token_program: Program<'info, Token2022>,
    pub quote_token_program: Interface<'info, TokenInterface>,
}

/// Matches one buy and one sell order for `min(match_amount_wh, both remainders)`.
///
/// Price-time priority: every other order of the market passed as a remaining account is checked; if an
/// open one on the buy side would also cross the ask and has a better price (or the same price and an
/// earlier id), or likewise on the sell side, the match is rejected with `PriorityViolation`. On-chain
/// there is no sorted book, so the check covers the orders supplied (a crank that passes the whole book —
/// `market.open_orders` of them — proves priority; an order it omits cannot be defended here).
///
/// The clearing price is the fixed mid-point + volume formula of `math::clearing_price`, always within
/// [ask, bid]. Tokens move now: GRX escrow → buyer, quote escrow → seller (minus the fee), fee → vault, and
/// the buyer's price improvement back to the buyer.
///
/// The sell order's certificate is checked again (`require_erc_backs`): a certificate revoked, expired or
/// transferred away since the order was placed fails the fill with its error; the seller can still cancel.
/// A fill whose quote cost rounds to 0 fails with `FillTooSmall`; the fee is rounded up (`math::fee_for`).
pub fn handler<'info>(ctx: Context<'info, MatchOrders<'info>>, match_amount_wh: u64) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    require!(match_amount_wh > 0, TradingError::ZeroAmount);
    let buy = &ctx.accounts.buy_order;
    let sell = &ctx.accounts.sell_order;
    require!(buy.side == OrderSide::Buy && sell.side == OrderSide::Sell, TradingError::WrongOrderSide);
    require!(buy.is_open() && sell.is_open(), TradingError::OrderNotOpen);
    require_keys_neq!(buy.owner, sell.owner, TradingError::SelfTrade);
    require!(buy.price >= sell.price, TradingError::PriceMismatch);
    let now = Clock::get()?.unix_timestamp;
    require_erc_backs(&ctx.accounts.sell_erc_certificate, &sell.owner, now)?;

    let market_key = ctx.accounts.market.key();
    let (buy_key, sell_key) = (buy.key(), sell.key());
    for (i, info) in ctx.remaining_accounts.iter().enumerate() {
        require!(
            ctx.remaining_accounts[..i].iter().all(|other| other.key != info.key),
            TradingError::DuplicateOrder
        );
        if *info.key == buy_key || *info.key == sell_key {
            continue;
        }
        let other = load_order(info, &market_key)?;
        if !other.is_open() {
            continue;
        }
        let better = match other.side {
            OrderSide::Buy => {
                other.price >= sell.price
                    && (other.price > buy.price || (other.price == buy.price && other.order_id < buy.order_id))
            }
            OrderSide::Sell => {
                other.price <= buy.price
                    && (other.price < sell.price || (other.price == sell.price && other.order_id < sell.order_id))
            }
        };
        require!(!better, TradingError::PriorityViolation);
    }

    let amount = match_amount_wh.min(buy.remaining_wh()).min(sell.remaining_wh());
    let market = &ctx.accounts.market;
    let price = clearing_price(buy.price, sell.price, amount, market.total_volume_wh);
    let fill = compute_fill(buy.price, buy.remaining_wh(), buy.escrow_remaining, amount, price, market.fee_bps)?;

    let bump = [market.escrow_authority_bump];
    let signer: &[&[u8]] = &[seeds::ESCROW_AUTHORITY, market_key.as_ref(), &bump];
    let a = &ctx.accounts;
    let authority = a.escrow_authority.to_account_info();
    let grx_program = a.grx_token_program.to_account_info();
    let quote_program = a.quote_token_program.to_account_info();
    let quote_escrow = a.quote_escrow.to_account_info();
    transfer(&grx_program, &a.grx_escrow.to_account_info(), &a.grx_mint,
             &a.buyer_grx_account.to_account_info(), &authority, fill.grx_amount, &[signer])?;
    transfer(&quote_program, &quote_escrow, &a.quote_mint,
             &a.seller_quote_account.to_account_info(), &authority, fill.seller_proceeds, &[signer])?;
    transfer(&quote_program, &quote_escrow, &a.quote_mint,
             &a.fee_vault.to_account_info(), &authority, fill.fee, &[signer])?;
    transfer(&quote_program, &quote_escrow, &a.quote_mint,
             &a.buyer_quote_account.to_account_info(), &authority, fill.buyer_refund, &[signer])?;

    let accounts = &mut *ctx.accounts;
    apply_fill(&mut accounts.market, &mut accounts.buy_order, &mut accounts.sell_order, &fill)?;
    let (buy, sell) = (&accounts.buy_order, &accounts.sell_order);
    emit!(OrderMatched {
        buy_order: buy_key,
        sell_order: sell_key,
        buy_order_id: buy.order_id,
        sell_order_id: sell.order_id,
        buyer: buy.owner,
        seller: sell.owner,
        amount_wh: fill.amount_wh,
        price,
        quote_amount: fill.quote_cost,
        fee: fill.fee,
        buyer_refund: fill.buyer_refund,
        buy_remaining_wh: buy.remaining_wh(),
        sell_remaining_wh: sell.remaining_wh(),
        timestamp: now,
    });
    record_clearing(&mut accounts.market, price, amount, fill.quote_cost, fill.fee, 1, now)
}
