//! One logical API operation, how it authorizes itself, and what it returns.

use std::fmt;
use std::time::{Duration, Instant};

use crate::config::Secret;
use crate::error::{Error, Result};
use crate::ids;

use super::Transport;

/// How a call authorizes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authorization {
    /// No `Authorization`, no signature (`POST /auth/token`).
    None,
    /// Bearer token, signed when a key id is known (`PUT /auth/signing`).
    BearerSignedIfKeyed,
    /// Bearer token and a signature: every other call.
    Signed,
}

/// One logical API operation.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub method: &'static str,
    pub path: String,
    pub query: Option<String>,
    pub body: Option<Vec<u8>>,
    pub idempotency_key: Option<String>,
    pub authorization: Authorization,
    /// Signed with this key and key id instead of the client's current ones (deleting
    /// the key a rotation replaced), and never re-signed with another.
    pub signed_as: Option<super::Signing>,
}

impl Call {
    pub fn new(method: &'static str, path: String) -> Call {
        Call {
            method,
            path,
            query: None,
            body: None,
            idempotency_key: None,
            authorization: Authorization::Signed,
            signed_as: None,
        }
    }

    /// Adds a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Call> {
        self.body = Some(
            serde_json::to_vec(body)
                .map_err(|e| Error::InvalidInput(format!("cannot serialize body: {e}")))?,
        );
        Ok(self)
    }

    /// Sets the Idempotency-Key (given by the caller or a fresh UUIDv4).
    pub fn idempotent(mut self, key: Option<&str>) -> Result<Call> {
        let key = match key {
            Some(k) => {
                uuid::Uuid::parse_str(k)
                    .map_err(|_| Error::InvalidInput("idempotency key must be a UUID".into()))?;
                k.to_owned()
            }
            None => ids::random()?.to_string(),
        };
        self.idempotency_key = Some(key);
        Ok(self)
    }
}

/// A successful response, and what cleans a decoding error's message.
#[derive(Debug)]
pub(crate) struct Response {
    pub body: Vec<u8>,
    pub redactor: std::sync::Arc<crate::redact::Redactor>,
}

/// When a call must be over, and which limit says so: the configured call deadline, or
/// a caller's tighter bound (the onboarding flow's timeout), named in the errors it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deadline {
    /// The instant the call must be over by.
    pub at: Instant,
    /// The setting it comes from (`call deadline`, `onboarding timeout`).
    what: &'static str,
    /// That setting's value.
    limit: Duration,
}

impl Deadline {
    /// `limit` from now, named `what` in errors.
    pub fn after(limit: Duration, what: &'static str) -> Deadline {
        Deadline {
            at: Instant::now() + limit,
            what,
            limit,
        }
    }

    /// `limit` from `start`, named `what` in errors.
    pub fn since(start: Instant, limit: Duration, what: &'static str) -> Deadline {
        Deadline {
            at: start + limit,
            what,
            limit,
        }
    }

    /// The nearer of the two.
    pub fn nearer(self, other: Deadline) -> Deadline {
        if other.at < self.at {
            other
        } else {
            self
        }
    }

    /// The time left before it, zero once passed.
    pub fn left(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }
}

impl fmt::Display for Deadline {
    /// `the call deadline of 90s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the {} of {:?}", self.what, self.limit)
    }
}

/// Where a call's bearer token comes from (the token source, which itself calls through
/// the transport: hence a trait here rather than an import of it).
pub(crate) trait Bearer {
    /// A valid token, fetched by `deadline` when a new one is needed.
    fn valid_token(&self, transport: &Transport, deadline: Deadline) -> Result<Secret>;
    /// Forgets `used` after the server refused it.
    fn invalidate(&self, used: &Secret);
}
