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

// ----------------------------------------------------------------------------- YCSB
// Checksums are the FNV-1a `checksum` over the record bytes read as little-endian u64 words.

#[event]
pub struct YcsbTableInitialized {
    pub table: Pubkey,
    pub authority: Pubkey,
    pub table_id: u32,
}

#[event]
pub struct YcsbInserted {
    pub table: Pubkey,
    pub key: u64,
    pub checksum: u64,
    /// `YcsbTable::records` after this insert.
    pub records: u64,
}

#[event]
pub struct YcsbReadDone {
    pub key: u64,
    pub version: u64,
    pub checksum: u64,
}

#[event]
pub struct YcsbUpdated {
    pub key: u64,
    pub field: u8,
    pub version: u64,
    /// checksum over the whole record after the update.
    pub checksum: u64,
}

#[event]
pub struct YcsbScanned {
    pub start_key: u64,
    pub count: u8,
    /// checksum over the records' bytes, in key order.
    pub checksum: u64,
}

#[event]
pub struct YcsbReadModifyWriteDone {
    pub key: u64,
    pub field: u8,
    pub version: u64,
    pub checksum_before: u64,
    pub checksum_after: u64,
}

// ----------------------------------------------------------------------------- Smallbank

#[event]
pub struct SmallbankBankInitialized {
    pub bank: Pubkey,
    pub authority: Pubkey,
    pub bank_id: u32,
}

#[event]
pub struct SmallbankCustomerCreated {
    pub bank: Pubkey,
    pub customer_id: u64,
    pub owner: Pubkey,
    pub checking: i64,
    pub savings: i64,
}

#[event]
pub struct SmallbankBalanceDone {
    pub customer_id: u64,
    pub checking: i64,
    pub savings: i64,
    pub total: i64,
}

#[event]
pub struct SmallbankCheckingDeposited {
    pub customer_id: u64,
    pub amount: u64,
    pub checking: i64,
}

#[event]
pub struct SmallbankSavingsTransacted {
    pub customer_id: u64,
    pub amount: i64,
    pub savings: i64,
}

#[event]
pub struct SmallbankPaymentSent {
    pub from_customer_id: u64,
    pub to_customer_id: u64,
    pub amount: u64,
    pub from_checking: i64,
    pub to_checking: i64,
}

#[event]
pub struct SmallbankCheckWritten {
    pub customer_id: u64,
    pub amount: u64,
    /// OVERDRAFT_PENALTY when the check exceeded checking + savings, else 0.
    pub penalty: i64,
    pub checking: i64,
}

#[event]
pub struct SmallbankAmalgamated {
    pub from_customer_id: u64,
    pub to_customer_id: u64,
    /// checking + savings moved from the source into the destination's checking.
    pub amount: i64,
    pub to_checking: i64,
}
