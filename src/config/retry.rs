//! How failed calls are retried.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How failed calls are retried: capped exponential backoff with jitter.
///
/// In the JSON configuration: `{"maxAttempts": 4, "baseBackoffMs": 200, "maxBackoffMs":
/// 5000, "maxRetryAfterSecs": 60}`, each key optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff; each later one doubles.
    #[serde(rename = "baseBackoffMs", with = "super::json::millis")]
    pub base_backoff: Duration,
    /// The ceiling of one computed backoff. A server's `Retry-After` is honoured as
    /// given, up to [`RetryPolicy::max_retry_after`]; a longer one ends the retries.
    #[serde(rename = "maxBackoffMs", with = "super::json::millis")]
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client waits out (whole seconds); beyond it the
    /// error is returned at once.
    #[serde(rename = "maxRetryAfterSecs", with = "super::json::secs")]
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The pause before attempt `attempt + 1` (attempt counts from 1): the server's
    /// `Retry-After` when it gave one, else half fixed, half random ("equal jitter"), so
    /// clients that failed together do not retry together.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait;
        }
        let exp = self
            .base_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let cap = exp.min(self.max_backoff);
        let half = cap / 2;
        half + half.mul_f64(jitter())
    }
}

impl Default for RetryPolicy {
    /// 4 attempts, 200 ms doubling, at most 5 s per computed wait, a `Retry-After` of
    /// at most 60 s waited out.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// A number in [0, 1) from the system's random generator (0.5 if it is unavailable).
fn jitter() -> f64 {
    let mut b = [0u8; 4];
    match crate::ids::fill_random(&mut b) {
        Ok(()) => f64::from(u32::from_le_bytes(b)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}
