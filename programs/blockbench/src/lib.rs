//! BLOCKBENCH micro-benchmarks (Dinh et al., SIGMOD'17) as an Anchor program.
//!
//! * `do_nothing`            – consensus-layer baseline, touches no state.
//! * `cpu_heavy`             – execution-layer: xorshift fill, sort, checksum loop, `sol_sha256`.
//! * `init_store`/`io_*`     – data-layer: a PDA key/value store with fixed-size slots.
//! * `fund_store`            – one explicit system-program CPI (lamport transfer).
//!
//! This file only dispatches; every instruction lives in `instructions/<name>.rs`
//! together with its `#[derive(Accounts)]` struct.
use anchor_lang::prelude::*;

pub mod error;
pub mod events;
pub mod instructions;
pub mod state;

pub use instructions::*;

declare_id!("9SW3RMdVxMNMakVCtVvyzQrCXzjntmf1qwfb2yN1rzpU");

#[program]
pub mod blockbench {
    use super::*;

    pub fn do_nothing(ctx: Context<DoNothing>) -> Result<()> {
        instructions::do_nothing::handler(ctx)
    }

    pub fn cpu_heavy(ctx: Context<CpuHeavy>, n: u32, seed: u64) -> Result<()> {
        instructions::cpu_heavy::handler(ctx, n, seed)
    }

    pub fn init_store(ctx: Context<InitStore>, store_id: u32) -> Result<()> {
        instructions::init_store::handler(ctx, store_id)
    }

    pub fn io_write(ctx: Context<IoWrite>, start: u32, count: u32, value_seed: u64) -> Result<()> {
        instructions::io_write::handler(ctx, start, count, value_seed)
    }

    pub fn io_read(ctx: Context<IoRead>, start: u32, count: u32) -> Result<()> {
        instructions::io_read::handler(ctx, start, count)
    }

    pub fn io_mixed(ctx: Context<IoMixed>, start: u32, count: u32, value_seed: u64) -> Result<()> {
        instructions::io_mixed::handler(ctx, start, count, value_seed)
    }

    pub fn fund_store(ctx: Context<FundStore>, lamports: u64) -> Result<()> {
        instructions::fund_store::handler(ctx, lamports)
    }
}
