//! What comes back: the one mapping of a non-2xx answer to an error, and the decoding
//! of a successful one, naming where it failed.

use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, Result};

impl super::Response {
    /// Decodes the body as `T`, naming where it failed.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(&self.body)
    }
}

/// Decodes JSON into `T`; a list may also arrive wrapped as `{"data": [...]}`.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| Error::decode("$", e))?;
    decode_value(value, "$")
}

pub(crate) fn decode_value<T: DeserializeOwned>(value: serde_json::Value, path: &str) -> Result<T> {
    serde_json::from_value(value).map_err(|e| Error::decode(path, e))
}

/// Decodes a list, element by element so an error names its index.
pub(crate) fn decode_list<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| Error::decode("$", e))?;
    let (items, prefix) = match value {
        serde_json::Value::Array(items) => (items, "$"),
        serde_json::Value::Object(mut map) => match ["data", "items", "results"]
            .iter()
            .find_map(|k| map.remove(*k).map(|v| (v, *k)))
        {
            Some((serde_json::Value::Array(items), "data")) => (items, "$.data"),
            Some((serde_json::Value::Array(items), "items")) => (items, "$.items"),
            Some((serde_json::Value::Array(items), _)) => (items, "$.results"),
            _ => return Err(Error::decode("$", "expected a list")),
        },
        _ => return Err(Error::decode("$", "expected a list")),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| decode_value(item, &format!("{prefix}[{i}]")))
        .collect()
}

pub(crate) struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
    pub retry_after: Option<u64>,
    /// The response's `Date`, in unix seconds, when it had a readable one.
    pub server_time: Option<i64>,
}

/// The one function that turns a non-2xx response into an [`ApiError`].
pub(crate) fn api_error(resp: RawResponse) -> ApiError {
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    let json = serde_json::from_slice(&resp.body).ok();
    let mut api = ApiError {
        status: resp.status,
        body,
        json,
        request_id: resp.request_id,
        retry_after: resp.retry_after,
        retryable: false,
        note: None,
    };
    api.retryable = matches!(api.status, 429 | 500 | 502 | 503 | 504)
        || (api.status == 409 && is_in_flight(&api));
    api
}

/// A 409 that means "the same Idempotency-Key is still being processed", as opposed to
/// "this resource already exists": the server asks us to come back (`Retry-After`) or
/// says so in its error code.
fn is_in_flight(api: &ApiError) -> bool {
    if api.retry_after.is_some() {
        return true;
    }
    let code = api
        .json
        .as_ref()
        .and_then(|j| j.get("error").or_else(|| j.get("code")))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    ["in_use", "in_progress", "in_flight", "processing"]
        .iter()
        .any(|k| code.contains(k))
}

pub(crate) fn classify(api: ApiError) -> Error {
    if api.status == 409 && !api.retryable {
        Error::Conflict(Box::new(api))
    } else {
        Error::Api(Box::new(api))
    }
}

pub(super) fn transport_error(e: ureq::Error) -> Error {
    if let Some(tls) = super::tls::classify(&e) {
        return tls;
    }
    let retryable = matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
            | ureq::Error::HostNotFound
    );
    Error::Transport {
        message: e.to_string(),
        retryable,
    }
}
