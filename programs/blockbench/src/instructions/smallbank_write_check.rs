use anchor_lang::prelude::*;

use super::positive_amount;
use crate::{
    error::BlockbenchError,
    events::SmallbankCheckWritten,
    state::{SmallbankCustomer, OVERDRAFT_PENALTY, SMALLBANK_CUSTOMER_SEED},
};

#[derive(Accounts)]
pub struct SmallbankWriteCheck<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        seeds = [SMALLBANK_CUSTOMER_SEED, customer.bank.as_ref(), &customer.customer_id.to_le_bytes()],
        bump = customer.bump,
        has_one = owner @ BlockbenchError::NotCustomerOwner,
    )]
    pub customer: Box<Account<'info, SmallbankCustomer>>,
}

/// Smallbank WriteCheck: checking -= amount, plus OVERDRAFT_PENALTY when the check exceeds
/// checking + savings. Checking may go negative (the spec allows the overdraft).
pub fn handler(ctx: Context<SmallbankWriteCheck>, amount: u64) -> Result<()> {
    let value = positive_amount(amount)?;
    let customer = &mut ctx.accounts.customer;
    let total = customer.checking.checked_add(customer.savings).ok_or(BlockbenchError::ArithmeticOverflow)?;
    let penalty = if total < value { OVERDRAFT_PENALTY } else { 0 };
    let debit = value.checked_add(penalty).ok_or(BlockbenchError::ArithmeticOverflow)?;
    customer.checking = customer.checking.checked_sub(debit).ok_or(BlockbenchError::ArithmeticOverflow)?;

    emit!(SmallbankCheckWritten { customer_id: customer.customer_id, amount, penalty, checking: customer.checking });
    Ok(())
}
