//! Webhook subscriptions and the events OffBlocks delivers to them.

use serde::{Deserialize, Serialize};

use super::{open_enum, Account, Customer};
use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::transport::decode_json;

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

/// A delivery's own fields, whatever else its object holds.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    #[serde(default)]
    event_id: Option<serde_json::Value>,
    #[serde(default)]
    webhook_type: Option<serde_json::Value>,
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
        // The envelope first, then the entity straight from the same bytes (its type
        // ignores the two envelope fields): no intermediate tree for a known event.
        let envelope: Envelope = decode_json(body)?;
        let take_str = |key: &str, value: Option<serde_json::Value>| match value {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(s),
            _ => Err(Error::decode(format!("$.{key}"), "missing or not a string")),
        };
        let event_id = take_str("eventId", envelope.event_id)?;
        let webhook_type: WebhookType = take_str("webhookType", envelope.webhook_type)?
            .parse()
            .unwrap_or_else(|never| match never {});
        let data = match webhook_type.as_str().split('.').next() {
            Some("customer") => WebhookEventData::Customer(Box::new(decode_json(body)?)),
            Some("account") => WebhookEventData::Account(Box::new(decode_json(body)?)),
            _ => {
                let mut entity: serde_json::Map<String, serde_json::Value> = decode_json(body)?;
                entity.remove("eventId");
                entity.remove("webhookType");
                WebhookEventData::Other(serde_json::Value::Object(entity))
            }
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
