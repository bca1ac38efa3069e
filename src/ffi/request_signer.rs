//! Request signers: the P-384 key that signs every request, held outside the process
//! (a KMS, an HSM) behind the host's callback; and rotating the request-signing key.

use std::ffi::{c_char, c_void};
use std::panic::{self, AssertUnwindSafe};

use super::client::{build_client_with_key, offblocks_client, offblocks_observer_fn};
use super::error::{offblocks_result, Failure};
use super::handle::{self, Handle};
use super::{arg_handle, arg_opt_str, arg_out, arg_str, boundary, put_string};
use crate::{Error, Result, SigningKey};

/// The room `offblocks_request_sign_fn` gets for its answer: a DER ECDSA P-384
/// signature is at most 104 bytes (the raw `r‖s` form, 96).
pub const OFFBLOCKS_REQUEST_SIGNATURE_MAX: usize = 104;

/// The host's request-signing function, for a P-384 key this library never sees. It must
/// sign the `base_len` bytes at `base` (the RFC 9421 signature base, not a hash) with
/// ECDSA P-384 over SHA-384 — what `openssl dgst -sha384 -sign` and KMS `ECDSA_SHA_384`
/// do — write the signature to `out_signature` (room for `out_capacity` bytes,
/// `OFFBLOCKS_REQUEST_SIGNATURE_MAX`), either raw `r‖s` (96 bytes) or DER, store its
/// length in `*out_len`, and return 0. Any other return value means "failed": the call
/// being signed fails with `OFFBLOCKS_SIGNER` and nothing is sent.
///
/// Every answer is verified against the signer's public key before the request is
/// sent: a signature by another key, over other bytes, or of a bad length fails the call
/// with `OFFBLOCKS_SIGNER`. `base` and `out_signature` are valid only during the call;
/// `user_data` is the pointer given to `offblocks_request_signer_new`. The function is
/// called on the thread of the `offblocks_` call that sends the request, under no lock
/// of the library, possibly from many threads at once: it must be thread-safe. It may
/// block (a network call to the KMS); the call's deadline keeps running.
pub type offblocks_request_sign_fn = Option<
    unsafe extern "C-unwind" fn(
        user_data: *mut c_void,
        base: *const u8,
        base_len: usize,
        out_signature: *mut u8,
        out_capacity: usize,
        out_len: *mut usize,
    ) -> i32,
>;

/// Releases the `user_data` of a request signer, called once, when neither the signer
/// handle nor any client made with it uses it any more.
pub type offblocks_free_fn = Option<unsafe extern "C-unwind" fn(user_data: *mut c_void)>;

/// A P-384 request-signing key held outside the process (opaque), made by
/// `offblocks_request_signer_new`, released by `offblocks_request_signer_free`. Clients
/// made with it (`offblocks_client_new_with_request_signer`) keep what they need: the
/// handle may be freed first.
pub struct offblocks_request_signer {
    key: SigningKey,
}

impl Handle for offblocks_request_signer {
    const TAG: u64 = u64::from_be_bytes(*b"obreqsig");
    const NOUN: &'static str = "request_signer";
}

/// The host's function and its pointer.
struct HostRequestSigner {
    sign: unsafe extern "C-unwind" fn(
        *mut c_void,
        *const u8,
        usize,
        *mut u8,
        usize,
        *mut usize,
    ) -> i32,
    free: offblocks_free_fn,
    user_data: *mut c_void,
}

// SAFETY: `offblocks_request_signer_new` requires a function (with its `user_data`)
// callable from any thread; the library only ever passes `user_data` back to it.
unsafe impl Send for HostRequestSigner {}
// SAFETY: as for `Send`: the host promises a thread-safe function.
unsafe impl Sync for HostRequestSigner {}

impl crate::ExternalSigner for HostRequestSigner {
    fn sign_base(&self, base: &[u8]) -> Result<Vec<u8>> {
        let mut signature = [0u8; OFFBLOCKS_REQUEST_SIGNATURE_MAX];
        let mut len = usize::MAX;
        let called = panic::catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: the host's function, called as `offblocks_request_sign_fn`
            // documents: `base` readable for its length, `signature` writable for its
            // length and `len` for one usize, all for the duration of the call.
            unsafe {
                (self.sign)(
                    self.user_data,
                    base.as_ptr(),
                    base.len(),
                    signature.as_mut_ptr(),
                    signature.len(),
                    &mut len,
                )
            }
        }));
        match called {
            Ok(0) if len == 0 || len > signature.len() => Err(Error::Signer(format!(
                "the request-signing callback gave a length outside 1..={}",
                signature.len()
            ))),
            Ok(0) => Ok(signature[..len].to_vec()),
            Ok(code) => Err(Error::Signer(format!(
                "the request-signing callback failed (returned {code})"
            ))),
            Err(_) => Err(Error::Signer(
                "the request-signing callback panicked".into(),
            )),
        }
    }
}

impl Drop for HostRequestSigner {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            // A panic of the host's function is not let out of a drop.
            let _ = panic::catch_unwind(AssertUnwindSafe(|| {
                // SAFETY: called once, as `offblocks_free_fn` documents, with the
                // pointer the host gave.
                unsafe { free(self.user_data) }
            }));
        }
    }
}

/// Makes a request signer that calls the host's `sign` with `user_data` for every
/// request, for the P-384 public key `public_key_pem` (SPKI PEM, `BEGIN PUBLIC KEY`, the
/// one registered with OffBlocks; every signature is checked against it), and stores its
/// handle in `*out_signer`. `free_user_data` (may be NULL) is called with `user_data`
/// once nothing uses it any more: after `offblocks_request_signer_free` and the freeing
/// of every client made with it. `OFFBLOCKS_KEY` when the PEM is not a P-384 public key
/// (then `free_user_data` is not called).
///
/// # Safety
/// `public_key_pem` is NULL or NUL-terminated; `sign` is NULL or a function as
/// documented at `offblocks_request_sign_fn`; `free_user_data` is NULL or a function
/// as documented at `offblocks_free_fn`; `out_signer` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_request_signer_new(
    public_key_pem: *const c_char,
    sign: offblocks_request_sign_fn,
    user_data: *mut c_void,
    free_user_data: offblocks_free_fn,
    out_signer: *mut *mut offblocks_request_signer,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (pem, out) = unsafe {
            (
                arg_str(public_key_pem, "public_key_pem")?,
                arg_out(out_signer, "out_signer")?,
            )
        };
        let sign = sign.ok_or_else(|| Failure::null("sign"))?;
        // Checked before the host's pointer is taken, so that a refusal leaves it alone.
        SigningKey::external(pem, |_: &[u8]| Ok(Vec::new()))?;
        let host = HostRequestSigner {
            sign,
            free: free_user_data,
            user_data,
        };
        let key = SigningKey::external(pem, host)?;
        out.write(handle::into_raw(offblocks_request_signer { key }));
        Ok(())
    })
}

/// Releases a request signer. `offblocks_request_signer_free(NULL)` does nothing and
/// returns `OFFBLOCKS_OK`. Clients made with it keep working.
///
/// Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call using it
/// is in progress; `OFFBLOCKS_INVALID_HANDLE` for a handle freed already or of another
/// type.
///
/// # Safety
/// Any value is checked before use (see "Handles" in the preamble).
#[no_mangle]
pub unsafe extern "C" fn offblocks_request_signer_free(
    signer: *mut offblocks_request_signer,
) -> offblocks_result {
    handle::free(signer, "request_signer")
}

/// Stores the request signer's public key (SPKI PEM) in `*out_pem`.
///
/// # Safety
/// `signer` is a live handle or NULL; `out_pem` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_request_signer_public_pem(
    signer: *const offblocks_request_signer,
    out_pem: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (signer, out) = unsafe {
            (
                arg_handle(signer, "request_signer")?,
                arg_out(out_pem, "out_pem")?,
            )
        };
        put_string(out, signer.key.public_key_pem())
    })
}

/// As `offblocks_client_new_with_observer`, with every request signed by
/// `request_signer` instead of a key in memory: the configuration then holds neither
/// `signingKeyPem` nor `generateSigningKey` (`OFFBLOCKS_CONFIG` otherwise). `keyId`
/// names the key if it is registered already; else `offblocks_auth_register_signing_key`
/// registers its public key. `observer` may be NULL.
///
/// # Safety
/// As `offblocks_client_new_with_observer`; `request_signer` is a live handle or NULL.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_new_with_request_signer(
    config_json: *const c_char,
    request_signer: *const offblocks_request_signer,
    observer: offblocks_observer_fn,
    user_data: *mut c_void,
    out_client: *mut *mut offblocks_client,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (json, signer, out) = unsafe {
            (
                arg_str(config_json, "config_json")?,
                arg_handle(request_signer, "request_signer")?,
                arg_out(out_client, "out_client")?,
            )
        };
        let client = build_client_with_key(json, Some(signer.key.clone()), observer, user_data)?;
        out.write(handle::into_raw(offblocks_client { client }));
        Ok(())
    })
}

/// Replaces the client's request-signing key without a failed request, and stores the
/// new key id in `*out_key_id` (free it with `offblocks_string_free`). The new key is
/// `new_key_pem` (a P-384 private key, SEC1 or PKCS#8 PEM, e.g. from
/// `offblocks_signing_key_generate`) or `new_request_signer`: exactly one is non-NULL.
///
/// It registers the new key (`PUT /auth/signing`, signed with the current key), signs
/// every later request with it, then deletes the old key (`DELETE /auth/signing`, signed
/// with the old key). Calls on other threads keep working: one signed with the old key
/// and refused after the switch is signed again, once, with the new key.
/// `idempotency_key` (a UUID, for the registration) may be NULL.
///
/// `OFFBLOCKS_CONFIG` when the client has no key id yet (register first). A failed
/// registration leaves the client as it was; a failed deletion is returned too, but the
/// client then signs with the new key already (`offblocks_client_key_id`) and the old
/// key stays registered.
///
/// # Safety
/// `client` and `new_request_signer` are live handles or NULL; the strings are NULL or
/// NUL-terminated; `out_key_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_auth_rotate_signing_key(
    client: *const offblocks_client,
    new_key_pem: *const c_char,
    new_request_signer: *const offblocks_request_signer,
    idempotency_key: *const c_char,
    out_key_id: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, pem, key, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_opt_str(new_key_pem, "new_key_pem")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
                arg_out(out_key_id, "out_key_id")?,
            )
        };
        let new_key = match (pem, new_request_signer.is_null()) {
            (Some(pem), true) => SigningKey::from_pem(pem)?,
            (None, false) => arg_handle(new_request_signer, "new_request_signer")?
                .key
                .clone(),
            _ => {
                return Err(Failure::invalid(
                    "give exactly one of new_key_pem and new_request_signer".into(),
                ))
            }
        };
        let key_id = client
            .client
            .auth()
            .with_idempotency_key(key)
            .rotate_signing_key(new_key)?;
        put_string(out, key_id)
    })
}
