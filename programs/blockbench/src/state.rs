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

// ----------------------------------------------------------------------------- YCSB

/// PDA seed prefixes: table `[YCSB_TABLE_SEED, authority, table_id.to_le_bytes()]`,
/// record `[YCSB_RECORD_SEED, table, key.to_le_bytes()]`.
pub const YCSB_TABLE_SEED: &[u8] = b"ycsb_table";
pub const YCSB_RECORD_SEED: &[u8] = b"ycsb_record";

/// YCSB's default record: 10 fields of 100 bytes.
pub const YCSB_FIELD_COUNT: usize = 10;
pub const YCSB_FIELD_LEN: usize = 100;
pub const YCSB_RECORD_LEN: usize = YCSB_FIELD_COUNT * YCSB_FIELD_LEN;

/// Longest scan: the records travel as accounts, and a legacy transaction (1232 bytes) carries
/// about 30 account keys once the signature, fee payer, table and program ids are in.
pub const YCSB_MAX_SCAN: u8 = 25;

/// A YCSB "usertable": who may write it and how many records were inserted.
/// Only `ycsb_insert` writes it, so reads/updates/scans never contend on this account.
#[account]
#[derive(InitSpace)]
pub struct YcsbTable {
    pub authority: Pubkey,
    pub table_id: u32,
    pub bump: u8,
    pub records: u64,
}

impl YcsbTable {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

/// One YCSB record (key → PDA). Field `i` is `data[i*100 .. (i+1)*100]`.
#[account]
#[derive(InitSpace)]
pub struct YcsbRecord {
    pub table: Pubkey,
    pub key: u64,
    pub bump: u8,
    /// Number of writes since the insert (insert = 0).
    pub version: u64,
    pub data: [u8; YCSB_RECORD_LEN],
}

impl YcsbRecord {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

// ----------------------------------------------------------------------------- Smallbank

/// PDA seed prefixes: bank `[SMALLBANK_SEED, authority, bank_id.to_le_bytes()]`,
/// customer `[SMALLBANK_CUSTOMER_SEED, bank, customer_id.to_le_bytes()]`.
pub const SMALLBANK_SEED: &[u8] = b"smallbank";
pub const SMALLBANK_CUSTOMER_SEED: &[u8] = b"smallbank_customer";

/// Smallbank's overdraft penalty in `write_check` (Cahill et al.: "penalty of 1").
pub const OVERDRAFT_PENALTY: i64 = 1;

/// A Smallbank bank. Only account creation writes it (the sum of the opening balances, which the
/// conservation check starts from); the transactions touch customer accounts only.
#[account]
#[derive(InitSpace)]
pub struct SmallbankBank {
    pub authority: Pubkey,
    pub bank_id: u32,
    pub bump: u8,
    pub customers: u64,
    /// Sum of all opening balances (checking + savings).
    pub opening_total: i64,
}

impl SmallbankBank {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

/// A Smallbank customer: the Accounts, Checking and Savings rows of one customer id.
/// Balances are signed: `write_check` may overdraw checking, as in the Smallbank spec.
#[account]
#[derive(InitSpace)]
pub struct SmallbankCustomer {
    pub bank: Pubkey,
    pub owner: Pubkey,
    pub customer_id: u64,
    pub bump: u8,
    pub checking: i64,
    pub savings: i64,
}

impl SmallbankCustomer {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}
