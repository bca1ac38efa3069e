//! What every call of the C ABI must do, checked after each call of the harness: the
//! conventions of the header's preamble.

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;
use std::sync::OnceLock;

use offblocks::__fuzz::set_last_error;
use offblocks::ffi::*;
use offblocks::models::WebhookEvent;
use offblocks::wallet::Wallet;
use offblocks::Error;
use offblocks_result::*;

use super::super::responses::entity;
use super::input::HARDHAT_KEY;

/// What an out-parameter holds before the call: a failed call must leave it alone.
const SENTINEL: usize = 0x5;

/// A `T **` out-parameter, NULL or pointing to a sentinel.
pub(super) struct Out<T> {
    slot: *mut T,
    given: bool,
}

impl<T> Out<T> {
    pub(super) fn new(given: bool) -> Out<T> {
        Out {
            slot: ptr::without_provenance_mut(SENTINEL),
            given,
        }
    }

    pub(super) fn ptr(&mut self) -> *mut *mut T {
        if self.given {
            &mut self.slot
        } else {
            ptr::null_mut()
        }
    }

    pub(super) fn is_null(&self) -> bool {
        !self.given
    }

    /// Whether the call wrote the out-parameter; it must have exactly when it succeeded.
    fn written(&self, rc: offblocks_result) -> bool {
        let written = self.slot.addr() != SENTINEL;
        assert_eq!(written, rc == OFFBLOCKS_OK, "out-parameter written iff OK");
        written
    }

    /// The handle a `_new` call made, after checking the call.
    pub(super) fn handle(&self, rc: offblocks_result) -> Option<*mut T> {
        self.written(rc).then_some(self.slot)
    }
}

impl Out<c_char> {
    pub(super) fn string() -> Out<c_char> {
        Out::new(true)
    }

    /// Checks the call (`must_fail` when a required argument was NULL) and its string
    /// result: UTF-8, JSON when `json`, never NULL. Frees it and returns a copy.
    pub(super) fn finish(
        &mut self,
        rc: offblocks_result,
        must_fail: bool,
        json: bool,
    ) -> Option<String> {
        let text = self.finish_nullable(rc, must_fail);
        assert_eq!(text.is_some(), rc == OFFBLOCKS_OK, "a result is never NULL");
        if let (true, Some(t)) = (json, &text) {
            assert!(
                serde_json::from_str::<serde_json::Value>(t).is_ok(),
                "not JSON: {t}"
            );
        }
        text
    }

    /// As [`finish`](Self::finish), for a result that may be NULL (`client_key_id`).
    pub(super) fn finish_nullable(
        &mut self,
        rc: offblocks_result,
        must_fail: bool,
    ) -> Option<String> {
        check_rc(rc, must_fail || !self.given);
        if !self.given || !self.written(rc) || self.slot.is_null() {
            return None;
        }
        // SAFETY: a string the library just returned, freed once here.
        let text = unsafe { CStr::from_ptr(self.slot) }
            .to_str()
            .expect("strings out are UTF-8")
            .to_owned();
        // SAFETY: as above.
        unsafe { offblocks_string_free(self.slot) };
        self.slot = ptr::without_provenance_mut(SENTINEL);
        Some(text)
    }
}

/// Checks a call's result code and the last error it left; `must_fail` when a required
/// argument was NULL (or otherwise unusable) so that success would be a bug.
pub(super) fn check_rc(rc: offblocks_result, must_fail: bool) {
    let message = text(offblocks_last_error_message()).expect("the message is never NULL");
    assert_ne!(rc, OFFBLOCKS_PANIC, "{message}");
    assert_eq!(
        offblocks_last_error_code(),
        rc,
        "the last error is this call's"
    );
    assert_eq!(
        message.is_empty(),
        rc == OFFBLOCKS_OK,
        "{rc:?}: {message:?}"
    );
    if must_fail {
        assert_ne!(rc, OFFBLOCKS_OK, "succeeded with a NULL required argument");
    }
    if rc == OFFBLOCKS_NULL_ARGUMENT {
        assert!(message.ends_with(" must not be NULL"), "{message}");
    }
    check_details(rc);
}

/// The details of the last error agree with its code.
fn check_details(rc: offblocks_result) {
    let response = matches!(
        rc,
        OFFBLOCKS_API | OFFBLOCKS_CONFLICT | OFFBLOCKS_CHALLENGE_REJECTED
    );
    assert_eq!(offblocks_last_error_status() != 0, response, "{rc:?}");
    assert_eq!(text(offblocks_last_error_body()).is_some(), response);
    if !response {
        assert_eq!(text(offblocks_last_error_request_id()), None);
    }
    if rc != OFFBLOCKS_CHALLENGE_REJECTED {
        assert_eq!(text(offblocks_last_error_reissued_challenge()), None);
    }
    if offblocks_last_error_retryable() {
        assert!(matches!(rc, OFFBLOCKS_TRANSPORT | OFFBLOCKS_API), "{rc:?}");
    }
}

/// The getters that never fail, read in any state.
pub(super) fn getters() {
    check_details(offblocks_last_error_code());
    // Which version is `tests/ffi_header.rs`'s to check (this code is also built inside
    // the fuzz crate, whose own version is not the SDK's): here, that it is one.
    let version = text(offblocks_version()).expect("a version");
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    assert!(
        parts.len() == 3 && parts.iter().all(|p| p.parse::<u64>().is_ok()),
        "{version}"
    );
    // SAFETY: NULL is a no-op.
    unsafe { offblocks_string_free(ptr::null_mut()) };
    // Every setting with its default: one JSON object, without the identity keys.
    let mut defaults = ptr::null_mut();
    // SAFETY: a writable out-pointer.
    assert_eq!(
        unsafe { offblocks_config_defaults(&mut defaults) },
        OFFBLOCKS_OK
    );
    let json = text(defaults).expect("the defaults");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(
        value.is_object() && value.get("apiSecret").is_none(),
        "{json}"
    );
    // SAFETY: a string the library made, freed once.
    unsafe { offblocks_string_free(defaults) };
}

/// A library-owned string as Rust text (None for NULL); it must be UTF-8.
fn text(p: *const c_char) -> Option<String> {
    // SAFETY: the library returns NULL or a NUL-terminated string valid until the next
    // call on this thread.
    let s = (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })?;
    Some(s.to_str().expect("strings out are UTF-8").to_owned())
}

/// The wallet a signer callback may sign with.
fn hardhat() -> &'static Wallet {
    static WALLET: OnceLock<Wallet> = OnceLock::new();
    WALLET.get_or_init(|| Wallet::from_hex(HARDHAT_KEY).expect("a valid key"))
}

/// The host's signing function of the signers the harness makes; `user_data` is not a
/// pointer but a number that says how to behave: fail, answer zeros, answer an invalid
/// `v`, or sign for real with the Hardhat key.
pub(super) unsafe extern "C-unwind" fn sign_callback(
    user_data: *mut c_void,
    message: *const u8,
    message_len: usize,
    out_signature: *mut u8,
) -> i32 {
    assert!(!message.is_null() && !out_signature.is_null());
    // SAFETY: as `offblocks_sign_fn` documents: `message_len` readable bytes, 65
    // writable ones.
    let (message, out) = unsafe {
        (
            std::slice::from_raw_parts(message, message_len),
            &mut *out_signature.cast::<[u8; 65]>(),
        )
    };
    match user_data.addr() % 4 {
        0 => return 7,
        1 => *out = [0; 65],
        2 => *out = [0xff; 65],
        _ => *out = *hardhat().sign_personal(message).expect("signs").as_bytes(),
    }
    0
}

/// The progress function of `offblocks_client_onboard`: its strings must be valid.
pub(super) unsafe extern "C-unwind" fn progress_callback(
    _user_data: *mut c_void,
    step: *const c_char,
    status: *const c_char,
    _elapsed_ms: u64,
    message: *const c_char,
) -> i32 {
    for s in [step, status, message] {
        assert!(text(s).is_some(), "progress strings are never NULL");
    }
    0
}

/// An API error as a C caller sees it after the call that met it: code, status and the
/// body whole (a NUL in it becomes U+FFFD, since C strings cannot hold one).
pub(in super::super) fn check_error_in_c(error: Error) {
    let body = error.api().map(|api| api.body.replace('\0', "\u{fffd}"));
    let status = error.status().unwrap_or(0);
    let retryable = error.is_retryable();
    let rc = set_last_error(error);
    check_rc(rc, true);
    assert_eq!(offblocks_last_error_status(), status);
    assert_eq!(offblocks_last_error_retryable(), retryable);
    assert_eq!(text(offblocks_last_error_body()), body);
}

/// A webhook body through `offblocks_webhook_event_parse`, which must agree with
/// [`WebhookEvent::parse`] (`expected`). A body with a NUL is left to the `ffi` target.
pub(in super::super) fn check_webhook_in_c(data: &[u8], expected: Option<&WebhookEvent>) {
    let Ok(body) = CString::new(data) else {
        return;
    };
    let mut out = Out::<c_char>::string();
    // SAFETY: a NUL-terminated string and a writable out-pointer.
    let rc = unsafe { offblocks_webhook_event_parse(body.as_ptr(), out.ptr()) };
    let json = out.finish(rc, false, true);
    let event = match (std::str::from_utf8(data), expected) {
        (Err(_), _) => return assert_eq!(rc, OFFBLOCKS_INVALID_UTF8),
        (Ok(_), None) => return assert_eq!(rc, OFFBLOCKS_DECODE),
        (Ok(_), Some(event)) => event,
    };
    let json: serde_json::Value = serde_json::from_str(&json.expect("parsed")).expect("JSON");
    assert_eq!(json["eventId"], event.event_id.as_str());
    assert_eq!(json["webhookType"], event.webhook_type.as_str());
    let (kind, data) = entity(&event.data);
    assert_eq!(json["entity"], kind);
    if kind != "other" {
        assert_eq!(json["data"], data);
    }
}
