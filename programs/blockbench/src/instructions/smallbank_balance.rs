use anchor_lang::prelude::*;

use crate::{
    error::BlockbenchError,
    events::SmallbankBalanceDone,
    state::{SmallbankCustomer, SMALLBANK_CUSTOMER_SEED},
};

/// Read-only: anyone may query a balance.
#[derive(Accounts)]
pub struct SmallbankBalance<'info> {
    #[account(
        seeds = [SMALLBANK_CUSTOMER_SEED, customer.bank.as_ref(), &customer.customer_id.to_le_bytes()],
        bump = customer.bump,
    )]
    pub customer: Box<Account<'info, SmallbankCustomer>>,
}

/// Smallbank Balance: checking + savings.
pub fn handler(ctx: Context<SmallbankBalance>) -> Result<()> {
    let customer = &ctx.accounts.customer;
    let total = customer.checking.checked_add(customer.savings).ok_or(BlockbenchError::ArithmeticOverflow)?;
    emit!(SmallbankBalanceDone {
        customer_id: customer.customer_id,
        checking: customer.checking,
        savings: customer.savings,
        total,
    });
    Ok(())
}
