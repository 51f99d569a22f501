use anchor_lang::prelude::*;

declare_id!("7KPxwYbZfp7mpoAL7pNE9L54AZiZ44Vdyv2otun6NrEd");

#[program]
pub mod registry {
    use super::*;

    pub fn placeholder(_ctx: Context<Placeholder>) -> Result<()> {
        Ok(())
    }
}

#[derive(Accounts)]
pub struct Placeholder<'info> {
    pub signer: Signer<'info>,
}
