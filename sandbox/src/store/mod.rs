//! The emulator's state: credentials, tokens, signing keys, customers, accounts,
//! webhooks (one tenant: the configured API key), and the idempotency store.

mod account;
mod customer;
mod idempotency;

pub(crate) use account::{Account, AccountStatus, Activation};
pub(crate) use customer::{Challenge, Customer, CustomerStatus};
pub(crate) use idempotency::{Begin, IdempotencyStore, StoredResponse};

use crate::timefmt::rfc3339_nanos;
use p384::ecdsa::VerifyingKey;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The tenant's current API credentials (absent once revoked).
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) api_key: String,
    pub(crate) api_secret: String,
}

/// An issued bearer token.
pub(crate) struct TokenInfo {
    pub(crate) api_key: String,
    pub(crate) expires_at: i64,
}

/// A registered request-signing key.
pub(crate) struct SigningKeyEntry {
    pub(crate) id: String,
    pub(crate) key: VerifyingKey,
}

/// A webhook subscription.
pub(crate) struct Webhook {
    pub(crate) id: String,
    pub(crate) callback_url: String,
    pub(crate) types: Vec<String>,
    pub(crate) created_at: i128,
    pub(crate) updated_at: i128,
    pub(crate) seq: u64,
}

impl Webhook {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "callbackUrl": self.callback_url,
            "types": self.types,
            "createdAt": rfc3339_nanos(self.created_at),
            "updatedAt": rfc3339_nanos(self.updated_at),
        })
    }
}

/// Everything behind the state lock.
pub(crate) struct State {
    pub(crate) credentials: Option<Credentials>,
    pub(crate) tokens: HashMap<String, TokenInfo>,
    pub(crate) signing_keys: Vec<SigningKeyEntry>,
    pub(crate) customers: HashMap<String, Customer>,
    pub(crate) accounts: HashMap<String, Account>,
    pub(crate) webhooks: Vec<Webhook>,
    next_seq: u64,
}

impl State {
    pub(crate) fn new(api_key: &str, api_secret: &str) -> State {
        State {
            credentials: Some(Credentials {
                api_key: api_key.to_string(),
                api_secret: api_secret.to_string(),
            }),
            tokens: HashMap::new(),
            signing_keys: Vec::new(),
            customers: HashMap::new(),
            accounts: HashMap::new(),
            webhooks: Vec::new(),
            next_seq: 0,
        }
    }

    /// A number that orders records by creation.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Drops expired tokens (called when issuing, so the map stays bounded).
    pub(crate) fn prune_tokens(&mut self, now_secs: i64) {
        if self.tokens.len() > 1000 {
            self.tokens.retain(|_, t| t.expires_at > now_secs);
        }
    }

    /// Registers a public key (or finds the same key registered before) and returns its id.
    pub(crate) fn register_key(&mut self, key: VerifyingKey) -> String {
        if let Some(existing) = self.signing_keys.iter().find(|k| k.key == key) {
            return existing.id.clone();
        }
        let id = crate::random::uuid();
        self.signing_keys.push(SigningKeyEntry {
            id: id.clone(),
            key,
        });
        id
    }

    pub(crate) fn signing_key(&self, id: &str) -> Option<VerifyingKey> {
        self.signing_keys.iter().find(|k| k.id == id).map(|k| k.key)
    }

    /// Customers in creation order.
    pub(crate) fn customers_sorted(&mut self) -> Vec<&mut Customer> {
        let mut list: Vec<&mut Customer> = self.customers.values_mut().collect();
        list.sort_by_key(|c| c.seq);
        list
    }

    /// Accounts in creation order, optionally only one customer's.
    pub(crate) fn accounts_sorted(&mut self, customer_id: Option<&str>) -> Vec<&mut Account> {
        let mut list: Vec<&mut Account> = self
            .accounts
            .values_mut()
            .filter(|a| customer_id.is_none_or(|id| a.customer_id == id))
            .collect();
        list.sort_by_key(|a| a.seq);
        list
    }
}
