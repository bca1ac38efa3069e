//! The fuzz harnesses: one function per target of `fuzz_targets/`, each taking the
//! fuzzer's bytes. They use the SDK as its callers do, through the public Rust API and
//! the C ABI, plus `offblocks::__fuzz` (the `fuzzing` feature) for the few things no
//! caller can reach: how the client decodes a response, and how its error reaches C.
//!
//! The same functions serve the coverage-guided fuzzer (`cargo fuzz run <target>`, this
//! directory as the `offblocks_fuzz` library) and the stable replay of every saved input
//! (`tests/fuzz.rs` of the SDK includes this directory as a module), so that a crash
//! found once stays a test. A harness panics when it finds a bug: a parser that panics,
//! or an invariant that does not hold (a value that does not survive printing and
//! parsing again, a C call that answers without setting its last error…).
//!
//! Paths inside stay relative (`super::`), since the crate root differs between the two.
#![deny(unsafe_op_in_unsafe_fn)]

mod ffi;
mod keys;
mod parsers;
mod responses;
mod signatures;

pub use keys::pem_key;
pub use parsers::{caip, siwe};
pub use responses::{json_models, webhook};
pub use signatures::signed_message;

/// The C ABI driven by a sequence of calls the input chooses: see the `ffi` module for
/// the encoding.
pub fn ffi(data: &[u8]) {
    ffi::run(data);
}

/// A harness: takes the fuzzer's bytes, panics on a bug.
pub type Harness = fn(&[u8]);

/// The fuzz targets, by name (the names of `fuzz_targets/*.rs` and of the directories
/// of `corpus/` and the SDK's `tests/fuzz_regressions/`).
pub const TARGETS: [(&str, Harness); 7] = [
    ("siwe", siwe),
    ("caip", caip),
    ("pem_key", pem_key),
    ("json_models", json_models),
    ("webhook", webhook),
    ("ffi", ffi),
    ("signed_message", signed_message),
];

/// Text for the parsers that take `&str`: the bytes when they are UTF-8, else their
/// lossy form (Rust callers cannot pass anything else).
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}
