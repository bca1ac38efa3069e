//! Response bodies (customers, accounts, webhooks, challenges, lists) and error bodies.
//! The harness, and its invariants, are `offblocks::fuzzing::json_models`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks::fuzzing::json_models(data));
