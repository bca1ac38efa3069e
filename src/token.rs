//! Bearer tokens: the credentials they are fetched with and the cache that shares one.
//!
//! One token is shared by all clones of a client. It is refreshed when less than the
//! refresh margin (60 s by default) remains, and dropped when a call answers 401. The
//! cache's lock is held while a token is fetched, so concurrent callers wait for one
//! fetch instead of each making their own.

use std::fmt;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::config::Secret;
use crate::error::{Error, Result};
use crate::sync::{read, write};
use crate::transport::{Authorization, Bearer, Call, Transport};

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

/// Where bearer tokens come from: the credentials in use and the cached token, shared by
/// all clones of a client. Fetches through the [`Transport`] it is given.
pub(crate) struct TokenSource {
    credentials: RwLock<Credentials>,
    current: Mutex<Option<Token>>,
    /// Refresh the token when less than this remains.
    refresh_margin: Duration,
}

impl TokenSource {
    pub fn new(api_key: String, api_secret: Secret, refresh_margin: Duration) -> TokenSource {
        TokenSource {
            credentials: RwLock::new(Credentials {
                api_key,
                api_secret,
            }),
            current: Mutex::new(None),
            refresh_margin,
        }
    }

    /// The API key in use (not a secret: it names the account in logs and keys).
    pub fn api_key(&self) -> String {
        read(&self.credentials).api_key.clone()
    }

    /// Switches to new credentials and drops the cached token.
    pub fn set_credentials(&self, api_key: &str, api_secret: &str) {
        *write(&self.credentials) = Credentials {
            api_key: api_key.to_owned(),
            api_secret: Secret::new(api_secret),
        };
        self.clear();
    }

    pub fn store(&self, token: Token) {
        *self.slot() = Some(token);
    }

    pub fn clear(&self) {
        *self.slot() = None;
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `POST /auth/token`: unsigned, no Idempotency-Key, ending by `deadline`.
    pub fn fetch_by(&self, transport: &Transport, deadline: Instant) -> Result<Token> {
        let creds = read(&self.credentials).clone();
        let body = serde_json::json!({
            "apiKey": creds.api_key,
            "apiSecret": creds.api_secret.expose(),
        });
        let mut call = Call::new("POST", "/auth/token".into()).json(&body)?;
        drop(body);
        call.authorization = Authorization::None;
        let result = transport.execute(&call, self, deadline);
        // The body holds the API secret: wipe it.
        zeroize::Zeroize::zeroize(&mut call.body);
        let resp = result?;
        let parsed: TokenResponse = resp.decode()?;
        // From now on no text the client gives out shows it (nor the ones before it).
        transport.redactor().add_token(&parsed.token);
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

impl Bearer for TokenSource {
    /// The cached token, or a fresh one when less than the refresh margin remains. The
    /// lock is held while fetching, so concurrent callers wait for one fetch.
    fn token_by(&self, transport: &Transport, deadline: Instant) -> Result<Secret> {
        let mut slot = self.slot();
        let margin = self.refresh_margin.as_secs() as i64;
        if let Some(t) = slot.as_ref() {
            if t.expires_at - transport.now_unix() > margin {
                return Ok(t.value.clone());
            }
        }
        let fresh = self.fetch_by(transport, deadline)?;
        let value = fresh.value.clone();
        *slot = Some(fresh);
        Ok(value)
    }

    /// Drops the cached token if it is still `used` (another thread may have refreshed).
    fn invalidate(&self, used: &Secret) {
        let mut slot = self.slot();
        if slot.as_ref().is_some_and(|t| &t.value == used) {
            *slot = None;
        }
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.slot().as_ref().map(|t| t.expires_at);
        f.debug_struct("TokenSource")
            .field("credentials", &*read(&self.credentials))
            .field("expires_at", &cached)
            .finish_non_exhaustive()
    }
}
