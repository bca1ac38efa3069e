//! Signers: who signs challenges, a wallet of this library or the host's own callback.

use std::ffi::{c_char, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use super::error::offblocks_result;
use super::handle::{self, Handle};
use super::wallet::offblocks_wallet;
use super::{arg_handle, arg_out, arg_str, boundary, put_string};
use crate::wallet::{Address, PersonalSignature, Signer};
use crate::{Error, Result};

/// The host's signing function, for keys this library never sees (a wallet app, a
/// secure enclave, a KMS). It must sign the `message_len` bytes at `message` with
/// EIP-191 `personal_sign` (the bytes themselves: it adds the Ethereum prefix and hashes
/// them) and write the 65-byte signature `r‖s‖v` (`v` = 27 or 28, or 0 or 1) to
/// `out_signature`, then return 0. Any other return value means "failed", and the call
/// using the signer fails with `OFFBLOCKS_SIGNER`.
///
/// `message` is valid only during the call. `user_data` is the pointer given to
/// `offblocks_signer_new`. The function is called on the thread of the `offblocks_`
/// call that needs a signature, before that call returns; if one signer is used by
/// several threads at once, the function must be thread-safe. Every signature is checked
/// (recovered to the signer's address) before it is sent anywhere.
pub type offblocks_sign_fn = Option<
    unsafe extern "C-unwind" fn(
        user_data: *mut c_void,
        message: *const u8,
        message_len: usize,
        out_signature: *mut u8,
    ) -> i32,
>;

/// Someone who signs challenges (opaque): a wallet of this library
/// (`offblocks_signer_from_wallet`) or the host's own signing function
/// (`offblocks_signer_new`). Released by `offblocks_signer_free`.
pub struct offblocks_signer {
    pub(crate) signer: Arc<dyn Signer>,
}

impl Handle for offblocks_signer {
    const TAG: u64 = u64::from_be_bytes(*b"obsigner");
    const NOUN: &'static str = "signer";
}

/// A signer that calls the host's function.
struct Callback {
    address: Address,
    sign: unsafe extern "C-unwind" fn(*mut c_void, *const u8, usize, *mut u8) -> i32,
    user_data: *mut c_void,
}

// SAFETY: `offblocks_signer_new` documents that the function (with its `user_data`) may
// be called from whichever thread uses the signer, and must be thread-safe if the
// signer is shared; the library itself only ever passes `user_data` back to it.
unsafe impl Send for Callback {}
// SAFETY: as for `Send`: the host promises a thread-safe function when it shares one.
unsafe impl Sync for Callback {}

impl Signer for Callback {
    fn address(&self) -> Result<Address> {
        Ok(self.address)
    }

    fn sign_personal(&self, message: &[u8]) -> Result<PersonalSignature> {
        let mut signature = [0u8; 65];
        let called = panic::catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: the host's function, called as its type documents: `message` is
            // readable for `message.len()` bytes and `signature` writable for 65, both
            // for the duration of the call.
            unsafe {
                (self.sign)(
                    self.user_data,
                    message.as_ptr(),
                    message.len(),
                    signature.as_mut_ptr(),
                )
            }
        }));
        match called {
            Ok(0) => PersonalSignature::from_bytes(signature)
                .map_err(|e| Error::Signer(format!("the signing callback's answer: {e}"))),
            Ok(code) => Err(Error::Signer(format!(
                "the signing callback failed (returned {code})"
            ))),
            Err(_) => Err(Error::Signer("the signing callback panicked".into())),
        }
    }
}

/// Makes a signer that calls the host's `sign` function with `user_data`, for the
/// Ethereum account `address` (`0x…`; mixed case must be a valid EIP-55 checksum), and
/// stores its handle in `*out_signer`. `user_data` may be NULL; the library never reads
/// it, and it must stay valid until the signer is freed.
///
/// # Safety
/// `address` is NULL or NUL-terminated; `sign` is NULL or a function as documented at
/// `offblocks_sign_fn`; `out_signer` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signer_new(
    address: *const c_char,
    sign: offblocks_sign_fn,
    user_data: *mut c_void,
    out_signer: *mut *mut offblocks_signer,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (address, out) = unsafe {
            (
                arg_str(address, "address")?,
                arg_out(out_signer, "out_signer")?,
            )
        };
        let sign = sign.ok_or_else(|| super::error::Failure::null("sign"))?;
        let callback = Callback {
            address: Address::parse(address)?,
            sign,
            user_data,
        };
        let signer = offblocks_signer {
            signer: Arc::new(callback),
        };
        out.write(handle::into_raw(signer));
        Ok(())
    })
}

/// Makes a signer that signs with `wallet`'s key and stores its handle in
/// `*out_signer`. The signer keeps the key alive on its own: the wallet handle may be
/// freed first.
///
/// # Safety
/// `wallet` is a live handle or NULL; `out_signer` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signer_from_wallet(
    wallet: *const offblocks_wallet,
    out_signer: *mut *mut offblocks_signer,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (wallet, out) = unsafe {
            (
                arg_handle(wallet, "wallet")?,
                arg_out(out_signer, "out_signer")?,
            )
        };
        let signer = offblocks_signer {
            signer: wallet.wallet.clone(),
        };
        out.write(handle::into_raw(signer));
        Ok(())
    })
}

/// Stores the signer's Ethereum address (`0x…`, EIP-55) in `*out_address`.
///
/// # Safety
/// `signer` is a live handle or NULL; `out_address` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signer_address(
    signer: *const offblocks_signer,
    out_address: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (signer, out) = unsafe {
            (
                arg_handle(signer, "signer")?,
                arg_out(out_address, "out_address")?,
            )
        };
        put_string(out, signer.signer.address()?.to_string())
    })
}

/// Releases a signer. `offblocks_signer_free(NULL)` does nothing and returns
/// `OFFBLOCKS_OK`.
///
/// Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call using it
/// is in progress (its own signing function freeing it, or another thread);
/// `OFFBLOCKS_INVALID_HANDLE` for a handle freed already or of another type.
///
/// # Safety
/// Any value is checked before use (see "Handles" in the preamble): only an address
/// freed and since given to a new handle of the same type cannot be told from it.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signer_free(signer: *mut offblocks_signer) -> offblocks_result {
    handle::free(signer, "signer")
}
