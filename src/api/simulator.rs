//! `/simulator` (sandbox only).

use super::{resource, seg};
use crate::error::Result;

resource! {
    /// Sandbox simulator calls: `client.simulator()`.
    Simulator
}

impl Simulator<'_> {
    /// `PATCH /simulator/customers/{id}/verify`: the customer becomes `active` (202).
    ///
    /// # Errors
    /// API and transport errors (a live environment answers 404).
    pub fn verify_customer(&self, id: &str) -> Result<()> {
        let path = format!("/simulator/customers/{}/verify", seg(id)?);
        self.scope.mutate::<()>("PATCH", path, None).map(drop)
    }

    /// `PATCH /simulator/customers/{id}/reject`: the customer becomes `rejected`.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn reject_customer(&self, id: &str) -> Result<()> {
        let path = format!("/simulator/customers/{}/reject", seg(id)?);
        self.scope.mutate::<()>("PATCH", path, None).map(drop)
    }
}
