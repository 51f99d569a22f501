use anchor_lang::prelude::*;

use super::positive_amount;
use crate::{
    error::BlockbenchError,
    events::SmallbankCheckingDeposited,
    state::{SmallbankCustomer, SMALLBANK_CUSTOMER_SEED},
};

/// A deposit only credits, so any signer may make it (the owner's signature guards debits).
#[derive(Accounts)]
pub struct SmallbankDepositChecking<'info> {
    pub depositor: Signer<'info>,
    #[account(
        mut,
        seeds = [SMALLBANK_CUSTOMER_SEED, customer.bank.as_ref(), &customer.customer_id.to_le_bytes()],
        bump = customer.bump,
    )]
    pub customer: Box<Account<'info, SmallbankCustomer>>,
}

/// Smallbank DepositChecking: checking += amount (amount > 0).
pub fn handler(ctx: Context<SmallbankDepositChecking>, amount: u64) -> Result<()> {
    let credit = positive_amount(amount)?;
    let customer = &mut ctx.accounts.customer;
    customer.checking = customer.checking.checked_add(credit).ok_or(BlockbenchError::ArithmeticOverflow)?;

    emit!(SmallbankCheckingDeposited { customer_id: customer.customer_id, amount, checking: customer.checking });
    Ok(())
}
