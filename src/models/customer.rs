//! Customers.

use serde::{Deserialize, Serialize};

use super::open_enum;
use crate::time::Timestamp;

open_enum! {
    /// Where a customer is in onboarding.
    CustomerStatus {
        /// Created; the challenge is not signed yet.
        Initiating = "initiating",
        /// Challenge signed; screening runs.
        Screening = "screening",
        /// Screening passed; identity verification pending.
        Verifying = "verifying",
        /// Fully onboarded.
        Active = "active",
        /// Deactivated; can become active again.
        Inactive = "inactive",
        /// Refused (final).
        Rejected = "rejected",
    }
}

/// The body of `POST /customers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCustomer {
    /// The customer's wallet as a CAIP-10 account id (`eip155:300:0x…`).
    pub chain_id: String,
    /// Your own id for this customer.
    pub external_id: String,
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// OffBlocks' id (opaque).
    pub id: String,
    /// Your id.
    pub external_id: String,
    /// The customer's wallet, CAIP-10.
    pub chain_id: String,
    /// Where the customer is in onboarding.
    pub status: CustomerStatus,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// The challenge to sign (base64 EIP-4361), on creation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
}
