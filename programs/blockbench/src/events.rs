use anchor_lang::prelude::*;

#[event]
pub struct CpuHeavyDone {
    pub n: u32,
    pub checksum: u64,
    /// sha256 over the sorted values, each encoded as 8 little-endian bytes.
    pub digest: [u8; 32],
}

#[event]
pub struct StoreInitialized {
    pub store: Pubkey,
    pub authority: Pubkey,
    pub store_id: u32,
}

#[event]
pub struct IoWritten {
    pub store: Pubkey,
    pub start: u32,
    pub count: u32,
    /// checksum over the values written, in slot order.
    pub checksum: u64,
    /// `KvStore::writes` after this instruction.
    pub writes: u64,
}

#[event]
pub struct IoReadDone {
    pub store: Pubkey,
    pub start: u32,
    pub count: u32,
    /// checksum over the values read, in slot order.
    pub checksum: u64,
}

#[event]
pub struct IoMixedDone {
    pub store: Pubkey,
    pub start: u32,
    pub count: u32,
    /// checksum over the values as they were before the update.
    pub checksum_before: u64,
    /// checksum over the updated values.
    pub checksum_after: u64,
    pub writes: u64,
}

#[event]
pub struct StoreFunded {
    pub store: Pubkey,
    pub lamports: u64,
    /// store balance after the transfer.
    pub balance: u64,
}
