//! The server's clock as far as the client can know it, for `created`.
//!
//! OffBlocks refuses a signature whose `created` is later than its own clock, with no
//! tolerance, and it has no way to say "your clock is ahead" but a `400`. So the client
//! keeps an estimate of the offset from its clock to the server's that errs on the side
//! of the past:
//!
//! - A response's `Date` (whole seconds, written before it was sent) read at local time
//!   `recv` says the server's clock then was at least `Date`: the offset is at least
//!   `Date − recv` (the *sample*) and at most `sample + 1 s + round trip`.
//! - The estimate is the first sample, then the largest sample seen; it is lowered to a
//!   new sample only when that sample proves it too high (its upper bound is below).
//! - `created = floor(local + estimate)` is therefore never later than the server's
//!   clock, and trails it by at most about 1 s plus one round trip.
//! - A sample further than the configured bound from the local clock is not followed:
//!   the client keeps its own clock and remembers the sample, to say so in an error.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

/// No sample beyond the bound has been seen.
const NONE: i64 = i64::MIN;

/// What one `Date` did to the estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// Followed (or the estimate already agreed).
    Within,
    /// The server's clock is this many milliseconds from ours, beyond the bound.
    Beyond(i64),
    /// Following is off.
    Ignored,
}

/// The estimated offset from the local clock to the server's.
#[derive(Debug)]
pub(crate) struct ServerClock {
    offset_ms: AtomicI64,
    sampled: AtomicBool,
    beyond_ms: AtomicI64,
    follow: bool,
    max_ms: i64,
}

impl ServerClock {
    pub fn new(initial_secs: i64, follow: bool, max_correction: Duration) -> ServerClock {
        ServerClock {
            offset_ms: AtomicI64::new(initial_secs.saturating_mul(1000)),
            sampled: AtomicBool::new(false),
            beyond_ms: AtomicI64::new(NONE),
            follow,
            max_ms: i64::try_from(max_correction.as_millis()).unwrap_or(i64::MAX),
        }
    }

    /// Milliseconds added to the local clock to get the server's.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// The server's time in unix seconds, rounded down, as far as we know it.
    pub fn now_unix(&self) -> i64 {
        local_ms().saturating_add(self.offset_ms()).div_euclid(1000)
    }

    /// The last offset seen beyond the bound, in milliseconds, if the latest `Date`
    /// was beyond it.
    pub fn beyond_bound_ms(&self) -> Option<i64> {
        Some(self.beyond_ms.load(Ordering::Relaxed)).filter(|&v| v != NONE)
    }

    /// The bound on corrections, in milliseconds.
    pub fn max_ms(&self) -> i64 {
        self.max_ms
    }

    /// Takes note of a response's `Date` (unix seconds), sent at `sent` and received at
    /// `recv` (local unix milliseconds).
    pub fn observe(&self, date_secs: i64, sent: i64, recv: i64) -> Seen {
        self.update(date_secs, sent, recv, false)
    }

    /// As [`ServerClock::observe`], but the sample replaces the estimate: the server
    /// refused a signature that the estimate dated in its future.
    pub fn reset_to(&self, date_secs: i64, sent: i64, recv: i64) -> Seen {
        self.update(date_secs, sent, recv, true)
    }

    fn update(&self, date_secs: i64, sent: i64, recv: i64, reset: bool) -> Seen {
        if !self.follow {
            return Seen::Ignored;
        }
        let sample = date_secs.saturating_mul(1000).saturating_sub(recv);
        if sample.saturating_abs() > self.max_ms {
            self.beyond_ms.store(sample, Ordering::Relaxed);
            return Seen::Beyond(sample);
        }
        self.beyond_ms.store(NONE, Ordering::Relaxed);
        let round_trip = recv.saturating_sub(sent).max(0);
        let upper = sample.saturating_add(1000).saturating_add(round_trip);
        let first = !self.sampled.swap(true, Ordering::Relaxed);
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |current| {
                let replace = first || reset || sample > current || upper < current;
                (replace && sample != current).then_some(sample)
            });
        Seen::Within
    }
}

/// The local clock in unix milliseconds (0 before 1970).
pub(crate) fn local_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUND: Duration = Duration::from_secs(600);
    const T: i64 = 1_700_000_000;

    #[test]
    fn first_sample_is_taken_whole_then_only_raised() {
        let clock = ServerClock::new(0, true, BOUND);
        // Client 800 ms ahead: the server wrote Date T while our clock read T+0.8..T+1.8.
        assert_eq!(
            clock.observe(T, T * 1000 + 1200, T * 1000 + 1250),
            Seen::Within
        );
        assert_eq!(clock.offset_ms(), -1250);
        // A later Date that allows a larger offset raises it ...
        clock.observe(T + 1, T * 1000 + 1900, T * 1000 + 1950);
        assert_eq!(clock.offset_ms(), -950);
        // ... a smaller sample whose upper bound still covers the estimate does not.
        clock.observe(T + 1, T * 1000 + 2500, T * 1000 + 2600);
        assert_eq!(clock.offset_ms(), -950);
    }

    #[test]
    fn an_estimate_proved_too_high_is_lowered() {
        let clock = ServerClock::new(0, true, BOUND);
        clock.observe(T, T * 1000 - 10, T * 1000);
        assert_eq!(clock.offset_ms(), 0);
        // The server's clock was stepped back 5 s: the sample's upper bound (-4010 ms)
        // is below the estimate.
        clock.observe(T - 5, T * 1000 + 10, T * 1000 + 20);
        assert_eq!(clock.offset_ms(), -5020);
    }

    #[test]
    fn created_is_never_in_the_servers_future() {
        // Whatever the sub-second phase of the server's clock, the estimate from a
        // sample never dates a signature after the server's time.
        for true_offset in [-4000i64, -1500, -800, -1, 0, 1, 999, 1500, 4000] {
            for phase in (0..1000).step_by(37) {
                let clock = ServerClock::new(0, true, BOUND);
                let local = T * 1000 + phase;
                let server = local + true_offset;
                let recv = local + 3;
                clock.observe(server.div_euclid(1000), local - 2, recv);
                for later in [0i64, 250, 999, 1000, 5000] {
                    let created = (recv + later + clock.offset_ms()).div_euclid(1000);
                    let server_now = (recv + later + true_offset).div_euclid(1000);
                    assert!(created <= server_now, "{true_offset} {phase} {later}");
                    assert!(server_now - created <= 2, "{true_offset} {phase} {later}");
                }
            }
        }
    }

    #[test]
    fn corrections_beyond_the_bound_are_not_made_and_are_remembered() {
        let clock = ServerClock::new(0, true, Duration::from_secs(60));
        assert_eq!(
            clock.observe(T - 3600, T * 1000, T * 1000),
            Seen::Beyond(-3_600_000)
        );
        assert_eq!(clock.offset_ms(), 0);
        assert_eq!(clock.beyond_bound_ms(), Some(-3_600_000));
        clock.observe(T, T * 1000 - 5, T * 1000);
        assert_eq!(clock.beyond_bound_ms(), None);
    }

    #[test]
    fn following_can_be_turned_off() {
        let clock = ServerClock::new(-2, false, BOUND);
        assert_eq!(clock.observe(T + 30, T * 1000, T * 1000), Seen::Ignored);
        assert_eq!(clock.offset_ms(), -2000);
    }

    #[test]
    fn a_reset_replaces_the_estimate() {
        let clock = ServerClock::new(0, true, BOUND);
        clock.observe(T + 3, T * 1000, T * 1000);
        assert_eq!(clock.offset_ms(), 3000);
        clock.reset_to(T, T * 1000 + 100, T * 1000 + 200);
        assert_eq!(clock.offset_ms(), -200);
    }
}
