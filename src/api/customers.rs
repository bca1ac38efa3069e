//! `/customers`.

use super::{resource, seg};
use crate::error::Result;
use crate::models::{Challenge, ChallengeSignature, Customer, NewCustomer};

resource! {
    /// Customer calls: `client.customers()`.
    Customers
}

impl Customers<'_> {
    /// `POST /customers`: creates a customer; the answer carries its first challenge.
    ///
    /// # Errors
    /// [`crate::Error::Conflict`] when the customer already exists (the body is kept);
    /// [`crate::Error::Api`] for other refusals; transport and decoding errors.
    pub fn create(&self, customer: &NewCustomer) -> Result<Customer> {
        self.h
            .mutate("POST", "/customers".into(), Some(customer))?
            .decode()
    }

    /// `GET /customers/{id}`.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 404 when there is no such customer.
    pub fn get(&self, id: &str) -> Result<Customer> {
        self.h.get(format!("/customers/{}", seg(id)?))
    }

    /// `GET /customers`.
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn list(&self) -> Result<Vec<Customer>> {
        self.h.list("/customers".into())
    }

    /// `GET /customers/{id}/challenge`: the current challenge (base64 EIP-4361).
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn challenge(&self, id: &str) -> Result<String> {
        let c: Challenge = self.h.get(format!("/customers/{}/challenge", seg(id)?))?;
        Ok(c.challenge)
    }

    /// `POST /customers/{id}/challenge/sign` with a signature made elsewhere.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 400 when the server rejects the signature (it
    /// then issues a new challenge).
    pub fn submit_challenge(&self, id: &str, signed: &ChallengeSignature) -> Result<()> {
        let path = format!("/customers/{}/challenge/sign", seg(id)?);
        self.h.mutate("POST", path, Some(signed)).map(drop)
    }

    /// `PATCH /customers/{id}/deactivate`.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn deactivate(&self, id: &str) -> Result<()> {
        let path = format!("/customers/{}/deactivate", seg(id)?);
        self.h.mutate::<()>("PATCH", path, None).map(drop)
    }
}
