//! Meter signatures, shared by every program that accepts a meter's Ed25519 signature (oracle readings,
//! registry proof of possession): the canonical messages and the introspection of the Ed25519 precompile
//! instruction through the instructions sysvar. One implementation, so the rules cannot drift apart.
//!
//! The runtime verifies every Ed25519 precompile instruction of a transaction before any program runs, so
//! a transaction that reaches us with an Ed25519 instruction carries a valid signature over whatever that
//! instruction points at. What we must check is *what* it points at: exactly one signature, all three
//! offsets inside the precompile instruction's own data (instruction index `u16::MAX`; an index could
//! otherwise make it verify bytes of another instruction while we read different bytes), the public key
//! equal to the expected meter key, and the message equal to the canonical message of the operation being
//! performed. The sysvar is parsed in place (no `Instruction` allocation).
//!
//! Messages (every one starts with its own domain separator, so a signature for one purpose can never be
//! accepted for another):
//! * reading: `b"GTX-READING-v1" || meter_id (32) || produced u64 LE || consumed u64 LE || timestamp i64 LE`
//! * meter registration (proof of possession):
//!   `b"GTX-REGISTER-METER-v1" || registry_config (32) || owner (32) || meter_id (32) || capacity_w u64 LE`
//! * meter re-key (the new key proves possession):
//!   `b"GTX-REKEY-METER-v1" || registry_config (32) || owner (32) || meter_id (32) || current meter_pubkey (32)`
use anchor_lang::prelude::*;

/// `Ed25519SigVerify111111111111111111111111111` (solana_sdk_ids::ed25519_program::ID).
pub const ED25519_PROGRAM_ID: Pubkey = pubkey!("Ed25519SigVerify111111111111111111111111111");
/// `Sysvar1nstructions1111111111111111111111111` (solana_sdk_ids::sysvar::instructions::ID).
pub const INSTRUCTIONS_SYSVAR_ID: Pubkey = pubkey!("Sysvar1nstructions1111111111111111111111111");

/// Domain separator of the canonical reading message.
pub const READING_DOMAIN: &[u8; 14] = b"GTX-READING-v1";
/// `domain (14) || meter_id (32) || produced u64 LE || consumed u64 LE || timestamp i64 LE`.
pub const READING_MESSAGE_LEN: usize = 70;

/// Precompile layout: `u8 num_signatures, u8 padding`, then one 14-byte offsets record per signature.
const OFFSETS_START: usize = 2;
const OFFSETS_SIZE: usize = 14;
const SIGNATURE_LEN: usize = 64;
const PUBKEY_LEN: usize = 32;
/// "This instruction" as the instruction index of a precompile offset.
const OWN_INSTRUCTION: u16 = u16::MAX;

/// The canonical 70-byte message a meter signs for one reading.
pub fn reading_message(
    meter_id: &[u8; 32],
    energy_produced: u64,
    energy_consumed: u64,
    reading_timestamp: i64,
) -> [u8; READING_MESSAGE_LEN] {
    let mut m = [0u8; READING_MESSAGE_LEN];
    m[..14].copy_from_slice(READING_DOMAIN);
    m[14..46].copy_from_slice(meter_id);
    m[46..54].copy_from_slice(&energy_produced.to_le_bytes());
    m[54..62].copy_from_slice(&energy_consumed.to_le_bytes());
    m[62..70].copy_from_slice(&reading_timestamp.to_le_bytes());
    m
}

/// Domain separator of the registration proof-of-possession message.
pub const REGISTER_METER_DOMAIN: &[u8; 21] = b"GTX-REGISTER-METER-v1";
/// `domain (21) || registry_config (32) || owner (32) || meter_id (32) || capacity_w u64 LE`.
pub const REGISTER_METER_MESSAGE_LEN: usize = 125;
/// Domain separator of the re-key proof-of-possession message.
pub const REKEY_METER_DOMAIN: &[u8; 18] = b"GTX-REKEY-METER-v1";
/// `domain (18) || registry_config (32) || owner (32) || meter_id (32) || current meter_pubkey (32)`.
pub const REKEY_METER_MESSAGE_LEN: usize = 146;

/// What a meter key signs to be registered: the registry config address (a PDA of the registry program, so
/// the deployment is bound too), the owner and the meter id it is registered under, and its rated capacity.
/// A signature made for one owner, id, capacity or registry is useless for any other.
pub fn register_meter_message(
    registry_config: &Pubkey,
    owner: &Pubkey,
    meter_id: &[u8; 32],
    capacity_w: u64,
) -> [u8; REGISTER_METER_MESSAGE_LEN] {
    let mut m = [0u8; REGISTER_METER_MESSAGE_LEN];
    m[..21].copy_from_slice(REGISTER_METER_DOMAIN);
    m[21..53].copy_from_slice(registry_config.as_ref());
    m[53..85].copy_from_slice(owner.as_ref());
    m[85..117].copy_from_slice(meter_id);
    m[117..125].copy_from_slice(&capacity_w.to_le_bytes());
    m
}

/// What the new key signs to replace a meter's key. The current key is included so that a signature covers
/// exactly one transition and cannot be replayed after a later re-key.
pub fn rekey_meter_message(
    registry_config: &Pubkey,
    owner: &Pubkey,
    meter_id: &[u8; 32],
    current_meter_pubkey: &Pubkey,
) -> [u8; REKEY_METER_MESSAGE_LEN] {
    let mut m = [0u8; REKEY_METER_MESSAGE_LEN];
    m[..18].copy_from_slice(REKEY_METER_DOMAIN);
    m[18..50].copy_from_slice(registry_config.as_ref());
    m[50..82].copy_from_slice(owner.as_ref());
    m[82..114].copy_from_slice(meter_id);
    m[114..146].copy_from_slice(current_meter_pubkey.as_ref());
    m
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheckError {
    /// No instruction before the current one, or it is not an Ed25519 precompile instruction.
    Missing,
    /// Not exactly one signature, an offset into another instruction, or an offset out of bounds.
    Malformed,
    /// Signed by another key than the expected (meter) key.
    KeyMismatch,
    /// The signed bytes are not the expected canonical message.
    MessageMismatch,
}

fn read_u16(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

/// `(program_id, data)` of instruction `index` in the instructions sysvar data:
/// `u16 count, u16 offsets[count], instructions..., u16 current_index`; each instruction is
/// `u16 num_accounts, (u8 flags, [u8; 32] key) × num_accounts, [u8; 32] program_id, u16 data_len, data`.
fn instruction_at(sysvar: &[u8], index: u16) -> Option<(&[u8], &[u8])> {
    let count = read_u16(sysvar, 0)?;
    if index >= count {
        return None;
    }
    let start = usize::from(read_u16(sysvar, 2 + 2 * usize::from(index))?);
    let num_accounts = usize::from(read_u16(sysvar, start)?);
    let program_at = start + 2 + num_accounts * 33;
    let program_id = sysvar.get(program_at..program_at + 32)?;
    let data_len = usize::from(read_u16(sysvar, program_at + 32)?);
    let data_at = program_at + 34;
    let data = sysvar.get(data_at..data_at + data_len)?;
    Some((program_id, data))
}

/// Index of the executing instruction (the sysvar's last two bytes).
fn current_index(sysvar: &[u8]) -> Option<u16> {
    read_u16(sysvar, sysvar.len().checked_sub(2)?)
}

/// `data[offset..offset + len]` of the precompile data, if the record's instruction index is its own.
fn own_slice(data: &[u8], offset: u16, instruction_index: u16, len: usize) -> Option<&[u8]> {
    if instruction_index != OWN_INSTRUCTION {
        return None;
    }
    let start = usize::from(offset);
    data.get(start..start.checked_add(len)?)
}

/// Checks that the instruction just before the current one is an Ed25519 precompile instruction that
/// verified `expected_message` under `expected_pubkey` (see the module comment for every rule).
pub fn verify_preceding_ed25519(
    sysvar: &[u8],
    expected_pubkey: &[u8; 32],
    expected_message: &[u8],
) -> core::result::Result<(), SignatureCheckError> {
    use SignatureCheckError::*;
    let current = current_index(sysvar).ok_or(Missing)?;
    let previous = current.checked_sub(1).ok_or(Missing)?;
    let (program_id, data) = instruction_at(sysvar, previous).ok_or(Missing)?;
    if program_id != ED25519_PROGRAM_ID.as_ref() {
        return Err(Missing);
    }

    if data.len() < OFFSETS_START + OFFSETS_SIZE || data[0] != 1 {
        return Err(Malformed);
    }
    let field = |i: usize| read_u16(data, OFFSETS_START + 2 * i).ok_or(Malformed);
    let (sig_offset, sig_ix) = (field(0)?, field(1)?);
    let (key_offset, key_ix) = (field(2)?, field(3)?);
    let (msg_offset, msg_size, msg_ix) = (field(4)?, field(5)?, field(6)?);

    own_slice(data, sig_offset, sig_ix, SIGNATURE_LEN).ok_or(Malformed)?;
    let pubkey = own_slice(data, key_offset, key_ix, PUBKEY_LEN).ok_or(Malformed)?;
    let message = own_slice(data, msg_offset, msg_ix, usize::from(msg_size)).ok_or(Malformed)?;

    if pubkey != expected_pubkey.as_slice() {
        return Err(KeyMismatch);
    }
    if message != expected_message {
        return Err(MessageMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Precompile data with the usual layout: offsets, pubkey, signature, message.
    fn precompile_data(pubkey: &[u8; 32], message: &[u8], indices: [u16; 3]) -> Vec<u8> {
        let key_off = 16u16;
        let sig_off = key_off + 32;
        let msg_off = sig_off + 64;
        let mut d = vec![1u8, 0];
        for v in [sig_off, indices[0], key_off, indices[1], msg_off, message.len() as u16, indices[2]] {
            d.extend_from_slice(&v.to_le_bytes());
        }
        d.extend_from_slice(pubkey);
        d.extend_from_slice(&[7u8; 64]);
        d.extend_from_slice(message);
        d
    }

    /// Instructions sysvar data for `ixs` (program id, data), executing instruction `current`.
    fn sysvar(ixs: &[(Pubkey, Vec<u8>)], current: u16) -> Vec<u8> {
        let mut d = (ixs.len() as u16).to_le_bytes().to_vec();
        d.resize(2 + 2 * ixs.len(), 0);
        for (i, (program, data)) in ixs.iter().enumerate() {
            let at = d.len() as u16;
            d[2 + 2 * i..4 + 2 * i].copy_from_slice(&at.to_le_bytes());
            d.extend_from_slice(&1u16.to_le_bytes()); // one account
            d.push(0b11);
            d.extend_from_slice(&[9u8; 32]);
            d.extend_from_slice(program.as_ref());
            d.extend_from_slice(&(data.len() as u16).to_le_bytes());
            d.extend_from_slice(data);
        }
        d.extend_from_slice(&current.to_le_bytes());
        d
    }

    #[test]
    fn message_layout() {
        let m = reading_message(&[3u8; 32], 1, 2, -1);
        assert_eq!(&m[..14], b"GTX-READING-v1");
        assert_eq!(&m[14..46], &[3u8; 32]);
        assert_eq!(&m[46..54], &1u64.to_le_bytes());
        assert_eq!(&m[54..62], &2u64.to_le_bytes());
        assert_eq!(&m[62..], &[0xff; 8]);
    }

    #[test]
    fn key_message_layouts() {
        let (config, owner, key) =
            (Pubkey::new_from_array([1; 32]), Pubkey::new_from_array([2; 32]), Pubkey::new_from_array([4; 32]));
        let r = register_meter_message(&config, &owner, &[3u8; 32], 5_000);
        assert_eq!(&r[..21], b"GTX-REGISTER-METER-v1");
        assert_eq!((&r[21..53], &r[53..85], &r[85..117]), (&[1u8; 32][..], &[2u8; 32][..], &[3u8; 32][..]));
        assert_eq!(&r[117..], &5_000u64.to_le_bytes());
        let k = rekey_meter_message(&config, &owner, &[3u8; 32], &key);
        assert_eq!(&k[..18], b"GTX-REKEY-METER-v1");
        assert_eq!(
            (&k[18..50], &k[50..82], &k[82..114], &k[114..]),
            (&[1u8; 32][..], &[2u8; 32][..], &[3u8; 32][..], &[4u8; 32][..])
        );
    }

    #[test]
    fn verification_rules() {
        let key = [5u8; 32];
        let msg = reading_message(&[1u8; 32], 10, 20, 30);
        let own = [u16::MAX; 3];
        let good = precompile_data(&key, &msg, own);
        let other = Pubkey::new_from_array([4u8; 32]);
        let ok = sysvar(&[(ED25519_PROGRAM_ID, good.clone()), (other, vec![])], 1);
        assert_eq!(verify_preceding_ed25519(&ok, &key, &msg), Ok(()));
        assert_eq!(verify_preceding_ed25519(&ok, &[6u8; 32], &msg), Err(SignatureCheckError::KeyMismatch));
        let msg2 = reading_message(&[1u8; 32], 11, 20, 30);
        assert_eq!(verify_preceding_ed25519(&ok, &key, &msg2), Err(SignatureCheckError::MessageMismatch));
        // first instruction / not the precompile
        let first = sysvar(&[(other, vec![])], 0);
        assert_eq!(verify_preceding_ed25519(&first, &key, &msg), Err(SignatureCheckError::Missing));
        let wrong_prog = sysvar(&[(other, good.clone()), (other, vec![])], 1);
        assert_eq!(verify_preceding_ed25519(&wrong_prog, &key, &msg), Err(SignatureCheckError::Missing));
        // offsets into another instruction
        for i in 0..3 {
            let mut idx = own;
            idx[i] = 1;
            let sv = sysvar(&[(ED25519_PROGRAM_ID, precompile_data(&key, &msg, idx)), (other, vec![])], 1);
            assert_eq!(verify_preceding_ed25519(&sv, &key, &msg), Err(SignatureCheckError::Malformed));
        }
        // two signatures, truncated data, out-of-bounds message
        let mut two = good.clone();
        two[0] = 2;
        let mut truncated = good.clone();
        truncated.truncate(good.len() - 1);
        for bad in [two, truncated, vec![1u8, 0, 0]] {
            let sv = sysvar(&[(ED25519_PROGRAM_ID, bad), (other, vec![])], 1);
            assert_eq!(verify_preceding_ed25519(&sv, &key, &msg), Err(SignatureCheckError::Malformed));
        }
        // garbage sysvar
        assert_eq!(verify_preceding_ed25519(&[], &key, &msg), Err(SignatureCheckError::Missing));
        assert_eq!(verify_preceding_ed25519(&[5, 0, 1, 0], &key, &msg), Err(SignatureCheckError::Missing));
    }
}
