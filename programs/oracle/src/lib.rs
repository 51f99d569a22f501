use anchor_lang::prelude::*;

declare_id!("6DPPRAgHsCJxcJrDMKKXcTGQnwfigEFAHXD8H6bEuB4V");

#[program]
pub mod oracle {
    use super::*;

    pub fn placeholder(_ctx: Context<Placeholder>) -> Result<()> {
        Ok(())
    }
}

#[derive(Accounts)]
pub struct Placeholder<'info> {
    pub signer: Signer<'info>,
}
