//! Result codes, the one mapping from [`Error`], and the per-thread last error.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::ptr;

use super::boundary_infallible;
use crate::error::{Error, ErrorKind};

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
    /// An external signer (an `offblocks_sign_fn` or `offblocks_request_sign_fn`
    /// callback) failed or returned a signature that does not match its address or
    /// public key.
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
    /// A handle argument is not a live handle of the expected type: freed already, of
    /// another type (a wallet given for a client), or not made by this library. Nothing
    /// was done with it.
    OFFBLOCKS_INVALID_HANDLE = 20,
    /// `_free` of a handle that a call in progress is using (from one of that call's
    /// callbacks, or from another thread): it was not freed, and stays usable. Free it
    /// after the call returns.
    OFFBLOCKS_HANDLE_IN_USE = 21,
    /// The TLS handshake was refused (never retryable; nothing of the request was
    /// sent): `offblocks_last_error_tls_failure()` says which check failed.
    OFFBLOCKS_TLS = 22,
}

/// Which TLS check refused a connection, after `OFFBLOCKS_TLS`. The numbers never
/// change; new kinds are only ever added.
#[repr(C)]
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum offblocks_tls_failure {
    /// The last failure was not a TLS one.
    OFFBLOCKS_TLS_NONE = 0,
    /// The chain leads to no trusted root (give the CA with `caPem` / `caFile`), or a
    /// signature in it does not verify, or it was revoked.
    OFFBLOCKS_TLS_UNTRUSTED_CHAIN = 1,
    /// The certificate is for another host name.
    OFFBLOCKS_TLS_HOST_MISMATCH = 2,
    /// The certificate has expired or is not valid yet.
    OFFBLOCKS_TLS_EXPIRED = 3,
    /// No key of the chain matches a configured `spkiPins` entry.
    OFFBLOCKS_TLS_PIN_MISMATCH = 4,
    /// The handshake failed otherwise (not TLS on that port, nothing in common, alert).
    OFFBLOCKS_TLS_HANDSHAKE = 5,
}

fn tls_code(kind: crate::TlsFailure) -> offblocks_tls_failure {
    use crate::TlsFailure as K;
    use offblocks_tls_failure::*;
    match kind {
        K::UntrustedChain => OFFBLOCKS_TLS_UNTRUSTED_CHAIN,
        K::HostMismatch => OFFBLOCKS_TLS_HOST_MISMATCH,
        K::Expired => OFFBLOCKS_TLS_EXPIRED,
        K::PinMismatch => OFFBLOCKS_TLS_PIN_MISMATCH,
        K::Handshake => OFFBLOCKS_TLS_HANDSHAKE,
    }
}

/// The name of result code `code` as the header spells it (`"OFFBLOCKS_OK"`,
/// `"OFFBLOCKS_TRANSPORT"`…), for logs and messages; `"OFFBLOCKS_UNKNOWN"` for a number
/// this version does not define (a newer library's code, or garbage). Never NULL.
///
/// The string is static: never free it. `code` is an `int32_t` rather than an
/// `offblocks_result` so that any number may be passed.
#[no_mangle]
pub extern "C" fn offblocks_result_name(code: i32) -> *const c_char {
    let name: &'static [u8] = boundary_infallible(b"OFFBLOCKS_UNKNOWN\0", || {
        RESULT_NAMES
            .iter()
            .find(|(c, _)| *c as i32 == code)
            .map_or(b"OFFBLOCKS_UNKNOWN\0", |(_, name)| name)
    });
    name.as_ptr().cast()
}

/// Every result code with its name, NUL-terminated.
const RESULT_NAMES: [(offblocks_result, &[u8]); 23] = {
    use offblocks_result::*;
    [
        (OFFBLOCKS_OK, b"OFFBLOCKS_OK\0"),
        (OFFBLOCKS_NULL_ARGUMENT, b"OFFBLOCKS_NULL_ARGUMENT\0"),
        (OFFBLOCKS_INVALID_UTF8, b"OFFBLOCKS_INVALID_UTF8\0"),
        (OFFBLOCKS_INVALID_JSON, b"OFFBLOCKS_INVALID_JSON\0"),
        (OFFBLOCKS_INVALID_INPUT, b"OFFBLOCKS_INVALID_INPUT\0"),
        (OFFBLOCKS_CONFIG, b"OFFBLOCKS_CONFIG\0"),
        (OFFBLOCKS_KEY, b"OFFBLOCKS_KEY\0"),
        (OFFBLOCKS_SIGNING, b"OFFBLOCKS_SIGNING\0"),
        (OFFBLOCKS_SIGNER, b"OFFBLOCKS_SIGNER\0"),
        (OFFBLOCKS_SIWE, b"OFFBLOCKS_SIWE\0"),
        (
            OFFBLOCKS_CHALLENGE_REFUSED,
            b"OFFBLOCKS_CHALLENGE_REFUSED\0",
        ),
        (
            OFFBLOCKS_CHALLENGE_REJECTED,
            b"OFFBLOCKS_CHALLENGE_REJECTED\0",
        ),
        (OFFBLOCKS_TRANSPORT, b"OFFBLOCKS_TRANSPORT\0"),
        (OFFBLOCKS_API, b"OFFBLOCKS_API\0"),
        (OFFBLOCKS_CONFLICT, b"OFFBLOCKS_CONFLICT\0"),
        (OFFBLOCKS_DECODE, b"OFFBLOCKS_DECODE\0"),
        (OFFBLOCKS_TIMEOUT, b"OFFBLOCKS_TIMEOUT\0"),
        (OFFBLOCKS_PANIC, b"OFFBLOCKS_PANIC\0"),
        (OFFBLOCKS_STATE, b"OFFBLOCKS_STATE\0"),
        (OFFBLOCKS_CANCELLED, b"OFFBLOCKS_CANCELLED\0"),
        (OFFBLOCKS_INVALID_HANDLE, b"OFFBLOCKS_INVALID_HANDLE\0"),
        (OFFBLOCKS_HANDLE_IN_USE, b"OFFBLOCKS_HANDLE_IN_USE\0"),
        (OFFBLOCKS_TLS, b"OFFBLOCKS_TLS\0"),
    ]
};

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
        Error::Tls { .. } => OFFBLOCKS_TLS,
    }
}

/// What kind of failure the last call on this thread had (`offblocks_last_error_kind()`):
/// the same list as the Rust `ErrorKind`, the Python exception classes and the Kotlin
/// `OffblocksException` subclasses. Where `offblocks_result` says which part of the SDK
/// failed, the kind says what a caller does about it: an `OFFBLOCKS_API` failure is sorted
/// by its HTTP status. The numbers never change; new kinds are only ever added (a TLS
/// kind takes the next free number).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum offblocks_error_kind {
    /// The last call succeeded.
    OFFBLOCKS_ERROR_KIND_NONE = 0,
    /// A malformed argument or setting: `OFFBLOCKS_NULL_ARGUMENT`, `OFFBLOCKS_INVALID_UTF8`,
    /// `OFFBLOCKS_INVALID_JSON`, `OFFBLOCKS_INVALID_INPUT`, `OFFBLOCKS_CONFIG`,
    /// `OFFBLOCKS_KEY`, `OFFBLOCKS_SIWE`. Retrying cannot help.
    OFFBLOCKS_ERROR_KIND_INVALID_INPUT = 1,
    /// The SDK's trust checks refused to sign what the server sent
    /// (`OFFBLOCKS_CHALLENGE_REFUSED`). Nothing was signed or sent.
    OFFBLOCKS_ERROR_KIND_REFUSED = 2,
    /// 401: wrong credentials, or a token or request signature the server does not accept.
    OFFBLOCKS_ERROR_KIND_UNAUTHENTICATED = 3,
    /// 403: the credentials are valid but not allowed to make this call.
    OFFBLOCKS_ERROR_KIND_PERMISSION_DENIED = 4,
    /// 404: no such resource.
    OFFBLOCKS_ERROR_KIND_NOT_FOUND = 5,
    /// 409: the resource already exists, or is not in a state that allows the call.
    OFFBLOCKS_ERROR_KIND_CONFLICT = 6,
    /// 422: the Idempotency-Key was used before for a different method, path or body.
    OFFBLOCKS_ERROR_KIND_IDEMPOTENCY_CONFLICT = 7,
    /// 409 while a first request with the same Idempotency-Key is still being processed:
    /// retryable, the same call with the same key gets the first request's answer.
    OFFBLOCKS_ERROR_KIND_IN_FLIGHT = 8,
    /// 429: too many requests; `offblocks_last_error_retry_after()` says how long the
    /// server asked to wait.
    OFFBLOCKS_ERROR_KIND_RATE_LIMITED = 9,
    /// 5xx: the server failed (retryable for 500, 502, 503, 504).
    OFFBLOCKS_ERROR_KIND_SERVER = 10,
    /// The server rejected a signed challenge (`OFFBLOCKS_CHALLENGE_REJECTED`).
    OFFBLOCKS_ERROR_KIND_CHALLENGE_REJECTED = 11,
    /// Any other non-2xx answer (400, 405, 413…).
    OFFBLOCKS_ERROR_KIND_API = 12,
    /// An operation that waits (onboarding, polling an account) ran out of time.
    OFFBLOCKS_ERROR_KIND_TIMEOUT = 13,
    /// The connection failed, timed out or dropped, or the call deadline ran out.
    OFFBLOCKS_ERROR_KIND_TRANSPORT = 14,
    /// A resource reached a state the operation cannot continue from.
    OFFBLOCKS_ERROR_KIND_STATE = 15,
    /// The caller stopped the operation (`OFFBLOCKS_CANCELLED`).
    OFFBLOCKS_ERROR_KIND_CANCELLED = 16,
    /// Producing a signature failed.
    OFFBLOCKS_ERROR_KIND_SIGNING = 17,
    /// An external signer failed or returned something unusable.
    OFFBLOCKS_ERROR_KIND_SIGNER = 18,
    /// A response did not decode into the expected shape.
    OFFBLOCKS_ERROR_KIND_DECODE = 19,
    /// The library panicked (`OFFBLOCKS_PANIC`, a bug: please report it).
    OFFBLOCKS_ERROR_KIND_INTERNAL = 20,
    /// A TLS check refused the server (`OFFBLOCKS_TLS`).
    OFFBLOCKS_ERROR_KIND_TLS = 21,
}

/// The C number of each Rust kind. No `_ =>` arm: a new kind does not compile until it
/// has a number here.
fn c_kind(kind: ErrorKind) -> offblocks_error_kind {
    use offblocks_error_kind::*;
    match kind {
        ErrorKind::InvalidInput => OFFBLOCKS_ERROR_KIND_INVALID_INPUT,
        ErrorKind::Tls => OFFBLOCKS_ERROR_KIND_TLS,
        ErrorKind::Refused => OFFBLOCKS_ERROR_KIND_REFUSED,
        ErrorKind::Unauthenticated => OFFBLOCKS_ERROR_KIND_UNAUTHENTICATED,
        ErrorKind::PermissionDenied => OFFBLOCKS_ERROR_KIND_PERMISSION_DENIED,
        ErrorKind::NotFound => OFFBLOCKS_ERROR_KIND_NOT_FOUND,
        ErrorKind::Conflict => OFFBLOCKS_ERROR_KIND_CONFLICT,
        ErrorKind::IdempotencyConflict => OFFBLOCKS_ERROR_KIND_IDEMPOTENCY_CONFLICT,
        ErrorKind::InFlight => OFFBLOCKS_ERROR_KIND_IN_FLIGHT,
        ErrorKind::RateLimited => OFFBLOCKS_ERROR_KIND_RATE_LIMITED,
        ErrorKind::Server => OFFBLOCKS_ERROR_KIND_SERVER,
        ErrorKind::ChallengeRejected => OFFBLOCKS_ERROR_KIND_CHALLENGE_REJECTED,
        ErrorKind::Api => OFFBLOCKS_ERROR_KIND_API,
        ErrorKind::Timeout => OFFBLOCKS_ERROR_KIND_TIMEOUT,
        ErrorKind::Transport => OFFBLOCKS_ERROR_KIND_TRANSPORT,
        ErrorKind::State => OFFBLOCKS_ERROR_KIND_STATE,
        ErrorKind::Cancelled => OFFBLOCKS_ERROR_KIND_CANCELLED,
        ErrorKind::Signing => OFFBLOCKS_ERROR_KIND_SIGNING,
        ErrorKind::Signer => OFFBLOCKS_ERROR_KIND_SIGNER,
        ErrorKind::Decode => OFFBLOCKS_ERROR_KIND_DECODE,
    }
}

/// A failed call, on its way to becoming this thread's last error.
#[derive(Debug)]
pub(crate) struct Failure {
    code: offblocks_result,
    kind: offblocks_error_kind,
    /// The server's `Retry-After` in seconds, or -1 (kept small: every call returns it).
    retry_after: i64,
    message: String,
    status: u16,
    request_id: Option<String>,
    body: Option<String>,
    retryable: bool,
    reissued_challenge: Option<String>,
    tls_failure: offblocks_tls_failure,
}

use offblocks_result::{
    OFFBLOCKS_DECODE, OFFBLOCKS_INVALID_INPUT, OFFBLOCKS_INVALID_JSON, OFFBLOCKS_INVALID_UTF8,
    OFFBLOCKS_NULL_ARGUMENT, OFFBLOCKS_PANIC,
};

pub(crate) const KIND_INVALID: offblocks_error_kind =
    offblocks_error_kind::OFFBLOCKS_ERROR_KIND_INVALID_INPUT;

impl Failure {
    pub(crate) fn new(
        code: offblocks_result,
        kind: offblocks_error_kind,
        message: String,
    ) -> Failure {
        Failure {
            code,
            kind,
            retry_after: -1,
            message,
            status: 0,
            request_id: None,
            body: None,
            retryable: false,
            reissued_challenge: None,
            tls_failure: offblocks_tls_failure::OFFBLOCKS_TLS_NONE,
        }
    }

    pub(crate) fn null(name: &str) -> Failure {
        let message = format!("{name} must not be NULL");
        Failure::new(OFFBLOCKS_NULL_ARGUMENT, KIND_INVALID, message)
    }

    pub(crate) fn utf8(name: &str, error: &std::str::Utf8Error) -> Failure {
        let message = format!("{name} is not valid UTF-8 (byte {})", error.valid_up_to());
        Failure::new(OFFBLOCKS_INVALID_UTF8, KIND_INVALID, message)
    }

    pub(crate) fn json(name: &str, why: impl std::fmt::Display) -> Failure {
        let message = format!("{name} is not valid JSON for this call: {why}");
        Failure::new(OFFBLOCKS_INVALID_JSON, KIND_INVALID, message)
    }

    pub(crate) fn invalid(message: String) -> Failure {
        Failure::new(OFFBLOCKS_INVALID_INPUT, KIND_INVALID, message)
    }

    pub(crate) fn decode(message: &str) -> Failure {
        Failure::new(
            OFFBLOCKS_DECODE,
            offblocks_error_kind::OFFBLOCKS_ERROR_KIND_DECODE,
            message.to_owned(),
        )
    }

    pub(crate) fn from_panic(payload: &(dyn Any + Send)) -> Failure {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown cause");
        Failure::new(
            OFFBLOCKS_PANIC,
            offblocks_error_kind::OFFBLOCKS_ERROR_KIND_INTERNAL,
            format!("internal error (panic): {what}"),
        )
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let mut failure = Failure::new(code_of(&error), c_kind(error.kind()), error.to_string());
        failure.retryable = error.is_retryable();
        if let Some(after) = error.retry_after() {
            failure.retry_after = i64::try_from(after.as_secs()).unwrap_or(i64::MAX);
        }
        if let Some(api) = error.api() {
            failure.status = api.status;
            failure.request_id = api.request_id.clone();
            failure.body = Some(api.body.clone());
        }
        if let Error::ChallengeRejected { reissued, .. } = &error {
            failure.reissued_challenge = reissued.clone();
        }
        if let Error::Tls { kind, .. } = &error {
            failure.tls_failure = tls_code(*kind);
        }
        failure
    }
}

/// This thread's last error, in the form the getters hand out.
struct LastError {
    code: offblocks_result,
    kind: offblocks_error_kind,
    retry_after: i64,
    message: Option<CString>,
    status: u16,
    request_id: Option<CString>,
    body: Option<CString>,
    retryable: bool,
    reissued_challenge: Option<CString>,
    tls_failure: offblocks_tls_failure,
}

const NONE: LastError = LastError {
    code: offblocks_result::OFFBLOCKS_OK,
    kind: offblocks_error_kind::OFFBLOCKS_ERROR_KIND_NONE,
    retry_after: -1,
    message: None,
    status: 0,
    request_id: None,
    body: None,
    retryable: false,
    reissued_challenge: None,
    tls_failure: offblocks_tls_failure::OFFBLOCKS_TLS_NONE,
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
        kind: failure.kind,
        retry_after: failure.retry_after,
        message: Some(c_lossy(failure.message)),
        status: failure.status,
        request_id: failure.request_id.map(c_lossy),
        body: failure.body.map(c_lossy),
        retryable: failure.retryable,
        reissued_challenge: failure.reissued_challenge.map(c_lossy),
        tls_failure: failure.tls_failure,
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

/// What kind of failure the last call on this thread that returns an `offblocks_result`
/// had (`OFFBLOCKS_ERROR_KIND_NONE` if it succeeded): not found, unauthenticated, rate
/// limited… (see `offblocks_error_kind`).
#[no_mangle]
pub extern "C" fn offblocks_last_error_kind() -> offblocks_error_kind {
    with_last(offblocks_error_kind::OFFBLOCKS_ERROR_KIND_NONE, |last| {
        last.kind
    })
}

/// The seconds the server asked to wait (its `Retry-After`) in the response behind the
/// last failure on this thread (a 429, a 503, an in-flight 409), or -1 when it did not
/// say or there was no response.
#[no_mangle]
pub extern "C" fn offblocks_last_error_retry_after() -> i64 {
    with_last(-1, |last| last.retry_after)
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
/// (with the same Idempotency-Key): connection failures and timeouts, 429, 500, 502, 503,
/// 504, and a 409 that says the same Idempotency-Key is still being processed (it carries
/// `Retry-After`, or an error code such as `idempotency_key_in_use`). A 409 because the
/// resource exists (`OFFBLOCKS_CONFLICT`) is not retryable.
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

/// After `OFFBLOCKS_TLS`: which TLS check refused the connection;
/// `OFFBLOCKS_TLS_NONE` when the last failure on this thread was not a TLS one.
#[no_mangle]
pub extern "C" fn offblocks_last_error_tls_failure() -> offblocks_tls_failure {
    with_last(offblocks_tls_failure::OFFBLOCKS_TLS_NONE, |last| {
        last.tls_failure
    })
}
