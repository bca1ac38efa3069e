//! A received message's signature and digest, as the webhook inbox checks them.
//! The harness, and its invariants, are `offblocks_fuzz::signed_message` (`harness/`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks_fuzz::signed_message(data));
