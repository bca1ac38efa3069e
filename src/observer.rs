//! The observer hook: what the transport tells about each attempt of each call.

use std::sync::Arc;
use std::time::Duration;

use serde::{Serialize, Serializer};

/// One attempt of one call, as an [`Observer`] sees it: never a token, a body or a query.
///
/// In JSON (the C ABI's observer): `{"method", "path", "attempt", "status", "error",
/// "durationMs", "requestId", "idempotencyKey"}`, absent values `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Attempt {
    /// `GET`, `POST`…
    pub method: &'static str,
    /// The request's path from the host on (`/v1/customers/c_1`), without the query.
    pub path: String,
    /// 1 for the call's first request, 2 for the next one sent (a retry, a re-sign on the
    /// server's clock, or the attempt after a token refresh)…
    pub attempt: u32,
    /// The response's status, or `None` when no response came.
    pub status: Option<u16>,
    /// Why no response came (a transport failure), when none did.
    pub error: Option<String>,
    /// From sending the request to reading the whole response.
    #[serde(rename = "durationMs", serialize_with = "millis_f64")]
    pub duration: Duration,
    /// The response's `x-request-id` (or `request-id`), when it has one: quote it to
    /// OffBlocks' support.
    pub request_id: Option<String>,
    /// The call's Idempotency-Key, the same on each of its attempts.
    pub idempotency_key: Option<String>,
}

/// A function told about every attempt of every call (see
/// [`crate::ClientBuilder::observer`]). It runs on the calling thread, between attempts:
/// keep it quick.
///
/// It runs under no lock of the client: it may format the client or call it. One call
/// fails at once instead: a call made on the same thread while that thread is fetching
/// the bearer token (the observer is told about `POST /auth/token`), which would wait
/// for itself ([`crate::Error::InvalidInput`]).
pub type Observer = Arc<dyn Fn(&Attempt) + Send + Sync>;

fn millis_f64<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}
