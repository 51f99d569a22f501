use anchor_lang::prelude::*;

use crate::{
    events::YcsbTableInitialized,
    state::{YcsbTable, YCSB_TABLE_SEED},
};

#[derive(Accounts)]
#[instruction(table_id: u32)]
pub struct YcsbInitTable<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        init,
        payer = authority,
        space = YcsbTable::SPACE,
        seeds = [YCSB_TABLE_SEED, authority.key().as_ref(), &table_id.to_le_bytes()],
        bump,
    )]
    pub table: Box<Account<'info, YcsbTable>>,
    pub system_program: Program<'info, System>,
}

/// Creates an empty YCSB usertable; only `authority` may write it afterwards.
pub fn handler(ctx: Context<YcsbInitTable>, table_id: u32) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let table = &mut ctx.accounts.table;
    table.authority = authority;
    table.table_id = table_id;
    table.bump = ctx.bumps.table;
    table.records = 0;

    emit!(YcsbTableInitialized { table: table.key(), authority, table_id });
    Ok(())
}
