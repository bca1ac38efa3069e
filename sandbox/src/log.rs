//! The bounded log of requests the emulator received, for tests to inspect.

use std::collections::VecDeque;

/// How many requests are kept (oldest dropped first).
pub(crate) const LOG_CAPACITY: usize = 10_000;
/// How many body bytes the log keeps in total (oldest entries dropped first).
const LOG_BODY_BYTES: usize = 64 * 1024 * 1024;

/// One request as received, with what the emulator did with it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// The method, as sent.
    pub method: String,
    /// The request-target as sent (path and query).
    pub path: String,
    /// Header fields in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The status answered (or decided, for `DropAfterCommit`); 0 when no response was
    /// produced (`DropBeforeCommit`).
    pub status: u16,
    /// The `X-Request-Id` sent back (a replay repeats the original's).
    pub request_id: String,
    /// Whether the connection was dropped instead of answering (fault injection).
    pub dropped: bool,
}

impl LoggedRequest {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A ring of the last [`LOG_CAPACITY`] requests, holding at most 64 MiB of bodies.
#[derive(Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<LoggedRequest>,
    body_bytes: usize,
}

impl RequestLog {
    pub(crate) fn push(&mut self, entry: LoggedRequest) {
        self.body_bytes += entry.body.len();
        self.entries.push_back(entry);
        while self.entries.len() > LOG_CAPACITY || self.body_bytes > LOG_BODY_BYTES {
            match self.entries.pop_front() {
                Some(old) => self.body_bytes -= old.body.len(),
                None => break,
            }
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }
}
