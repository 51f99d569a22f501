//! One module per instruction: the `#[derive(Accounts)]` struct and its `handler`.
//! `emergency_unpause` reuses `EmergencyControl` (emergency_pause.rs); `accept_authority_transfer` and
//! `cancel_authority_transfer` reuse `AuthorityTransfer` (propose_authority_transfer.rs).
// Every module exports `handler`; lib.rs calls them by path, the glob re-exports are for
// the Accounts structs (and the client modules Anchor generates next to them).
#![allow(ambiguous_glob_reexports)]

pub mod accept_authority_transfer;
pub mod cancel_authority_transfer;
pub mod emergency_pause;
pub mod emergency_unpause;
pub mod initialize_governance;
pub mod issue_erc;
pub mod propose_authority_transfer;
pub mod revoke_erc;
pub mod set_rec_authority;
pub mod sync_grx_freeze;
pub mod transfer_erc;
pub mod validate_erc_for_trading;

pub use accept_authority_transfer::*;
pub use emergency_pause::*;
pub use initialize_governance::*;
pub use issue_erc::*;
pub use propose_authority_transfer::*;
pub use revoke_erc::*;
pub use set_rec_authority::*;
pub use sync_grx_freeze::*;
pub use transfer_erc::*;
pub use validate_erc_for_trading::*;
