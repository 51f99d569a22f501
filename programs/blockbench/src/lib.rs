//! BLOCKBENCH micro-benchmarks (Dinh et al., SIGMOD'17) as an Anchor program.
//!
//! * `do_nothing`            – consensus-layer baseline, touches no state.
//! * `cpu_heavy`             – execution-layer: xorshift fill, sort, checksum loop, `sol_sha256`.
//! * `init_store`/`io_*`     – data-layer: a PDA key/value store with fixed-size slots.
//! * `fund_store`            – one explicit system-program CPI (lamport transfer).
//! * `ycsb_*`                – YCSB: a table of 10 × 100-byte records, one PDA per key.
//! * `smallbank_*`           – Smallbank: checking + savings per customer, owner-signed debits.
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

    pub fn ycsb_init_table(ctx: Context<YcsbInitTable>, table_id: u32) -> Result<()> {
        instructions::ycsb_init_table::handler(ctx, table_id)
    }

    pub fn ycsb_insert(ctx: Context<YcsbInsert>, key: u64, value_seed: u64) -> Result<()> {
        instructions::ycsb_insert::handler(ctx, key, value_seed)
    }

    pub fn ycsb_read(ctx: Context<YcsbRead>, key: u64) -> Result<()> {
        instructions::ycsb_read::handler(ctx, key)
    }

    pub fn ycsb_update(
        ctx: Context<YcsbUpdate>,
        key: u64,
        field: u8,
        value: [u8; state::YCSB_FIELD_LEN],
    ) -> Result<()> {
        instructions::ycsb_update::handler(ctx, key, field, value)
    }

    pub fn ycsb_scan<'info>(ctx: Context<'info, YcsbScan<'info>>, start_key: u64, count: u8) -> Result<()> {
        instructions::ycsb_scan::handler(ctx, start_key, count)
    }

    pub fn ycsb_read_modify_write(
        ctx: Context<YcsbReadModifyWrite>,
        key: u64,
        field: u8,
        value: [u8; state::YCSB_FIELD_LEN],
    ) -> Result<()> {
        instructions::ycsb_read_modify_write::handler(ctx, key, field, value)
    }

    pub fn smallbank_init_bank(ctx: Context<SmallbankInitBank>, bank_id: u32) -> Result<()> {
        instructions::smallbank_init_bank::handler(ctx, bank_id)
    }

    pub fn smallbank_create_account(
        ctx: Context<SmallbankCreateAccount>,
        customer_id: u64,
        checking: i64,
        savings: i64,
    ) -> Result<()> {
        instructions::smallbank_create_account::handler(ctx, customer_id, checking, savings)
    }

    pub fn smallbank_balance(ctx: Context<SmallbankBalance>) -> Result<()> {
        instructions::smallbank_balance::handler(ctx)
    }

    pub fn smallbank_deposit_checking(ctx: Context<SmallbankDepositChecking>, amount: u64) -> Result<()> {
        instructions::smallbank_deposit_checking::handler(ctx, amount)
    }

    pub fn smallbank_transact_savings(ctx: Context<SmallbankTransactSavings>, amount: i64) -> Result<()> {
        instructions::smallbank_transact_savings::handler(ctx, amount)
    }

    pub fn smallbank_send_payment(ctx: Context<SmallbankSendPayment>, amount: u64) -> Result<()> {
        instructions::smallbank_send_payment::handler(ctx, amount)
    }

    pub fn smallbank_write_check(ctx: Context<SmallbankWriteCheck>, amount: u64) -> Result<()> {
        instructions::smallbank_write_check::handler(ctx, amount)
    }

    pub fn smallbank_amalgamate(ctx: Context<SmallbankAmalgamate>) -> Result<()> {
        instructions::smallbank_amalgamate::handler(ctx)
    }
}
