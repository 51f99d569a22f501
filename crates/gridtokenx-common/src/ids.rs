//! Program ids (Anchor.toml `[programs.localnet]`; `gtx keys sync` keeps them in step with keys/programs/).
use anchor_lang::prelude::*;

pub const REGISTRY: Pubkey = pubkey!("7KPxwYbZfp7mpoAL7pNE9L54AZiZ44Vdyv2otun6NrEd");
pub const ENERGY_TOKEN: Pubkey = pubkey!("8V9a99PnHt5Z7oUy5ghaR5p9gCm1srurLUkCVZJ4yAFk");
pub const TRADING: Pubkey = pubkey!("DZEvMY9Sw4cVMXW4LBQVqPVFdKnsvuK7W21nQ8MvFYzw");
pub const ORACLE: Pubkey = pubkey!("6DPPRAgHsCJxcJrDMKKXcTGQnwfigEFAHXD8H6bEuB4V");
pub const GOVERNANCE: Pubkey = pubkey!("G4ScZyZ1dfXxHsuFv228xDnofi72JtUqF1fMPefSmxma");
