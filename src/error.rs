//! The one error type of the SDK.
//!
//! Every fallible function returns [`Error`]. Non-2xx responses become errors in exactly
//! one place ([`crate::transport`]); messages are short, lowercase and never carry a
//! secret (API secret, token, private key).

use std::fmt;

use crate::wallet::{Refusal, SiweError};

mod kind;
pub use kind::ErrorKind;

/// Everything that can go wrong in the SDK.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client was configured with an invalid or contradictory setting.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// An argument given by the caller is malformed (a bad id, hex string, CAIP id…).
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// Key material (P-384 request-signing key, secp256k1 wallet key) could not be loaded.
    /// The message never contains the key itself.
    #[error("invalid key: {0}")]
    Key(String),

    /// Producing a signature failed (a request signature or a wallet signature).
    #[error("signing failed: {0}")]
    Signing(String),

    /// A signer supplied by the caller (wallet app, KMS, HSM, C or Python callback)
    /// reported a failure or returned something unusable.
    #[error("external signer failed: {0}")]
    Signer(String),

    /// A Sign-In with Ethereum (EIP-4361) message could not be parsed.
    #[error("invalid sign-in message: {0}")]
    Siwe(#[from] SiweError),

    /// The challenge guard refused to sign a challenge (wrong address, chain, domain, or
    /// outside its validity window). Nothing was signed or sent.
    #[error("challenge refused: {0}")]
    ChallengeRefused(#[from] Refusal),

    /// The server rejected a signed challenge (400 from a `…/challenge/sign` call). The
    /// server issues a new challenge after such a failure; `reissued` carries it (base64)
    /// when it could be fetched.
    #[error("challenge signature rejected by the server ({})", .api.status)]
    ChallengeRejected {
        /// The server's response.
        api: Box<ApiError>,
        /// The challenge the server issued after the rejection, when fetched.
        reissued: Option<String>,
    },

    /// The connection failed, timed out or dropped before a complete response arrived.
    /// `retryable` is true when sending again (with the same Idempotency-Key) may help.
    #[error("transport error: {message}")]
    Transport {
        /// What failed, without any request header.
        message: String,
        /// Whether another attempt could succeed.
        retryable: bool,
    },

    /// The TLS handshake was refused: the server's certificate is untrusted, for another
    /// host, expired, matches no pin, or the handshake failed. Never retryable; nothing
    /// of the request was sent.
    #[error("tls ({kind}): {message}")]
    Tls {
        /// Which check failed.
        kind: crate::transport::TlsFailure,
        /// What failed and what to do about it.
        message: String,
    },

    /// The server answered with a non-2xx status (other than the conflicts below).
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The server answered `409 Conflict` because the resource already exists (for
    /// example a customer with the same `externalId` or `chainId`).
    #[error("conflict: {0}")]
    Conflict(Box<ApiError>),

    /// A response body did not decode into the expected type.
    #[error("cannot decode response at {path}: {message}")]
    Decode {
        /// Where in the JSON the problem is (`$.status`, `$[2].id`…).
        path: String,
        /// What was wrong.
        message: String,
    },

    /// A resource reached a state the operation cannot continue from (a `rejected`
    /// customer, a `failed` account).
    #[error("cannot continue: {0}")]
    State(String),

    /// An operation that waits (polling an account until `active`) ran out of time.
    #[error("timed out: {0}")]
    Timeout(String),

    /// The caller stopped the operation (its progress callback said so). What was done
    /// stays done: running it again resumes without creating anything twice.
    #[error("cancelled: {0}")]
    Cancelled(String),
}

impl Error {
    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|api| api.status)
    }

    /// The server's response behind this error, if there was one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) | Error::Conflict(api) => Some(api),
            Error::ChallengeRejected { api, .. } => Some(api),
            _ => None,
        }
    }

    /// Whether retrying the same operation (with the same Idempotency-Key) could succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { retryable, .. } => *retryable,
            Error::Api(api) => api.retryable,
            _ => false,
        }
    }

    pub(crate) fn decode(path: impl Into<String>, message: impl fmt::Display) -> Error {
        Error::Decode {
            path: path.into(),
            message: message.to_string(),
        }
    }
}

/// A non-2xx response from the OffBlocks API, kept whole.
#[derive(Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The response body as text (lossy UTF-8): its first 64 KiB, with every secret the
    /// client knows replaced by `[redacted]`.
    pub body: String,
    /// The body parsed as JSON, when it is JSON of at most 64 KiB, with the same
    /// secrets replaced.
    pub json: Option<serde_json::Value>,
    /// The request id the server sent back (`X-Request-Id` or `Request-Id`), if any.
    pub request_id: Option<String>,
    /// Seconds the server asked us to wait (`Retry-After`), if it said.
    pub retry_after: Option<u64>,
    /// Whether a retry could help (429, 500, 502, 503, 504, 409 while in flight).
    pub retryable: bool,
    /// What the client adds to explain it (the server's clock far from ours, the call
    /// deadline ran out), if anything.
    pub note: Option<String>,
}

/// The longest server reason shown in a message.
const MAX_REASON: usize = 200;

impl ApiError {
    /// The server's own short description, from the JSON body's `message`, `error`,
    /// `detail` or `title` field when there is one, cleaned as [`ApiError::reason`]:
    /// at most 200 characters, no control character, nothing that looks like a
    /// credential, and no secret the client knows.
    pub fn message(&self) -> Option<String> {
        let json = self.json.as_ref()?;
        let raw = ["message", "error", "detail", "title"]
            .iter()
            .find_map(|k| json.get(*k).and_then(|v| v.as_str()))?;
        let shown = crate::redact::clean_text(raw, MAX_REASON);
        (!shown.is_empty()).then_some(shown)
    }

    /// The server's reason as shown in messages: [`ApiError::message`], else the first
    /// line of a text body; at most 200 characters, control characters dropped, and
    /// anything that looks like a credential (a bearer token, a long run of key-like
    /// characters) replaced by `[redacted]`.
    pub fn reason(&self) -> Option<String> {
        if self.json.is_some() {
            return self.message();
        }
        let line = self.body.lines().find(|l| !l.trim().is_empty())?;
        let shown = crate::redact::clean_text(line, MAX_REASON);
        (!shown.is_empty()).then_some(shown)
    }
}

/// Replaces words that look like secrets: what follows `Bearer`, and any run of 24 or
/// more characters from a key or token alphabet (base64, hex, JWT).
pub(crate) fn redact_secrets(text: &str) -> String {
    let mut out = Vec::new();
    let mut after_bearer = false;
    for word in text.split(' ') {
        let key_like = word.len() >= 24
            && word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=_-.".contains(&b));
        if after_bearer || key_like {
            out.push("[redacted]");
        } else {
            out.push(word);
        }
        after_bearer = word.eq_ignore_ascii_case("bearer");
    }
    out.join(" ")
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body is not shown: only the cleaned reason and the body's length.
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("reason", &self.reason())
            .field("body_len", &self.body.len())
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("retryable", &self.retryable)
            .field("note", &self.note)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "api error {}", self.status)?;
        if let Some(m) = self.reason() {
            write!(f, ": {m}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(note) = &self.note {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}

/// The SDK's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn api(body: &str) -> ApiError {
        ApiError {
            status: 400,
            body: body.to_owned(),
            json: serde_json::from_str(body).ok(),
            request_id: None,
            retry_after: None,
            retryable: false,
            note: None,
        }
    }

    #[test]
    fn a_text_reason_reads_as_such() {
        assert_eq!(
            api("invalid required signature\n").to_string(),
            "api error 400: invalid required signature"
        );
        assert_eq!(
            api(r#"{"message":"bad chain id"}"#).to_string(),
            "api error 400: bad chain id"
        );
        assert_eq!(api(r#"{"other":1}"#).to_string(), "api error 400");
        assert_eq!(api("").to_string(), "api error 400");
    }

    #[test]
    fn reasons_are_bounded_and_carry_no_secret() {
        let long = "x ".repeat(500);
        let shown = api(&long).to_string();
        assert!(shown.chars().count() < 230, "{shown}");
        let leaky = api("token Bearer abc.def rejected for key \
                         MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oJlk2KO1Q2Dr");
        let shown = leaky.to_string();
        assert!(
            !shown.contains("abc.def") && !shown.contains("MHcCAQEE"),
            "{shown}"
        );
        assert!(shown.contains("[redacted]"), "{shown}");
        let control = api("bad\u{1b}[31m thing");
        assert!(!control.to_string().contains('\u{1b}'));
    }
}
