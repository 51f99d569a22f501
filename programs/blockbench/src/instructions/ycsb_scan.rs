use anchor_lang::prelude::*;

use super::{checksum_bytes, CHECKSUM_INIT};
use crate::{
    error::BlockbenchError,
    events::YcsbScanned,
    state::{YcsbRecord, YCSB_MAX_SCAN},
};

/// The records `start_key .. start_key + count` follow as remaining accounts, in key order.
#[derive(Accounts)]
pub struct YcsbScan<'info> {
    /// CHECK: only its address is used, compared with each record's `table`.
    pub table: UncheckedAccount<'info>,
}

/// YCSB scan over a bounded key range. Each remaining account must be owned by this program with
/// the YcsbRecord discriminator (`Account::try_from`) and carry the expected table and key: this
/// program creates records only at their PDA (`ycsb_insert`'s `init`), so owner + contents
/// authenticate the record without re-deriving one PDA per record.
pub fn handler<'info>(ctx: Context<'info, YcsbScan<'info>>, start_key: u64, count: u8) -> Result<()> {
    require!(count > 0 && count <= YCSB_MAX_SCAN, BlockbenchError::InvalidScanLength);
    require!(ctx.remaining_accounts.len() == usize::from(count), BlockbenchError::ScanAccountCountMismatch);
    let table = ctx.accounts.table.key();
    let mut acc = CHECKSUM_INIT;
    let mut expected_key = start_key;
    for (i, info) in ctx.remaining_accounts.iter().enumerate() {
        if i > 0 {
            expected_key = expected_key.checked_add(1).ok_or(BlockbenchError::ArithmeticOverflow)?;
        }
        let record: Account<'info, YcsbRecord> = Account::try_from(info)?;
        require!(record.table == table && record.key == expected_key, BlockbenchError::ScanRecordMismatch);
        acc = checksum_bytes(acc, &record.data);
    }

    emit!(YcsbScanned { start_key, count, checksum: acc });
    Ok(())
}
