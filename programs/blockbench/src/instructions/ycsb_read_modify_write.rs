use anchor_lang::prelude::*;

use super::{checksum_bytes, field_range, CHECKSUM_INIT};
use crate::{
    error::BlockbenchError,
    events::YcsbReadModifyWriteDone,
    state::{YcsbRecord, YcsbTable, YCSB_FIELD_LEN, YCSB_RECORD_SEED, YCSB_TABLE_SEED},
};

#[derive(Accounts)]
#[instruction(key: u64)]
pub struct YcsbReadModifyWrite<'info> {
    pub authority: Signer<'info>,
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

/// YCSB read-modify-write: reads the whole record, then writes one field, in one transaction.
pub fn handler(ctx: Context<YcsbReadModifyWrite>, key: u64, field: u8, value: [u8; YCSB_FIELD_LEN]) -> Result<()> {
    let range = field_range(field)?;
    let record = &mut ctx.accounts.record;
    let version = record.version.checked_add(1).ok_or(BlockbenchError::ArithmeticOverflow)?;
    let checksum_before = checksum_bytes(CHECKSUM_INIT, &record.data);
    record.data[range].copy_from_slice(&value);
    record.version = version;

    emit!(YcsbReadModifyWriteDone {
        key,
        field,
        version,
        checksum_before,
        checksum_after: checksum_bytes(CHECKSUM_INIT, &record.data),
    });
    Ok(())
}
