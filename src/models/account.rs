//! Accounts.

use serde::{Deserialize, Serialize};

use super::open_enum;
use crate::time::Timestamp;

open_enum! {
    /// Where an account is in its life.
    AccountStatus {
        /// Created; the challenge is not signed yet.
        Initiating = "initiating",
        /// Signed; the smart account is being deployed.
        Pending = "pending",
        /// Deployed and usable.
        Active = "active",
        /// Deactivated; can be activated again.
        Inactive = "inactive",
        /// Closed (final).
        Closed = "closed",
        /// Deployment failed (final).
        Failed = "failed",
    }
}

open_enum! {
    /// The kind of account.
    AccountType {
        /// A card account (the only kind today); `CARD_ACCOUNT` is accepted too.
        CardAccount = "card_account" | "CARD_ACCOUNT",
    }
}

/// The body of `POST /customers/{id}/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    /// The kind of account.
    #[serde(rename = "type")]
    pub account_type: AccountType,
    /// ISO-4217 currencies (one for now).
    pub currencies: Vec<String>,
}

impl Default for NewAccount {
    /// A EUR card account.
    fn default() -> Self {
        NewAccount {
            account_type: AccountType::CardAccount,
            currencies: vec!["EUR".into()],
        }
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// OffBlocks' id (opaque).
    pub id: String,
    /// The owning customer.
    pub customer_id: String,
    /// The deployed smart account, CAIP-10; set once `active`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<String>,
    /// Where the account is in its life.
    pub status: AccountStatus,
    /// The kind of account.
    #[serde(rename = "type")]
    pub account_type: AccountType,
    /// ISO-4217 currencies.
    #[serde(default)]
    pub currencies: Vec<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// The challenge to sign (base64), on creation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
}
