//! The bearer-token cache and the credentials it is fetched with.
//!
//! One token is shared by all clones of a client. It is refreshed when less than the
//! refresh margin (60 s by default) remains, and dropped when a call answers 401. The
//! cache's lock is held while a token is fetched, so concurrent callers wait for one
//! fetch instead of each making their own.

use std::fmt;
use std::sync::Mutex;

use serde::Deserialize;

use crate::client::{read, Client};
use crate::config::Secret;
use crate::error::{Error, Result};
use crate::transport::{Auth, Call};

/// The API key and secret currently in use.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub api_key: String,
    pub api_secret: Secret,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .finish()
    }
}

/// A bearer token from `POST /auth/token`. Holds a secret: prints as `[redacted]`.
#[derive(Clone, Debug)]
pub struct Token {
    /// The token itself.
    pub value: Secret,
    /// When it expires (unix seconds, server clock).
    pub expires_at: i64,
    /// The scheme, `Bearer`.
    pub token_type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    token: String,
    expires_at: i64,
    #[serde(default)]
    token_type: Option<String>,
}

#[derive(Default)]
pub(crate) struct TokenCache {
    current: Mutex<Option<Token>>,
}

impl TokenCache {
    pub fn store(&self, token: Token) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(token);
    }

    pub fn clear(&self) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self
            .current
            .lock()
            .map(|t| t.as_ref().map(|t| t.expires_at))
            .unwrap_or(None);
        f.debug_struct("TokenCache")
            .field("expires_at", &cached)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A valid bearer token: the cached one, or a fresh one when less than the refresh
    /// margin remains.
    pub(crate) fn token(&self) -> Result<Secret> {
        self.token_by(std::time::Instant::now() + self.config().call_deadline)
    }

    /// [`Client::token`], a fetch ending by `deadline`.
    pub(crate) fn token_by(&self, deadline: std::time::Instant) -> Result<Secret> {
        let mut slot = self
            .tokens()
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let margin = self.config().token_refresh_margin.as_secs() as i64;
        if let Some(t) = slot.as_ref() {
            if t.expires_at - self.now_unix() > margin {
                return Ok(t.value.clone());
            }
        }
        let fresh = self.fetch_token_by(deadline)?;
        let value = fresh.value.clone();
        *slot = Some(fresh);
        Ok(value)
    }

    /// Drops the cached token if it is still `used` (another thread may have refreshed).
    pub(crate) fn invalidate_token(&self, used: &Secret) {
        let mut slot = self
            .tokens()
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|t| &t.value == used) {
            *slot = None;
        }
    }

    /// `POST /auth/token`: unsigned, no Idempotency-Key.
    pub(crate) fn fetch_token(&self) -> Result<Token> {
        self.fetch_token_by(std::time::Instant::now() + self.config().call_deadline)
    }

    fn fetch_token_by(&self, deadline: std::time::Instant) -> Result<Token> {
        let creds = read(self.credentials()).clone();
        let body = serde_json::json!({
            "apiKey": creds.api_key,
            "apiSecret": creds.api_secret.expose(),
        });
        let mut call = Call::new("POST", "/auth/token".into()).json(&body)?;
        drop(body);
        call.auth = Auth::None;
        let result = self.execute_by(&call, deadline);
        // The body holds the API secret: wipe it.
        zeroize::Zeroize::zeroize(&mut call.body);
        let resp = result?;
        let parsed: TokenResponse = resp.decode()?;
        if parsed.token.is_empty() {
            return Err(Error::decode("$.token", "empty token"));
        }
        Ok(Token {
            value: Secret::new(parsed.token),
            expires_at: parsed.expires_at,
            token_type: parsed.token_type.unwrap_or_else(|| "Bearer".into()),
        })
    }
}
