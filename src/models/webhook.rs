//! Webhook subscriptions and the events OffBlocks delivers to them.

use serde::{Deserialize, Serialize};

use super::{open_enum, Account, Customer};
use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::transport::decode_value;

open_enum! {
    /// The kind of event a webhook receives.
    WebhookType {
        /// A customer changed.
        CustomerUpdated = "customer.updated",
        /// An account changed.
        AccountUpdated = "account.updated",
    }
}

/// The body of `PUT /webhooks`: creates a subscription, or replaces the one with `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewWebhook {
    /// The subscription to replace, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where events are POSTed.
    pub callback_url: String,
    /// Which events to receive.
    pub types: Vec<WebhookType>,
}

/// A webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// Its id.
    pub id: String,
    /// Where events are POSTed.
    pub callback_url: String,
    /// Which events it receives.
    #[serde(default)]
    pub types: Vec<WebhookType>,
    /// When it was created, if the server says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When it last changed, if the server says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

/// The entity an event carries.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEventData {
    /// A `customer.*` event.
    Customer(Box<Customer>),
    /// An `account.*` event.
    Account(Box<Account>),
    /// An event type this SDK version does not know: the JSON as sent.
    Other(serde_json::Value),
}

/// One webhook delivery. Delivery is at least once and unordered: dedupe by
/// [`WebhookEvent::event_id`], order by [`WebhookEvent::updated_at`].
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// The delivery's unique id (the dedupe key).
    pub event_id: String,
    /// What happened.
    pub webhook_type: WebhookType,
    /// The entity's state after the change.
    pub data: WebhookEventData,
}

impl WebhookEvent {
    /// Parses a delivery's body: the entity's fields plus `webhookType` and `eventId`.
    ///
    /// # Errors
    /// [`Error::Decode`] when the body is not a JSON object, lacks `eventId` or
    /// `webhookType`, or the entity of a known type is malformed.
    pub fn parse(body: &[u8]) -> Result<WebhookEvent> {
        let value: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| Error::decode("$", e))?;
        let serde_json::Value::Object(mut map) = value else {
            return Err(Error::decode("$", "expected a JSON object"));
        };
        let mut take_str = |key: &str| match map.remove(key) {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(s),
            _ => Err(Error::decode(format!("$.{key}"), "missing or not a string")),
        };
        let event_id = take_str("eventId")?;
        let webhook_type: WebhookType = take_str("webhookType")?
            .parse()
            .unwrap_or_else(|never| match never {});
        let entity = serde_json::Value::Object(map);
        let data = match webhook_type.as_str().split('.').next() {
            Some("customer") => WebhookEventData::Customer(Box::new(decode_value(entity, "$")?)),
            Some("account") => WebhookEventData::Account(Box::new(decode_value(entity, "$")?)),
            _ => WebhookEventData::Other(entity),
        };
        Ok(WebhookEvent {
            event_id,
            webhook_type,
            data,
        })
    }

    /// The entity's `updatedAt`, to order deliveries.
    pub fn updated_at(&self) -> Option<Timestamp> {
        match &self.data {
            WebhookEventData::Customer(c) => Some(c.updated_at),
            WebhookEventData::Account(a) => Some(a.updated_at),
            WebhookEventData::Other(v) => v
                .get("updatedAt")
                .and_then(|t| t.as_str())
                .and_then(|t| Timestamp::parse(t).ok()),
        }
    }
}
