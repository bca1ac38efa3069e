//! What kind of failure an [`Error`] is: one list, shared by every face of the SDK.
//!
//! [`Error`]'s variants say where a failure came from (an API status, the transport, the
//! challenge guard…); [`ErrorKind`] says what a caller does about it. An API error is
//! sorted by its status (401, 403, 404, 409, 422, 429, 5xx), and the C ABI
//! (`offblocks_error_kind`), Python (one exception class per kind) and Kotlin (one
//! `OffblocksException` subclass per kind) use the same list under the same names.

use std::time::Duration;

use super::{ApiError, Error};

/// What kind of failure an [`Error`] is; see [`Error::kind`].
///
/// New kinds may be added in a minor release, so a `match` needs a `_` arm.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A malformed argument or setting: [`Error::InvalidInput`], [`Error::Config`],
    /// [`Error::Key`] and [`Error::Siwe`]. Fix the input; retrying cannot help.
    InvalidInput,
    /// The SDK's trust checks refused to sign what the server sent
    /// ([`Error::ChallengeRefused`]). Nothing was signed or sent.
    Refused,
    /// 401: wrong credentials, or a token or request signature the server does not accept.
    Unauthenticated,
    /// 403: the credentials are valid but not allowed to make this call.
    PermissionDenied,
    /// 404: no such resource (or an endpoint the environment does not have).
    NotFound,
    /// 409: the resource already exists, or is not in a state that allows the call.
    Conflict,
    /// 422: the Idempotency-Key was used before for a different method, path or body.
    /// A new logical operation needs a new key.
    IdempotencyConflict,
    /// 409 while a first request with the same Idempotency-Key is still being processed.
    /// Retryable: the same call with the same key gets the first request's answer.
    InFlight,
    /// 429: too many requests; [`Error::retry_after`] says how long the server asked to wait.
    RateLimited,
    /// 5xx: the server failed. Retryable for 500, 502, 503 and 504.
    Server,
    /// The server rejected a signed challenge ([`Error::ChallengeRejected`]).
    ChallengeRejected,
    /// Any other non-2xx answer (400, 405, 413…).
    Api,
    /// An operation that waits (onboarding, polling an account) ran out of time.
    Timeout,
    /// The connection failed, timed out or dropped before a complete response arrived,
    /// or the call deadline ran out between attempts.
    Transport,
    /// The TLS handshake refused the server: an untrusted chain, another host's
    /// certificate, an expired one, a pin mismatch, or a failed handshake
    /// ([`Error::Tls`]). Never retryable: nothing of the request was sent.
    Tls,
    /// A resource reached a state the operation cannot continue from.
    State,
    /// The caller stopped the operation (its progress callback said so).
    Cancelled,
    /// Producing a signature failed.
    Signing,
    /// A signer supplied by the caller failed or returned something unusable.
    Signer,
    /// A response did not decode into the expected type.
    Decode,
}

impl ErrorKind {
    /// The kind of a non-2xx answer, by its status.
    pub(crate) fn of_api(api: &ApiError) -> ErrorKind {
        match api.status {
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 if api.retryable => ErrorKind::InFlight,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::IdempotencyConflict,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Api,
        }
    }
}

impl Error {
    /// What kind of failure this is: the status of an API error sorted into
    /// not found, unauthenticated, rate limited…, the other variants into their kind.
    ///
    /// ```
    /// # fn main() {
    /// use offblocks::{Error, ErrorKind};
    /// let error = Error::InvalidInput("empty customer id".into());
    /// assert_eq!(error.kind(), ErrorKind::InvalidInput);
    /// # }
    /// ```
    pub fn kind(&self) -> ErrorKind {
        // No `_ =>` arm: a new variant does not compile until it has a kind.
        match self {
            Error::Config(_) | Error::InvalidInput(_) | Error::Key(_) | Error::Siwe(_) => {
                ErrorKind::InvalidInput
            }
            Error::ChallengeRefused(_) => ErrorKind::Refused,
            Error::ChallengeRejected { .. } => ErrorKind::ChallengeRejected,
            Error::Api(api) => ErrorKind::of_api(api),
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Tls { .. } => ErrorKind::Tls,
            Error::Timeout(_) => ErrorKind::Timeout,
            Error::State(_) => ErrorKind::State,
            Error::Cancelled(_) => ErrorKind::Cancelled,
            Error::Signing(_) => ErrorKind::Signing,
            Error::Signer(_) => ErrorKind::Signer,
            Error::Decode { .. } => ErrorKind::Decode,
        }
    }

    /// How long the server asked to wait before trying again (its `Retry-After`, on a
    /// 429, a 503 or an in-flight 409), if it said. The SDK already waits that long
    /// between its own attempts; this is for the caller deciding what to do once they
    /// are spent.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api()?.retry_after.map(Duration::from_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, retryable: bool, retry_after: Option<u64>) -> Error {
        Error::Api(Box::new(ApiError {
            status,
            body: String::new(),
            json: None,
            request_id: None,
            retry_after,
            retryable,
            note: None,
        }))
    }

    #[test]
    fn statuses_sort_into_kinds() {
        let cases = [
            (400, false, ErrorKind::Api),
            (401, false, ErrorKind::Unauthenticated),
            (403, false, ErrorKind::PermissionDenied),
            (404, false, ErrorKind::NotFound),
            (409, true, ErrorKind::InFlight),
            (409, false, ErrorKind::Conflict),
            (422, false, ErrorKind::IdempotencyConflict),
            (429, true, ErrorKind::RateLimited),
            (500, true, ErrorKind::Server),
            (501, false, ErrorKind::Server),
            (503, true, ErrorKind::Server),
        ];
        for (status, retryable, kind) in cases {
            assert_eq!(api(status, retryable, None).kind(), kind, "{status}");
        }
    }

    #[test]
    fn other_variants_have_their_kind() {
        assert_eq!(Error::Config("x".into()).kind(), ErrorKind::InvalidInput);
        assert_eq!(Error::Key("x".into()).kind(), ErrorKind::InvalidInput);
        assert_eq!(Error::Timeout("x".into()).kind(), ErrorKind::Timeout);
        assert_eq!(Error::Cancelled("x".into()).kind(), ErrorKind::Cancelled);
        let transport = Error::Transport {
            message: "refused".into(),
            retryable: true,
        };
        assert_eq!(transport.kind(), ErrorKind::Transport);
        assert_eq!(Error::decode("$", "bad").kind(), ErrorKind::Decode);
    }

    #[test]
    fn retry_after_is_the_servers() {
        assert_eq!(
            api(429, true, Some(7)).retry_after(),
            Some(Duration::from_secs(7))
        );
        assert_eq!(api(429, true, None).retry_after(), None);
        assert_eq!(Error::State("x".into()).retry_after(), None);
    }
}
