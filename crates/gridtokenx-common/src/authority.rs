//! Two-step authority transfer: the authority proposes, the new key accepts within 48 hours, either can be
//! cancelled by the authority. Every program's admin config embeds an `AuthorityState`.
use anchor_lang::prelude::*;

use crate::{CommonError, AUTHORITY_TRANSFER_TTL_SECONDS};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace)]
pub struct AuthorityState {
    pub authority: Pubkey,
    /// `Pubkey::default()` when no transfer is pending.
    pub pending_authority: Pubkey,
    /// Unix time after which the pending transfer can no longer be accepted.
    pub pending_expires_at: i64,
}

impl AuthorityState {
    pub fn new(authority: Pubkey) -> Self {
        Self { authority, pending_authority: Pubkey::default(), pending_expires_at: 0 }
    }

    pub fn require_authority(&self, signer: &Pubkey) -> Result<()> {
        require_keys_eq!(*signer, self.authority, CommonError::NotAuthority);
        Ok(())
    }

    pub fn propose(&mut self, signer: &Pubkey, new_authority: Pubkey, now: i64) -> Result<()> {
        self.require_authority(signer)?;
        require!(
            new_authority != self.authority && new_authority != Pubkey::default(),
            CommonError::InvalidNewAuthority
        );
        self.pending_authority = new_authority;
        self.pending_expires_at =
            now.checked_add(AUTHORITY_TRANSFER_TTL_SECONDS).ok_or(CommonError::TransferExpired)?;
        Ok(())
    }

    /// Returns the previous authority.
    pub fn accept(&mut self, signer: &Pubkey, now: i64) -> Result<Pubkey> {
        require!(self.pending_authority != Pubkey::default(), CommonError::NoPendingTransfer);
        require_keys_eq!(*signer, self.pending_authority, CommonError::NotPendingAuthority);
        require!(now <= self.pending_expires_at, CommonError::TransferExpired);
        let previous = self.authority;
        *self = Self::new(*signer);
        Ok(previous)
    }

    pub fn cancel(&mut self, signer: &Pubkey) -> Result<()> {
        self.require_authority(signer)?;
        require!(self.pending_authority != Pubkey::default(), CommonError::NoPendingTransfer);
        self.pending_authority = Pubkey::default();
        self.pending_expires_at = 0;
        Ok(())
    }
}
