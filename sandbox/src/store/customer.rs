//! Customers and their state machine:
//! `initiating` → (challenge signed) `screening` → (next read) `verifying` →
//! (simulator verify, after the verification delay) `active` ⇄ `inactive` (deactivate only); `rejected` is final.

use crate::eth::{checksum_address, Eip155Account};
use crate::timefmt::rfc3339_nanos;
use serde_json::{json, Value};

/// A customer's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CustomerStatus {
    Initiating,
    Screening,
    Verifying,
    Active,
    Inactive,
    Rejected,
}

impl CustomerStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Initiating => "initiating",
            CustomerStatus::Screening => "screening",
            CustomerStatus::Verifying => "verifying",
            CustomerStatus::Active => "active",
            CustomerStatus::Inactive => "inactive",
            CustomerStatus::Rejected => "rejected",
        }
    }
}

/// An issued challenge: what the client got (base64) and what it must sign.
#[derive(Debug, Clone)]
pub(crate) struct Challenge {
    /// The base64 text handed out; a sign request must echo it exactly.
    pub(crate) encoded: String,
    /// The decoded bytes, which the EIP-191 signature covers.
    pub(crate) message: Vec<u8>,
    /// Sandbox-clock nanoseconds after which it can no longer be signed.
    pub(crate) expires_at: i128,
}

/// A customer record.
#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub(crate) id: String,
    pub(crate) external_id: String,
    /// The CAIP-10 id as the client sent it.
    pub(crate) chain_id: String,
    pub(crate) account: Eip155Account,
    pub(crate) status: CustomerStatus,
    pub(crate) created_at: i128,
    pub(crate) updated_at: i128,
    pub(crate) seq: u64,
    pub(crate) challenge: Option<Challenge>,
    /// Sandbox time at which a verify asked for turns the customer `active`.
    pub(crate) verified_at: Option<i128>,
}

impl Customer {
    /// The customer's address in EIP-55 form.
    pub(crate) fn checksum_address(&self) -> String {
        checksum_address(&self.account.address)
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "externalId": self.external_id,
            "chainId": self.chain_id,
            "status": self.status.as_str(),
            "createdAt": rfc3339_nanos(self.created_at),
            "updatedAt": rfc3339_nanos(self.updated_at),
        })
    }

    pub(crate) fn set_status(&mut self, status: CustomerStatus, now: i128) {
        self.status = status;
        self.updated_at = now;
    }

    /// Applies a verification whose delay has passed (any read, snapshots included).
    pub(crate) fn refresh(&mut self, now: i128) {
        if self.status != CustomerStatus::Verifying {
            return;
        }
        if self.verified_at.is_some_and(|at| now >= at) {
            self.verified_at = None;
            self.set_status(CustomerStatus::Active, now);
        }
    }

    /// A client read this customer: screening is reported once, then passes by itself.
    pub(crate) fn observe(&mut self, now: i128) {
        if self.status == CustomerStatus::Screening {
            self.set_status(CustomerStatus::Verifying, now);
        }
    }

    /// The JSON for a client read (advancing screening as a side effect).
    pub(crate) fn read_json(&mut self, now: i128) -> Value {
        self.refresh(now);
        let value = self.to_json();
        self.observe(now);
        value
    }
}
