//! Accounts and their state machine:
//! `initiating` → (challenge signed) `pending` → (after `activation_polls` reads or
//! `activation_delay`) `active` ⇄ `inactive`; `closed` (DELETE) and `failed` are final.

use super::customer::Challenge;
use crate::eth::checksum_address;
use crate::timefmt::rfc3339_nanos;
use serde_json::{json, Value};

/// An account's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccountStatus {
    Initiating,
    Pending,
    Active,
    Inactive,
    Closed,
    /// Part of the documented state set; the emulator never deploys unsuccessfully.
    #[allow(dead_code)]
    Failed,
}

impl AccountStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Initiating => "initiating",
            AccountStatus::Pending => "pending",
            AccountStatus::Active => "active",
            AccountStatus::Inactive => "inactive",
            AccountStatus::Closed => "closed",
            AccountStatus::Failed => "failed",
        }
    }
}

/// How a pending account becomes active.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Activation {
    /// Reads of the account that still see it pending (0: not poll-based).
    pub(crate) polls_left: u32,
    /// Whether activation is poll-based at all.
    pub(crate) by_polls: bool,
    /// Sandbox time at which it activates by itself, if time-based.
    pub(crate) at: Option<i128>,
}

/// An account record.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) customer_id: String,
    /// The customer's chain reference, for the deployed account's CAIP-10 id.
    pub(crate) chain_ref: String,
    pub(crate) chain_id: Option<String>,
    pub(crate) status: AccountStatus,
    pub(crate) currencies: Vec<String>,
    pub(crate) created_at: i128,
    pub(crate) updated_at: i128,
    pub(crate) seq: u64,
    pub(crate) challenge: Option<Challenge>,
    pub(crate) activation: Option<Activation>,
}

impl Account {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "customerId": self.customer_id,
            "chainId": self.chain_id,
            "status": self.status.as_str(),
            "type": "card_account",
            "currencies": self.currencies,
            "createdAt": rfc3339_nanos(self.created_at),
            "updatedAt": rfc3339_nanos(self.updated_at),
        })
    }

    pub(crate) fn set_status(&mut self, status: AccountStatus, now: i128) {
        self.status = status;
        self.updated_at = now;
    }

    /// The deployment finished: the account gets its smart-account address.
    pub(crate) fn activate_deployed(&mut self, now: i128) {
        let address = crate::random::bytes::<20>();
        self.chain_id = Some(format!(
            "eip155:{}:{}",
            self.chain_ref,
            checksum_address(&address)
        ));
        self.activation = None;
        self.set_status(AccountStatus::Active, now);
    }

    /// Applies time-based activation (any read, including snapshots).
    pub(crate) fn refresh(&mut self, now: i128) {
        if self.status != AccountStatus::Pending {
            return;
        }
        if let Some(at) = self.activation.and_then(|a| a.at) {
            if now >= at {
                self.activate_deployed(now);
            }
        }
    }

    /// A `GET /accounts/{id}`: applies time-based activation, then counts the poll.
    /// Returns the JSON this read reports.
    pub(crate) fn poll(&mut self, now: i128) -> Value {
        self.refresh(now);
        if self.status == AccountStatus::Pending {
            if let Some(activation) = self.activation.as_mut() {
                if activation.by_polls {
                    if activation.polls_left == 0 {
                        self.activate_deployed(now);
                    } else {
                        activation.polls_left -= 1;
                    }
                }
            }
        }
        self.to_json()
    }
}
