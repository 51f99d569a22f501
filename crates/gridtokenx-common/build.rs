//! Chooses the key compiled in as `BOOTSTRAP_AUTHORITY` (the only signer of every program's `initialize*`).
//!
//! `GTX_BOOTSTRAP_AUTHORITY` (base58), set by `gtx build --bootstrap-authority PUBKEY`, wins; without it the
//! public half of the committed localnet keypair `keys/bootstrap-authority-keypair.json` is used, so a plain
//! `cargo test` or host IDL build needs nothing set. A deployment to a real cluster builds with its own key
//! (docs/deployment.md); `gtx deploy` refuses programs built with the localnet one anywhere but on loopback.
use std::{env, fs, path::PathBuf};

const ENV: &str = "GTX_BOOTSTRAP_AUTHORITY";
const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

fn main() {
    println!("cargo:rerun-if-env-changed={ENV}");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let localnet = manifest.join("../../keys/bootstrap-authority-keypair.json");
    println!("cargo:rerun-if-changed={}", localnet.display());

    let expr = match env::var(ENV) {
        // Only base58 characters reach the generated source; `pubkey!` then checks it decodes to 32 bytes.
        Ok(key) if !key.is_empty() => {
            if key.len() > 44 || !key.chars().all(|c| BASE58.contains(c)) {
                panic!("{ENV}={key:?} is not a base58 public key");
            }
            format!("pubkey!(\"{key}\")")
        }
        _ => {
            // A Solana CLI keypair file is a JSON list of 64 bytes: the secret key, then the public key.
            let text =
                fs::read_to_string(&localnet).unwrap_or_else(|e| panic!("{}: {e} (or set {ENV})", localnet.display()));
            let bytes: Vec<u8> = text
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|b| b.trim().parse().unwrap_or_else(|_| panic!("{}: not a keypair file", localnet.display())))
                .collect();
            assert_eq!(bytes.len(), 64, "{}: a keypair file holds 64 bytes", localnet.display());
            format!("Pubkey::new_from_array({:?})", &bytes[32..])
        }
    };
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bootstrap_authority.rs");
    fs::write(out, format!("pub const BOOTSTRAP_AUTHORITY: Pubkey = {expr};\n")).expect("writing OUT_DIR");
}
