//! One function per instruction. Account lists and argument layouts follow the interface; the comments say what
//! each check protects.

use solana_account_info::AccountInfo;
use solana_program_error::{ProgramError, ProgramResult};
use solana_pubkey::Pubkey;

use crate::authority::{check_authority, is_program_authority};
use crate::error::MetadataError;
use crate::state::{self, Kind, HEADER_LEN, SEED_LEN};
use crate::system;

pub struct Context<'a, 'info> {
    pub program_id: &'a Pubkey,
    pub accounts: &'a [AccountInfo<'info>],
}

/// The rent sysvar account's data: lamports per byte-year u64, exemption threshold f64, burn percent u8.
fn minimum_balance(rent_data: &[u8], data_len: usize) -> Result<u64, ProgramError> {
    const ACCOUNT_STORAGE_OVERHEAD: u64 = 128;
    if rent_data.len() < 17 {
        return Err(ProgramError::InvalidArgument);
    }
    let per_byte_year = u64::from_le_bytes(rent_data[0..8].try_into().unwrap());
    let threshold = f64::from_le_bytes(rent_data[8..16].try_into().unwrap());
    Ok((((ACCOUNT_STORAGE_OVERHEAD + data_len as u64) * per_byte_year) as f64 * threshold) as u64)
}

/// RENT: SysvarRent111111111111111111111111111111111
const RENT_SYSVAR: Pubkey = Pubkey::new_from_array([
    6, 167, 213, 23, 25, 44, 92, 81, 33, 140, 201, 76, 61, 74, 241, 127, 88, 218, 238, 8, 155, 161, 253, 68, 227, 219,
    217, 138, 0, 0, 0, 0,
]);

impl<'a, 'info> Context<'a, 'info> {
    fn take<const N: usize>(&self) -> Result<&'a [AccountInfo<'info>; N], ProgramError> {
        self.accounts.get(..N).and_then(|s| s.try_into().ok()).ok_or(ProgramError::NotEnoughAccountKeys)
    }

    fn absent(&self, account: &AccountInfo) -> bool {
        account.key == self.program_id
    }

    /// Resize `account` so that `length` bytes fit at `offset`; returns the end offset.
    fn grow_to(&self, account: &AccountInfo, offset: usize, length: usize) -> Result<usize, ProgramError> {
        let end = offset.checked_add(length).ok_or(ProgramError::InvalidInstructionData)?;
        if end > account.data_len() {
            account.resize(end)?;
        }
        Ok(end)
    }

    /// The data length of a buffer of this program used as a source of bytes.
    fn buffer_data_len(&self, buffer: &AccountInfo) -> Result<usize, ProgramError> {
        if buffer.owner != self.program_id {
            return Err(ProgramError::InvalidAccountOwner);
        }
        let data = buffer.try_borrow_data()?;
        if data.len() < HEADER_LEN || data[state::DISCRIMINATOR] != state::BUFFER {
            return Err(ProgramError::InvalidAccountData);
        }
        Ok(data.len() - HEADER_LEN)
    }

    /// The kind of a buffer or metadata account this program owns, checking who may manage it.
    fn managed_kind(
        &self,
        account: &AccountInfo,
        authority: &AccountInfo,
        program: &AccountInfo,
        program_data: &AccountInfo,
        empty_error: ProgramError,
    ) -> Result<Kind, ProgramError> {
        if account.owner != self.program_id {
            return Err(ProgramError::InvalidAccountOwner);
        }
        let data = account.try_borrow_data()?;
        let kind = match data.first() {
            None => return Err(empty_error),
            Some(&state::BUFFER) if data.len() >= HEADER_LEN => Kind::Buffer,
            Some(&state::METADATA) => {
                state::check_mutable_metadata(&data)?;
                Kind::Metadata
            }
            Some(_) => return Err(empty_error),
        };
        check_authority(self.program_id, &data, kind, authority, program, program_data)?;
        Ok(kind)
    }

    /// Write(offset u32, bytes): into a buffer at `offset` (after the header), from the instruction or from another
    /// buffer's data; grows the buffer (it must already hold the lamports for its new size).
    pub fn write(&self, args: &[u8]) -> ProgramResult {
        let [target, authority, source] = self.take::<3>()?;
        if args.len() < 4 {
            return Err(ProgramError::InvalidInstructionData);
        }
        let offset = HEADER_LEN + u32::from_le_bytes(args[..4].try_into().unwrap()) as usize;
        let inline = &args[4..];
        if !authority.is_signer {
            return Err(ProgramError::MissingRequiredSignature);
        }
        if target.owner != self.program_id {
            return Err(ProgramError::InvalidAccountOwner);
        }
        {
            let data = target.try_borrow_data()?;
            if data.len() < HEADER_LEN || data[state::DISCRIMINATOR] != state::BUFFER {
                return Err(ProgramError::InvalidAccountData);
            }
            // only the buffer's own authority writes: a canonical buffer's upgrade authority is stored there too
            if state::stored_authority(&data) != Some(*authority.key) {
                return Err(ProgramError::IncorrectAuthority);
            }
        }
        // Bytes are copied account to account, never through the heap (32 KiB; a buffer may be far larger).
        match (inline.is_empty(), self.absent(source)) {
            (false, true) => {
                let end = self.grow_to(target, offset, inline.len())?;
                target.try_borrow_mut_data()?[offset..end].copy_from_slice(inline);
            }
            (true, false) => {
                let length = self.buffer_data_len(source)?;
                if source.key == target.key {
                    return Err(ProgramError::InvalidAccountData);
                }
                let end = self.grow_to(target, offset, length)?;
                let from = source.try_borrow_data()?;
                target.try_borrow_mut_data()?[offset..end].copy_from_slice(&from[HEADER_LEN..]);
            }
            _ => return Err(ProgramError::InvalidInstructionData),
        }
        Ok(())
    }

    /// Initialize(seed [16], encoding, compression, format, data_source, data?): turns the PDA of (program, seed) —
    /// canonical, signed by the upgrade authority — or of (program, authority, seed) into a metadata account, either
    /// from the data in the instruction (the account is created here) or from a buffer already written at that
    /// address (no data in the instruction).
    pub fn initialize(&self, args: &[u8]) -> ProgramResult {
        const ARGS: usize = SEED_LEN + 4;
        if args.len() < ARGS {
            return Err(ProgramError::InvalidInstructionData);
        }
        let (fixed, inline) = args.split_at(ARGS);
        let seed = &fixed[..SEED_LEN];
        let [encoding, compression, format, data_source] = [fixed[16], fixed[17], fixed[18], fixed[19]];
        let [metadata, authority, program, program_data, _system] = self.take::<5>()?;
        if !authority.is_signer {
            return Err(ProgramError::MissingRequiredSignature);
        }
        let canonical = is_program_authority(self.program_id, program, program_data, authority.key)?;
        let (expected, bump) = if canonical {
            Pubkey::find_program_address(&[program.key.as_ref(), seed], self.program_id)
        } else {
            Pubkey::find_program_address(&[program.key.as_ref(), authority.key.as_ref(), seed], self.program_id)
        };
        if *metadata.key != expected {
            return Err(ProgramError::InvalidSeeds);
        }
        state::check_descriptors(encoding, compression, format)?;
        let discriminator = metadata.try_borrow_data()?.first().copied();
        let data_length = match discriminator {
            None => {
                if inline.is_empty() {
                    return Err(ProgramError::InvalidInstructionData);
                }
                state::check_data_source(data_source, inline.len())?;
                let bump = [bump];
                let canonical_seeds: [&[u8]; 3] = [program.key.as_ref(), seed, &bump];
                let third_party_seeds: [&[u8]; 4] = [program.key.as_ref(), authority.key.as_ref(), seed, &bump];
                let seeds: &[&[u8]] = if canonical { &canonical_seeds } else { &third_party_seeds };
                system::create_in_place(metadata, HEADER_LEN + inline.len(), self.program_id, self.accounts, seeds)?;
                metadata.try_borrow_mut_data()?[HEADER_LEN..].copy_from_slice(inline);
                inline.len()
            }
            Some(state::BUFFER) => {
                if !inline.is_empty() {
                    return Err(ProgramError::InvalidInstructionData);
                }
                if metadata.owner != self.program_id {
                    return Err(ProgramError::InvalidAccountOwner);
                }
                let length = metadata.data_len().checked_sub(HEADER_LEN).ok_or(ProgramError::InvalidAccountData)?;
                state::check_data_source(data_source, length)?;
                length
            }
            Some(state::METADATA) => return Err(ProgramError::AccountAlreadyInitialized),
            Some(_) => return Err(ProgramError::InvalidAccountData),
        };
        if metadata.lamports() == 0 {
            return Err(ProgramError::AccountNotRentExempt);
        }
        let mut data = metadata.try_borrow_mut_data()?;
        let header = &mut data[..HEADER_LEN];
        header.fill(0);
        header[state::DISCRIMINATOR] = state::METADATA;
        header[state::PROGRAM..state::PROGRAM + 32].copy_from_slice(program.key.as_ref());
        if !canonical {
            // a canonical account has no stored authority: whoever holds the upgrade authority manages it
            header[state::AUTHORITY..state::AUTHORITY + 32].copy_from_slice(authority.key.as_ref());
        }
        header[state::MUTABLE] = 1;
        header[state::CANONICAL] = canonical as u8;
        header[state::SEED..state::SEED + SEED_LEN].copy_from_slice(seed);
        header[state::ENCODING] = encoding;
        header[state::COMPRESSION] = compression;
        header[state::FORMAT] = format;
        header[state::DATA_SOURCE] = data_source;
        header[state::DATA_LENGTH..state::DATA_LENGTH + 4].copy_from_slice(&(data_length as u32).to_le_bytes());
        Ok(())
    }

    /// SetAuthority(option u8, new authority [32]?): a buffer's authority can be changed, never removed; a canonical
    /// metadata account's authority can be set or removed (the upgrade authority keeps control either way); a
    /// non-canonical one's cannot change (its address derives from it).
    pub fn set_authority(&self, args: &[u8]) -> ProgramResult {
        let (&has_new, rest) = args.split_first().ok_or(ProgramError::InvalidInstructionData)?;
        let [account, authority, program, program_data] = self.take::<4>()?;
        if !authority.is_signer {
            return Err(ProgramError::MissingRequiredSignature);
        }
        if account.owner != self.program_id {
            return Err(ProgramError::InvalidAccountOwner);
        }
        let new_authority = || -> Result<Pubkey, ProgramError> {
            let key: [u8; 32] = rest.try_into().map_err(|_| ProgramError::InvalidInstructionData)?;
            if key == [0; 32] {
                return Err(ProgramError::InvalidArgument);
            }
            Ok(Pubkey::from(key))
        };
        let kind = match account.try_borrow_data()?.first() {
            Some(&state::BUFFER) => Kind::Buffer,
            Some(&state::METADATA) => Kind::Metadata,
            _ => return Err(ProgramError::InvalidAccountData),
        };
        let stored = match kind {
            Kind::Buffer => {
                check_authority(self.program_id, &account.try_borrow_data()?, kind, authority, program, program_data)?;
                if has_new == 0 {
                    return Err(ProgramError::InvalidArgument);
                }
                new_authority()?
            }
            Kind::Metadata => {
                {
                    let data = account.try_borrow_data()?;
                    if data.len() < HEADER_LEN || data[state::CANONICAL] == 0 {
                        return Err(ProgramError::InvalidAccountData);
                    }
                    state::check_mutable_metadata(&data)?;
                    check_authority(self.program_id, &data, kind, authority, program, program_data)?;
                }
                if has_new == 0 {
                    Pubkey::default()
                } else {
                    new_authority()?
                }
            }
        };
        account.try_borrow_mut_data()?[state::AUTHORITY..state::AUTHORITY + 32].copy_from_slice(stored.as_ref());
        Ok(())
    }

    /// SetData(encoding, compression, format, [data_source, data?]): new descriptors, and new data from the
    /// instruction or from a buffer (resizing the account; growth beyond 10 KiB needs Extend first).
    pub fn set_data(&self, args: &[u8]) -> ProgramResult {
        if args.len() < 3 {
            return Err(ProgramError::InvalidInstructionData);
        }
        let [metadata, authority, buffer, program, program_data] = self.take::<5>()?;
        if metadata.owner != self.program_id {
            return Err(ProgramError::InvalidAccountOwner);
        }
        {
            let data = metadata.try_borrow_data()?;
            state::check_mutable_metadata(&data)?;
            check_authority(self.program_id, &data, Kind::Metadata, authority, program, program_data)?;
        }
        let (encoding, compression, format) = (args[0], args[1], args[2]);
        state::check_descriptors(encoding, compression, format).map_err(|_| ProgramError::InvalidInstructionData)?;
        let invalid_args = |e: ProgramError| match e {
            ProgramError::InvalidAccountData => ProgramError::InvalidInstructionData,
            other => other,
        };
        match (args.get(3), args.len() > 4, self.absent(buffer)) {
            (Some(&source), true, true) => {
                let bytes = &args[4..];
                state::check_data_source(source, bytes.len()).map_err(invalid_args)?;
                metadata.resize(HEADER_LEN + bytes.len())?;
                metadata.try_borrow_mut_data()?[HEADER_LEN..].copy_from_slice(bytes);
                Self::record_data(metadata, source, bytes.len())?;
            }
            (Some(&source), false, false) => {
                let length = self.buffer_data_len(buffer)?;
                state::check_data_source(source, length).map_err(invalid_args)?;
                metadata.resize(HEADER_LEN + length)?;
                let from = buffer.try_borrow_data()?;
                metadata.try_borrow_mut_data()?[HEADER_LEN..].copy_from_slice(&from[HEADER_LEN..]);
                drop(from);
                Self::record_data(metadata, source, length)?;
            }
            (None, _, true) => {}
            _ => return Err(ProgramError::InvalidInstructionData),
        }
        let mut data = metadata.try_borrow_mut_data()?;
        data[state::ENCODING] = encoding;
        data[state::COMPRESSION] = compression;
        data[state::FORMAT] = format;
        Ok(())
    }

    fn record_data(metadata: &AccountInfo, source: u8, length: usize) -> ProgramResult {
        let mut data = metadata.try_borrow_mut_data()?;
        data[state::DATA_SOURCE] = source;
        data[state::DATA_LENGTH..state::DATA_LENGTH + 4].copy_from_slice(&(length as u32).to_le_bytes());
        Ok(())
    }

    /// SetImmutable: no further change to the metadata account, by anyone.
    pub fn set_immutable(&self) -> ProgramResult {
        let [metadata, authority, program, program_data] = self.take::<4>()?;
        if metadata.owner != self.program_id {
            return Err(ProgramError::InvalidAccountOwner);
        }
        {
            let data = metadata.try_borrow_data()?;
            state::check_mutable_metadata(&data)?;
            check_authority(self.program_id, &data, Kind::Metadata, authority, program, program_data)?;
        }
        metadata.try_borrow_mut_data()?[state::MUTABLE] = 0;
        Ok(())
    }

    /// Trim: shrink to header + data length (metadata) and send the lamports above rent exemption to `destination`.
    pub fn trim(&self) -> ProgramResult {
        let [account, authority, program, program_data, destination, rent] = self.take::<6>()?;
        let kind = self.managed_kind(account, authority, program, program_data, ProgramError::UninitializedAccount)?;
        if *rent.key != RENT_SYSVAR {
            return Err(ProgramError::InvalidArgument);
        }
        let length = match kind {
            Kind::Buffer => account.data_len(),
            Kind::Metadata => {
                let data = account.try_borrow_data()?;
                HEADER_LEN
                    + u32::from_le_bytes(data[state::DATA_LENGTH..state::DATA_LENGTH + 4].try_into().unwrap()) as usize
            }
        };
        let minimum = minimum_balance(&rent.try_borrow_data()?, length)?;
        account.resize(length)?;
        let excess = account.lamports().checked_sub(minimum).ok_or(ProgramError::AccountNotRentExempt)?;
        let credited = destination.lamports().checked_add(excess).ok_or(ProgramError::ArithmeticOverflow)?;
        **destination.try_borrow_mut_lamports()? = credited;
        **account.try_borrow_mut_lamports()? = minimum;
        Ok(())
    }

    /// Close: all lamports to `destination`; the account is emptied and handed back to the system program.
    pub fn close(&self) -> ProgramResult {
        let [account, authority, program, program_data, destination] = self.take::<5>()?;
        if account.data_is_empty() {
            return Err(ProgramError::UninitializedAccount);
        }
        self.managed_kind(account, authority, program, program_data, ProgramError::InvalidAccountData)?;
        if destination.key == account.key {
            return Err(ProgramError::InvalidArgument);
        }
        let credited =
            destination.lamports().checked_add(account.lamports()).ok_or(ProgramError::ArithmeticOverflow)?;
        **destination.try_borrow_mut_lamports()? = credited;
        **account.try_borrow_mut_lamports()? = 0;
        account.resize(0)?;
        account.assign(&Pubkey::default());
        Ok(())
    }

    /// Allocate(seed [16]?): a buffer at a pre-funded address — a keypair (the buffer signs as its own authority,
    /// no seed) or the metadata PDA of (program, seed) / (program, authority, seed) — ready for Write.
    pub fn allocate(&self, args: &[u8]) -> ProgramResult {
        let [buffer, authority, program, program_data, _system] = self.take::<5>()?;
        if !authority.is_signer {
            return Err(ProgramError::MissingRequiredSignature);
        }
        let keypair_buffer = buffer.key == authority.key;
        let mut bump = [0u8];
        let mut canonical = false;
        if keypair_buffer {
            if !args.is_empty() {
                return Err(ProgramError::InvalidInstructionData);
            }
        } else {
            if args.len() != SEED_LEN {
                return Err(ProgramError::InvalidInstructionData);
            }
            if !program.executable {
                return Err(MetadataError::NotExecutableAccount.into());
            }
            canonical = is_program_authority(self.program_id, program, program_data, authority.key)?;
            let (expected, found_bump) = if canonical {
                Pubkey::find_program_address(&[program.key.as_ref(), args], self.program_id)
            } else {
                Pubkey::find_program_address(&[program.key.as_ref(), authority.key.as_ref(), args], self.program_id)
            };
            if *buffer.key != expected {
                return Err(ProgramError::InvalidSeeds);
            }
            bump[0] = found_bump;
        }
        let canonical_seeds: [&[u8]; 3] = [program.key.as_ref(), args, &bump];
        let third_party_seeds: [&[u8]; 4] = [program.key.as_ref(), authority.key.as_ref(), args, &bump];
        let seeds: &[&[u8]] = match (keypair_buffer, canonical) {
            (true, _) => &[],
            (false, true) => &canonical_seeds,
            (false, false) => &third_party_seeds,
        };
        match buffer.data_len() {
            0 => system::create_in_place(buffer, HEADER_LEN, self.program_id, self.accounts, seeds)?,
            n if n >= HEADER_LEN => {
                if buffer.owner != self.program_id {
                    // a zeroed account someone created with the space already: only the owner changes
                    system::assign(buffer, self.program_id, self.accounts, seeds)?;
                } else if buffer.try_borrow_data()?[state::DISCRIMINATOR] != state::EMPTY {
                    return Err(ProgramError::AccountAlreadyInitialized);
                }
            }
            _ => return Err(ProgramError::InvalidAccountData),
        }
        if buffer.lamports() == 0 {
            return Err(ProgramError::AccountNotRentExempt);
        }
        let mut data = buffer.try_borrow_mut_data()?;
        let header = &mut data[..HEADER_LEN];
        header.fill(0);
        header[state::DISCRIMINATOR] = state::BUFFER;
        header[state::AUTHORITY..state::AUTHORITY + 32].copy_from_slice(authority.key.as_ref());
        if !keypair_buffer {
            header[state::PROGRAM..state::PROGRAM + 32].copy_from_slice(program.key.as_ref());
            header[state::BUFFER_CANONICAL] = canonical as u8;
            header[state::BUFFER_SEED..state::BUFFER_SEED + SEED_LEN].copy_from_slice(args);
        }
        Ok(())
    }

    /// Extend(length u16): grow a buffer or metadata account (pre-funded) so that Write/SetData can fill it in
    /// pieces larger than the 10 KiB one instruction may add.
    pub fn extend(&self, args: &[u8]) -> ProgramResult {
        let length: [u8; 2] = args.try_into().map_err(|_| ProgramError::InvalidInstructionData)?;
        let [account, authority, program, program_data] = self.take::<4>()?;
        self.managed_kind(account, authority, program, program_data, ProgramError::InvalidAccountData)?;
        account.resize(account.data_len() + u16::from_le_bytes(length) as usize)
    }
}
