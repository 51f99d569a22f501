//! Registry accounts. `MeterAccount`'s field order is part of the cross-program contract (docs/programs.md):
//! the oracle and governance programs deserialise it, so never reorder or insert fields (new ones go at the end).
use anchor_lang::prelude::*;
use gridtokenx_common::AuthorityState;

/// Readings may be stamped at most this far in the future (clock skew tolerance), in seconds.
pub const MAX_FUTURE_SKEW_SECONDS: i64 = 60;
/// Largest accepted gap between two consecutive readings of one meter, in seconds (24 h).
pub const MAX_READING_GAP_SECONDS: i64 = 24 * 60 * 60;

/// Singleton `[seeds::REGISTRY_CONFIG]`.
#[account]
#[derive(InitSpace)]
pub struct RegistryConfig {
    pub admin: AuthorityState,
    pub user_count: u64,
    pub meter_count: u64,
    pub bump: u8,
    /// When set (`set_registry_options`, admin), meters registered or re-keyed from then on need
    /// `approve_meter` by the admin before their readings are accepted.
    pub require_meter_approval: bool,
}

impl RegistryConfig {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum UserType {
    Prosumer,
    Consumer,
}

/// `[seeds::USER, owner]`.
#[account]
#[derive(InitSpace)]
pub struct UserAccount {
    pub owner: Pubkey,
    pub user_type: UserType,
    pub meter_count: u64,
    pub registered_at: i64,
    pub bump: u8,
}

impl UserAccount {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum MeterType {
    Solar,
    Wind,
    Battery,
    Grid,
}

/// `[seeds::METER, meter_id]`. FIELD ORDER FIXED (read by oracle and governance).
///
/// Dual high-water marks: `settled_net_generation` (GRX minted up to here) and `claimed_erc_generation`
/// (ERCs issued up to here) are independent, monotonic, and never exceed `total_generation`.
/// A settlement sets `settled_net_generation` to `max(total_generation - total_consumption, 0)`; consumption
/// read afterwards can bring the net below the mark (the mark never moves back), and then nothing is settled
/// until the net climbs above it again.
#[account]
#[derive(InitSpace)]
pub struct MeterAccount {
    pub meter_id: [u8; 32],
    pub owner: Pubkey,
    pub meter_type: MeterType,
    /// The meter's ed25519 key: the oracle verifies reading signatures against it.
    pub meter_pubkey: Pubkey,
    pub active: bool,
    /// Lifetime production, Wh.
    pub total_generation: u64,
    /// Lifetime consumption, Wh.
    pub total_consumption: u64,
    /// Net generation (Wh) already turned into GRX.
    pub settled_net_generation: u64,
    /// Generation (Wh) already certified by ERCs.
    pub claimed_erc_generation: u64,
    pub last_reading_at: i64,
    pub reading_count: u64,
    pub registered_at: i64,
    pub bump: u8,
    // --- appended (issue #11); the fields above keep their order for the oracle and governance ---
    /// Rated capacity in W (> 0), declared at registration and signed by the meter key; the oracle bounds
    /// readings with it.
    pub capacity_w: u64,
    /// Readings are accepted only when set: at registration unless the registry requires approval, else by
    /// `approve_meter` (admin); a re-key under required approval clears it.
    pub approved: bool,
    /// Retired by the admin (`retire_meter`): permanently inactive, no readings, no re-key or transfer. The
    /// account stays, so its meter id can never be registered again.
    pub retired: bool,
    /// The admin deactivated the meter: only the admin may reactivate it (the owner's own deactivation stays
    /// reversible by the owner).
    pub deactivated_by_admin: bool,
}

impl MeterAccount {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// `max(total_generation - total_consumption, 0)`: saturating on purpose, a net consumer has 0 to settle.
    pub fn net_generation(&self) -> u64 {
        self.total_generation.saturating_sub(self.total_consumption)
    }

    /// Net generation not yet settled. Saturating: `settled` can exceed the current net only if consumption
    /// grew after a settlement, in which case there is nothing to settle (the mark never moves back).
    pub fn unsettled_net_generation(&self) -> u64 {
        self.net_generation().saturating_sub(self.settled_net_generation)
    }

    /// Generation not yet certified by an ERC (claimed ≤ generation is an invariant, saturating is defensive).
    pub fn unclaimed_generation(&self) -> u64 {
        self.total_generation.saturating_sub(self.claimed_erc_generation)
    }
}
