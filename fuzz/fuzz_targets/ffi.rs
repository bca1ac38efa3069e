//! The C ABI driven by a sequence of calls the input chooses.
//! The harness, and its invariants, are `offblocks_fuzz::ffi` (`harness/`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks_fuzz::ffi(data));
