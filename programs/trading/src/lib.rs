//! GridTokenX trading: a continuous double auction with escrowed limit orders, a uniform-price call
//! auction, market statistics (24-point price history, VWAP), order-book depth and source-specific AMM
//! pools (platform-algorithms §1.1–1.5; cross-program contracts in docs/programs.md).
//!
//! * `initialize_market(fee_bps)` — bootstrap; creates the market, the GRX/quote escrows and the fee vault.
//! * `place_buy_order` / `place_sell_order` — escrow quote (buy) or GRX (sell, ERC-gated) and rest an order.
//! * `cancel_order` / `close_order` — refund the remaining escrow; reclaim a finished order's rent.
//! * `match_orders(match_amount_wh)` — one buy × one sell, price within [ask, bid], tokens settled.
//! * `execute_batch_auction()` — uniform-price call auction over the orders passed in.
//! * `emit_market_depth()` — 10-level depth from the orders passed in (event only).
//! * `initialize_pool` / `swap` — AMM pools: LinearSolar, SteepWind (x·y = k), FlatBattery.
//! * `withdraw_fees`, and the authority-transfer trio on the market admin.
//!
//! Every state-changing instruction except the authority transfers honours the governance pause.
//! This file only dispatches; every instruction lives in `instructions/<name>.rs`.
use anchor_lang::prelude::*;

pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod state;

pub use instructions::*;
pub use state::{CurveType, SwapDirection};

declare_id!("DZEvMY9Sw4cVMXW4LBQVqPVFdKnsvuK7W21nQ8MvFYzw");

#[program]
pub mod trading {
    use super::*;

    pub fn initialize_market(ctx: Context<InitializeMarket>, fee_bps: u16) -> Result<()> {
        instructions::initialize_market::handler(ctx, fee_bps)
    }

    pub fn place_buy_order(ctx: Context<PlaceBuyOrder>, amount_wh: u64, price: u64) -> Result<()> {
        instructions::place_buy_order::handler(ctx, amount_wh, price)
    }

    pub fn place_sell_order(ctx: Context<PlaceSellOrder>, amount_wh: u64, price: u64) -> Result<()> {
        instructions::place_sell_order::handler(ctx, amount_wh, price)
    }

    pub fn cancel_order(ctx: Context<CancelOrder>) -> Result<()> {
        instructions::cancel_order::handler(ctx)
    }

    pub fn close_order(ctx: Context<CloseOrder>) -> Result<()> {
        instructions::close_order::handler(ctx)
    }

    pub fn match_orders<'info>(ctx: Context<'info, MatchOrders<'info>>, match_amount_wh: u64) -> Result<()> {
        instructions::match_orders::handler(ctx, match_amount_wh)
    }

    pub fn execute_batch_auction<'info>(ctx: Context<'info, ExecuteBatchAuction<'info>>) -> Result<()> {
        instructions::execute_batch_auction::handler(ctx)
    }

    pub fn emit_market_depth<'info>(ctx: Context<'info, EmitMarketDepth<'info>>) -> Result<()> {
        instructions::emit_market_depth::handler(ctx)
    }

    pub fn initialize_pool(
        ctx: Context<InitializePool>,
        curve: CurveType,
        grx_amount: u64,
        quote_amount: u64,
    ) -> Result<()> {
        instructions::initialize_pool::handler(ctx, curve, grx_amount, quote_amount)
    }

    pub fn swap(ctx: Context<Swap>, direction: SwapDirection, amount_in: u64, min_out: u64) -> Result<()> {
        instructions::swap::handler(ctx, direction, amount_in, min_out)
    }

    pub fn withdraw_fees(ctx: Context<WithdrawFees>, amount: u64) -> Result<()> {
        instructions::withdraw_fees::handler(ctx, amount)
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
}
