//! What a call does after each attempt, decided in one place: done, sign again, refresh
//! the token, wait and send again, or fail.
//!
//! The loop in [`super::Transport`] sends an attempt, describes what came back as an
//! [`Outcome`], and follows the [`Next`] step [`Retries::next`] returns. Every attempt
//! keeps the call's body bytes and Idempotency-Key.

use std::time::Duration;

use super::call::Deadline;
use super::response::classify;
use crate::config::RetryPolicy;
use crate::error::{ApiError, Error};

/// What one attempt came to.
pub(crate) enum Outcome<'a> {
    /// A 2xx answer, with its body.
    Success(Vec<u8>),
    /// A non-2xx answer.
    Refused {
        /// The answer, as an error.
        api: Box<ApiError>,
        /// Whether the attempt was signed (RFC 9421).
        signed: bool,
        /// Whether it was signed with a key the client has rotated away from since (and
        /// which may be deleted already).
        rekeyed: bool,
        /// Whether the attempt carried a bearer token.
        bearer: bool,
        /// The server's clock as this answer showed it.
        clock: &'a mut dyn AttemptClock,
    },
    /// No answer: a transport failure (connection, TLS, a timeout, the deadline).
    Failed(Error),
}

/// What the server's clock says about a refused, signed attempt.
pub(crate) trait AttemptClock {
    /// Whether the signature's `created` was in the server's future, or stale by the
    /// clock estimate having moved a second or more since it was signed; false without a
    /// `Date` on the answer. It may reset the estimate, so it is asked at most once per
    /// call, and only for a `400` or `401` to a signed attempt.
    fn signature_stale(&mut self) -> bool;

    /// Adds to `api` that the server's clock is beyond the bound the client corrects
    /// for, when it is.
    fn explain(&mut self, api: &mut ApiError);
}

/// The step after an attempt.
pub(crate) enum Next {
    /// Return the answer's body.
    Done(Vec<u8>),
    /// Sign again on the corrected clock and send at once, spending no retry.
    Resign,
    /// Drop the token, get a new one and send at once, spending no retry.
    RefreshToken,
    /// Pause this long, then send again: one retry spent.
    Wait(Duration),
    /// Return this error.
    Fail(Error),
}

/// The retry state of one call under a [`RetryPolicy`].
pub(crate) struct Retries<'p> {
    policy: &'p RetryPolicy,
    /// The attempts the policy counts (a re-sign or a token refresh is not one).
    attempt: u32,
    /// Whether the call was signed again on the server's clock (once at most).
    resigned: bool,
    /// Whether the call's token was refreshed after a `401` (once at most).
    refreshed: bool,
    /// Whether the call was signed again with the client's new key (once at most).
    rekeyed: bool,
}

impl<'p> Retries<'p> {
    /// The state before a call's first attempt.
    pub(crate) fn new(policy: &'p RetryPolicy) -> Retries<'p> {
        Retries {
            policy,
            attempt: 1,
            resigned: false,
            refreshed: false,
            rekeyed: false,
        }
    }

    /// Decides what follows `outcome`, with what is left of `deadline`.
    ///
    /// A `400` or `401` to an attempt signed with a key rotated away from meanwhile is
    /// signed again with the current key, once (the refusal came before any processing,
    /// and the Idempotency-Key is the same). A `400` or `401` to a signed attempt whose
    /// signature the server's clock shows stale is signed again, once. A `401` to an attempt with a token refreshes the
    /// token, once. Otherwise a retryable failure waits its backoff (the server's
    /// `Retry-After` when given) and is sent again while the policy has attempts left,
    /// the `Retry-After` is within [`RetryPolicy::max_retry_after`], and the pause ends
    /// before the deadline; anything else fails.
    pub(crate) fn next(&mut self, outcome: Outcome<'_>, deadline: &Deadline) -> Next {
        let (error, retry_after) = match outcome {
            Outcome::Success(body) => return Next::Done(body),
            Outcome::Failed(error) => (error, None),
            Outcome::Refused {
                mut api,
                signed,
                rekeyed,
                bearer,
                clock,
            } => {
                let clock_refusal = signed && matches!(api.status, 400 | 401);
                if clock_refusal && rekeyed && !self.rekeyed {
                    self.rekeyed = true;
                    return Next::Resign;
                }
                if clock_refusal && !self.resigned && clock.signature_stale() {
                    self.resigned = true;
                    return Next::Resign;
                }
                if clock_refusal {
                    clock.explain(&mut api);
                }
                if api.status == 401 && bearer && !self.refreshed {
                    self.refreshed = true;
                    return Next::RefreshToken;
                }
                let wait = api.retry_after.map(Duration::from_secs);
                (classify(*api), wait)
            }
        };
        let too_long = retry_after.is_some_and(|w| w > self.policy.max_retry_after);
        if !error.is_retryable() || self.attempt >= self.policy.max_attempts || too_long {
            return Next::Fail(error);
        }
        let pause = self.policy.backoff(self.attempt, retry_after);
        if pause >= deadline.left() {
            return Next::Fail(past_deadline(error, deadline));
        }
        self.attempt += 1;
        Next::Wait(pause)
    }
}

/// The error to return when the deadline leaves no time for another attempt.
fn past_deadline(error: Error, deadline: &Deadline) -> Error {
    match error {
        Error::Transport { message, .. } => Error::Transport {
            message: format!("{message}; {deadline} ran out"),
            retryable: true,
        },
        Error::Api(mut api) => {
            api.note = Some(format!(
                "no time left for another attempt within {deadline}"
            ));
            Error::Api(api)
        }
        other => other,
    }
}
