use anchor_lang::prelude::*;

use super::{checksum_bytes, CHECKSUM_INIT};
use crate::{
    events::YcsbReadDone,
    state::{YcsbRecord, YCSB_RECORD_SEED},
};

/// Read-only: anyone may read a record (nothing writable, no signer besides the fee payer).
#[derive(Accounts)]
#[instruction(key: u64)]
pub struct YcsbRead<'info> {
    /// CHECK: only its address is used, as a seed of the record PDA.
    pub table: UncheckedAccount<'info>,
    #[account(
        seeds = [YCSB_RECORD_SEED, table.key().as_ref(), &key.to_le_bytes()],
        bump = record.bump,
    )]
    pub record: Box<Account<'info, YcsbRecord>>,
}

/// YCSB read (all fields): emits the record's version and checksum.
pub fn handler(ctx: Context<YcsbRead>, key: u64) -> Result<()> {
    let record = &ctx.accounts.record;
    emit!(YcsbReadDone { key, version: record.version, checksum: checksum_bytes(CHECKSUM_INIT, &record.data) });
    Ok(())
}
