use anchor_lang::prelude::*;

use crate::{
    error::TpcError,
    state::{TpcConfig, CONFIG_SEED, HEADER_LEN, MAGIC},
};

#[derive(Accounts)]
pub struct LoadRows<'info> {
    pub authority: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump, has_one = authority)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: owner and header checked in the handler (any table kind may be loaded).
    #[account(mut, owner = crate::ID)]
    pub table: UncheckedAccount<'info>,
}

/// Bulk load (the population of the TPC specs, generated client-side like a COPY): writes `bytes` at body
/// offset `offset`; the header is never writable. Only before `seal`.
pub fn handler(ctx: Context<LoadRows>, offset: u32, bytes: Vec<u8>) -> Result<()> {
    require!(!ctx.accounts.config.sealed, TpcError::LoadSealed);
    let info = ctx.accounts.table.to_account_info();
    let mut data = info.try_borrow_mut_data()?;
    require!(data.len() >= HEADER_LEN && &data[..7] == MAGIC, TpcError::InvalidTable);
    let start = HEADER_LEN.checked_add(offset as usize).ok_or(TpcError::RowOutOfRange)?;
    let end = start.checked_add(bytes.len()).ok_or(TpcError::RowOutOfRange)?;
    require!(end <= data.len(), TpcError::RowOutOfRange);
    data[start..end].copy_from_slice(&bytes);
    Ok(())
}
