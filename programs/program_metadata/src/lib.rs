//! The Program Metadata interface as a small native program: per-program metadata accounts (Anchor 1.x keeps the
//! IDL there under the seed "idl") written by the program's upgrade authority, plus buffers for data larger than a
//! transaction. Implemented from the published interface description (instruction numbers and layouts, the 96-byte
//! header, the PDA seeds, the error codes) so that clusters without that program (our local validator, LiteSVM) can
//! be loaded with this one at the same address, and the same client works against both.
//!
//! Accounts marked optional in the interface are "absent" when the program's own id is passed in their place.

pub mod authority;
pub mod error;
pub mod processor;
pub mod state;
mod system;

use solana_account_info::AccountInfo;
use solana_program_error::{ProgramError, ProgramResult};
use solana_pubkey::Pubkey;

#[cfg(not(feature = "no-entrypoint"))]
solana_program_entrypoint::entrypoint!(process_instruction);

/// Instruction numbers of the interface (the first byte of the instruction data).
pub mod instruction {
    pub const WRITE: u8 = 0;
    pub const INITIALIZE: u8 = 1;
    pub const SET_AUTHORITY: u8 = 2;
    pub const SET_DATA: u8 = 3;
    pub const SET_IMMUTABLE: u8 = 4;
    pub const TRIM: u8 = 5;
    pub const CLOSE: u8 = 6;
    pub const ALLOCATE: u8 = 7;
    pub const EXTEND: u8 = 8;
}

pub fn process_instruction(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let (tag, args) = data.split_first().ok_or(ProgramError::InvalidInstructionData)?;
    let ctx = processor::Context { program_id, accounts };
    match *tag {
        instruction::WRITE => ctx.write(args),
        instruction::INITIALIZE => ctx.initialize(args),
        instruction::SET_AUTHORITY => ctx.set_authority(args),
        instruction::SET_DATA => ctx.set_data(args),
        instruction::SET_IMMUTABLE => ctx.set_immutable(),
        instruction::TRIM => ctx.trim(),
        instruction::CLOSE => ctx.close(),
        instruction::ALLOCATE => ctx.allocate(args),
        instruction::EXTEND => ctx.extend(args),
        _ => Err(ProgramError::InvalidInstructionData),
    }
}
