//! The config account (Anchor, borsh) and the table accounts (raw little-endian rows, accessed in place).
//!
//! Every table is a PDA `[TABLE_SEED, [kind], w_id.to_le_bytes(), [d_id], chunk.to_le_bytes()]` whose first
//! `HEADER_LEN` bytes repeat its key: `MAGIC` (7 bytes), kind, w_id u16, d_id u8, bump u8, chunk u16, 2 pad.
//! `table()` checks owner, magic, kind and the PDA before any row is touched.
//! Mirrored in gridtokenx_cli/bench/workloads/tpc_common.py (offsets and sizes must agree).
use anchor_lang::prelude::*;

use crate::error::TpcError;

pub const CONFIG_SEED: &[u8] = b"tpc-config";
pub const TABLE_SEED: &[u8] = b"tpc";
pub const MAGIC: &[u8; 7] = b"GTX-TPC";
pub const HEADER_LEN: usize = 16;

// ---- table kinds ----
pub const K_WAREHOUSE: u8 = 1;
pub const K_DISTRICT: u8 = 2;
pub const K_CUSTOMER: u8 = 3;
pub const K_ITEM: u8 = 4;
pub const K_STOCK: u8 = 5;
pub const K_MARKET: u8 = 20;
pub const K_BROKERAGE: u8 = 21;
pub const K_TRADES: u8 = 22;
pub const K_LINEITEM: u8 = 30;

// ---- TPC-C limits ----
pub const DISTRICTS: u8 = 10;
pub const MAX_WAREHOUSES: u16 = 255; // order lines store the supply warehouse in one byte
pub const MAX_CUSTOMERS: u16 = 250; // customer table (rows + last-name index) stays under 10 KiB
pub const MAX_ITEMS: u32 = 65_535; // order lines store the item id in two bytes
pub const MAX_LINES: usize = 15;
pub const CHUNK_ROWS: u32 = 768; // items and stock rows per chunk account

// warehouse: tax u16 @16, ytd u64 @24, history_count u64 @32, history ring @40
pub const WH_TAX: usize = 16;
pub const WH_YTD: usize = 24;
pub const WH_HIST_COUNT: usize = 32;
pub const WH_HIST: usize = 40;
pub const HIST_RING: usize = 128;
/// history row: c_id u16, c_d_id u8, c_w_id u8, d_id u8, pad 3, amount u32, date i64 (+4 pad)
pub const HIST_LEN: usize = 24;

// district: tax u16 @16, ytd u64 @24, next_o_id u32 @32, no_head u32 @36 (oldest undelivered), orders @40
pub const D_TAX: usize = 16;
pub const D_YTD: usize = 24;
pub const D_NEXT_O_ID: usize = 32;
pub const D_NO_HEAD: usize = 36;
pub const D_ORDERS: usize = 40;
pub const ORDER_RING: u32 = 64;
/// order: o_id u32, c_id u16, ol_cnt u8, carrier u8, entry_d i64, delivery_d i64, 15 lines
pub const ORDER_LEN: usize = 144;
pub const O_ID: usize = 0;
pub const O_C_ID: usize = 4;
pub const O_OL_CNT: usize = 6;
pub const O_CARRIER: usize = 7;
pub const O_ENTRY_D: usize = 8;
pub const O_DELIVERY_D: usize = 16;
pub const O_LINES: usize = 24;
/// order line: i_id u16, supply_w_id u8, quantity u8, amount u32 (cents)
pub const LINE_LEN: usize = 8;

// customer table: rows @24 (CUST_LEN each), then the last-name index (count entries of last u16, c_id u16,
// sorted by last name then c_first; c_first is generated so that it sorts like c_id)
pub const C_ROWS: usize = 24;
pub const CUST_LEN: usize = 36;
pub const C_BALANCE: usize = 0; // i64 cents
pub const C_YTD_PAYMENT: usize = 8; // u64 cents
pub const C_PAYMENT_CNT: usize = 16; // u32
pub const C_DELIVERY_CNT: usize = 20; // u32
pub const C_LAST_O_ID: usize = 24; // u32, the customer's latest order (order-status)
pub const C_DISCOUNT: usize = 28; // u16, 1/10000
pub const C_LAST: usize = 30; // u16, last-name number 0..=999 (syllables)
pub const C_CREDIT: usize = 32; // u8, 1 = bad credit
pub const INDEX_ENTRY: usize = 4;

// item: price u32 cents, original u8 (i_data contains "ORIGINAL"), 3 pad
pub const ITEM_LEN: usize = 8;
// stock: quantity u16, order_cnt u16, remote_cnt u16, original u8, pad, ytd u32
pub const STOCK_LEN: usize = 12;
pub const S_QUANTITY: usize = 0;
pub const S_ORDER_CNT: usize = 2;
pub const S_REMOTE_CNT: usize = 4;
pub const S_ORIGINAL: usize = 6;
pub const S_YTD: usize = 8;

// ---- TPC-E ----
pub const SECURITIES: usize = 32;
/// security: price u32, open u32, num_out u32, pad, volume u64
pub const SEC_LEN: usize = 24;
pub const MK_ROWS: usize = 16;
pub const ACCOUNTS_PER_CHUNK: u16 = 64;
pub const ACCOUNTS_PER_CUSTOMER: u16 = 4;
/// brokerage account: cash i64 cents, holdings [i32; SECURITIES]
pub const ACCT_LEN: usize = 8 + 4 * SECURITIES;
// trades: next_t_id u64 @16, head u64 @24 (oldest pending), ring @32
pub const TR_NEXT: usize = 16;
pub const TR_HEAD: usize = 24;
pub const TR_RING_OFF: usize = 32;
pub const TRADE_RING: u64 = 256;
/// trade: t_id u32, acct u16, sec u8, is_buy u8, qty u32, order price u32, status u8 (1 done), pad 3, trade price u32
pub const TRADE_LEN: usize = 24;

// ---- TPC-H ----
// lineitem chunk: count u16 @16, rows @24
pub const LI_COUNT: usize = 16;
pub const LI_ROWS: usize = 24;
pub const LINEITEMS_PER_CHUNK: usize = 600;
/// lineitem: orderkey u32, quantity u8, discount u8 (%), tax u8 (%), returnflag u8, linestatus u8, pad,
/// shipdate u16 (days since 1992-01-01), extendedprice u32 cents
pub const LI_LEN: usize = 16;

/// Table body sizes by kind; the customer table depends on the scale.
pub fn table_len(kind: u8, customers: u16) -> Option<usize> {
    Some(match kind {
        K_WAREHOUSE => WH_HIST + HIST_RING * HIST_LEN,
        K_DISTRICT => D_ORDERS + ORDER_RING as usize * ORDER_LEN,
        K_CUSTOMER => C_ROWS + customers as usize * (CUST_LEN + INDEX_ENTRY),
        K_ITEM => HEADER_LEN + CHUNK_ROWS as usize * ITEM_LEN,
        K_STOCK => HEADER_LEN + CHUNK_ROWS as usize * STOCK_LEN,
        K_MARKET => MK_ROWS + SECURITIES * SEC_LEN,
        K_BROKERAGE => HEADER_LEN + ACCOUNTS_PER_CHUNK as usize * ACCT_LEN,
        K_TRADES => TR_RING_OFF + TRADE_RING as usize * TRADE_LEN,
        K_LINEITEM => LI_ROWS + LINEITEMS_PER_CHUNK * LI_LEN,
        _ => return None,
    })
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, InitSpace, PartialEq, Eq)]
pub struct Scale {
    pub warehouses: u16,
    pub customers_per_district: u16,
    pub items: u32,
    pub brokerage_accounts: u16,
    pub lineitem_chunks: u16,
}

#[account]
#[derive(InitSpace)]
pub struct TpcConfig {
    pub authority: Pubkey,
    pub scale: Scale,
    pub sealed: bool,
    pub bump: u8,
}

impl TpcConfig {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

/// Which table an account holds (its header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableKey {
    pub kind: u8,
    pub w_id: u16,
    pub d_id: u8,
    pub chunk: u16,
}

/// Checks that `info` is the tpc table of `kind` at its PDA and returns its key.
pub fn table(info: &AccountInfo, kind: u8) -> Result<TableKey> {
    require_keys_eq!(*info.owner, crate::ID, TpcError::InvalidTable);
    let data = info.try_borrow_data()?;
    require!(data.len() >= HEADER_LEN && &data[..7] == MAGIC && data[7] == kind, TpcError::InvalidTable);
    let key = TableKey { kind, w_id: rd_u16(&data, 8), d_id: data[10], chunk: rd_u16(&data, 12) };
    let bump = data[11];
    let pda = Pubkey::create_program_address(
        &[TABLE_SEED, &[kind], &key.w_id.to_le_bytes(), &[key.d_id], &key.chunk.to_le_bytes(), &[bump]],
        &crate::ID,
    )
    .map_err(|_| error!(TpcError::InvalidTable))?;
    require_keys_eq!(pda, *info.key, TpcError::InvalidTable);
    Ok(key)
}

/// `table()` plus the expected warehouse/district.
pub fn table_at(info: &AccountInfo, kind: u8, w_id: u16, d_id: u8) -> Result<TableKey> {
    let key = table(info, kind)?;
    require!(key.w_id == w_id && key.d_id == d_id, TpcError::InvalidTable);
    Ok(key)
}

/// Validates every remaining account as a table of `kind` and returns their keys, in order.
pub fn tables_of<'a>(infos: &'a [AccountInfo<'a>], kind: u8) -> Result<Vec<TableKey>> {
    infos.iter().map(|i| table(i, kind)).collect()
}

/// Position of the table with this key among `keys`.
pub fn find(keys: &[TableKey], w_id: u16, chunk: u16) -> Result<usize> {
    keys.iter().position(|k| k.w_id == w_id && k.chunk == chunk).ok_or_else(|| error!(TpcError::TableMissing))
}

// ---- little-endian field access (bounds are guaranteed by table_len and the callers' index checks) ----
pub fn rd_u16(d: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([d[o], d[o + 1]])
}
pub fn rd_u32(d: &[u8], o: usize) -> u32 {
    u32::from_le_bytes(d[o..o + 4].try_into().unwrap())
}
pub fn rd_i32(d: &[u8], o: usize) -> i32 {
    i32::from_le_bytes(d[o..o + 4].try_into().unwrap())
}
pub fn rd_u64(d: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(d[o..o + 8].try_into().unwrap())
}
pub fn rd_i64(d: &[u8], o: usize) -> i64 {
    i64::from_le_bytes(d[o..o + 8].try_into().unwrap())
}
pub fn wr_u16(d: &mut [u8], o: usize, v: u16) {
    d[o..o + 2].copy_from_slice(&v.to_le_bytes());
}
pub fn wr_u32(d: &mut [u8], o: usize, v: u32) {
    d[o..o + 4].copy_from_slice(&v.to_le_bytes());
}
pub fn wr_i32(d: &mut [u8], o: usize, v: i32) {
    d[o..o + 4].copy_from_slice(&v.to_le_bytes());
}
pub fn wr_u64(d: &mut [u8], o: usize, v: u64) {
    d[o..o + 8].copy_from_slice(&v.to_le_bytes());
}
pub fn wr_i64(d: &mut [u8], o: usize, v: i64) {
    d[o..o + 8].copy_from_slice(&v.to_le_bytes());
}

pub fn overflow() -> Error {
    error!(TpcError::ArithmeticOverflow)
}

/// Offset of customer `c_id` (1-based) in a customer table.
pub fn customer_row(c_id: u16) -> usize {
    C_ROWS + (c_id as usize - 1) * CUST_LEN
}

/// Offset of the order ring slot that holds `o_id`.
pub fn order_slot(o_id: u32) -> usize {
    D_ORDERS + (o_id % ORDER_RING) as usize * ORDER_LEN
}

/// TPC-C customer selection: by id, or by last name — the customer at position ceil(n/2) of those with that
/// last name, sorted by c_first (clause 2.5.2.2), found by binary search in the table's last-name index.
pub fn select_customer(data: &[u8], customers: u16, by_name: bool, c_id: u16, c_last: u16) -> Result<u16> {
    if !by_name {
        require!(c_id >= 1 && c_id <= customers, TpcError::CustomerNotFound);
        return Ok(c_id);
    }
    let index = C_ROWS + customers as usize * CUST_LEN;
    let entry = |i: usize| (rd_u16(data, index + i * INDEX_ENTRY), rd_u16(data, index + i * INDEX_ENTRY + 2));
    let n = customers as usize;
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if entry(mid).0 < c_last {
            lo = mid + 1
        } else {
            hi = mid
        }
    }
    let first = lo;
    let mut end = first;
    while end < n && entry(end).0 == c_last {
        end += 1;
    }
    let count = end - first;
    require!(count > 0, TpcError::CustomerNotFound);
    Ok(entry(first + count.div_ceil(2) - 1).1)
}
