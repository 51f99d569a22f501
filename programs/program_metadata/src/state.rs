//! Account layouts. Both kinds start with the same 96-byte header size; the data follows at offset 96.
//!
//! Metadata: discriminator u8 | program [32] | authority [32] (zero = none) | mutable u8 | canonical u8 |
//!           seed [16] | encoding u8 | compression u8 | format u8 | data_source u8 | data_length u32 LE | 5 padding
//! Buffer:   discriminator u8 | program [32] (zero = keypair buffer) | authority [32] | canonical u8 | seed [16] |
//!           14 padding

use solana_program_error::ProgramError;
use solana_pubkey::Pubkey;

use crate::error::MetadataError;

pub const HEADER_LEN: usize = 96;
pub const SEED_LEN: usize = 16;

pub const EMPTY: u8 = 0;
pub const BUFFER: u8 = 1;
pub const METADATA: u8 = 2;

pub const DISCRIMINATOR: usize = 0;
pub const PROGRAM: usize = 1;
pub const AUTHORITY: usize = 33;
// metadata header
pub const MUTABLE: usize = 65;
pub const CANONICAL: usize = 66;
pub const SEED: usize = 67;
pub const ENCODING: usize = 83;
pub const COMPRESSION: usize = 84;
pub const FORMAT: usize = 85;
pub const DATA_SOURCE: usize = 86;
pub const DATA_LENGTH: usize = 87;
// buffer header
pub const BUFFER_CANONICAL: usize = 65;
pub const BUFFER_SEED: usize = 66;

/// Size of the `external` data source's payload: address [32], offset u32, length u32 (zero = to the end).
pub const EXTERNAL_DATA_LEN: usize = 40;

const ENCODINGS: u8 = 4; // none, utf8, base58, base64
const COMPRESSIONS: u8 = 3; // none, gzip, zlib
const FORMATS: u8 = 4; // none, json, yaml, toml
pub const DATA_SOURCE_DIRECT: u8 = 0;
pub const DATA_SOURCE_URL: u8 = 1;
pub const DATA_SOURCE_EXTERNAL: u8 = 2;

pub fn pubkey_at(data: &[u8], offset: usize) -> Pubkey {
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&data[offset..offset + 32]);
    Pubkey::from(bytes)
}

/// The authority stored at `AUTHORITY`, None when zero.
pub fn stored_authority(data: &[u8]) -> Option<Pubkey> {
    let key = pubkey_at(data, AUTHORITY);
    (key != Pubkey::default()).then_some(key)
}

/// What an account of this program holds, read from its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Buffer,
    Metadata,
}

/// Canonical = managed by the program's upgrade authority; for that the header must name `program`.
pub fn is_canonical_for(data: &[u8], kind: Kind, program: &Pubkey) -> bool {
    let flag = match kind {
        Kind::Buffer => data[BUFFER_CANONICAL],
        Kind::Metadata => data[CANONICAL],
    };
    flag != 0 && pubkey_at(data, PROGRAM) == *program
}

/// A metadata account that may still be changed: discriminator Metadata and `mutable` set.
pub fn check_mutable_metadata(data: &[u8]) -> Result<(), ProgramError> {
    if data.len() < HEADER_LEN {
        return Err(ProgramError::InvalidArgument);
    }
    if data[DISCRIMINATOR] != METADATA {
        return Err(ProgramError::UninitializedAccount);
    }
    if data[MUTABLE] == 0 {
        return Err(MetadataError::ImmutableMetadataAccount.into());
    }
    Ok(())
}

/// encoding, compression and format bytes, each within its enumeration.
pub fn check_descriptors(encoding: u8, compression: u8, format: u8) -> Result<(), ProgramError> {
    if encoding >= ENCODINGS || compression >= COMPRESSIONS || format >= FORMATS {
        return Err(ProgramError::InvalidAccountData);
    }
    Ok(())
}

/// The data source byte and the length of the data it describes.
pub fn check_data_source(data_source: u8, length: usize) -> Result<(), ProgramError> {
    let fits = match data_source {
        DATA_SOURCE_DIRECT | DATA_SOURCE_URL => length > 0,
        DATA_SOURCE_EXTERNAL => length == EXTERNAL_DATA_LEN,
        _ => return Err(ProgramError::InvalidAccountData),
    };
    if fits {
        Ok(())
    } else {
        Err(MetadataError::InvalidDataLength.into())
    }
}
