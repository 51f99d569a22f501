//! TPC-C, TPC-E and TPC-H, scaled down to what fits on-chain (docs/tpc.md states every adaptation).
//!
//! Tables are PDA accounts with a raw little-endian row layout (state.rs), read and written in place so a
//! transaction pays only for the rows it touches. The population is written by the bootstrap authority
//! (`initialize`, `create_table`, `load_rows`, `seal`); the benchmark transactions are open to any signer.
//!
//! This file only dispatches; every instruction lives in `instructions/<name>.rs`.
use anchor_lang::prelude::*;

pub mod error;
pub mod events;
pub mod instructions;
pub mod state;

pub use instructions::*;

declare_id!("ENvgeJ59m2FrZdb8j1rrMaz1KxXKxotV4961FzbHtgdM");

#[program]
pub mod tpc {
    use super::*;

    // ---- load phase (bootstrap authority) ----
    pub fn initialize(ctx: Context<Initialize>, scale: Scale) -> Result<()> {
        instructions::initialize::handler(ctx, scale)
    }

    pub fn create_table(ctx: Context<CreateTable>, kind: u8, w_id: u16, d_id: u8, chunk: u16) -> Result<()> {
        instructions::create_table::handler(ctx, kind, w_id, d_id, chunk)
    }

    pub fn load_rows(ctx: Context<LoadRows>, offset: u32, bytes: Vec<u8>) -> Result<()> {
        instructions::load_rows::handler(ctx, offset, bytes)
    }

    pub fn seal(ctx: Context<Seal>) -> Result<()> {
        instructions::seal::handler(ctx)
    }

    // ---- TPC-C ----
    pub fn new_order<'info>(ctx: Context<'info, NewOrder<'info>>, args: NewOrderArgs) -> Result<()> {
        instructions::new_order::handler(ctx, args)
    }

    pub fn payment(ctx: Context<Payment>, args: PaymentArgs) -> Result<()> {
        instructions::payment::handler(ctx, args)
    }

    pub fn order_status(ctx: Context<OrderStatus>, args: OrderStatusArgs) -> Result<()> {
        instructions::order_status::handler(ctx, args)
    }

    pub fn delivery<'info>(ctx: Context<'info, Delivery<'info>>, w_id: u16, carrier_id: u8, seq: u64) -> Result<()> {
        instructions::delivery::handler(ctx, w_id, carrier_id, seq)
    }

    pub fn stock_level<'info>(ctx: Context<'info, StockLevel<'info>>, threshold: u8, seq: u64) -> Result<()> {
        instructions::stock_level::handler(ctx, threshold, seq)
    }

    // ---- TPC-E ----
    pub fn trade_order(ctx: Context<TradeOrder>, args: TradeOrderArgs) -> Result<()> {
        instructions::trade_order::handler(ctx, args)
    }

    pub fn trade_result<'info>(ctx: Context<'info, TradeResult<'info>>, seq: u64) -> Result<()> {
        instructions::trade_result::handler(ctx, seq)
    }

    pub fn customer_position(ctx: Context<CustomerPosition>, customer: u16, seq: u64) -> Result<()> {
        instructions::customer_position::handler(ctx, customer, seq)
    }

    pub fn market_watch(ctx: Context<MarketWatch>, securities: Vec<u8>, seq: u64) -> Result<()> {
        instructions::market_watch::handler(ctx, securities, seq)
    }

    pub fn market_feed(ctx: Context<MarketFeed>, ticks: Vec<Tick>, seq: u64) -> Result<()> {
        instructions::market_feed::handler(ctx, ticks, seq)
    }

    // ---- TPC-H ----
    pub fn pricing_summary<'info>(ctx: Context<'info, Query<'info>>, delta_days: u16, seq: u64) -> Result<()> {
        instructions::pricing_summary::handler(ctx, delta_days, seq)
    }

    pub fn forecast_revenue<'info>(ctx: Context<'info, Query<'info>>, args: ForecastArgs) -> Result<()> {
        instructions::forecast_revenue::handler(ctx, args)
    }

    pub fn refresh_insert(ctx: Context<Refresh>, orderkey: u32, rows: Vec<LineitemIn>) -> Result<()> {
        instructions::refresh_insert::handler(ctx, orderkey, rows)
    }

    pub fn refresh_delete(ctx: Context<Refresh>, orderkey: u32) -> Result<()> {
        instructions::refresh_delete::handler(ctx, orderkey)
    }
}
