//! CAIP-2 chain ids, CAIP-10 account ids, EIP-55 addresses and base URLs.
//! The harness, and its invariants, are `offblocks_fuzz::caip` (`harness/`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks_fuzz::caip(data));
