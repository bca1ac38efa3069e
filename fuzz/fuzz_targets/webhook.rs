//! Webhook deliveries, parsed in Rust and through the C ABI.
//! The harness, and its invariants, are `offblocks_fuzz::webhook` (`harness/`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks_fuzz::webhook(data));
