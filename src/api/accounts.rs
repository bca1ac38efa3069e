//! `/accounts` and `/customers/{id}/accounts`.

use super::{resource, seg};
use crate::error::Result;
use crate::models::{Account, Challenge, ChallengeSignature, NewAccount};

resource! {
    /// Account calls: `client.accounts()`.
    Accounts
}

impl Accounts<'_> {
    /// `POST /customers/{customer_id}/accounts`: opens an account for an `active`
    /// customer; the answer carries the account's challenge.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with 404 for an unknown customer, 400 when it is not active.
    pub fn create(&self, customer_id: &str, account: &NewAccount) -> Result<Account> {
        let path = format!("/customers/{}/accounts", seg(customer_id)?);
        self.h.mutate("POST", path, Some(account))?.decode()
    }

    /// `GET /accounts/{id}`.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 404 when there is no such account.
    pub fn get(&self, id: &str) -> Result<Account> {
        self.h.get(format!("/accounts/{}", seg(id)?))
    }

    /// `GET /accounts`: every account.
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn list(&self) -> Result<Vec<Account>> {
        self.h.list("/accounts".into())
    }

    /// `GET /customers/{customer_id}/accounts`.
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn list_for_customer(&self, customer_id: &str) -> Result<Vec<Account>> {
        self.h
            .list(format!("/customers/{}/accounts", seg(customer_id)?))
    }

    /// `GET /accounts/{id}/challenge`: a new challenge (earlier ones stop working).
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn challenge(&self, id: &str) -> Result<String> {
        let c: Challenge = self.h.get(format!("/accounts/{}/challenge", seg(id)?))?;
        Ok(c.challenge)
    }

    /// `POST /accounts/{id}/challenge/sign` with a signature made elsewhere.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 400 when the server rejects it.
    pub fn submit_challenge(&self, id: &str, signed: &ChallengeSignature) -> Result<()> {
        let path = format!("/accounts/{}/challenge/sign", seg(id)?);
        self.h.mutate("POST", path, Some(signed)).map(drop)
    }

    /// `PATCH /accounts/{id}/activate`.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn activate(&self, id: &str) -> Result<()> {
        let path = format!("/accounts/{}/activate", seg(id)?);
        self.h.mutate::<()>("PATCH", path, None).map(drop)
    }

    /// `PATCH /accounts/{id}/deactivate`.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn deactivate(&self, id: &str) -> Result<()> {
        let path = format!("/accounts/{}/deactivate", seg(id)?);
        self.h.mutate::<()>("PATCH", path, None).map(drop)
    }

    /// `DELETE /accounts/{id}`: closes the account (final).
    ///
    /// # Errors
    /// API and transport errors.
    pub fn close(&self, id: &str) -> Result<()> {
        let path = format!("/accounts/{}", seg(id)?);
        self.h.mutate::<()>("DELETE", path, None).map(drop)
    }
}
