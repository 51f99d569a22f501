use anchor_lang::prelude::*;

use crate::{error::TpcError, events::MarketFed, state::*};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct Tick {
    pub security: u8,
    pub price_cents: u32,
}

#[derive(Accounts)]
pub struct MarketFeed<'info> {
    /// The market exchange emulator: the loader authority.
    pub authority: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump, has_one = authority)]
    pub config: Box<Account<'info, TpcConfig>>,
    /// CHECK: market table, checked by `table`.
    #[account(mut)]
    pub market: UncheckedAccount<'info>,
}

/// TPC-E Market-Feed: new last-trade prices for a batch of securities.
pub fn handler(ctx: Context<MarketFeed>, ticks: Vec<Tick>, _seq: u64) -> Result<()> {
    require!(!ticks.is_empty() && ticks.len() <= SECURITIES, TpcError::InvalidSecurity);
    table(&ctx.accounts.market, K_MARKET)?;
    let mut m = ctx.accounts.market.try_borrow_mut_data()?;
    for tick in &ticks {
        require!((tick.security as usize) < SECURITIES, TpcError::InvalidSecurity);
        require!(tick.price_cents > 0, TpcError::InvalidQuery);
        wr_u32(&mut m, MK_ROWS + tick.security as usize * SEC_LEN, tick.price_cents);
    }
    emit!(MarketFed { ticks: ticks.len() as u8 });
    Ok(())
}
