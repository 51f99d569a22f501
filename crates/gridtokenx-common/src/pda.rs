//! The singleton PDAs every program checks, derived at compile time. An account constraint
//! `constraint = x.key() == pda::X @ ErrorCode::ConstraintSeeds` accepts exactly the account that
//! `seeds = [seeds::X], bump = x.bump, seeds::program = ids::P` accepts (the stored bump is the canonical
//! one, written by the `init` that created the account at this address), with the same error code, but
//! without the `create_program_address` syscall (1,500 CU) — or `find_program_address` for a bare `bump`
//! (1,500 CU per bump tried). The `init` instructions still create the accounts through `seeds`, so a
//! constant that disagreed with the seeds would leave every later instruction unable to find its account.
use anchor_lang::{derive_program_address, prelude::*};

use crate::{ids, seeds};

const fn at(seed: &[u8], program: &Pubkey) -> ([u8; 32], u8) {
    derive_program_address(&[seed], &program.to_bytes())
}

macro_rules! singleton {
    ($name:ident, $bump:ident, $seed:expr, $program:expr) => {
        pub const $name: Pubkey = Pubkey::new_from_array(at($seed, &$program).0);
        pub const $bump: u8 = at($seed, &$program).1;
    };
}

singleton!(GOVERNANCE_CONFIG, GOVERNANCE_CONFIG_BUMP, seeds::GOVERNANCE_CONFIG, ids::GOVERNANCE);
singleton!(GOVERNANCE_AUTHORITY, GOVERNANCE_AUTHORITY_BUMP, seeds::GOVERNANCE_AUTHORITY, ids::GOVERNANCE);
singleton!(REGISTRY_CONFIG, REGISTRY_CONFIG_BUMP, seeds::REGISTRY_CONFIG, ids::REGISTRY);
singleton!(REGISTRY_AUTHORITY, REGISTRY_AUTHORITY_BUMP, seeds::REGISTRY_AUTHORITY, ids::REGISTRY);
singleton!(MARKET, MARKET_BUMP, seeds::MARKET, ids::TRADING);
singleton!(TOKEN_INFO, TOKEN_INFO_BUMP, seeds::TOKEN_INFO, ids::ENERGY_TOKEN);
singleton!(GRX_MINT, GRX_MINT_BUMP, seeds::GRX_MINT, ids::ENERGY_TOKEN);
singleton!(ORACLE_CONFIG, ORACLE_CONFIG_BUMP, seeds::ORACLE_CONFIG, ids::ORACLE);
singleton!(ORACLE_AUTHORITY, ORACLE_AUTHORITY_BUMP, seeds::ORACLE_AUTHORITY, ids::ORACLE);
