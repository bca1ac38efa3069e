//! CAIP-2 chain ids, CAIP-10 account ids, EIP-55 addresses and base URLs.
//! The harness, and its invariants, are `offblocks::fuzzing::caip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks::fuzzing::caip(data));
