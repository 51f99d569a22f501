use anchor_lang::prelude::*;

declare_id!("DZEvMY9Sw4cVMXW4LBQVqPVFdKnsvuK7W21nQ8MvFYzw");

#[program]
pub mod trading {
    use super::*;

    pub fn placeholder(_ctx: Context<Placeholder>) -> Result<()> {
        Ok(())
    }
}

#[derive(Accounts)]
pub struct Placeholder<'info> {
    pub signer: Signer<'info>,
}
