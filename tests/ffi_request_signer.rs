//! The C ABI's request signer called from Rust, without a server (dry runs sign without
//! sending): a callback's answer, failure, overflow or panic never crosses the boundary,
//! and `user_data` is released once nothing uses it.

#[path = "common/ffi.rs"]
mod support;

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use offblocks::ffi::offblocks_result::*;
use offblocks::ffi::*;
use offblocks::SigningKey;
use support::*;

/// What the callbacks get as `user_data`: the key, and counts.
struct Kms {
    key: SigningKey,
    calls: AtomicUsize,
    freed: AtomicUsize,
}

unsafe extern "C-unwind" fn sign_raw(
    user_data: *mut c_void,
    base: *const u8,
    base_len: usize,
    out: *mut u8,
    capacity: usize,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: the pointers as `offblocks_request_sign_fn` documents; `user_data` a `Kms`.
    unsafe {
        let kms = &*(user_data as *const Kms);
        kms.calls.fetch_add(1, Ordering::SeqCst);
        let signature = kms
            .key
            .sign(std::slice::from_raw_parts(base, base_len))
            .unwrap();
        assert!(capacity >= 96);
        ptr::copy_nonoverlapping(signature.as_ptr(), out, 96);
        *out_len = 96;
    }
    0
}

unsafe extern "C-unwind" fn sign_panics(
    _: *mut c_void,
    _: *const u8,
    _: usize,
    _: *mut u8,
    _: usize,
    _: *mut usize,
) -> i32 {
    panic!("the host's signer panicked")
}

unsafe extern "C-unwind" fn sign_overflows(
    _: *mut c_void,
    _: *const u8,
    _: usize,
    _: *mut u8,
    capacity: usize,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: `out_len` is writable.
    unsafe { *out_len = capacity + 1 };
    0
}

unsafe extern "C-unwind" fn sign_fails(
    _: *mut c_void,
    _: *const u8,
    _: usize,
    _: *mut u8,
    _: usize,
    _: *mut usize,
) -> i32 {
    7
}

unsafe extern "C-unwind" fn free_kms(user_data: *mut c_void) {
    // SAFETY: `user_data` is a `Kms` that outlives the handles.
    unsafe {
        (*(user_data as *const Kms))
            .freed
            .fetch_add(1, Ordering::SeqCst)
    };
}

fn new_signer(
    pem: &str,
    sign: offblocks_request_sign_fn,
    kms: *const Kms,
) -> Result<*mut offblocks_request_signer, offblocks_result> {
    let mut out = ptr::null_mut();
    let pem = cs(pem);
    // SAFETY: valid strings and out-parameter; `kms` outlives the handle.
    let rc = unsafe {
        offblocks_request_signer_new(
            pem.as_ptr(),
            sign,
            kms as *mut c_void,
            Some(free_kms),
            &mut out,
        )
    };
    if rc == OFFBLOCKS_OK {
        Ok(out)
    } else {
        Err(rc)
    }
}

fn client_with(signer: *const offblocks_request_signer) -> *mut offblocks_client {
    let json =
        cs(r#"{"baseUrl":"http://127.0.0.1:9/v1","apiKey":"k","apiSecret":"s","keyId":"k1"}"#);
    let mut out = ptr::null_mut();
    // SAFETY: valid string, live handle, writable out-parameter.
    let rc = unsafe {
        offblocks_client_new_with_request_signer(
            json.as_ptr(),
            signer,
            None,
            ptr::null_mut(),
            &mut out,
        )
    };
    assert_eq!(rc, OFFBLOCKS_OK, "{:?}", last_error());
    out
}

/// A dry run of `GET /customers` with a token given: signs, sends nothing.
fn dry_run(client: *const offblocks_client) -> offblocks_result {
    let (method, path, token) = (cs("GET"), cs("/customers"), cs("t0ken"));
    let mut out = ptr::null_mut();
    // SAFETY: live handle, valid strings, writable out-parameter.
    let rc = unsafe {
        offblocks_client_dry_run(
            client,
            method.as_ptr(),
            path.as_ptr(),
            ptr::null(),
            ptr::null(),
            token.as_ptr(),
            &mut out,
        )
    };
    if rc == OFFBLOCKS_OK {
        // SAFETY: a string the library gave.
        let json = unsafe { take_json(out) };
        assert!(json["signatureBase"]
            .as_str()
            .unwrap()
            .contains("keyid=\"k1\""));
    }
    rc
}

#[test]
fn a_request_signer_signs_and_its_user_data_is_released_last() {
    let key = SigningKey::generate().unwrap();
    let pem = key.public_key_pem();
    let kms = Kms {
        key,
        calls: AtomicUsize::new(0),
        freed: AtomicUsize::new(0),
    };
    assert_eq!(
        new_signer("not a key", Some(sign_raw), &kms).unwrap_err(),
        OFFBLOCKS_KEY
    );
    assert_eq!(
        new_signer(&pem, None, &kms).unwrap_err(),
        OFFBLOCKS_NULL_ARGUMENT
    );
    assert_eq!(kms.freed.load(Ordering::SeqCst), 0);
    let signer = new_signer(&pem, Some(sign_raw), &kms).unwrap();
    let mut public = ptr::null_mut();
    // SAFETY: live handle, writable out-parameter.
    assert_eq!(
        unsafe { offblocks_request_signer_public_pem(signer, &mut public) },
        OFFBLOCKS_OK
    );
    // SAFETY: a string the library gave.
    assert_eq!(unsafe { take(public) }, pem);
    let client = client_with(signer);
    // SAFETY: a live handle, freed once; the client keeps the key.
    assert_eq!(
        unsafe { offblocks_request_signer_free(signer) },
        OFFBLOCKS_OK
    );
    assert_eq!(dry_run(client), OFFBLOCKS_OK);
    assert_eq!(kms.calls.load(Ordering::SeqCst), 1);
    assert_eq!(kms.freed.load(Ordering::SeqCst), 0);
    // SAFETY: a live handle, freed once.
    assert_eq!(unsafe { offblocks_client_free(client) }, OFFBLOCKS_OK);
    assert_eq!(kms.freed.load(Ordering::SeqCst), 1);
}

#[test]
fn a_failing_panicking_or_overflowing_callback_is_a_signer_error() {
    let key = SigningKey::generate().unwrap();
    let pem = key.public_key_pem();
    let kms = Kms {
        key,
        calls: AtomicUsize::new(0),
        freed: AtomicUsize::new(0),
    };
    for (sign, says) in [
        (
            sign_panics as unsafe extern "C-unwind" fn(_, _, _, _, _, _) -> i32,
            "panicked",
        ),
        (sign_overflows, "length"),
        (sign_fails, "returned 7"),
    ] {
        let signer = new_signer(&pem, Some(sign), &kms).unwrap();
        let client = client_with(signer);
        let message = expect_err(dry_run(client), OFFBLOCKS_SIGNER);
        assert!(message.contains(says), "{message}");
        // The client is still usable: the same failure again, no poisoned state.
        expect_err(dry_run(client), OFFBLOCKS_SIGNER);
        // SAFETY: live handles, each freed once.
        unsafe {
            offblocks_client_free(client);
            offblocks_request_signer_free(signer);
        }
    }
    assert_eq!(kms.freed.load(Ordering::SeqCst), 3);
}

#[test]
fn a_client_takes_a_request_signer_or_a_key_in_memory_not_both() {
    let key = SigningKey::generate().unwrap();
    let kms = Kms {
        key,
        calls: AtomicUsize::new(0),
        freed: AtomicUsize::new(0),
    };
    let signer = new_signer(&kms.key.public_key_pem(), Some(sign_raw), &kms).unwrap();
    let json = cs(
        r#"{"baseUrl":"http://127.0.0.1:9/v1","apiKey":"k","apiSecret":"s","generateSigningKey":true}"#,
    );
    let mut out = ptr::null_mut();
    // SAFETY: valid string, live handle, writable out-parameter.
    let rc = unsafe {
        offblocks_client_new_with_request_signer(
            json.as_ptr(),
            signer,
            None,
            ptr::null_mut(),
            &mut out,
        )
    };
    let message = expect_err(rc, OFFBLOCKS_CONFIG);
    assert!(message.contains("request signer"), "{message}");
    // SAFETY: a NULL handle is refused; a live one freed once, then refused.
    unsafe {
        expect_err(
            offblocks_client_new_with_request_signer(
                json.as_ptr(),
                ptr::null(),
                None,
                ptr::null_mut(),
                &mut out,
            ),
            OFFBLOCKS_NULL_ARGUMENT,
        );
        assert_eq!(offblocks_request_signer_free(signer), OFFBLOCKS_OK);
        expect_err(
            offblocks_request_signer_free(signer),
            OFFBLOCKS_INVALID_HANDLE,
        );
    }
    assert_eq!(kms.freed.load(Ordering::SeqCst), 1);
}
