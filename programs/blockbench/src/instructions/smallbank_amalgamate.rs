use anchor_lang::prelude::*;

use crate::{
    error::BlockbenchError,
    events::SmallbankAmalgamated,
    state::{SmallbankCustomer, SMALLBANK_CUSTOMER_SEED},
};

/// `source` and `destination` must differ (Anchor rejects a duplicate mutable account).
#[derive(Accounts)]
pub struct SmallbankAmalgamate<'info> {
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

/// Smallbank Amalgamate: all of the source's money (checking + savings) moves into the
/// destination's checking; the source ends with zero in both.
pub fn handler(ctx: Context<SmallbankAmalgamate>) -> Result<()> {
    let source = &mut ctx.accounts.source;
    let amount = source.checking.checked_add(source.savings).ok_or(BlockbenchError::ArithmeticOverflow)?;
    source.checking = 0;
    source.savings = 0;
    let destination = &mut ctx.accounts.destination;
    destination.checking = destination.checking.checked_add(amount).ok_or(BlockbenchError::ArithmeticOverflow)?;

    emit!(SmallbankAmalgamated {
        from_customer_id: ctx.accounts.source.customer_id,
        to_customer_id: ctx.accounts.destination.customer_id,
        amount,
        to_checking: ctx.accounts.destination.checking,
    });
    Ok(())
}
