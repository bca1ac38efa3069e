//! The webhook inbox: turns a raw delivery into an entity the host can act on.
//!
//! **A delivery is untrusted.** OffBlocks does not document webhook signing, so anyone who
//! can reach the host's endpoint can POST a body that looks like an event. The inbox never
//! hands over what the body says: it takes only the event id, the type and the entity's id
//! from it, re-fetches the entity through the signed API, and hands over that answer.
//!
//! Deliveries are at least once and unordered. The inbox drops a delivery whose `eventId`
//! it has seen (an [`EventStore`]: bounded in memory by default, or the host's database),
//! and one whose entity it has already handed over at the same or a later `updatedAt`
//! (stale). An event is recorded as seen only once its entity was fetched, so a delivery
//! that fails (the host answers non-2xx) is processed afresh when OffBlocks retries it.
//!
//! **Signatures are optional.** Should OffBlocks sign its deliveries (RFC 9421
//! `ecdsa-p384-sha384` with an RFC 9530 `Content-Digest`; it does not document doing so),
//! a host that has the signing public key gives it to
//! [`WebhookInboxBuilder::verify_with`]: [`WebhookInbox::receive_delivery`] then checks
//! the delivery's headers before anything else and refuses an unsigned or altered one.
//! The re-fetch stays: a signature proves who sent a delivery, the signed API what is
//! true now.
//!
//! ```no_run
//! # #[allow(dead_code)]
//! # fn handle(client: offblocks::Client, body: &[u8]) -> offblocks::Result<()> {
//! use offblocks::inbox::{Received, WebhookInbox};
//! let inbox = WebhookInbox::new(client);
//! match inbox.receive(body)? {
//!     Received::Customer(customer) => println!("{} is {}", customer.id, customer.status),
//!     Received::Account(account) => println!("{} is {}", account.id, account.status),
//!     other => println!("nothing to do: {other:?}"),
//! }
//! # Ok(()) }
//! ```

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::httpsig::MessageVerifier;
use crate::models::{Account, Customer, WebhookEvent, WebhookEventData};
use crate::time::Timestamp;

/// The largest delivery body the inbox reads (OffBlocks' events are a few hundred bytes).
pub const MAX_DELIVERY_BYTES: usize = 64 * 1024;

/// The longest event id kept (longer ones are refused as malformed).
pub const MAX_EVENT_ID_LEN: usize = 128;

/// Where the inbox remembers what it has handed over. Implement it over the host's
/// database to dedupe across processes and restarts; [`MemoryEventStore`] is the default.
pub trait EventStore: Send + Sync {
    /// Whether `event_id` was recorded by [`EventStore::record`].
    ///
    /// # Errors
    /// The store's own failure; the delivery then fails (and is retried by OffBlocks).
    fn seen(&self, event_id: &str) -> Result<bool>;

    /// The `updatedAt` of the newest state of `entity_id` handed over, if any.
    ///
    /// # Errors
    /// The store's own failure.
    fn last_handed(&self, entity_id: &str) -> Result<Option<Timestamp>>;

    /// Records that `event_id` was handled and `entity_id` handed over at `updated_at`.
    ///
    /// # Errors
    /// The store's own failure.
    fn record(&self, event_id: &str, entity_id: &str, updated_at: Timestamp) -> Result<()>;
}

/// An [`EventStore`] in memory, bounded: it keeps the newest `capacity` event ids and the
/// newest `capacity` entities, forgetting the oldest first. Memory is at most about
/// `capacity × (2 × 128 + 100)` bytes (ids are at most [`MAX_EVENT_ID_LEN`] bytes).
#[derive(Debug)]
pub struct MemoryEventStore {
    capacity: usize,
    inner: Mutex<Remembered>,
}

#[derive(Debug, Default)]
struct Remembered {
    events: HashSet<String>,
    event_order: VecDeque<String>,
    entities: HashMap<String, Timestamp>,
    entity_order: VecDeque<String>,
}

impl MemoryEventStore {
    /// The default capacity: 100 000 events and entities (a few tens of MiB at most).
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store that keeps at most `capacity` events and `capacity` entities (at least 1).
    pub fn with_capacity(capacity: usize) -> MemoryEventStore {
        MemoryEventStore {
            capacity: capacity.max(1),
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Remembered> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryEventStore {
    fn default() -> MemoryEventStore {
        MemoryEventStore::with_capacity(MemoryEventStore::DEFAULT_CAPACITY)
    }
}

impl EventStore for MemoryEventStore {
    fn seen(&self, event_id: &str) -> Result<bool> {
        Ok(self.lock().events.contains(event_id))
    }

    fn last_handed(&self, entity_id: &str) -> Result<Option<Timestamp>> {
        Ok(self.lock().entities.get(entity_id).copied())
    }

    fn record(&self, event_id: &str, entity_id: &str, updated_at: Timestamp) -> Result<()> {
        let mut r = self.lock();
        if r.events.insert(event_id.to_owned()) {
            r.event_order.push_back(event_id.to_owned());
            while r.event_order.len() > self.capacity {
                if let Some(old) = r.event_order.pop_front() {
                    r.events.remove(&old);
                }
            }
        }
        match r.entities.get_mut(entity_id) {
            Some(at) => *at = (*at).max(updated_at),
            None => {
                r.entities.insert(entity_id.to_owned(), updated_at);
                r.entity_order.push_back(entity_id.to_owned());
                while r.entity_order.len() > self.capacity {
                    if let Some(old) = r.entity_order.pop_front() {
                        r.entities.remove(&old);
                    }
                }
            }
        }
        Ok(())
    }
}

/// What the inbox made of a delivery. Answer OffBlocks `2xx` for every variant: each
/// means the delivery was handled (an `Err` from [`WebhookInbox::receive`] is the one case
/// to answer non-2xx, so that OffBlocks retries).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Received {
    /// A customer changed: its state as `GET /customers/{id}` answers it now.
    Customer(Box<Customer>),
    /// An account changed: its state as `GET /accounts/{id}` answers it now.
    Account(Box<Account>),
    /// This event id was handled before.
    Duplicate {
        /// The event's id.
        event_id: String,
    },
    /// The entity was already handed over at this or a later `updatedAt`.
    Stale {
        /// The customer's or account's id.
        entity_id: String,
    },
    /// An event type this SDK version does not act on (nothing was fetched).
    Ignored {
        /// The event's type as sent.
        webhook_type: String,
    },
}

/// Parses deliveries, drops duplicates and stale events, and re-fetches each entity
/// through the signed API. Share one inbox between the threads of an endpoint.
pub struct WebhookInbox<S: EventStore = MemoryEventStore> {
    client: Client,
    store: S,
    verifier: Option<MessageVerifier>,
}

/// The default of [`WebhookInboxBuilder::max_signature_age`]: 5 minutes.
pub const DEFAULT_MAX_SIGNATURE_AGE: Duration = Duration::from_secs(300);

/// Builds a [`WebhookInbox`]: its store, and whether it verifies signatures.
pub struct WebhookInboxBuilder<S: EventStore = MemoryEventStore> {
    client: Client,
    store: S,
    public_key_pem: Option<String>,
    max_signature_age: Duration,
}

impl<S: EventStore> WebhookInboxBuilder<S> {
    /// Where the inbox remembers events. Defaults to [`MemoryEventStore::default`].
    pub fn store<T: EventStore>(self, store: T) -> WebhookInboxBuilder<T> {
        WebhookInboxBuilder {
            client: self.client,
            store,
            public_key_pem: self.public_key_pem,
            max_signature_age: self.max_signature_age,
        }
    }

    /// Verify every delivery's RFC 9421 signature with this P-384 public key (SPKI PEM,
    /// `BEGIN PUBLIC KEY`): OffBlocks' webhook signing key, when the host has one.
    /// Defaults to no verification (OffBlocks does not document webhook signing).
    pub fn verify_with(mut self, public_key_pem: &str) -> WebhookInboxBuilder<S> {
        self.public_key_pem = Some(public_key_pem.to_owned());
        self
    }

    /// How old a delivery's signature (`created`) may be. Defaults to 5 minutes
    /// ([`DEFAULT_MAX_SIGNATURE_AGE`]); a `created` more than
    /// [`CREATED_FUTURE_TOLERANCE`](crate::httpsig::CREATED_FUTURE_TOLERANCE) ahead of
    /// this host's clock is refused too.
    pub fn max_signature_age(mut self, age: Duration) -> WebhookInboxBuilder<S> {
        self.max_signature_age = age;
        self
    }

    /// The inbox.
    ///
    /// # Errors
    /// [`Error::Key`] when the key given to [`verify_with`](Self::verify_with) is not a
    /// P-384 public key PEM.
    pub fn build(self) -> Result<WebhookInbox<S>> {
        let verifier = self
            .public_key_pem
            .as_deref()
            .map(|pem| MessageVerifier::from_public_key_pem(pem, self.max_signature_age))
            .transpose()?;
        Ok(WebhookInbox {
            client: self.client,
            store: self.store,
            verifier,
        })
    }
}

impl<S: EventStore> std::fmt::Debug for WebhookInboxBuilder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookInboxBuilder")
            .field("verify", &self.public_key_pem.is_some())
            .field("max_signature_age", &self.max_signature_age)
            .finish_non_exhaustive()
    }
}

impl WebhookInbox<MemoryEventStore> {
    /// An inbox remembering events in memory ([`MemoryEventStore::default`]), verifying
    /// no signature.
    pub fn new(client: Client) -> WebhookInbox<MemoryEventStore> {
        WebhookInbox::with_store(client, MemoryEventStore::default())
    }

    /// A builder, to set the store or a signing key to verify deliveries with.
    pub fn builder(client: Client) -> WebhookInboxBuilder<MemoryEventStore> {
        WebhookInboxBuilder {
            client,
            store: MemoryEventStore::default(),
            public_key_pem: None,
            max_signature_age: DEFAULT_MAX_SIGNATURE_AGE,
        }
    }
}

impl<S: EventStore> WebhookInbox<S> {
    /// An inbox remembering events in `store`, verifying no signature.
    pub fn with_store(client: Client, store: S) -> WebhookInbox<S> {
        WebhookInbox {
            client,
            store,
            verifier: None,
        }
    }

    /// Whether deliveries' signatures are verified ([`WebhookInboxBuilder::verify_with`]).
    pub fn verifies_signatures(&self) -> bool {
        self.verifier.is_some()
    }

    /// The store the inbox remembers events in.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Handles one delivery's body, without its headers: as
    /// [`receive_delivery`](Self::receive_delivery) with none, so an inbox that verifies
    /// signatures refuses it.
    ///
    /// # Errors
    /// As [`receive_delivery`](Self::receive_delivery).
    pub fn receive(&self, body: &[u8]) -> Result<Received> {
        self.receive_delivery(body, &[])
    }

    /// Handles one delivery: its body, and its headers as received (name, value; names
    /// in any case). When the inbox verifies signatures, the headers' `Signature-Input`,
    /// `Signature` and `Content-Digest` are checked first (see
    /// [`MessageVerifier::verify`]); without a key the headers are not read.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] starting `webhook signature refused:` for a delivery that
    /// is unsigned, altered, signed with another key or too old (when verifying);
    /// [`Error::InvalidInput`] for a body over [`MAX_DELIVERY_BYTES`] or an event id over
    /// [`MAX_EVENT_ID_LEN`]; [`Error::Decode`] for a body that is not an event; the
    /// re-fetch's errors (a 404 for an entity that does not exist: a forged delivery);
    /// the store's errors. After an error nothing is recorded.
    pub fn receive_delivery(&self, body: &[u8], headers: &[(&str, &str)]) -> Result<Received> {
        if body.len() > MAX_DELIVERY_BYTES {
            return Err(Error::InvalidInput(format!(
                "webhook delivery of {} bytes is over the {MAX_DELIVERY_BYTES}-byte limit",
                body.len()
            )));
        }
        if let Some(verifier) = &self.verifier {
            let now = Timestamp::now().unix_seconds();
            verifier
                .verify("POST", headers, body, now)
                .map_err(|e| match e {
                    Error::InvalidInput(why) => Error::InvalidInput(format!("webhook {why}")),
                    other => other,
                })?;
        }
        let event = WebhookEvent::parse(body)?;
        if event.event_id.len() > MAX_EVENT_ID_LEN || event.event_id.chars().any(char::is_control) {
            return Err(Error::InvalidInput(format!(
                "webhook event id is not an id (over {MAX_EVENT_ID_LEN} bytes or with control characters)"
            )));
        }
        if self.store.seen(&event.event_id)? {
            return Ok(Received::Duplicate {
                event_id: event.event_id,
            });
        }
        let (is_customer, entity_id, claimed_at) = match &event.data {
            WebhookEventData::Customer(c) => (true, c.id.clone(), c.updated_at),
            WebhookEventData::Account(a) => (false, a.id.clone(), a.updated_at),
            _ => {
                return Ok(Received::Ignored {
                    webhook_type: event.webhook_type.as_str().to_owned(),
                })
            }
        };
        let last = self.store.last_handed(&entity_id)?;
        if last.is_some_and(|last| claimed_at <= last) {
            // The body claims an older state than one already handed over: no need to
            // fetch (a forged newer claim is caught below, after the fetch).
            self.store
                .record(&event.event_id, &entity_id, last.unwrap_or(claimed_at))?;
            return Ok(Received::Stale { entity_id });
        }
        let (fresh, updated_at) = if is_customer {
            let c = self.client.customers().get(&entity_id)?;
            check_id("customer", &entity_id, &c.id)?;
            let at = c.updated_at;
            (Received::Customer(Box::new(c)), at)
        } else {
            let a = self.client.accounts().get(&entity_id)?;
            check_id("account", &entity_id, &a.id)?;
            let at = a.updated_at;
            (Received::Account(Box::new(a)), at)
        };
        if last.is_some_and(|last| updated_at <= last) {
            self.store.record(&event.event_id, &entity_id, updated_at)?;
            return Ok(Received::Stale { entity_id });
        }
        self.store.record(&event.event_id, &entity_id, updated_at)?;
        Ok(fresh)
    }
}

/// The signed API answered for another entity than the one asked for.
fn check_id(what: &str, asked: &str, got: &str) -> Result<()> {
    if asked == got {
        return Ok(());
    }
    Err(Error::State(format!(
        "the server answered {what} {got:?} when asked for {asked:?}"
    )))
}

impl<S: EventStore> std::fmt::Debug for WebhookInbox<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookInbox").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_store_is_bounded_and_keeps_the_newest() {
        let store = MemoryEventStore::with_capacity(2);
        for (i, id) in ["e1", "e2", "e3"].iter().enumerate() {
            store
                .record(id, &format!("c{i}"), Timestamp::from_unix(i as i64))
                .unwrap();
        }
        assert!(!store.seen("e1").unwrap());
        assert!(store.seen("e2").unwrap() && store.seen("e3").unwrap());
        assert_eq!(store.last_handed("c0").unwrap(), None);
        assert_eq!(
            store.last_handed("c2").unwrap(),
            Some(Timestamp::from_unix(2))
        );
        // An older time never moves an entity back.
        store.record("e4", "c2", Timestamp::from_unix(1)).unwrap();
        assert_eq!(
            store.last_handed("c2").unwrap(),
            Some(Timestamp::from_unix(2))
        );
        let r = store.lock();
        assert!(r.events.len() <= 2 && r.entities.len() <= 2);
    }
}
