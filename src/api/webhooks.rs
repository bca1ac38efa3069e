//! `/webhooks`.

use super::{resource, seg, ListPages};
use crate::error::Result;
use crate::models::{NewWebhook, Webhook};

resource! {
    /// Webhook subscription calls: `client.webhooks()`.
    Webhooks
}

impl<'a> Webhooks<'a> {
    /// `PUT /webhooks`: creates a subscription, or replaces the one with `webhook.id`.
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn put(&self, webhook: &NewWebhook) -> Result<Webhook> {
        self.scope
            .mutate("PUT", "/webhooks".into(), Some(webhook))?
            .decode()
    }

    /// `GET /webhooks/{id}`.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 404 when there is no such subscription.
    pub fn get(&self, id: &str) -> Result<Webhook> {
        self.scope.get(format!("/webhooks/{}", seg(id)?))
    }

    /// `GET /webhooks`.
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn list(&self) -> Result<Vec<Webhook>> {
        self.scope.list("/webhooks".into())
    }

    /// `GET /webhooks`, one page at a time ([`ListPages`]).
    pub fn list_pages(&self) -> ListPages<'a, Webhook> {
        self.scope.pages("/webhooks".into(), None)
    }

    /// `DELETE /webhooks/{id}`.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn delete(&self, id: &str) -> Result<()> {
        let path = format!("/webhooks/{}", seg(id)?);
        self.scope.mutate::<()>("DELETE", path, None).map(drop)
    }
}
