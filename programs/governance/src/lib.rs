use anchor_lang::prelude::*;

declare_id!("G4ScZyZ1dfXxHsuFv228xDnofi72JtUqF1fMPefSmxma");

#[program]
pub mod governance {
    use super::*;

    pub fn placeholder(_ctx: Context<Placeholder>) -> Result<()> {
        Ok(())
    }
}

#[derive(Accounts)]
pub struct Placeholder<'info> {
    pub signer: Signer<'info>,
}
