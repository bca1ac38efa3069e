//! The way in for the fuzz harnesses (`fuzz/harness/`), to what they check that the
//! public API cannot reach: how the client reads a response, and how a response's error
//! reaches a C caller. Everything else they test through the public Rust API and the
//! C ABI, as a host would.
//!
//! Not part of the public API: built only with the `fuzzing` feature, hidden from the
//! docs, and free to change in any release. Each function takes plain values and
//! returns public types; it only calls what the library itself uses.

use serde::de::DeserializeOwned;

use crate::ffi::offblocks_result;
use crate::transport::{api_error, classify, decode_json, decode_list, RawResponse};
use crate::{Error, Result};

/// A 2xx response body decoded as the client decodes one resource.
///
/// # Errors
///
/// [`Error::Decode`], naming where the body failed.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    decode_json(body)
}

/// A 2xx response body decoded as the client decodes a list: bare, or wrapped as
/// `{"data": […]}`, `{"items": […]}` or `{"results": […]}`.
///
/// # Errors
///
/// [`Error::Decode`], naming where the body failed.
pub fn decode_items<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>> {
    decode_list(body)
}

/// The error a non-2xx response becomes: its status, its `X-Request-Id` and
/// `Retry-After` headers as the transport reads them, and its body.
pub fn response_error(
    status: u16,
    request_id: Option<&str>,
    retry_after: Option<u64>,
    body: &[u8],
) -> Error {
    let api = api_error(RawResponse {
        status,
        body: body.to_vec(),
        request_id: request_id.map(str::to_owned),
        retry_after,
        server_time: None,
    });
    classify(crate::redact::Redactor::default().scrub_api(api))
}

/// A response's `Date` header as the transport reads it (IMF-fixdate), in unix seconds;
/// `None` when it is not one.
pub fn http_date(value: &str) -> Option<i64> {
    crate::time::parse_http_date(value)
}

/// Records `error` as this thread's last error of the C ABI, as a C call that met it
/// would, and returns its code: what `offblocks_last_error_*` then answer.
pub fn set_last_error(error: Error) -> offblocks_result {
    crate::ffi::store(error.into())
}
