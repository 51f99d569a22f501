use anchor_lang::prelude::*;

use super::positive_amount;
use crate::{
    error::BlockbenchError,
    events::SmallbankPaymentSent,
    state::{SmallbankCustomer, SMALLBANK_CUSTOMER_SEED},
};

/// `source` and `destination` must differ (Anchor rejects a duplicate mutable account).
#[derive(Accounts)]
pub struct SmallbankSendPayment<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        seeds = [SMALLBANK_CUSTOMER_SEED, source.bank.as_ref(), &source.customer_id.to_le_bytes()],
        bump = source.bump,
        has_one = owner @ BlockbenchError::NotCustomerOwner,
    )]
    pub source: Box<Account<'info, SmallbankCustomer>>,
    #[account(
        mut,
        seeds = [SMALLBANK_CUSTOMER_SEED, destination.bank.as_ref(), &destination.customer_id.to_le_bytes()],
        bump = destination.bump,
        constraint = destination.bank == source.bank @ BlockbenchError::DifferentBank,
    )]
    pub destination: Box<Account<'info, SmallbankCustomer>>,
}

/// Smallbank SendPayment: moves `amount` between checking accounts; the source may not overdraw.
pub fn handler(ctx: Context<SmallbankSendPayment>, amount: u64) -> Result<()> {
    let value = positive_amount(amount)?;
    let source = &mut ctx.accounts.source;
    require!(source.checking >= value, BlockbenchError::InsufficientFunds);
    source.checking = source.checking.checked_sub(value).ok_or(BlockbenchError::ArithmeticOverflow)?;
    let destination = &mut ctx.accounts.destination;
    destination.checking = destination.checking.checked_add(value).ok_or(BlockbenchError::ArithmeticOverflow)?;

    emit!(SmallbankPaymentSent {
        from_customer_id: ctx.accounts.source.customer_id,
        to_customer_id: ctx.accounts.destination.customer_id,
        amount,
        from_checking: ctx.accounts.source.checking,
        to_checking: ctx.accounts.destination.checking,
    });
    Ok(())
}
