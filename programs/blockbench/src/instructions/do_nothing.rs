use anchor_lang::prelude::*;

/// BLOCKBENCH DoNothing: measures the consensus/dispatch layer only; no state, no event.
#[derive(Accounts)]
pub struct DoNothing<'info> {
    pub signer: Signer<'info>,
}

pub fn handler(_ctx: Context<DoNothing>) -> Result<()> {
    Ok(())
}
