use anchor_lang::prelude::*;

declare_id!("8V9a99PnHt5Z7oUy5ghaR5p9gCm1srurLUkCVZJ4yAFk");

#[program]
pub mod energy_token {
    use super::*;

    pub fn placeholder(_ctx: Context<Placeholder>) -> Result<()> {
        Ok(())
    }
}

#[derive(Accounts)]
pub struct Placeholder<'info> {
    pub signer: Signer<'info>,
}
