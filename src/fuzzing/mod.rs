//! The fuzz harnesses: one function per target of `fuzz/fuzz_targets/`, each taking
//! the fuzzer's bytes. Not part of the public API: built with the `fuzzing` feature (and
//! for the library's own tests), hidden from the docs.
//!
//! The same functions serve the coverage-guided fuzzer (`cargo fuzz run <target>`) and
//! the stable replay of every saved input (the `replay` tests, in `cargo test`), so that
//! a crash found once stays a test. A harness panics when it finds a bug: a parser that
//! panics, or an invariant that does not hold (a value that does not survive printing
//! and parsing again, a C call that answers without setting its last error…).

mod keys;
mod parsers;
#[cfg(test)]
mod replay;
mod responses;

pub use keys::pem_key;
pub use parsers::{caip, siwe};
pub use responses::{json_models, webhook};

/// The C ABI driven by a sequence of calls the input chooses: see [`crate::ffi`]'s
/// harness for the encoding.
pub fn ffi(data: &[u8]) {
    crate::ffi::fuzzing::run(data);
}

/// A harness: takes the fuzzer's bytes, panics on a bug.
pub type Harness = fn(&[u8]);

/// The fuzz targets, by name (the names of `fuzz/fuzz_targets/*.rs` and of the
/// directories of `fuzz/corpus/` and `tests/fuzz_regressions/`).
pub const TARGETS: [(&str, Harness); 6] = [
    ("siwe", siwe),
    ("caip", caip),
    ("pem_key", pem_key),
    ("json_models", json_models),
    ("webhook", webhook),
    ("ffi", ffi),
];

/// Text for the parsers that take `&str`: the bytes when they are UTF-8, else their
/// lossy form (Rust callers cannot pass anything else).
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}
