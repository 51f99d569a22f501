use anchor_lang::prelude::*;

use crate::{
    events::SmallbankBankInitialized,
    state::{SmallbankBank, SMALLBANK_SEED},
};

#[derive(Accounts)]
#[instruction(bank_id: u32)]
pub struct SmallbankInitBank<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        init,
        payer = authority,
        space = SmallbankBank::SPACE,
        seeds = [SMALLBANK_SEED, authority.key().as_ref(), &bank_id.to_le_bytes()],
        bump,
    )]
    pub bank: Box<Account<'info, SmallbankBank>>,
    pub system_program: Program<'info, System>,
}

/// Creates a bank; its authority co-signs every account opening (which sets opening balances).
pub fn handler(ctx: Context<SmallbankInitBank>, bank_id: u32) -> Result<()> {
    let authority = ctx.accounts.authority.key();
    let bank = &mut ctx.accounts.bank;
    bank.authority = authority;
    bank.bank_id = bank_id;
    bank.bump = ctx.bumps.bank;
    bank.customers = 0;
    bank.opening_total = 0;

    emit!(SmallbankBankInitialized { bank: bank.key(), authority, bank_id });
    Ok(())
}
