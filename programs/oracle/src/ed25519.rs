//! Meter signatures: the canonical reading message and the Ed25519-precompile check live in
//! `gridtokenx_common::ed25519` (one implementation, shared with the registry's proof of possession);
//! re-exported here so the oracle's paths stay `crate::ed25519::…`.
pub use gridtokenx_common::ed25519::*;
