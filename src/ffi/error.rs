//! Result codes, the one mapping from [`Error`], and the per-thread last error.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::ptr;

use super::boundary_infallible;
use crate::error::Error;

/// What an `offblocks_` function returns: `OFFBLOCKS_OK` (0) on success, else what kind
/// of failure it was. The numbers never change; new codes are only ever added.
///
/// After a failure, `offblocks_last_error_message()` and the other
/// `offblocks_last_error_*` functions tell more, on the same thread.
#[repr(C)]
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum offblocks_result {
    /// Success.
    OFFBLOCKS_OK = 0,
    /// A required pointer argument was NULL (the message names it).
    OFFBLOCKS_NULL_ARGUMENT = 1,
    /// A string argument was not valid UTF-8.
    OFFBLOCKS_INVALID_UTF8 = 2,
    /// A JSON argument did not parse, or did not have the expected shape (unknown
    /// field, wrong type, missing field).
    OFFBLOCKS_INVALID_JSON = 3,
    /// An argument was malformed: an empty id, an Idempotency-Key that is not a UUID, a
    /// bad hex string, CAIP id or address, an unsupported method…
    OFFBLOCKS_INVALID_INPUT = 4,
    /// The client configuration was invalid or contradictory (bad URL, missing
    /// credentials, zero timeout, plain http to a remote host…), or a call needs a
    /// setting the client lacks (no signing key id yet).
    OFFBLOCKS_CONFIG = 5,
    /// Key material (a P-384 PEM, a wallet's secp256k1 key) could not be loaded.
    OFFBLOCKS_KEY = 6,
    /// Producing a signature failed.
    OFFBLOCKS_SIGNING = 7,
    /// An external signer (an `offblocks_sign_fn` callback) failed or returned a
    /// signature that does not match its address.
    OFFBLOCKS_SIGNER = 8,
    /// A Sign-In with Ethereum (EIP-4361) message could not be parsed.
    OFFBLOCKS_SIWE = 9,
    /// The SDK refused to sign a challenge (wrong address, chain or domain, or outside
    /// its validity window). Nothing was signed or sent.
    OFFBLOCKS_CHALLENGE_REFUSED = 10,
    /// The server rejected a signed challenge. `offblocks_last_error_reissued_challenge()`
    /// gives the new challenge when it could be fetched.
    OFFBLOCKS_CHALLENGE_REJECTED = 11,
    /// The connection failed, timed out or dropped. See `offblocks_last_error_retryable()`.
    OFFBLOCKS_TRANSPORT = 12,
    /// The server answered with a non-2xx status; see `offblocks_last_error_status()`,
    /// `offblocks_last_error_body()` and `offblocks_last_error_request_id()`.
    OFFBLOCKS_API = 13,
    /// The server answered 409 Conflict: the resource already exists, or is not in a
    /// state that allows the call (activating an active account…).
    OFFBLOCKS_CONFLICT = 14,
    /// A response did not decode into the expected shape (the message names where), or
    /// a result could not be returned as a C string.
    OFFBLOCKS_DECODE = 15,
    /// An operation that waits (onboarding, polling an account) ran out of time.
    OFFBLOCKS_TIMEOUT = 16,
    /// The library panicked (a bug: please report it). The handle is still usable.
    OFFBLOCKS_PANIC = 17,
    /// A resource reached a state the operation cannot continue from (a `rejected`
    /// customer, a `failed` or `closed` account).
    OFFBLOCKS_STATE = 18,
    /// The caller stopped the operation: an `offblocks_progress_fn` returned non-zero.
    /// What was done stays done; running it again resumes, creating nothing twice.
    OFFBLOCKS_CANCELLED = 19,
}

/// The one mapping from the SDK's error to a result code. No `_ =>` arm: a new
/// [`Error`] variant does not compile until it has a code here.
fn code_of(error: &Error) -> offblocks_result {
    use offblocks_result::*;
    match error {
        Error::Config(_) => OFFBLOCKS_CONFIG,
        Error::InvalidInput(_) => OFFBLOCKS_INVALID_INPUT,
        Error::Key(_) => OFFBLOCKS_KEY,
        Error::Signing(_) => OFFBLOCKS_SIGNING,
        Error::Signer(_) => OFFBLOCKS_SIGNER,
        Error::Siwe(_) => OFFBLOCKS_SIWE,
        Error::ChallengeRefused(_) => OFFBLOCKS_CHALLENGE_REFUSED,
        Error::ChallengeRejected { .. } => OFFBLOCKS_CHALLENGE_REJECTED,
        Error::Transport { .. } => OFFBLOCKS_TRANSPORT,
        Error::Api(_) => OFFBLOCKS_API,
        Error::Conflict(_) => OFFBLOCKS_CONFLICT,
        Error::Decode { .. } => OFFBLOCKS_DECODE,
        Error::State(_) => OFFBLOCKS_STATE,
        Error::Timeout(_) => OFFBLOCKS_TIMEOUT,
        Error::Cancelled(_) => OFFBLOCKS_CANCELLED,
    }
}

/// A failed call, on its way to becoming this thread's last error.
#[derive(Debug)]
pub(crate) struct Failure {
    code: offblocks_result,
    message: String,
    status: u16,
    request_id: Option<String>,
    body: Option<String>,
    retryable: bool,
    reissued_challenge: Option<String>,
}

impl Failure {
    fn new(code: offblocks_result, message: String) -> Failure {
        Failure {
            code,
            message,
            status: 0,
            request_id: None,
            body: None,
            retryable: false,
            reissued_challenge: None,
        }
    }

    pub(crate) fn null(name: &str) -> Failure {
        let message = format!("{name} must not be NULL");
        Failure::new(offblocks_result::OFFBLOCKS_NULL_ARGUMENT, message)
    }

    pub(crate) fn utf8(name: &str, error: &std::str::Utf8Error) -> Failure {
        let message = format!("{name} is not valid UTF-8 (byte {})", error.valid_up_to());
        Failure::new(offblocks_result::OFFBLOCKS_INVALID_UTF8, message)
    }

    pub(crate) fn json(name: &str, why: impl std::fmt::Display) -> Failure {
        let message = format!("{name} is not valid JSON for this call: {why}");
        Failure::new(offblocks_result::OFFBLOCKS_INVALID_JSON, message)
    }

    pub(crate) fn invalid(message: String) -> Failure {
        Failure::new(offblocks_result::OFFBLOCKS_INVALID_INPUT, message)
    }

    pub(crate) fn decode(message: &str) -> Failure {
        Failure::new(offblocks_result::OFFBLOCKS_DECODE, message.to_owned())
    }

    pub(crate) fn from_panic(payload: &(dyn Any + Send)) -> Failure {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown cause");
        Failure::new(
            offblocks_result::OFFBLOCKS_PANIC,
            format!("internal error (panic): {what}"),
        )
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let mut failure = Failure::new(code_of(&error), error.to_string());
        failure.retryable = error.is_retryable();
        if let Some(api) = error.api() {
            failure.status = api.status;
            failure.request_id = api.request_id.clone();
            failure.body = Some(api.body.clone());
        }
        if let Error::ChallengeRejected { reissued, .. } = &error {
            failure.reissued_challenge = reissued.clone();
        }
        failure
    }
}

/// This thread's last error, in the form the getters hand out.
struct LastError {
    code: offblocks_result,
    message: Option<CString>,
    status: u16,
    request_id: Option<CString>,
    body: Option<CString>,
    retryable: bool,
    reissued_challenge: Option<CString>,
}

const NONE: LastError = LastError {
    code: offblocks_result::OFFBLOCKS_OK,
    message: None,
    status: 0,
    request_id: None,
    body: None,
    retryable: false,
    reissued_challenge: None,
};

thread_local! {
    static LAST: RefCell<LastError> = const { RefCell::new(NONE) };
}

/// A C string from any text: a NUL byte (possible in a server's body) becomes U+FFFD.
fn c_lossy(text: String) -> CString {
    CString::new(text).unwrap_or_else(|e| {
        let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{fffd}");
        CString::new(text).unwrap_or_default()
    })
}

/// Forgets the last error (at the start of each call).
pub(crate) fn clear() {
    // During thread teardown the slot may be gone; then there is nothing to clear.
    let _ = LAST.try_with(|last| *last.borrow_mut() = NONE);
}

/// Records `failure` as this thread's last error and returns its code.
pub(crate) fn store(failure: Failure) -> offblocks_result {
    let code = failure.code;
    let last = LastError {
        code,
        message: Some(c_lossy(failure.message)),
        status: failure.status,
        request_id: failure.request_id.map(c_lossy),
        body: failure.body.map(c_lossy),
        retryable: failure.retryable,
        reissued_challenge: failure.reissued_challenge.map(c_lossy),
    };
    let _ = LAST.try_with(|slot| *slot.borrow_mut() = last);
    code
}

/// Reads one field of this thread's last error.
fn with_last<T: Copy>(fallback: T, read: impl FnOnce(&LastError) -> T) -> T {
    boundary_infallible(fallback, || {
        LAST.try_with(|last| read(&last.borrow()))
            .unwrap_or(fallback)
    })
}

fn as_ptr(text: &Option<CString>) -> *const c_char {
    text.as_ref().map_or(ptr::null(), |t| t.as_ptr())
}

/// The result code of the last call on this thread that returns an `offblocks_result`
/// (`OFFBLOCKS_OK` if it succeeded).
#[no_mangle]
pub extern "C" fn offblocks_last_error_code() -> offblocks_result {
    with_last(offblocks_result::OFFBLOCKS_OK, |last| last.code)
}

/// A short, lowercase, human-readable description of the last failure on this thread;
/// `""` when the last call succeeded. Never contains a secret.
///
/// The string belongs to the library (do not free it) and stays valid until the next
/// call on this thread of a function that returns an `offblocks_result`. Copy it to keep
/// it.
#[no_mangle]
pub extern "C" fn offblocks_last_error_message() -> *const c_char {
    const EMPTY: &[u8] = b"\0";
    with_last(EMPTY.as_ptr().cast(), |last| match &last.message {
        Some(m) => m.as_ptr(),
        None => EMPTY.as_ptr().cast(),
    })
}

/// The HTTP status of the response behind the last failure on this thread, or 0 when
/// there was none (the failure happened before or without a response).
#[no_mangle]
pub extern "C" fn offblocks_last_error_status() -> u16 {
    with_last(0, |last| last.status)
}

/// The request id the server sent with the response behind the last failure on this
/// thread (`X-Request-Id`), or NULL (also when it was longer than 128 characters or not
/// visible ASCII). Quote it when contacting OffBlocks support.
///
/// Owned by the library; valid as `offblocks_last_error_message()`'s string.
#[no_mangle]
pub extern "C" fn offblocks_last_error_request_id() -> *const c_char {
    with_last(ptr::null(), |last| as_ptr(&last.request_id))
}

/// The body of the non-2xx response behind the last failure on this thread (as text;
/// usually JSON): its first 64 KiB, every secret the client knows replaced by
/// `[redacted]`. NULL when there was no response.
///
/// Owned by the library; valid as `offblocks_last_error_message()`'s string.
#[no_mangle]
pub extern "C" fn offblocks_last_error_body() -> *const c_char {
    with_last(ptr::null(), |last| as_ptr(&last.body))
}

/// Whether the last failure on this thread may go away if the same call is made again
/// (with the same Idempotency-Key): connection failures, 429, 5xx.
#[no_mangle]
pub extern "C" fn offblocks_last_error_retryable() -> bool {
    with_last(false, |last| last.retryable)
}

/// After `OFFBLOCKS_CHALLENGE_REJECTED`: the challenge the server issued in place of the
/// rejected one (base64), or NULL when it could not be fetched.
///
/// Owned by the library; valid as `offblocks_last_error_message()`'s string.
#[no_mangle]
pub extern "C" fn offblocks_last_error_reissued_challenge() -> *const c_char {
    with_last(ptr::null(), |last| as_ptr(&last.reissued_challenge))
}
