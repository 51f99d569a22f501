//! The two system-program instructions a metadata or buffer account needs when it is created at a pre-funded
//! address: Allocate (space) and Assign (owner). Both must be signed by the account itself (a PDA signs with seeds).

use solana_account_info::AccountInfo;
use solana_cpi::invoke_signed;
use solana_instruction::{AccountMeta, Instruction};
use solana_program_error::ProgramResult;
use solana_pubkey::Pubkey;

const SYSTEM_PROGRAM: Pubkey = Pubkey::new_from_array([0; 32]);
// system instruction numbers (u32 LE)
const ASSIGN: u32 = 1;
const ALLOCATE: u32 = 8;

fn call(account: &AccountInfo, data: Vec<u8>, accounts: &[AccountInfo], seeds: &[&[u8]]) -> ProgramResult {
    let ix = Instruction::new_with_bytes(SYSTEM_PROGRAM, &data, vec![AccountMeta::new(*account.key, true)]);
    if seeds.is_empty() {
        invoke_signed(&ix, accounts, &[])
    } else {
        invoke_signed(&ix, accounts, &[seeds])
    }
}

pub fn allocate(account: &AccountInfo, space: usize, accounts: &[AccountInfo], seeds: &[&[u8]]) -> ProgramResult {
    let mut data = ALLOCATE.to_le_bytes().to_vec();
    data.extend_from_slice(&(space as u64).to_le_bytes());
    call(account, data, accounts, seeds)
}

pub fn assign(account: &AccountInfo, owner: &Pubkey, accounts: &[AccountInfo], seeds: &[&[u8]]) -> ProgramResult {
    let mut data = ASSIGN.to_le_bytes().to_vec();
    data.extend_from_slice(owner.as_ref());
    call(account, data, accounts, seeds)
}

/// Allocate `space` bytes and hand the account to `owner` (the account must be system-owned and empty).
pub fn create_in_place(
    account: &AccountInfo,
    space: usize,
    owner: &Pubkey,
    accounts: &[AccountInfo],
    seeds: &[&[u8]],
) -> ProgramResult {
    allocate(account, space, accounts, seeds)?;
    assign(account, owner, accounts, seeds)
}
