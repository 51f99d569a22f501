use anchor_lang::prelude::*;
use gridtokenx_common::AuthorityState;

/// GRX decimals: 1 GRX = 10^9 base units = 1 kWh.
pub const GRX_DECIMALS: u8 = 9;
/// GRX base units per Wh: 10^9 per kWh / 1000 Wh per kWh.
///
/// (platform-algorithms §3.1 multiplies Wh by 10^9, i.e. 1 GRX per Wh, contradicting its own 1 GRX = 1 kWh;
/// docs/programs.md fixes 1 GRX = 1 kWh, hence 10^6.)
pub const GRX_PER_WH: u64 = 1_000_000;

/// Singleton `[seeds::TOKEN_INFO]`, the GRX mint authority.
/// Invariant after every instruction of this program: `total_supply == total_minted - total_burned == mint.supply`.
#[account]
#[derive(InitSpace)]
pub struct TokenInfo {
    pub admin: AuthorityState,
    pub mint: Pubkey,
    pub total_minted: u64,
    /// Burned through `burn_tokens`, plus burns made directly through Token-2022 (which any holder can do),
    /// picked up by `reconcile_external_burns` at the start of the next mint/burn.
    pub total_burned: u64,
    pub total_supply: u64,
    pub bump: u8,
}

impl TokenInfo {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}
