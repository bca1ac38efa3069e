//! Helpers for the C ABI tests (included by tests/ffi*.rs with `#[path]`; as a test
//! target of its own it has no tests): C strings in, library strings out, the last error.
#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use offblocks::ffi::*;

/// A sentinel an out-parameter holds before a call, to prove failures leave it alone.
pub const SENTINEL: *mut c_char = 0x5 as *mut c_char;

pub fn cs(text: &str) -> CString {
    CString::new(text).unwrap()
}

/// Takes ownership of a library string: copies it and frees it.
///
/// # Safety
/// `p` is a string returned by the library, not yet freed.
pub unsafe fn take(p: *mut c_char) -> String {
    assert!(!p.is_null() && p != SENTINEL, "a string was returned");
    // SAFETY: the caller's contract.
    let text = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    // SAFETY: the caller's contract.
    unsafe { offblocks_string_free(p) };
    text
}

/// Parses and frees a JSON result.
///
/// # Safety
/// As [`take`].
pub unsafe fn take_json(p: *mut c_char) -> serde_json::Value {
    // SAFETY: the caller's contract.
    serde_json::from_str(&unsafe { take(p) }).unwrap()
}

fn opt(p: *const c_char) -> Option<String> {
    // SAFETY: the getters return NULL or a string valid until the next call.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
}

/// This thread's last error: (code, message, status, request id, body).
pub fn last_error() -> (
    offblocks_result,
    String,
    u16,
    Option<String>,
    Option<String>,
) {
    (
        offblocks_last_error_code(),
        opt(offblocks_last_error_message()).expect("message is never NULL"),
        offblocks_last_error_status(),
        opt(offblocks_last_error_request_id()),
        opt(offblocks_last_error_body()),
    )
}

/// Asserts `rc` is `code`, that the last error agrees, and returns the message.
pub fn expect_err(rc: offblocks_result, code: offblocks_result) -> String {
    let (last, message, ..) = last_error();
    assert_eq!(rc, code, "{message}");
    assert_eq!(last, code);
    assert!(!message.is_empty());
    message
}

/// A client from JSON, or the code it failed with.
pub fn client(json: &str) -> Result<*mut offblocks_client, offblocks_result> {
    let mut out = ptr::null_mut();
    let json = cs(json);
    // SAFETY: valid string and out-pointer.
    match unsafe { offblocks_client_new(json.as_ptr(), &mut out) } {
        offblocks_result::OFFBLOCKS_OK => Ok(out),
        code => {
            assert!(out.is_null(), "no handle on failure");
            Err(code)
        }
    }
}

/// A client configuration for `base_url` with a fresh key and a fast retry policy.
pub fn config(base_url: &str, key_pem: &str, key_id: Option<&str>) -> String {
    let mut cfg = serde_json::json!({
        "baseUrl": base_url,
        "apiKey": "3f0e7a52-6f4c-4a4e-9a57-1d2f3c4b5a69",
        "apiSecret": "s3cr3t-api-secret",
        "signingKeyPem": key_pem,
        "retry": {"maxAttempts": 3, "baseBackoffMs": 5, "maxBackoffMs": 20},
        "timeoutMs": 5000,
    });
    if let Some(id) = key_id {
        cfg["keyId"] = id.into();
    }
    cfg.to_string()
}

/// A fresh P-384 key as PKCS#8 PEM, through the C ABI.
pub fn generated_pem() -> String {
    let mut out = ptr::null_mut();
    // SAFETY: valid out-pointer.
    let rc = unsafe { offblocks_signing_key_generate(&mut out) };
    assert_eq!(rc, offblocks_result::OFFBLOCKS_OK);
    // SAFETY: returned by the library.
    unsafe { take(out) }
}
