use anchor_lang::prelude::*;
use anchor_spl::{
    token_2022::Token2022,
    token_interface::{Mint, TokenAccount, TokenInterface},
};
use governance::state::ErcCertificate;
use gridtokenx_common::{ids, require_not_paused, seeds, GovernanceConfig};

use crate::{
    error::TradingError,
    events::{AuctionFill, BatchAuctionExecuted},
    instructions::{apply_fill, load_order, record_clearing, require_erc_backs, transfer},
    math::{compute_fill, run_auction, BookOrder},
    state::{MarketState, LimitOrder, OrderSide, MAX_BATCH_ORDERS},
};

#[derive(Accounts)]
pub struct ExecuteBatchAuction<'info> {
    /// Anyone may crank the auction (platform-algorithms 1.4: periodic clearing).
    pub cranker: Signer<'info>,
    #[account(mut, seeds = [seeds::MARKET], bump = market.bump)]
    pub market: Box<Account<'info, MarketState>>,
    /// CHECK: PDA without data, signs the escrow transfers.
    #[account(seeds = [seeds::ESCROW_AUTHORITY, market.key().as_ref()], bump = market.escrow_authority_bump)]
    pub escrow_authority: UncheckedAccount<'info>,
    #[account(mut, address = market.grx_escrow)]
    pub grx_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = market.quote_escrow)]
    pub quote_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = market.fee_vault)]
    pub fee_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = market.grx_mint)]
    pub grx_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = market.quote_mint)]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(seeds = [seeds::GOVERNANCE_CONFIG], bump = governance_config.bump, seeds::program = ids::GOVERNANCE)]
    pub governance_config: Box<Account<'info, GovernanceConfig>>,
    pub grx_token_program: Program<'info, Token2022>,
    pub quote_token_program: Interface<'info, TokenInterface>,
}

/// One resting order of the auction with its owner's token accounts and what it receives.
struct Entry<'info> {
    order: Box<Account<'info, LimitOrder>>,
    /// Buy: the owner's GRX account. Sell: unused (None).
    grx_account: Option<&'info AccountInfo<'info>>,
    /// Buy: receives the refund. Sell: receives the proceeds.
    quote_account: &'info AccountInfo<'info>,
    grx_in: u64,
    quote_in: u64,
}

fn token_account_of<'info>(
    info: Option<&'info AccountInfo<'info>>,
    owner: &Pubkey,
    mint: &Pubkey,
) -> Result<&'info AccountInfo<'info>> {
    let info = info.ok_or(TradingError::InvalidRemainingAccounts)?;
    require!(info.is_writable, TradingError::InvalidRemainingAccounts);
    let account = InterfaceAccount::<TokenAccount>::try_from(info)
        .map_err(|_| error!(TradingError::InvalidTokenAccount))?;
    require!(account.owner == *owner && account.mint == *mint, TradingError::InvalidTokenAccount);
    Ok(info)
}

fn two_mut<T>(v: &mut [T], i: usize, j: usize) -> (&mut T, &mut T) {
    debug_assert!(i != j);
    if i < j {
        let (a, b) = v.split_at_mut(j);
        (&mut a[i], &mut b[0])
    } else {
        let (a, b) = v.split_at_mut(i);
        (&mut b[0], &mut a[j])
    }
}

/// The sell order's certificate from a remaining account: a governance `ErcCertificate` (owner and
/// discriminator checked by `Account::try_from`) at the address the order recorded.
fn certificate_of<'info>(info: Option<&'info AccountInfo<'info>>, expected: &Pubkey) -> Result<Account<'info, ErcCertificate>> {
    let info = info.ok_or(TradingError::InvalidRemainingAccounts)?;
    require_keys_eq!(*info.key, *expected, TradingError::ErcCertificateMismatch);
    Account::<ErcCertificate>::try_from(info)
}

/// Uniform-price call auction over the resting orders passed as remaining accounts, in groups:
/// a buy order followed by its owner's GRX and quote token accounts (writable), a sell order followed by
/// its owner's quote token account (writable) and the order's ERC certificate. One clearing price for every
/// fill, maximising the matched volume (ties: `math::run_auction`); tokens move as in `match_orders`,
/// aggregated per order.
///
/// As in `match_orders`: every sell order's certificate is checked again (seller owns it, Validated, not
/// expired — else the certificate's error), a fill between two orders of the same owner is refused
/// (`SelfTrade`: a wash trade would only move the clearing price and the price history), and a fill whose
/// quote cost rounds to 0 is refused (`FillTooSmall`). The crank leaves such orders out and runs again.
pub fn handler<'info>(ctx: Context<'info, ExecuteBatchAuction<'info>>) -> Result<()> {
    require_not_paused(&ctx.accounts.governance_config)?;
    let now = Clock::get()?.unix_timestamp;
    let market_key = ctx.accounts.market.key();
    let grx_mint = ctx.accounts.market.grx_mint;
    let quote_mint = ctx.accounts.market.quote_mint;

    let rem = ctx.remaining_accounts;
    let mut entries: Vec<Entry<'info>> = Vec::with_capacity(MAX_BATCH_ORDERS.min(rem.len()));
    let mut i = 0;
    while i < rem.len() {
        require!(entries.len() < MAX_BATCH_ORDERS, TradingError::TooManyOrders);
        let info = &rem[i];
        require!(entries.iter().all(|e| e.order.key() != *info.key), TradingError::DuplicateOrder);
        require!(info.is_writable, TradingError::InvalidRemainingAccounts);
        let order = load_order(info, &market_key)?;
        require!(order.is_open(), TradingError::OrderNotOpen);
        let owner = order.owner;
        let (grx_account, quote_account) = match order.side {
            OrderSide::Buy => (
                Some(token_account_of(rem.get(i + 1), &owner, &grx_mint)?),
                token_account_of(rem.get(i + 2), &owner, &quote_mint)?,
            ),
            OrderSide::Sell => {
                let cert = certificate_of(rem.get(i + 2), &order.erc_certificate)?;
                require_erc_backs(&cert, &owner, now)?;
                (None, token_account_of(rem.get(i + 1), &owner, &quote_mint)?)
            }
        };
        i += 3;
        entries.push(Entry { order, grx_account, quote_account, grx_in: 0, quote_in: 0 });
    }

    let book: Vec<BookOrder> = entries
        .iter()
        .map(|e| BookOrder {
            side: e.order.side,
            price: e.order.price,
            order_id: e.order.order_id,
            remaining_wh: e.order.remaining_wh(),
        })
        .collect();
    let auction = run_auction(&book, ctx.accounts.market.last_clearing_price)?
        .ok_or(TradingError::NoCrossingOrders)?;
    let price = auction.price;
    let fee_bps = ctx.accounts.market.fee_bps;

    let (mut quote_volume, mut fees) = (0u64, 0u64);
    let mut fill_events = Vec::with_capacity(auction.fills.len());
    for &(bi, si, amount) in &auction.fills {
        let (buy, sell) = two_mut(&mut entries, bi, si);
        require_keys_neq!(buy.order.owner, sell.order.owner, TradingError::SelfTrade);
        let fill = compute_fill(buy.order.price, buy.order.remaining_wh(), buy.order.escrow_remaining, amount, price, fee_bps)?;
        apply_fill(&mut ctx.accounts.market, &mut buy.order, &mut sell.order, &fill)?;
        let overflow = || error!(TradingError::ArithmeticOverflow);
        buy.grx_in = buy.grx_in.checked_add(fill.grx_amount).ok_or_else(overflow)?;
        buy.quote_in = buy.quote_in.checked_add(fill.buyer_refund).ok_or_else(overflow)?;
        sell.quote_in = sell.quote_in.checked_add(fill.seller_proceeds).ok_or_else(overflow)?;
        quote_volume = quote_volume.checked_add(fill.quote_cost).ok_or_else(overflow)?;
        fees = fees.checked_add(fill.fee).ok_or_else(overflow)?;
        fill_events.push(AuctionFill {
            buy_order_id: buy.order.order_id,
            sell_order_id: sell.order.order_id,
            amount_wh: amount,
            quote_amount: fill.quote_cost,
            fee: fill.fee,
        });
    }

    let bump = [ctx.accounts.market.escrow_authority_bump];
    let signer: &[&[u8]] = &[seeds::ESCROW_AUTHORITY, market_key.as_ref(), &bump];
    let a = &ctx.accounts;
    let authority = a.escrow_authority.to_account_info();
    let grx_program = a.grx_token_program.to_account_info();
    let quote_program = a.quote_token_program.to_account_info();
    let grx_escrow = a.grx_escrow.to_account_info();
    let quote_escrow = a.quote_escrow.to_account_info();
    for e in &entries {
        if let Some(grx_account) = e.grx_account {
            transfer(&grx_program, &grx_escrow, &a.grx_mint, grx_account, &authority, e.grx_in, &[signer])?;
        }
        transfer(&quote_program, &quote_escrow, &a.quote_mint, e.quote_account, &authority, e.quote_in, &[signer])?;
    }
    transfer(&quote_program, &quote_escrow, &a.quote_mint, &a.fee_vault.to_account_info(), &authority, fees, &[signer])?;

    for e in &entries {
        e.order.exit(ctx.program_id)?;
    }
    let fills = auction.fills.len() as u64; // ≤ 2 · MAX_BATCH_ORDERS
    let orders = u32::try_from(entries.len()).map_err(|_| TradingError::ArithmeticOverflow)?;
    emit!(BatchAuctionExecuted {
        clearing_price: price,
        volume_wh: auction.volume_wh,
        orders,
        quote_volume,
        fees,
        fills: fill_events,
        timestamp: now,
    });
    record_clearing(&mut ctx.accounts.market, price, auction.volume_wh, quote_volume, fees, fills, now)
}
