use anchor_lang::prelude::*;

use super::{checksum_bytes, field_range, CHECKSUM_INIT};
use crate::{
    error::BlockbenchError,
    events::YcsbUpdated,
    state::{YcsbRecord, YcsbTable, YCSB_FIELD_LEN, YCSB_RECORD_SEED, YCSB_TABLE_SEED},
};

#[derive(Accounts)]
#[instruction(key: u64)]
pub struct YcsbUpdate<'info> {
    pub authority: Signer<'info>,
    /// Read-only here, so concurrent updates of different records do not contend on it.
    #[account(
        seeds = [YCSB_TABLE_SEED, table.authority.as_ref(), &table.table_id.to_le_bytes()],
        bump = table.bump,
        has_one = authority,
    )]
    pub table: Box<Account<'info, YcsbTable>>,
    #[account(
        mut,
        seeds = [YCSB_RECORD_SEED, table.key().as_ref(), &key.to_le_bytes()],
        bump = record.bump,
    )]
    pub record: Box<Account<'info, YcsbRecord>>,
}

/// YCSB update (writeallfields=false): overwrites one field with the 100 bytes the client sent.
pub fn handler(ctx: Context<YcsbUpdate>, key: u64, field: u8, value: [u8; YCSB_FIELD_LEN]) -> Result<()> {
    let range = field_range(field)?;
    let record = &mut ctx.accounts.record;
    let version = record.version.checked_add(1).ok_or(BlockbenchError::ArithmeticOverflow)?;
    record.data[range].copy_from_slice(&value);
    record.version = version;

    emit!(YcsbUpdated { key, field, version, checksum: checksum_bytes(CHECKSUM_INIT, &record.data) });
    Ok(())
}
