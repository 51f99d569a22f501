use anchor_lang::prelude::*;

use super::{checksum, XorShift64};
use crate::{error::BlockbenchError, events::CpuHeavyDone, state::MAX_SORT};

/// BLOCKBENCH CPUHeavy: no state, pure computation.
#[derive(Accounts)]
pub struct CpuHeavy<'info> {
    pub signer: Signer<'info>,
}

/// Fills `n` u64s from xorshift64(`seed`), sorts them, folds a checksum over the sorted
/// values and hashes their little-endian bytes with the `sol_sha256` syscall.
pub fn handler(_ctx: Context<CpuHeavy>, n: u32, seed: u64) -> Result<()> {
    require!(n > 0, BlockbenchError::InvalidSize);
    require!(n <= MAX_SORT, BlockbenchError::SizeTooLarge);
    let len = usize::try_from(n).map_err(|_| BlockbenchError::SizeTooLarge)?;

    let mut rng = XorShift64::new(seed);
    let mut values: Vec<u64> = (0..len).map(|_| rng.next()).collect();
    values.sort_unstable();

    let checksum = checksum(&values);

    let byte_len = len.checked_mul(8).ok_or(BlockbenchError::ArithmeticOverflow)?;
    let mut bytes = Vec::with_capacity(byte_len);
    for v in &values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    // On target_os = "solana" this is the sol_sha256 syscall.
    let digest = solana_sha256_hasher::hashv(&[&bytes]).to_bytes();

    emit!(CpuHeavyDone { n, checksum, digest });
    Ok(())
}
