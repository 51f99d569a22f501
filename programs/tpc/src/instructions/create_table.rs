use anchor_lang::{
    prelude::*,
    system_program::{create_account, CreateAccount},
};

use crate::{
    error::TpcError,
    state::{table_len, wr_u16, TpcConfig, CONFIG_SEED, MAGIC, TABLE_SEED},
};

#[derive(Accounts)]
#[instruction(kind: u8, w_id: u16, d_id: u8, chunk: u16)]
pub struct CreateTable<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump, has_one = authority)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: created here at the PDA checked by `seeds`; the header written below identifies it from now on.
    #[account(mut, seeds = [TABLE_SEED, &[kind], &w_id.to_le_bytes(), &[d_id], &chunk.to_le_bytes()], bump)]
    pub table: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

/// Creates one zero-filled table account (≤ 10 KiB, the CPI allocation limit) and writes its header.
pub fn handler(ctx: Context<CreateTable>, kind: u8, w_id: u16, d_id: u8, chunk: u16) -> Result<()> {
    require!(!ctx.accounts.config.sealed, TpcError::LoadSealed);
    let len = table_len(kind, ctx.accounts.config.scale.customers_per_district).ok_or(TpcError::InvalidTable)?;
    let bump = ctx.bumps.table;
    let kind_seed = [kind];
    let w_seed = w_id.to_le_bytes();
    let d_seed = [d_id];
    let chunk_seed = chunk.to_le_bytes();
    let bump_seed = [bump];
    let signer: &[&[u8]] = &[TABLE_SEED, &kind_seed, &w_seed, &d_seed, &chunk_seed, &bump_seed];
    create_account(
        CpiContext::new_with_signer(
            ctx.accounts.system_program.key(),
            CreateAccount { from: ctx.accounts.authority.to_account_info(), to: ctx.accounts.table.to_account_info() },
            &[signer],
        ),
        Rent::get()?.minimum_balance(len),
        len as u64,
        &crate::ID,
    )?;
    let info = ctx.accounts.table.to_account_info();
    let mut data = info.try_borrow_mut_data()?;
    data[..7].copy_from_slice(MAGIC);
    data[7] = kind;
    wr_u16(&mut data, 8, w_id);
    data[10] = d_id;
    data[11] = bump;
    wr_u16(&mut data, 12, chunk);
    Ok(())
}
