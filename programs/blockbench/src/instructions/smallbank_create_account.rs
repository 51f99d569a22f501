use anchor_lang::prelude::*;

use crate::{
    error::BlockbenchError,
    events::SmallbankCustomerCreated,
    state::{SmallbankBank, SmallbankCustomer, SMALLBANK_CUSTOMER_SEED, SMALLBANK_SEED},
};

#[derive(Accounts)]
#[instruction(customer_id: u64)]
pub struct SmallbankCreateAccount<'info> {
    /// The bank's authority: pays the rent and vouches for the opening balances.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The customer's key; it must sign every debit from this account later.
    pub owner: Signer<'info>,
    #[account(
        mut,
        seeds = [SMALLBANK_SEED, bank.authority.as_ref(), &bank.bank_id.to_le_bytes()],
        bump = bank.bump,
        has_one = authority,
    )]
    pub bank: Box<Account<'info, SmallbankBank>>,
    #[account(
        init,
        payer = authority,
        space = SmallbankCustomer::SPACE,
        seeds = [SMALLBANK_CUSTOMER_SEED, bank.key().as_ref(), &customer_id.to_le_bytes()],
        bump,
    )]
    pub customer: Box<Account<'info, SmallbankCustomer>>,
    pub system_program: Program<'info, System>,
}

/// Smallbank load: one customer row with its checking and savings balances.
pub fn handler(ctx: Context<SmallbankCreateAccount>, customer_id: u64, checking: i64, savings: i64) -> Result<()> {
    require!(checking >= 0 && savings >= 0, BlockbenchError::NegativeOpeningBalance);
    let opening = checking.checked_add(savings).ok_or(BlockbenchError::ArithmeticOverflow)?;
    let bank = &mut ctx.accounts.bank;
    bank.opening_total = bank.opening_total.checked_add(opening).ok_or(BlockbenchError::ArithmeticOverflow)?;
    bank.customers = bank.customers.checked_add(1).ok_or(BlockbenchError::ArithmeticOverflow)?;
    let bank_key = bank.key();

    let owner = ctx.accounts.owner.key();
    let customer = &mut ctx.accounts.customer;
    customer.bank = bank_key;
    customer.owner = owner;
    customer.customer_id = customer_id;
    customer.bump = ctx.bumps.customer;
    customer.checking = checking;
    customer.savings = savings;

    emit!(SmallbankCustomerCreated { bank: bank_key, customer_id, owner, checking, savings });
    Ok(())
}
