//! Webhook deliveries, parsed in Rust and through the C ABI.
//! The harness, and its invariants, are `offblocks::fuzzing::webhook`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks::fuzzing::webhook(data));
