//! One error taxonomy: each status a server can answer sorts into the same kind through
//! the Rust API (`Error::kind`, `Error::retry_after`) and the C ABI
//! (`offblocks_last_error_kind`, `offblocks_last_error_retry_after`), against mockito.

mod common;
#[path = "common/ffi.rs"]
mod support;

use std::ffi::c_char;
use std::time::Duration;

use common::{now, KEY_ID, TOKEN};
use offblocks::ffi::offblocks_error_kind::*;
use offblocks::ffi::*;
use offblocks::{Client, ErrorKind, RetryPolicy, SigningKey};
use support::*;

/// One answer of `GET /v1/customers/{id}` and what it must become in each face.
struct Case {
    id: &'static str,
    status: usize,
    body: &'static str,
    retry_after: Option<&'static str>,
    kind: ErrorKind,
    c_kind: offblocks_error_kind,
}

const CASES: &[Case] = &[
    case(
        "c400",
        400,
        r#"{"error":"invalid_request"}"#,
        None,
        ErrorKind::Api,
        OFFBLOCKS_ERROR_KIND_API,
    ),
    case(
        "c401",
        401,
        r#"{"error":"unauthorized"}"#,
        None,
        ErrorKind::Unauthenticated,
        OFFBLOCKS_ERROR_KIND_UNAUTHENTICATED,
    ),
    case(
        "c403",
        403,
        r#"{"error":"forbidden"}"#,
        None,
        ErrorKind::PermissionDenied,
        OFFBLOCKS_ERROR_KIND_PERMISSION_DENIED,
    ),
    case(
        "c404",
        404,
        r#"{"error":"not_found"}"#,
        None,
        ErrorKind::NotFound,
        OFFBLOCKS_ERROR_KIND_NOT_FOUND,
    ),
    case(
        "c409",
        409,
        r#"{"error":"invalid_state"}"#,
        None,
        ErrorKind::Conflict,
        OFFBLOCKS_ERROR_KIND_CONFLICT,
    ),
    case(
        "c409f",
        409,
        r#"{"error":"idempotency_key_in_use"}"#,
        Some("2"),
        ErrorKind::InFlight,
        OFFBLOCKS_ERROR_KIND_IN_FLIGHT,
    ),
    case(
        "c422",
        422,
        r#"{"error":"idempotency_key_reused"}"#,
        None,
        ErrorKind::IdempotencyConflict,
        OFFBLOCKS_ERROR_KIND_IDEMPOTENCY_CONFLICT,
    ),
    case(
        "c429",
        429,
        r#"{"error":"rate_limited"}"#,
        Some("7"),
        ErrorKind::RateLimited,
        OFFBLOCKS_ERROR_KIND_RATE_LIMITED,
    ),
    case(
        "c500",
        500,
        r#"{"error":"internal"}"#,
        None,
        ErrorKind::Server,
        OFFBLOCKS_ERROR_KIND_SERVER,
    ),
    case(
        "c503",
        503,
        "down for maintenance",
        Some("30"),
        ErrorKind::Server,
        OFFBLOCKS_ERROR_KIND_SERVER,
    ),
];

#[allow(clippy::too_many_arguments)]
const fn case(
    id: &'static str,
    status: usize,
    body: &'static str,
    retry_after: Option<&'static str>,
    kind: ErrorKind,
    c_kind: offblocks_error_kind,
) -> Case {
    Case {
        id,
        status,
        body,
        retry_after,
        kind,
        c_kind,
    }
}

/// A server answering every case, and a valid token. The token endpoint never answers
/// 401, so a 401 from a case is returned after the one token refresh it earns.
fn server() -> (mockito::ServerGuard, Vec<mockito::Mock>) {
    let mut server = mockito::Server::new();
    let mut mocks = vec![server
        .mock("POST", "/v1/auth/token")
        .with_status(200)
        .with_body(format!(
            r#"{{"token":"{TOKEN}","expiresAt":{},"tokenType":"Bearer"}}"#,
            now() + 3600
        ))
        .create()];
    for case in CASES {
        let mut mock = server
            .mock("GET", format!("/v1/customers/{}", case.id).as_str())
            .with_status(case.status)
            .with_body(case.body);
        if let Some(seconds) = case.retry_after {
            mock = mock.with_header("retry-after", seconds);
        }
        mocks.push(mock.create());
    }
    (server, mocks)
}

fn expected_retry_after(case: &Case) -> Option<u64> {
    case.retry_after.map(|s| s.parse().unwrap())
}

#[test]
fn every_status_has_its_kind_in_rust() {
    let (server, _mocks) = server();
    // One attempt: the kinds are those of the answer, not of the retry loop.
    let client = Client::builder()
        .base_url(format!("{}/v1", server.url()))
        .credentials("3f0e7a52-6f4c-4a4e-9a57-1d2f3c4b5a69", "s3cr3t-api-secret")
        .signing_key(SigningKey::generate().unwrap())
        .key_id(KEY_ID)
        .retry(RetryPolicy {
            max_attempts: 1,
            base_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    for case in CASES {
        let error = client.customers().get(case.id).unwrap_err();
        assert_eq!(error.kind(), case.kind, "{}: {error:?}", case.id);
        assert_eq!(error.status(), Some(case.status as u16), "{}", case.id);
        assert_eq!(
            error.retry_after(),
            expected_retry_after(case).map(Duration::from_secs),
            "{}",
            case.id
        );
    }
}

#[test]
fn every_status_has_its_kind_in_c() {
    let (server, _mocks) = server();
    let url = format!("{}/v1", server.url());
    let mut cfg: serde_json::Value =
        serde_json::from_str(&config(&url, &generated_pem(), Some(KEY_ID))).unwrap();
    cfg["retry"]["maxAttempts"] = 1.into();
    let client = client(&cfg.to_string()).unwrap();
    for case in CASES {
        let mut out: *mut c_char = SENTINEL;
        // SAFETY: a live handle, a valid string and out-pointer.
        let rc = unsafe { offblocks_customers_get(client, cs(case.id).as_ptr(), &mut out) };
        assert_ne!(rc, offblocks_result::OFFBLOCKS_OK, "{}", case.id);
        assert_eq!(out, SENTINEL, "{}", case.id);
        assert_eq!(offblocks_last_error_kind(), case.c_kind, "{}", case.id);
        assert_eq!(offblocks_last_error_status(), case.status as u16);
        let retry_after = offblocks_last_error_retry_after();
        match expected_retry_after(case) {
            Some(seconds) => assert_eq!(retry_after, seconds as i64, "{}", case.id),
            None => assert_eq!(retry_after, -1, "{}", case.id),
        }
    }
    // Failures raised before any request have their kind too, and a success clears it.
    let mut out: *mut c_char = SENTINEL;
    // SAFETY: as above; the id is NULL on purpose.
    let rc = unsafe { offblocks_customers_get(client, std::ptr::null(), &mut out) };
    assert_eq!(rc, offblocks_result::OFFBLOCKS_NULL_ARGUMENT);
    assert_eq!(
        offblocks_last_error_kind(),
        OFFBLOCKS_ERROR_KIND_INVALID_INPUT
    );
    assert_eq!(offblocks_last_error_retry_after(), -1);
    let mut pem = std::ptr::null_mut();
    // SAFETY: a valid out-pointer.
    assert_eq!(
        unsafe { offblocks_signing_key_generate(&mut pem) },
        offblocks_result::OFFBLOCKS_OK
    );
    // SAFETY: returned by the library.
    unsafe { take(pem) };
    assert_eq!(offblocks_last_error_kind(), OFFBLOCKS_ERROR_KIND_NONE);
    // SAFETY: the handle is live and freed once.
    unsafe { offblocks_client_free(client) };
}
