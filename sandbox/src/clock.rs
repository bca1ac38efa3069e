//! The sandbox clock: the system clock plus an adjustable offset.
//!
//! Everything that depends on time (token lifetimes, signature `created`/`expires`
//! checks, idempotency-key and challenge expiry, account activation delays, timestamps in
//! responses and the `Date` header) reads this clock, so a test can jump an hour ahead, or
//! simulate a server whose clock is skewed from the client's.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The sandbox's notion of "now": system time shifted by an offset.
///
/// Thread-safe; shared by all request threads of one [`Sandbox`](crate::Sandbox).
#[derive(Debug, Default)]
pub struct Clock {
    offset_nanos: AtomicI64,
}

impl Clock {
    /// A clock that reads the system time (offset zero).
    pub fn new() -> Clock {
        Clock::default()
    }

    /// Now, in Unix seconds with a fractional part.
    pub fn now(&self) -> f64 {
        self.now_nanos() as f64 / 1e9
    }

    /// Now, as whole Unix seconds (floored) and nanoseconds.
    pub fn now_unix(&self) -> (i64, u32) {
        crate::timefmt::split(self.now_nanos())
    }

    /// Now, in whole Unix seconds (floored).
    pub fn now_secs(&self) -> i64 {
        self.now_unix().0
    }

    /// Now, as a [`SystemTime`].
    pub fn now_system_time(&self) -> SystemTime {
        let nanos = self.now_nanos();
        let magnitude = Duration::from_nanos(u64::try_from(nanos.unsigned_abs()).unwrap_or(0));
        if nanos >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }

    /// Moves the clock forward by `by` (cumulative with earlier calls).
    pub fn advance(&self, by: Duration) {
        let nanos = i64::try_from(by.as_nanos()).unwrap_or(i64::MAX);
        let _ = self
            .offset_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| {
                Some(o.saturating_add(nanos))
            });
    }

    /// Moves the clock by a signed number of seconds (negative goes back in time).
    pub fn advance_secs(&self, secs: f64) {
        let nanos = (secs * 1e9) as i64;
        let _ = self
            .offset_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| {
                Some(o.saturating_add(nanos))
            });
    }

    /// Sets the offset from the system clock to `secs` seconds, replacing any earlier
    /// offset or advance. `set_offset(0)` returns to the system time.
    pub fn set_offset(&self, secs: i64) {
        self.set_offset_ms(secs.saturating_mul(1000));
    }

    /// Sets the offset from the system clock to `ms` milliseconds (negative: the sandbox
    /// runs behind), replacing any earlier offset or advance. Sub-second offsets let a
    /// test put the server's whole-second boundary anywhere relative to the client's.
    pub fn set_offset_ms(&self, ms: i64) {
        self.offset_nanos
            .store(ms.saturating_mul(1_000_000), Ordering::SeqCst);
    }

    /// The current offset from the system clock, in seconds.
    pub fn offset(&self) -> f64 {
        self.offset_nanos.load(Ordering::SeqCst) as f64 / 1e9
    }

    /// The current offset from the system clock, in whole milliseconds (truncated).
    pub fn offset_ms(&self) -> i64 {
        self.offset_nanos.load(Ordering::SeqCst) / 1_000_000
    }

    /// Now, in Unix nanoseconds (the sandbox's internal time unit).
    pub(crate) fn now_nanos(&self) -> i128 {
        let system = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        };
        system + i128::from(self.offset_nanos.load(Ordering::SeqCst))
    }
}

/// Converts a [`Duration`] to nanoseconds for arithmetic on sandbox times.
pub(crate) fn nanos(d: Duration) -> i128 {
    d.as_nanos() as i128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_and_offset() {
        let clock = Clock::new();
        let before = clock.now_secs();
        clock.advance(Duration::from_secs(3600));
        let after = clock.now_secs();
        assert!((3599..=3601).contains(&(after - before)));
        clock.set_offset(-10);
        assert!((clock.offset() + 10.0).abs() < 1e-9);
        assert!((before - 11..=before - 9).contains(&clock.now_secs()));
        clock.set_offset(0);
        let drift = clock.now()
            - SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs_f64();
        assert!(drift.abs() < 1.0);
        clock.advance_secs(-5.0);
        assert!((clock.offset() + 5.0).abs() < 1e-9);
    }

    #[test]
    fn millisecond_offsets_replace_earlier_ones() {
        let clock = Clock::new();
        clock.advance_secs(3.0);
        clock.set_offset_ms(-1500);
        assert_eq!(clock.offset_ms(), -1500);
        assert!((clock.offset() + 1.5).abs() < 1e-9);
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let behind = system - clock.now();
        assert!((1.0..2.0).contains(&behind), "clock is {behind} s behind");
        clock.set_offset(2);
        assert_eq!(clock.offset_ms(), 2000);
    }
}
