//! Library-owned strings, and the library's version.

use std::ffi::{c_char, CString};

use super::boundary_infallible;

/// Frees a string returned by this library (a JSON result, a key id, a PEM…). The bytes
/// are overwritten with zeros before the memory is released, since some results hold
/// secrets (a private key PEM, a bearer token).
///
/// `offblocks_string_free(NULL)` does nothing. Never pass a string this library did not
/// return, nor free one twice, nor release one with `free()`.
///
/// # Safety
/// `s` is NULL or a string returned by an `offblocks_` function and not freed yet.
#[no_mangle]
pub unsafe extern "C" fn offblocks_string_free(s: *mut c_char) {
    boundary_infallible((), || {
        if s.is_null() {
            return;
        }
        // SAFETY: the caller guarantees `s` came from `CString::into_raw` in this library
        // and has not been freed.
        let owned = unsafe { CString::from_raw(s) };
        let mut bytes = owned.into_bytes_with_nul();
        zeroize::Zeroize::zeroize(&mut bytes);
    })
}

/// The library's version, `"MAJOR.MINOR.PATCH"` (the same numbers as the
/// `OFFBLOCKS_VERSION_*` macros of the header this program was compiled against).
///
/// The string is static: never free it.
#[no_mangle]
pub extern "C" fn offblocks_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    boundary_infallible(VERSION.as_ptr().cast(), || VERSION.as_ptr().cast())
}
