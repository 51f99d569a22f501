//! One module per instruction: the `#[derive(Accounts)]` struct and its `handler`.
//! Also the two deterministic helpers shared by the benchmarks (mirrored in Python by
//! `gridtokenx_cli.svm_lite` so tests can recompute every checksum).
// Every module exports `handler`; lib.rs calls them by path, the glob re-exports are for
// the Accounts structs (and the client modules Anchor generates next to them).
#![allow(ambiguous_glob_reexports)]

pub mod cpu_heavy;
pub mod do_nothing;
pub mod fund_store;
pub mod init_store;
pub mod io_mixed;
pub mod io_read;
pub mod io_write;
pub mod smallbank_amalgamate;
pub mod smallbank_balance;
pub mod smallbank_create_account;
pub mod smallbank_deposit_checking;
pub mod smallbank_init_bank;
pub mod smallbank_send_payment;
pub mod smallbank_transact_savings;
pub mod smallbank_write_check;
pub mod ycsb_init_table;
pub mod ycsb_insert;
pub mod ycsb_read;
pub mod ycsb_read_modify_write;
pub mod ycsb_scan;
pub mod ycsb_update;

pub use cpu_heavy::*;
pub use do_nothing::*;
pub use fund_store::*;
pub use init_store::*;
pub use io_mixed::*;
pub use io_read::*;
pub use io_write::*;
pub use smallbank_amalgamate::*;
pub use smallbank_balance::*;
pub use smallbank_create_account::*;
pub use smallbank_deposit_checking::*;
pub use smallbank_init_bank::*;
pub use smallbank_send_payment::*;
pub use smallbank_transact_savings::*;
pub use smallbank_write_check::*;
pub use ycsb_init_table::*;
pub use ycsb_insert::*;
pub use ycsb_read::*;
pub use ycsb_read_modify_write::*;
pub use ycsb_scan::*;
pub use ycsb_update::*;

use core::ops::Range;

use anchor_lang::prelude::*;

use crate::{
    error::BlockbenchError,
    state::{SLOTS, YCSB_FIELD_COUNT, YCSB_FIELD_LEN},
};

/// Replaces a zero seed (xorshift's fixed point).
pub const XORSHIFT_ZERO_SEED: u64 = 0x9E37_79B9_7F4A_7C15;
/// FNV-1a 64-bit offset basis / prime, applied per u64 word.
pub const CHECKSUM_INIT: u64 = 0xcbf2_9ce4_8422_2325;
pub const CHECKSUM_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Marsaglia xorshift64 (13, 7, 17).
pub struct XorShift64(u64);

impl XorShift64 {
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 { XORSHIFT_ZERO_SEED } else { seed })
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// FNV-1a over u64 words (modular arithmetic is intended here, hence `wrapping_mul`).
pub fn checksum(values: &[u64]) -> u64 {
    values.iter().fold(CHECKSUM_INIT, |acc, &v| (acc ^ v).wrapping_mul(CHECKSUM_PRIME))
}

/// Continues the FNV-1a `checksum` from `acc` over `bytes` read as little-endian u64 words
/// (a trailing partial word is zero-padded).
pub fn checksum_bytes(acc: u64, bytes: &[u8]) -> u64 {
    bytes.chunks(8).fold(acc, |acc, chunk| {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        (acc ^ u64::from_le_bytes(word)).wrapping_mul(CHECKSUM_PRIME)
    })
}

/// Fills `out` with the little-endian bytes of successive xorshift64(`seed`) outputs
/// (YCSB's random field values, expanded on-chain because 1000 bytes do not fit a transaction).
pub fn fill_from_seed(out: &mut [u8], seed: u64) {
    let mut rng = XorShift64::new(seed);
    for chunk in out.chunks_mut(8) {
        let word = rng.next().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

/// Validates `count > 0` and `start + count <= SLOTS` (checked) and returns the slot range.
pub fn slot_range(start: u32, count: u32) -> Result<Range<usize>> {
    require!(count > 0, BlockbenchError::ZeroCount);
    let end = start.checked_add(count).ok_or(BlockbenchError::RangeOutOfBounds)?;
    let end = usize::try_from(end).map_err(|_| BlockbenchError::RangeOutOfBounds)?;
    require!(end <= SLOTS, BlockbenchError::RangeOutOfBounds);
    // start < end <= SLOTS, so the conversion cannot fail.
    let start = usize::try_from(start).map_err(|_| BlockbenchError::RangeOutOfBounds)?;
    Ok(start..end)
}

/// Byte range of YCSB field `field` inside `YcsbRecord::data`.
pub fn field_range(field: u8) -> Result<Range<usize>> {
    let index = usize::from(field);
    require!(index < YCSB_FIELD_COUNT, BlockbenchError::InvalidField);
    // index < 10, so neither product can overflow
    Ok(index * YCSB_FIELD_LEN..(index + 1) * YCSB_FIELD_LEN)
}

/// Smallbank amounts: `amount > 0`, as a signed balance delta.
pub fn positive_amount(amount: u64) -> Result<i64> {
    require!(amount > 0, BlockbenchError::InvalidAmount);
    i64::try_from(amount).map_err(|_| error!(BlockbenchError::ArithmeticOverflow))
}

/// `writes + count`, checked.
pub fn add_writes(writes: u64, count: u32) -> Result<u64> {
    writes.checked_add(u64::from(count)).ok_or_else(|| error!(BlockbenchError::ArithmeticOverflow))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Same vectors as gridtokenx_cli.bench.blockbench_cu (the Python mirror used by the tests).
    #[test]
    fn xorshift_vectors() {
        let mut rng = XorShift64::new(1);
        assert_eq!([rng.next(), rng.next(), rng.next()], [0x4082_2041, 0x1000_4106_0c01_1441, 0x9b1e_842f_6e86_2629]);
        assert_eq!(XorShift64::new(0).next(), 0xdc1b_77ae_0bf3_4dad);
    }

    #[test]
    fn checksum_vectors() {
        assert_eq!(checksum(&[]), CHECKSUM_INIT);
        assert_eq!(checksum(&[1, 2, 3]), 0xd0aa_6218_672c_f5ab);
    }

    #[test]
    fn byte_helpers_match_word_checksum() {
        let mut bytes = [0u8; 24];
        fill_from_seed(&mut bytes, 1);
        let words: Vec<u64> = XorShift64::new(1).take3().to_vec();
        assert_eq!(checksum_bytes(CHECKSUM_INIT, &bytes), checksum(&words));
        assert_eq!(checksum_bytes(CHECKSUM_INIT, &[1]), checksum(&[1]));
    }

    impl XorShift64 {
        fn take3(&mut self) -> [u64; 3] {
            [self.next(), self.next(), self.next()]
        }
    }

    #[test]
    fn slot_range_bounds() {
        assert_eq!(slot_range(0, 64).unwrap(), 0..64);
        assert_eq!(slot_range(63, 1).unwrap(), 63..64);
        for (start, count) in [(0, 65), (64, 1), (60, 5), (u32::MAX, 1), (1, u32::MAX)] {
            assert_eq!(slot_range(start, count).unwrap_err(), BlockbenchError::RangeOutOfBounds.into());
        }
        assert_eq!(slot_range(0, 0).unwrap_err(), BlockbenchError::ZeroCount.into());
        assert_eq!(add_writes(u64::MAX, 1).unwrap_err(), BlockbenchError::ArithmeticOverflow.into());
    }
}
