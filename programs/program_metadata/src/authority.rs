//! Who may manage a program's canonical metadata: the program's upgrade authority, read from its ProgramData
//! account (upgradeable loader), or the program's own key for programs of the older loaders.

use solana_account_info::AccountInfo;
use solana_program_error::ProgramError;
use solana_pubkey::Pubkey;

use crate::error::MetadataError;
use crate::state::{self, Kind};

/// BPFLoaderUpgradeab1e11111111111111111111111
pub const UPGRADEABLE_LOADER: Pubkey = Pubkey::new_from_array([
    2, 168, 246, 145, 78, 136, 161, 176, 226, 16, 21, 62, 247, 99, 174, 43, 0, 194, 185, 61, 22, 193, 36, 210, 192, 83,
    122, 16, 4, 128, 0, 0,
]);

// Upgradeable loader states are a u32 LE enum tag followed by the variant's fields.
const PROGRAM_TAG: u32 = 2; // Program { programdata_address }
const PROGRAM_DATA_TAG: u32 = 3; // ProgramData { slot u64, upgrade_authority Option<Pubkey> }
const PROGRAM_DATA_AUTHORITY_OPTION: usize = 4 + 8;

fn tag(data: &[u8]) -> Option<u32> {
    data.get(..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Whether `authority` is allowed to update `program`. `program_data` is absent when its key is `program_id`.
pub fn is_program_authority(
    program_id: &Pubkey,
    program: &AccountInfo,
    program_data: &AccountInfo,
    authority: &Pubkey,
) -> Result<bool, ProgramError> {
    if *program.owner != UPGRADEABLE_LOADER {
        // loaders v1/v2 have no upgrade authority: the program's own keypair stands for it
        return Ok(program.executable && program.key == authority);
    }
    if program_data.key == program_id {
        return Ok(false);
    }
    let named_program_data = {
        let data = program.try_borrow_data()?;
        if tag(&data) != Some(PROGRAM_TAG) || !program.executable || data.len() < 36 {
            return Err(MetadataError::InvalidProgramState.into());
        }
        state::pubkey_at(&data, 4)
    };
    if named_program_data != *program_data.key {
        return Err(MetadataError::InvalidProgramDataAccount.into());
    }
    let data = program_data.try_borrow_data()?;
    if tag(&data) != Some(PROGRAM_DATA_TAG)
        || program_data.executable
        || data.len() < PROGRAM_DATA_AUTHORITY_OPTION + 33
    {
        return Err(MetadataError::InvalidProgramState.into());
    }
    Ok(data[PROGRAM_DATA_AUTHORITY_OPTION] == 1
        && state::pubkey_at(&data, PROGRAM_DATA_AUTHORITY_OPTION + 1) == *authority)
}

/// `authority` signed and is either the authority stored in the account or, for a canonical account, the upgrade
/// authority of the program it belongs to.
pub fn check_authority(
    program_id: &Pubkey,
    data: &[u8],
    kind: Kind,
    authority: &AccountInfo,
    program: &AccountInfo,
    program_data: &AccountInfo,
) -> Result<(), ProgramError> {
    if !authority.is_signer {
        return Err(ProgramError::MissingRequiredSignature);
    }
    if state::stored_authority(data) == Some(*authority.key) {
        return Ok(());
    }
    if state::is_canonical_for(data, kind, program.key)
        && is_program_authority(program_id, program, program_data, authority.key)?
    {
        return Ok(());
    }
    Err(ProgramError::IncorrectAuthority)
}
