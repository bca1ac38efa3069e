//! Response bodies (customers, accounts, webhooks, challenges, lists) and error bodies.
//! The harness, and its invariants, are `offblocks_fuzz::json_models` (`harness/`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks_fuzz::json_models(data));
