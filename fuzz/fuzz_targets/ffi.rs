//! The C ABI driven by a sequence of calls the input chooses.
//! The harness, and its invariants, are `offblocks::fuzzing::ffi`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| offblocks::fuzzing::ffi(data));
