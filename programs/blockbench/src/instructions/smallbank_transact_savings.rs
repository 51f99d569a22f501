use anchor_lang::prelude::*;

use crate::{
    error::BlockbenchError,
    events::SmallbankSavingsTransacted,
    state::{SmallbankCustomer, SMALLBANK_CUSTOMER_SEED},
};

#[derive(Accounts)]
pub struct SmallbankTransactSavings<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        seeds = [SMALLBANK_CUSTOMER_SEED, customer.bank.as_ref(), &customer.customer_id.to_le_bytes()],
        bump = customer.bump,
        has_one = owner @ BlockbenchError::NotCustomerOwner,
    )]
    pub customer: Box<Account<'info, SmallbankCustomer>>,
}

/// Smallbank TransactSavings: savings += amount (negative = withdrawal); savings may not go below 0.
pub fn handler(ctx: Context<SmallbankTransactSavings>, amount: i64) -> Result<()> {
    let customer = &mut ctx.accounts.customer;
    let savings = customer.savings.checked_add(amount).ok_or(BlockbenchError::ArithmeticOverflow)?;
    require!(savings >= 0, BlockbenchError::InsufficientFunds);
    customer.savings = savings;

    emit!(SmallbankSavingsTransacted { customer_id: customer.customer_id, amount, savings });
    Ok(())
}
