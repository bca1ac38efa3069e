//! EIP-4361 messages, base64 challenges and personal_sign signatures.
//! The harness, and its invariants, are `offblocks_fuzz::siwe` (`harness/`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks_fuzz::siwe(data));
