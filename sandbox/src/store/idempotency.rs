//! Idempotency keys: scope (API key, key), one hour of life on the sandbox clock.

use std::collections::HashMap;

/// One hour, in nanoseconds.
const KEY_LIFETIME: i128 = 3600 * 1_000_000_000;

/// A response kept for replay.
#[derive(Debug, Clone)]
pub(crate) struct StoredResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: String,
}

enum Slot {
    InFlight,
    Done(StoredResponse),
}

struct Entry {
    fingerprint: [u8; 32],
    first_used: i128,
    ticket: u64,
    slot: Slot,
}

/// What to do with a request carrying an idempotency key.
pub(crate) enum Begin {
    /// First use (or the key expired): process it; finish with this ticket.
    Proceed(u64),
    /// Same request seen before: answer with the stored response.
    Replay(StoredResponse),
    /// The first request with this key is still being processed.
    InUse,
    /// The key was used for a different method, path or body.
    Mismatch,
}

/// All keys of all API keys.
#[derive(Default)]
pub(crate) struct IdempotencyStore {
    entries: HashMap<(String, String), Entry>,
    next_ticket: u64,
}

impl IdempotencyStore {
    pub(crate) fn begin(
        &mut self,
        scope: &str,
        key: &str,
        fingerprint: [u8; 32],
        now: i128,
    ) -> Begin {
        if self.entries.len() > 10_000 {
            self.entries.retain(|_, e| {
                matches!(e.slot, Slot::InFlight) || now < e.first_used + KEY_LIFETIME
            });
        }
        let id = (scope.to_string(), key.to_ascii_lowercase());
        if let Some(entry) = self.entries.get(&id) {
            if now < entry.first_used + KEY_LIFETIME {
                if entry.fingerprint != fingerprint {
                    return Begin::Mismatch;
                }
                return match &entry.slot {
                    Slot::InFlight => Begin::InUse,
                    Slot::Done(stored) => Begin::Replay(stored.clone()),
                };
            }
        }
        self.next_ticket += 1;
        let ticket = self.next_ticket;
        self.entries.insert(
            id,
            Entry {
                fingerprint,
                first_used: now,
                ticket,
                slot: Slot::InFlight,
            },
        );
        Begin::Proceed(ticket)
    }

    /// Ends processing: keeps the response for replay, or forgets the key (`None`) so a
    /// retry is processed afresh.
    pub(crate) fn finish(
        &mut self,
        scope: &str,
        key: &str,
        ticket: u64,
        response: Option<StoredResponse>,
    ) {
        let id = (scope.to_string(), key.to_ascii_lowercase());
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        if entry.ticket != ticket {
            return;
        }
        match response {
            Some(stored) => entry.slot = Slot::Done(stored),
            None => {
                self.entries.remove(&id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> StoredResponse {
        StoredResponse {
            status: 201,
            headers: Vec::new(),
            body: b"{}".to_vec(),
            request_id: "r1".into(),
        }
    }

    #[test]
    fn lifecycle() {
        let mut store = IdempotencyStore::default();
        let Begin::Proceed(ticket) = store.begin("k", "K1", [1; 32], 0) else {
            panic!("first use must proceed")
        };
        assert!(matches!(store.begin("k", "k1", [1; 32], 1), Begin::InUse));
        assert!(matches!(
            store.begin("k", "k1", [2; 32], 1),
            Begin::Mismatch
        ));
        store.finish("k", "k1", ticket, Some(stored()));
        match store.begin("k", "k1", [1; 32], 2) {
            Begin::Replay(r) => assert_eq!(r.request_id, "r1"),
            _ => panic!("expected replay"),
        }
        assert!(matches!(
            store.begin("other", "k1", [2; 32], 2),
            Begin::Proceed(_)
        ));
        // After an hour the key is new again.
        assert!(matches!(
            store.begin("k", "k1", [2; 32], KEY_LIFETIME),
            Begin::Proceed(_)
        ));
    }

    #[test]
    fn forgotten_keys_and_stale_tickets() {
        let mut store = IdempotencyStore::default();
        let Begin::Proceed(first) = store.begin("k", "a", [1; 32], 0) else {
            panic!()
        };
        store.finish("k", "a", first, None);
        let Begin::Proceed(second) = store.begin("k", "a", [1; 32], 0) else {
            panic!("a forgotten key must proceed again")
        };
        // A finish with an old ticket must not touch the new entry.
        store.finish("k", "a", first, Some(stored()));
        assert!(matches!(store.begin("k", "a", [1; 32], 0), Begin::InUse));
        store.finish("k", "a", second, Some(stored()));
        assert!(matches!(
            store.begin("k", "a", [1; 32], 0),
            Begin::Replay(_)
        ));
    }
}
