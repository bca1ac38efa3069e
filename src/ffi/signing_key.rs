//! The P-384 request-signing key: making one and reading its public half. Registering
//! and deleting it are calls of `/auth` (`ffi/auth.rs`).

use std::ffi::c_char;

use super::error::offblocks_result;
use super::{arg_out, arg_str, boundary, put_secret, put_string};
use crate::SigningKey;

/// Makes a new random P-384 request-signing key and stores it in `*out_pem` as PKCS#8
/// PEM. The PEM is a secret: store it safely; `offblocks_string_free` wipes it.
///
/// # Safety
/// `out_pem` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signing_key_generate(
    out_pem: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantee above.
        let out = unsafe { arg_out(out_pem, "out_pem")? };
        let key = SigningKey::generate()?;
        let pem = key.to_pkcs8_pem()?;
        put_secret(out, &pem)
    })
}

/// Stores in `*out_pem` the public half (SPKI PEM, `BEGIN PUBLIC KEY`) of the P-384
/// private key `private_pem` (SEC1 or PKCS#8 PEM). `OFFBLOCKS_KEY` when it is not one.
///
/// # Safety
/// `private_pem` is NULL or NUL-terminated; `out_pem` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signing_key_public_pem(
    private_pem: *const c_char,
    out_pem: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (pem, out) = unsafe {
            (
                arg_str(private_pem, "private_pem")?,
                arg_out(out_pem, "out_pem")?,
            )
        };
        let key = SigningKey::from_pem(pem)?;
        put_string(out, key.public_key_pem())
    })
}
