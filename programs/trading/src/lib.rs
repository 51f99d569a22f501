//! GridTokenX trading: an on-chain order book (one zero-copy account per market holding both sides in
//! price-time priority and the traders' balances), a continuous double auction decided by the program, a
//! uniform-price call auction over the whole book, market statistics (24-point price history, VWAP),
//! depth, and source-specific AMM pools (platform-algorithms §1.1–1.5; docs/programs.md "Trading").
//!
//! * `initialize_market(fee_bps, order_capacity, seat_capacity)` — bootstrap; market, book, two vaults.
//! * `claim_seat`, `deposit`, `withdraw` — a trader's seat and its free balances (the only token moves).
//! * `place_buy_order` / `place_sell_order` — lock free balance, match the best crossing orders (limit,
//!   post-only, immediate-or-cancel), rest the remainder; asks are ERC-backed.
//! * `cancel_order` — the owner takes a resting order off the book.
//! * `match_orders(max_pairs)` — permissionless crank: best bid × best ask while they cross.
//! * `execute_batch_auction()` — auction mode: uniform price over every resting order.
//! * `set_market_mode` — the admin switches continuous / auction.
//! * `emit_market_depth()` — 10-level depth read from the book (event only).
//! * `initialize_pool` / `swap` — AMM pools: LinearSolar, SteepWind (x·y = k), FlatBattery.
//! * `withdraw_fees`, and the authority-transfer trio on the market admin.
//!
//! Every state-changing instruction except the authority transfers honours the governance pause.
//! This file only dispatches; every instruction lives in `instructions/<name>.rs`.
use anchor_lang::prelude::*;

pub mod book;
pub mod engine;
pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod state;

// Every instruction module exports its `handler` (and Anchor's generated client module): the globs overlap by
// design of the multi-file template; lib.rs calls the handlers by path.
#[allow(ambiguous_glob_reexports)]
pub use instructions::*;
pub use state::{Asset, CurveType, MarketMode, OrderType, SwapDirection};

declare_id!("DZEvMY9Sw4cVMXW4LBQVqPVFdKnsvuK7W21nQ8MvFYzw");

#[program]
pub mod trading {
    use super::*;

    pub fn initialize_market(
        ctx: Context<InitializeMarket>,
        fee_bps: u16,
        order_capacity: u32,
        seat_capacity: u32,
    ) -> Result<()> {
        instructions::initialize_market::handler(ctx, fee_bps, order_capacity, seat_capacity)
    }

    pub fn claim_seat(ctx: Context<ClaimSeat>, slot: u32) -> Result<()> {
        instructions::claim_seat::handler(ctx, slot)
    }

    pub fn deposit(ctx: Context<MoveBalance>, slot: u32, asset: Asset, amount: u64) -> Result<()> {
        instructions::deposit::deposit(ctx, slot, asset, amount)
    }

    pub fn withdraw(ctx: Context<MoveBalance>, slot: u32, asset: Asset, amount: u64) -> Result<()> {
        instructions::deposit::withdraw(ctx, slot, asset, amount)
    }

    pub fn place_buy_order<'info>(
        ctx: Context<'info, PlaceBuyOrder<'info>>,
        slot: u32,
        price: u64,
        amount_wh: u64,
        order_type: OrderType,
        match_limit: u8,
    ) -> Result<()> {
        instructions::place_buy_order::handler(ctx, slot, price, amount_wh, order_type, match_limit)
    }

    pub fn place_sell_order<'info>(
        ctx: Context<'info, PlaceSellOrder<'info>>,
        slot: u32,
        price: u64,
        amount_wh: u64,
        order_type: OrderType,
        match_limit: u8,
    ) -> Result<()> {
        instructions::place_sell_order::handler(ctx, slot, price, amount_wh, order_type, match_limit)
    }

    pub fn cancel_order(ctx: Context<CancelOrder>, slot: u32, order_id: u64) -> Result<()> {
        instructions::cancel_order::handler(ctx, slot, order_id)
    }

    pub fn match_orders<'info>(ctx: Context<'info, MatchOrders<'info>>, max_pairs: u8) -> Result<()> {
        instructions::match_orders::handler(ctx, max_pairs)
    }

    pub fn execute_batch_auction<'info>(ctx: Context<'info, ExecuteBatchAuction<'info>>) -> Result<()> {
        instructions::execute_batch_auction::handler(ctx)
    }

    pub fn set_market_mode(ctx: Context<SetMarketMode>, mode: MarketMode) -> Result<()> {
        instructions::set_market_mode::handler(ctx, mode)
    }

    pub fn emit_market_depth(ctx: Context<EmitMarketDepth>) -> Result<()> {
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
