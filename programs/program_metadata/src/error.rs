//! The interface's own error codes (`Custom(n)`); every other failure is a standard `ProgramError`.

use solana_program_error::ProgramError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum MetadataError {
    /// The program account is not executable.
    NotExecutableAccount = 0,
    /// The program (or its program data) account is not in the upgradeable loader's layout.
    InvalidProgramState = 1,
    /// The program data account is not the one the program account names.
    InvalidProgramDataAccount = 2,
    /// The metadata account was made immutable.
    ImmutableMetadataAccount = 3,
    /// Direct and URL data must not be empty; external data is exactly 40 bytes.
    InvalidDataLength = 4,
}

impl From<MetadataError> for ProgramError {
    fn from(e: MetadataError) -> Self {
        ProgramError::Custom(e as u32)
    }
}
