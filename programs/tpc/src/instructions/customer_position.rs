use anchor_lang::prelude::*;

use crate::{error::TpcError, events::CustomerPositionRead, state::*};

#[derive(Accounts)]
pub struct CustomerPosition<'info> {
    pub terminal: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: market table, checked by `table`.
    pub market: UncheckedAccount<'info>,
    /// CHECK: the brokerage chunk holding the customer's accounts, checked by `table`.
    pub brokerage: UncheckedAccount<'info>,
}

/// TPC-E Customer-Position, read-only: cash and market value of the customer's ACCOUNTS_PER_CUSTOMER accounts.
pub fn handler(ctx: Context<CustomerPosition>, customer: u16, _seq: u64) -> Result<()> {
    let accounts = ctx.accounts.config.scale.brokerage_accounts;
    let first = customer.checked_mul(ACCOUNTS_PER_CUSTOMER).ok_or(TpcError::InvalidAccount)?;
    require!(
        first.checked_add(ACCOUNTS_PER_CUSTOMER).ok_or(TpcError::InvalidAccount)? <= accounts,
        TpcError::InvalidAccount
    );
    table(&ctx.accounts.market, K_MARKET)?;
    let chunk = table(&ctx.accounts.brokerage, K_BROKERAGE)?.chunk;
    require!(chunk == first / ACCOUNTS_PER_CHUNK, TpcError::InvalidTable);
    let m = ctx.accounts.market.try_borrow_data()?;
    let b = ctx.accounts.brokerage.try_borrow_data()?;
    let (mut cash, mut value) = (0i64, 0i64);
    for acct in first..first + ACCOUNTS_PER_CUSTOMER {
        let row = HEADER_LEN + (acct % ACCOUNTS_PER_CHUNK) as usize * ACCT_LEN;
        cash = cash.checked_add(rd_i64(&b, row)).ok_or_else(overflow)?;
        for s in 0..SECURITIES {
            let held = i64::from(rd_i32(&b, row + 8 + 4 * s));
            if held != 0 {
                let price = i64::from(rd_u32(&m, MK_ROWS + s * SEC_LEN));
                value = held.checked_mul(price).and_then(|v| value.checked_add(v)).ok_or_else(overflow)?;
            }
        }
    }
    emit!(CustomerPositionRead { customer, cash_cents: cash, market_value_cents: value });
    Ok(())
}
