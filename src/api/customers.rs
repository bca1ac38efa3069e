//! `/customers`.

use super::challenge::{check_stated_owner, sign_and_submit, Challenged};
use super::CallScope;
use super::{resource, seg, ChallengeOptions, ListPages};
use crate::error::Result;
use crate::models::{Challenge, ChallengeSignature, Customer, NewCustomer};
use crate::time::Timestamp;
use crate::wallet::{sign_challenge, AccountId, ChallengeGuard, SignatureEncoding, Signer};

resource! {
    /// Customer calls: `client.customers()`.
    Customers
}

impl<'a> Customers<'a> {
    /// `POST /customers`: creates a customer; the answer carries its first challenge.
    ///
    /// # Errors
    /// [`crate::Error::Conflict`] when the customer already exists (the body is kept);
    /// [`crate::Error::Api`] for other refusals; transport and decoding errors.
    pub fn create(&self, customer: &NewCustomer) -> Result<Customer> {
        self.scope
            .mutate("POST", "/customers".into(), Some(customer))?
            .decode()
    }

    /// `GET /customers/{id}`.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 404 when there is no such customer.
    pub fn get(&self, id: &str) -> Result<Customer> {
        self.scope.get(format!("/customers/{}", seg(id)?))
    }

    /// `GET /customers`: every customer, each page followed ([`ListPages`]).
    ///
    /// # Errors
    /// API, transport and decoding errors; [`crate::Error::State`] when the list cannot
    /// be had whole (a loop, a total beyond what the pages hold, a link elsewhere).
    pub fn list(&self) -> Result<Vec<Customer>> {
        self.scope.list("/customers".into())
    }

    /// `GET /customers`, one page at a time.
    pub fn list_pages(&self) -> ListPages<'a, Customer> {
        self.scope.pages("/customers".into(), None)
    }

    /// `GET /customers?externalId={id}`: the customers the server lists for that
    /// external id, each page followed. The filter is not in OffBlocks' documentation:
    /// a server that ignores it answers every customer, so check each entry's
    /// `external_id` (the onboarding flow does).
    ///
    /// # Errors
    /// As [`Customers::list`].
    pub fn find_by_external_id(&self, external_id: &str) -> Result<Vec<Customer>> {
        let filter = format!("externalId={}", super::pages::encode(external_id));
        self.scope
            .pages("/customers".into(), Some(filter))
            .collect_all()
    }

    /// `GET /customers/{id}/challenge`: the current challenge (base64 EIP-4361).
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn challenge(&self, id: &str) -> Result<String> {
        let c: Challenge = self
            .scope
            .get(format!("/customers/{}/challenge", seg(id)?))?;
        Ok(c.challenge)
    }

    /// `POST /customers/{id}/challenge/sign` with a signature made elsewhere.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 400 when the server rejects the signature (it
    /// then issues a new challenge).
    pub fn submit_challenge(&self, id: &str, signed: &ChallengeSignature) -> Result<()> {
        let path = format!("/customers/{}/challenge/sign", seg(id)?);
        self.scope.mutate("POST", path, Some(signed)).map(drop)
    }

    /// Signs the customer's EIP-4361 challenge with `signer` and submits it.
    ///
    /// The challenge is [`ChallengeOptions::challenge`], else `customer.challenge` (fresh
    /// from `create`), else the current one, fetched. Before signing, the guard checks
    /// that the message names the owner's address (the customer's `chainId`, or
    /// [`ChallengeOptions::owner`]) and chain, the client's challenge domain
    /// ([`crate::Client::challenge_domain`]) with a `URI` at that domain's origin, and that
    /// it is within its validity window by this machine's clock, whatever the server's
    /// `Date` says (without an `Expiration Time`, issued no longer than an hour ago), give
    /// or take [`crate::Config::challenge_clock_tolerance`]; a challenge refused for
    /// its time is fetched again once ([`ChallengeOptions::refetch_stale`]) and signed
    /// under an Idempotency-Key of its own. The bytes signed are the decoded challenge
    /// exactly as received.
    ///
    /// # Errors
    /// [`crate::Error::ChallengeRefused`] when the guard refuses (nothing is sent), with
    /// [`crate::wallet::Refusal::NotRequested`] when the customer's `chainId` is not the
    /// [`ChallengeOptions::owner`] or not on the [`ChallengeOptions::chain`] stated;
    /// [`crate::Error::ChallengeRejected`] when the server answers 400, carrying the
    /// challenge it issued afterwards when that could be fetched; [`crate::Error::Signer`]
    /// when an external signer fails or returns a signature of another key.
    pub fn sign_challenge(
        &self,
        customer: &Customer,
        signer: &dyn Signer,
        options: &ChallengeOptions,
    ) -> Result<()> {
        check_stated_owner("customer", &customer.id, &customer.chain_id, options)?;
        let owner = match &options.owner {
            Some(owner) => owner.clone(),
            None => AccountId::parse(&customer.chain_id)?,
        };
        let session = self.scope.session;
        let tolerance = session.config().challenge_clock_tolerance.as_secs();
        let guard = ChallengeGuard::new()
            .expected_domain(session.challenge_domain())
            .leeway_secs(u32::try_from(tolerance).unwrap_or(u32::MAX));
        let encoding = options.encoding.unwrap_or(SignatureEncoding::Base64Hex);
        let on_hand = customer.challenge.as_deref();
        sign_and_submit(self, &customer.id, on_hand, &owner, options, |challenge| {
            let signed = sign_challenge(signer, &guard, challenge, &owner, Timestamp::now())?;
            Ok(signed.encoded_signature(encoding))
        })
    }

    /// `PATCH /customers/{id}/deactivate`.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn deactivate(&self, id: &str) -> Result<()> {
        let path = format!("/customers/{}/deactivate", seg(id)?);
        self.scope.mutate::<()>("PATCH", path, None).map(drop)
    }
}

impl<'a> Challenged<'a> for Customers<'a> {
    fn scope(&self) -> &CallScope<'a> {
        &self.scope
    }

    fn with_scope(&self, scope: CallScope<'a>) -> Self {
        Customers { scope }
    }

    fn current(&self, id: &str) -> Result<String> {
        self.challenge(id)
    }

    fn submit(&self, id: &str, signed: &ChallengeSignature) -> Result<()> {
        self.submit_challenge(id, signed)
    }
}
