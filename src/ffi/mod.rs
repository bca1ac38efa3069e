//! The C ABI: the only module of the crate allowed `unsafe`.
//!
//! Every exported function has the same four parts:
//!
//! 1. a panic boundary, `boundary`, that turns a panic into
//!    `OFFBLOCKS_PANIC` (a plain function taking a closure, not a
//!    macro, so rustfmt formats the bodies);
//! 2. each pointer checked and turned into a reference (`arg_handle`, `arg_str`,
//!    `arg_out`…), or the call fails with `OFFBLOCKS_NULL_ARGUMENT`,
//!    `OFFBLOCKS_INVALID_UTF8`, `OFFBLOCKS_INVALID_HANDLE`…;
//! 3. an ordinary safe Rust call doing the work;
//! 4. out-parameters written last, and only on success (`put_string`).
//!
//! The conventions a C caller relies on (result codes, ownership, threading) are written
//! once, in the preamble of `include/offblocks.h` (from `cbindgen.toml`). The header is
//! generated from this module by `tests/ffi_header.rs` (with cbindgen), which fails when the
//! committed copy differs and rewrites it with `OFFBLOCKS_WRITE_HEADER=1`.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
// C names: `offblocks_client`, `OFFBLOCKS_OK`.
#![allow(non_camel_case_types)]

// The order of these modules is the order of the header's sections.
mod error;

mod calls;
mod handle;
mod strings;

mod client;

mod auth;

mod signing_key;

mod customers;

mod simulator;

mod accounts;

mod webhooks;

mod inbox;

mod wallet;

mod siwe;

mod caip;

mod signer;

mod request_signer;

mod onboard;

pub use accounts::*;
pub use auth::*;
pub use caip::*;
pub use client::*;
pub use customers::*;
pub use error::*;
pub use inbox::*;
pub use onboard::*;
pub use request_signer::*;
pub use signer::*;
pub use signing_key::*;
pub use simulator::*;
pub use siwe::*;
pub use strings::*;
pub use wallet::*;
pub use webhooks::*;

use std::ffi::{c_char, CStr, CString};
use std::mem::MaybeUninit;
use std::panic::{self, AssertUnwindSafe};

use error::Failure;
pub(crate) use handle::arg_handle;

/// The panic boundary of every function returning an [`offblocks_result`]: runs `f`,
/// and leaves this thread's last error describing this call: cleared on success, else
/// the code and detail of its error (or panic).
pub(crate) fn boundary<F>(f: F) -> offblocks_result
where
    F: FnOnce() -> Result<(), Failure>,
{
    error::clear();
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    match outcome {
        Ok(Ok(())) => {
            // A callback may have made a failing call of its own meanwhile.
            error::clear();
            offblocks_result::OFFBLOCKS_OK
        }
        Ok(Err(failure)) => error::store(failure),
        Err(payload) => error::store(Failure::from_panic(payload.as_ref())),
    }
}

/// The panic boundary of the few functions that cannot fail (getters, `_free`): a panic
/// yields `fallback`. The last error is left as it is.
pub(crate) fn boundary_infallible<T, F: FnOnce() -> T>(fallback: T, f: F) -> T {
    panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Borrows a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid for the whole call.
pub(crate) unsafe fn arg_str<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL, and the caller guarantees a NUL-terminated string that stays
    // valid for the call.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str().map_err(|e| Failure::utf8(name, &e))
}

/// Borrows a string argument that may be NULL (meaning "not given").
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn arg_opt_str<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { arg_str(ptr, name) }.map(Some)
}

/// Borrows `len` bytes at `ptr`; `ptr` may be NULL only when `len` is 0.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes valid for the whole call.
pub(crate) unsafe fn arg_bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!("{name} is too long")));
    }
    // SAFETY: non-NULL, `len` fits in isize, and the caller guarantees `len` readable
    // bytes that are not mutated during the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Checks an out-parameter, to be written last with [`MaybeUninit::write`].
///
/// # Safety
/// `ptr` is NULL or valid for a write of one `T` (its current content is not read).
pub(crate) unsafe fn arg_out<'a, T>(
    ptr: *mut T,
    name: &'static str,
) -> Result<&'a mut MaybeUninit<T>, Failure> {
    // SAFETY: `MaybeUninit<T>` has `T`'s layout, and the caller guarantees `ptr` is NULL
    // or writable; NULL gives `None`.
    unsafe { ptr.cast::<MaybeUninit<T>>().as_mut() }.ok_or_else(|| Failure::null(name))
}

/// Writes `text` to a `char **` out-parameter as a library-owned string (freed with
/// [`offblocks_string_free`]). Fails without writing when `text` holds a NUL byte.
pub(crate) fn put_string(out: &mut MaybeUninit<*mut c_char>, text: String) -> Result<(), Failure> {
    let owned = CString::new(text).map_err(|_| Failure::decode("result holds a NUL byte"))?;
    out.write(owned.into_raw());
    Ok(())
}

/// Writes a secret (a PEM, a token) like [`put_string`], copied exactly once into a
/// buffer that has room for the NUL, so that no stray copy is left in freed memory.
pub(crate) fn put_secret(out: &mut MaybeUninit<*mut c_char>, secret: &str) -> Result<(), Failure> {
    let mut text = String::with_capacity(secret.len() + 1);
    text.push_str(secret);
    put_string(out, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_code_and_a_message() {
        let rc = boundary(|| panic!("boom"));
        assert_eq!(rc, offblocks_result::OFFBLOCKS_PANIC);
        assert_eq!(
            offblocks_last_error_code(),
            offblocks_result::OFFBLOCKS_PANIC
        );
        // SAFETY: the message is a valid string until the next call on this thread.
        let message = unsafe { CStr::from_ptr(offblocks_last_error_message()) };
        assert_eq!(message.to_str().unwrap(), "internal error (panic): boom");
        assert_eq!(boundary(|| Ok(())), offblocks_result::OFFBLOCKS_OK);
        assert_eq!(boundary_infallible(7, || panic!("again")), 7);
    }

    #[test]
    fn a_nested_failure_does_not_outlive_a_successful_outer_call() {
        // As when a signing callback makes a failing call of its own.
        let rc = boundary(|| {
            let inner = boundary(|| Err(Failure::null("x")));
            assert_eq!(inner, offblocks_result::OFFBLOCKS_NULL_ARGUMENT);
            Ok(())
        });
        assert_eq!(rc, offblocks_result::OFFBLOCKS_OK);
        assert_eq!(offblocks_last_error_code(), offblocks_result::OFFBLOCKS_OK);
    }

    #[test]
    fn byte_arguments_allow_null_only_when_empty() {
        // SAFETY: NULL with length 0 is never read; the slice points to 3 bytes.
        unsafe {
            assert_eq!(arg_bytes(std::ptr::null(), 0, "m").unwrap(), b"");
            assert!(arg_bytes(std::ptr::null(), 3, "m").is_err());
            assert_eq!(arg_bytes(b"abc".as_ptr(), 3, "m").unwrap(), b"abc");
        }
    }
}
