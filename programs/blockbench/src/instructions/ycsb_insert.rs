use anchor_lang::prelude::*;

use super::{checksum_bytes, fill_from_seed, CHECKSUM_INIT};
use crate::{
    error::BlockbenchError,
    events::YcsbInserted,
    state::{YcsbRecord, YcsbTable, YCSB_RECORD_SEED, YCSB_TABLE_SEED},
};

#[derive(Accounts)]
#[instruction(key: u64)]
pub struct YcsbInsert<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        mut,
        seeds = [YCSB_TABLE_SEED, table.authority.as_ref(), &table.table_id.to_le_bytes()],
        bump = table.bump,
        has_one = authority,
    )]
    pub table: Box<Account<'info, YcsbTable>>,
    /// `init` fails (system program: account already in use) when the key exists.
    #[account(
        init,
        payer = authority,
        space = YcsbRecord::SPACE,
        seeds = [YCSB_RECORD_SEED, table.key().as_ref(), &key.to_le_bytes()],
        bump,
    )]
    pub record: Box<Account<'info, YcsbRecord>>,
    pub system_program: Program<'info, System>,
}

/// YCSB insert: a new record whose 10 fields are the xorshift64(`value_seed`) byte stream.
pub fn handler(ctx: Context<YcsbInsert>, key: u64, value_seed: u64) -> Result<()> {
    let table_key = ctx.accounts.table.key();
    let records = ctx.accounts.table.records.checked_add(1).ok_or(BlockbenchError::ArithmeticOverflow)?;
    ctx.accounts.table.records = records;

    let record = &mut ctx.accounts.record;
    record.table = table_key;
    record.key = key;
    record.bump = ctx.bumps.record;
    record.version = 0;
    fill_from_seed(&mut record.data, value_seed);

    emit!(YcsbInserted { table: table_key, key, checksum: checksum_bytes(CHECKSUM_INIT, &record.data), records });
    Ok(())
}
