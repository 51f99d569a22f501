use anchor_lang::prelude::*;

#[event]
pub struct TokenInitialized {
    pub token_info: Pubkey,
    pub mint: Pubkey,
    pub admin: Pubkey,
    pub decimals: u8,
}

#[event]
pub struct TokensMinted {
    pub destination: Pubkey,
    /// The registry authority PDA or the admin.
    pub authority: Pubkey,
    pub amount: u64,
    pub total_minted: u64,
    pub total_supply: u64,
    pub timestamp: i64,
}

#[event]
pub struct TokensTransferred {
    pub from: Pubkey,
    pub to: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub timestamp: i64,
}

#[event]
pub struct TokensBurned {
    pub from: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub total_burned: u64,
    pub total_supply: u64,
    pub timestamp: i64,
}

/// Tokens burned directly through Token-2022 (not via `burn_tokens`) were added to `total_burned`.
#[event]
pub struct ExternalBurnReconciled {
    pub amount: u64,
    pub total_burned: u64,
    pub total_supply: u64,
}

#[event]
pub struct AuthorityTransferProposed {
    pub current_authority: Pubkey,
    pub pending_authority: Pubkey,
    pub expires_at: i64,
}

#[event]
pub struct AuthorityTransferAccepted {
    pub previous_authority: Pubkey,
    pub new_authority: Pubkey,
}

#[event]
pub struct AuthorityTransferCancelled {
    pub authority: Pubkey,
    pub cancelled_pending: Pubkey,
}
