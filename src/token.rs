//! Bearer tokens: the credentials they are fetched with and the cache that shares one.
//!
//! One token is shared by all clones of a client. It is refreshed when less than the
//! refresh margin (60 s by default) remains, and dropped when a call answers 401.
//!
//! Fetching is single-flight: one thread fetches while the others that need a token wait
//! for it on a condition variable, each until its own call's deadline. No lock is held
//! while the token is fetched, so the host code that runs meanwhile (the observer, told
//! about the fetch) never runs under a lock of this module: it may format the client or
//! call it. A call it makes on its own thread while that thread is fetching fails at once
//! ([`Error::InvalidInput`]): waiting would be waiting for itself.
//!
//! What the server says of a token's life is bounded: `expiresAt` is read as at most
//! [`MAX_TOKEN_LIFETIME_SECS`] from now, and one already past serves only the call that
//! fetched it.

use std::fmt;
use std::sync::{Condvar, Mutex, MutexGuard, RwLock, TryLockError};
use std::thread::{self, ThreadId};
use std::time::Duration;

use serde::Deserialize;

use crate::config::Secret;
use crate::error::{Error, Result};
use crate::sync::{read, write};
use crate::transport::{Authorization, Bearer, Call, Deadline, Transport};

/// The longest a token is kept, whatever its `expiresAt` says (24 h): a server's far
/// future (or `i64::MAX`) cannot pin one token for ever.
pub(crate) const MAX_TOKEN_LIFETIME_SECS: i64 = 24 * 60 * 60;

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
    /// When it expires (unix seconds, server clock), as the client reads the server's
    /// `expiresAt`: never before the moment it was received (an expiry in the past, or
    /// `i64::MIN`, reads as "now") and never more than 24 hours after it.
    pub expires_at: i64,
    /// The scheme, `Bearer`.
    pub token_type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    token: String,
    /// Read as a JSON value, then as whole seconds: anything else (a fraction, a string,
    /// a number beyond `i64`) is refused with an error naming the field.
    expires_at: serde_json::Value,
    #[serde(default)]
    token_type: Option<String>,
}

/// Where bearer tokens come from: the credentials in use and the cached token, shared by
/// all clones of a client. Fetches through the [`Transport`] it is given.
pub(crate) struct TokenSource {
    credentials: RwLock<Credentials>,
    /// The cached token and who is fetching the next one. Held only to read or write
    /// these fields: never across a fetch or a callback.
    current: Mutex<Slot>,
    /// Signalled when a fetch ends, successful or not.
    fetched: Condvar,
    /// Refresh the token when less than this remains.
    refresh_margin: Duration,
}

/// What [`TokenSource::current`] guards.
#[derive(Default)]
struct Slot {
    token: Option<Token>,
    /// The thread fetching a token for the cache, while one is.
    fetcher: Option<ThreadId>,
    /// How many fetches have ended: a thread that waited for one takes its token even
    /// when it is within the refresh margin (it is as fresh as the server gives).
    fetches: u64,
    /// Bumped when the credentials change or the token is dropped: a fetch that started
    /// before does not cache what it brings back.
    epoch: u64,
}

impl TokenSource {
    pub fn new(api_key: String, api_secret: Secret, refresh_margin: Duration) -> TokenSource {
        TokenSource {
            credentials: RwLock::new(Credentials {
                api_key,
                api_secret,
            }),
            current: Mutex::new(Slot::default()),
            fetched: Condvar::new(),
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
        self.slot().token = Some(token);
    }

    pub fn clear(&self) {
        let mut slot = self.slot();
        slot.token = None;
        slot.epoch = slot.epoch.wrapping_add(1);
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `POST /auth/token`: unsigned, no Idempotency-Key, ending by `deadline`.
    pub fn fetch_new(&self, transport: &Transport, deadline: Deadline) -> Result<Token> {
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
        let Some(expires_at) = parsed.expires_at.as_i64() else {
            return Err(Error::decode(
                "$.expiresAt",
                "not a whole number of seconds within 64 bits",
            ));
        };
        Ok(Token {
            value: Secret::new(parsed.token),
            expires_at: bounded_expiry(expires_at, transport.now_unix()),
            token_type: parsed.token_type.unwrap_or_else(|| "Bearer".into()),
        })
    }

    /// Fetches a token for the cache on this thread, the others waiting for it; then
    /// wakes them, also when the fetch fails or a callback inside it panics.
    fn fetch_for_all(
        &self,
        mut slot: MutexGuard<'_, Slot>,
        transport: &Transport,
        deadline: Deadline,
    ) -> Result<Secret> {
        slot.fetcher = Some(thread::current().id());
        let epoch = slot.epoch;
        drop(slot);
        let _wake = WakeWaiters(self);
        let fetched = self.fetch_new(transport, deadline)?;
        let mut slot = self.slot();
        if slot.epoch == epoch {
            slot.token = Some(fetched.clone());
        }
        Ok(fetched.value)
    }
}

/// Ends this thread's fetch when dropped (returned, failed or unwound): the waiters wake
/// and take its token, or one of them fetches the next.
struct WakeWaiters<'a>(&'a TokenSource);

impl Drop for WakeWaiters<'_> {
    fn drop(&mut self) {
        let mut slot = self.0.slot();
        slot.fetcher = None;
        slot.fetches = slot.fetches.wrapping_add(1);
        drop(slot);
        self.0.fetched.notify_all();
    }
}

/// The expiry to keep for a token the server says expires at `expires_at`, received at
/// `now` (both unix seconds, server clock): within `now ..= now + 24 h`, without overflow
/// whatever the server sent.
fn bounded_expiry(expires_at: i64, now: i64) -> i64 {
    let life = expires_at
        .saturating_sub(now)
        .clamp(0, MAX_TOKEN_LIFETIME_SECS);
    now.saturating_add(life)
}

/// Why a call made from inside this thread's own token fetch fails at once.
fn fetch_in_fetch() -> Error {
    Error::InvalidInput(
        "the client was called from a callback (an observer) of its own token fetch on \
         this thread, which would wait for itself: call it after the callback returns"
            .into(),
    )
}

impl Bearer for TokenSource {
    /// The cached token, or a fresh one when less than the refresh margin remains. One
    /// thread fetches; the others wait for its token until their own `deadline`.
    ///
    /// # Errors
    /// The fetch's errors; [`Error::Transport`] (retryable) when `deadline` passes while
    /// waiting for another thread's fetch; [`Error::InvalidInput`] at once for a call
    /// from inside this thread's own fetch (its observer).
    fn valid_token(&self, transport: &Transport, deadline: Deadline) -> Result<Secret> {
        let margin = i64::try_from(self.refresh_margin.as_secs()).unwrap_or(i64::MAX);
        let me = thread::current().id();
        let mut slot = self.slot();
        // The count of ended fetches when this thread began to wait, if it waited.
        let mut waited_from: Option<u64> = None;
        loop {
            if let Some(t) = &slot.token {
                let left = t.expires_at.saturating_sub(transport.now_unix());
                let just_fetched = waited_from.is_some_and(|n| n != slot.fetches);
                if left > margin || (just_fetched && left > 0) {
                    return Ok(t.value.clone());
                }
            }
            match slot.fetcher {
                None => return self.fetch_for_all(slot, transport, deadline),
                Some(fetcher) if fetcher == me => return Err(fetch_in_fetch()),
                Some(_) => {}
            }
            let left = deadline.left();
            if left.is_zero() {
                return Err(Error::Transport {
                    message: format!("{deadline} ran out waiting for another thread's token fetch"),
                    retryable: true,
                });
            }
            waited_from.get_or_insert(slot.fetches);
            slot = match self.fetched.wait_timeout(slot, left) {
                Ok((slot, _)) => slot,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Drops the cached token if it is still `used` (another thread may have refreshed).
    fn invalidate(&self, used: &Secret) {
        let mut slot = self.slot();
        if slot.token.as_ref().is_some_and(|t| &t.value == used) {
            slot.token = None;
        }
    }
}

impl fmt::Debug for TokenSource {
    /// Never waits for a lock: a field another thread holds at this instant (for the
    /// few instructions it takes to update it) shows as `<busy>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expires_at = match self.current.try_lock() {
            Ok(slot) => format!("{:?}", slot.token.as_ref().map(|t| t.expires_at)),
            Err(TryLockError::Poisoned(p)) => {
                format!("{:?}", p.into_inner().token.as_ref().map(|t| t.expires_at))
            }
            Err(TryLockError::WouldBlock) => "<busy>".into(),
        };
        let credentials = match self.credentials.try_read() {
            Ok(c) => format!("{:?}", *c),
            Err(TryLockError::Poisoned(p)) => format!("{:?}", *p.into_inner()),
            Err(TryLockError::WouldBlock) => "<busy>".into(),
        };
        f.debug_struct("TokenSource")
            .field("credentials", &format_args!("{credentials}"))
            .field("expires_at", &format_args!("{expires_at}"))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_is_bounded_without_overflow() {
        let now = 1_700_000_000;
        assert_eq!(bounded_expiry(now + 3600, now), now + 3600);
        assert_eq!(bounded_expiry(i64::MAX, now), now + MAX_TOKEN_LIFETIME_SECS);
        assert_eq!(bounded_expiry(i64::MIN, now), now);
        assert_eq!(bounded_expiry(-1, now), now);
        assert_eq!(
            bounded_expiry(i64::MAX, i64::MIN),
            i64::MIN + MAX_TOKEN_LIFETIME_SECS
        );
        assert_eq!(bounded_expiry(i64::MIN, i64::MAX), i64::MAX);
    }
}
