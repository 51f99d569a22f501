use anchor_lang::prelude::*;

/// Number of u64 value slots in a [`KvStore`].
pub const SLOTS: usize = 64;

/// PDA seed prefix: `[STORE_SEED, authority, store_id.to_le_bytes()]`.
pub const STORE_SEED: &[u8] = b"store";

/// Largest `n` accepted by `cpu_heavy`: two n-sized buffers (u64 values + their bytes,
/// 16·n bytes) must fit the 32 KiB bump heap and the sort must stay well inside 200k CU.
pub const MAX_SORT: u32 = 512;

/// Fixed-size key/value store (BLOCKBENCH IOHeavy): `values[i]` is slot `i`.
#[account]
#[derive(InitSpace)]
pub struct KvStore {
    pub authority: Pubkey,
    pub store_id: u32,
    pub bump: u8,
    /// Total number of slot writes performed (io_write + io_mixed).
    pub writes: u64,
    pub values: [u64; SLOTS],
}

impl KvStore {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}
