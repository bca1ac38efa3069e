//! The one error type of the SDK.
//!
//! Every fallible function returns [`Error`]. Non-2xx responses become errors in exactly
//! one place ([`crate::transport`]); messages are short, lowercase and never carry a
//! secret (API secret, token, private key).

use std::fmt;

use crate::wallet::{Refusal, SiweError};

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
    /// The raw response body as text (lossy UTF-8).
    pub body: String,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<serde_json::Value>,
    /// The request id the server sent back (`X-Request-Id` or `Request-Id`), if any.
    pub request_id: Option<String>,
    /// Seconds the server asked us to wait (`Retry-After`), if it said.
    pub retry_after: Option<u64>,
    /// Whether a retry could help (429, 500, 502, 503, 504, 409 while in flight).
    pub retryable: bool,
}

impl ApiError {
    /// The server's own short description, from the JSON body's `message` or `error`
    /// field when there is one.
    pub fn message(&self) -> Option<&str> {
        let json = self.json.as_ref()?;
        ["message", "error", "detail", "title"]
            .iter()
            .find_map(|k| json.get(*k).and_then(|v| v.as_str()))
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("body", &self.body)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("retryable", &self.retryable)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "api error {}", self.status)?;
        if let Some(m) = self.message() {
            write!(f, ": {m}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// The SDK's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
