//! P-384 request-signing keys (PEM, raw scalar) and secp256k1 wallet keys (hex, raw).
//! The harness, and its invariants, are `offblocks_fuzz::pem_key` (`harness/`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks_fuzz::pem_key(data));
