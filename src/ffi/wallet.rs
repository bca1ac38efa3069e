//! The customer's wallet: a secp256k1 key, its address, EIP-191 signatures, recovery.

use std::ffi::{c_char, c_int};
use std::sync::Arc;

use super::error::{offblocks_result, Failure};
use super::handle::{self, Handle};
use super::{arg_bytes, arg_handle, arg_out, arg_str, boundary, put_secret, put_string};
use crate::wallet::{ChainId, PersonalSignature, SignatureEncoding, Wallet};

/// A customer's wallet (opaque): a secp256k1 private key held in memory, zeroized when
/// freed. Made by `offblocks_wallet_new_random` or `offblocks_wallet_from_hex`, released
/// by `offblocks_wallet_free`. May be used from several threads at once.
///
/// To sign with a key held elsewhere (a wallet app, a KMS), see `offblocks_signer_new`.
pub struct offblocks_wallet {
    pub(crate) wallet: Arc<Wallet>,
}

impl Handle for offblocks_wallet {
    const TAG: u64 = u64::from_be_bytes(*b"obwallet");
    const NOUN: &'static str = "wallet";
}

/// How `offblocks_wallet_sign_personal` writes a signature: the values of its
/// `encoding` argument.
#[repr(C)]
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum offblocks_signature_encoding {
    /// `0x` and 130 lowercase hex digits of the 65 bytes `r‖s‖v`.
    OFFBLOCKS_SIGNATURE_HEX = 0,
    /// Base64 of the ASCII `0x…` hex text: what a customer challenge's `signature`
    /// field carries.
    OFFBLOCKS_SIGNATURE_BASE64_HEX = 1,
    /// Base64 of the raw 65 bytes: what an account challenge's `signature` field
    /// carries.
    OFFBLOCKS_SIGNATURE_BASE64_RAW = 2,
}

/// The encoding named by a C `int`; any other number is refused (never transmuted).
fn encoding(value: c_int) -> Result<SignatureEncoding, Failure> {
    use offblocks_signature_encoding::*;
    match value {
        v if v == OFFBLOCKS_SIGNATURE_HEX as c_int => Ok(SignatureEncoding::Hex),
        v if v == OFFBLOCKS_SIGNATURE_BASE64_HEX as c_int => Ok(SignatureEncoding::Base64Hex),
        v if v == OFFBLOCKS_SIGNATURE_BASE64_RAW as c_int => Ok(SignatureEncoding::Base64Raw),
        other => Err(Failure::invalid(format!(
            "encoding {other} is not an offblocks_signature_encoding"
        ))),
    }
}

fn new_handle(wallet: Wallet) -> *mut offblocks_wallet {
    handle::into_raw(offblocks_wallet {
        wallet: Arc::new(wallet),
    })
}

/// Makes a wallet with a fresh random key (from the operating system) and stores its
/// handle in `*out_wallet`. Back the key up with `offblocks_wallet_export_secret_hex`
/// if it must outlive the handle.
///
/// # Safety
/// `out_wallet` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_wallet_new_random(
    out_wallet: *mut *mut offblocks_wallet,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantee above.
        let out = unsafe { arg_out(out_wallet, "out_wallet")? };
        let wallet = Wallet::random()?;
        out.write(new_handle(wallet));
        Ok(())
    })
}

/// Makes a wallet from a private key written as 64 hex digits (with or without `0x`)
/// and stores its handle in `*out_wallet`. `OFFBLOCKS_KEY` when it is not a valid
/// secp256k1 key; the message never repeats the key.
///
/// # Safety
/// `private_key_hex` is NULL or NUL-terminated; `out_wallet` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_wallet_from_hex(
    private_key_hex: *const c_char,
    out_wallet: *mut *mut offblocks_wallet,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (hex, out) = unsafe {
            (
                arg_str(private_key_hex, "private_key_hex")?,
                arg_out(out_wallet, "out_wallet")?,
            )
        };
        let wallet = Wallet::from_hex(hex)?;
        out.write(new_handle(wallet));
        Ok(())
    })
}

/// Releases a wallet; its key is zeroized once no signer made from it remains.
/// `offblocks_wallet_free(NULL)` does nothing and returns `OFFBLOCKS_OK`.
///
/// Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call on it is
/// in progress (on another thread); `OFFBLOCKS_INVALID_HANDLE` for a handle freed
/// already or of another type.
///
/// # Safety
/// Any value is checked before use (see "Handles" in the preamble): only an address
/// freed and since given to a new handle of the same type cannot be told from it.
#[no_mangle]
pub unsafe extern "C" fn offblocks_wallet_free(wallet: *mut offblocks_wallet) -> offblocks_result {
    handle::free(wallet, "wallet")
}

/// Stores the wallet's Ethereum address (`0x…`, EIP-55 mixed case) in `*out_address`.
///
/// # Safety
/// `wallet` is a live handle or NULL; `out_address` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_wallet_address(
    wallet: *const offblocks_wallet,
    out_address: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (wallet, out) = unsafe {
            (
                arg_handle(wallet, "wallet")?,
                arg_out(out_address, "out_address")?,
            )
        };
        put_string(out, wallet.wallet.address().to_string())
    })
}

/// Stores the CAIP-10 account id of the wallet on `chain` (a CAIP-2 chain id such as
/// `"eip155:300"`) in `*out_account_id`: `"eip155:300:0x…"`, the customer's `chainId`.
///
/// # Safety
/// `wallet` is a live handle or NULL; `chain` is NULL or NUL-terminated;
/// `out_account_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_wallet_account_id(
    wallet: *const offblocks_wallet,
    chain: *const c_char,
    out_account_id: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (wallet, chain, out) = unsafe {
            (
                arg_handle(wallet, "wallet")?,
                arg_str(chain, "chain")?,
                arg_out(out_account_id, "out_account_id")?,
            )
        };
        let chain = ChainId::parse(chain)?;
        put_string(out, wallet.wallet.account_id(&chain).to_string())
    })
}

/// Signs `message_len` bytes at `message` with EIP-191 `personal_sign` (the bytes
/// themselves, not a hash; the library adds the Ethereum prefix) and stores the
/// signature in `*out_signature`, written as `encoding` says (an
/// `offblocks_signature_encoding` value). `message` may be NULL when `message_len` is 0.
///
/// # Safety
/// `wallet` is a live handle or NULL; `message` is NULL or points to `message_len`
/// readable bytes; `out_signature` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_wallet_sign_personal(
    wallet: *const offblocks_wallet,
    message: *const u8,
    message_len: usize,
    encoding: c_int,
    out_signature: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (wallet, message, out) = unsafe {
            (
                arg_handle(wallet, "wallet")?,
                arg_bytes(message, message_len, "message")?,
                arg_out(out_signature, "out_signature")?,
            )
        };
        let encoding = self::encoding(encoding)?;
        let signature = wallet.wallet.sign_personal(message)?;
        put_string(out, encoding.encode(&signature))
    })
}

/// Stores the wallet's private key in `*out_hex` as `0x` and 64 hex digits, to back up
/// a key made by `offblocks_wallet_new_random`. **This is the secret**: never log it;
/// `offblocks_string_free` wipes it.
///
/// # Safety
/// `wallet` is a live handle or NULL; `out_hex` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_wallet_export_secret_hex(
    wallet: *const offblocks_wallet,
    out_hex: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (wallet, out) =
            unsafe { (arg_handle(wallet, "wallet")?, arg_out(out_hex, "out_hex")?) };
        put_secret(out, &wallet.wallet.export_secret_hex())
    })
}

/// Recovers who signed: stores in `*out_address` the address (EIP-55) whose key made
/// `signature` over the `message_len` bytes at `message` with EIP-191 `personal_sign`.
/// `signature` may be in any `offblocks_signature_encoding`. Compare the result with the
/// expected address to verify a signature. `OFFBLOCKS_INVALID_INPUT` when the signature
/// is malformed or no key recovers from it.
///
/// # Safety
/// `message` is NULL or points to `message_len` readable bytes; `signature` is NULL or
/// NUL-terminated; `out_address` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signature_recover(
    message: *const u8,
    message_len: usize,
    signature: *const c_char,
    out_address: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (message, signature, out) = unsafe {
            (
                arg_bytes(message, message_len, "message")?,
                arg_str(signature, "signature")?,
                arg_out(out_address, "out_address")?,
            )
        };
        let address = PersonalSignature::parse(signature)?.recover(message)?;
        put_string(out, address.to_string())
    })
}
