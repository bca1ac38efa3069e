//! `/accounts` and `/customers/{id}/accounts`.

use super::challenge::{check_stated_owner, sign_and_submit, Challenged};
use super::CallScope;
use super::{resource, seg, ChallengeOptions, ListPages};
use crate::error::{Error, Result};
use crate::models::{Account, Challenge, ChallengeSignature, NewAccount};
use crate::wallet::{check_account_challenge, AccountId, Refusal, SignatureEncoding, Signer};

resource! {
    /// Account calls: `client.accounts()`.
    Accounts
}

impl<'a> Accounts<'a> {
    /// `POST /customers/{customer_id}/accounts`: opens an account for an `active`
    /// customer; the answer carries the account's challenge.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with 404 for an unknown customer, 400 when it is not active.
    pub fn create(&self, customer_id: &str, account: &NewAccount) -> Result<Account> {
        let path = format!("/customers/{}/accounts", seg(customer_id)?);
        self.scope.mutate("POST", path, Some(account))?.decode()
    }

    /// `GET /accounts/{id}`.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 404 when there is no such account.
    pub fn get(&self, id: &str) -> Result<Account> {
        self.scope.get(format!("/accounts/{}", seg(id)?))
    }

    /// `GET /accounts`: every account.
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn list(&self) -> Result<Vec<Account>> {
        self.scope.list("/accounts".into())
    }

    /// `GET /accounts`, one page at a time ([`ListPages`]).
    pub fn list_pages(&self) -> ListPages<'a, Account> {
        self.scope.pages("/accounts".into(), None)
    }

    /// `GET /customers/{customer_id}/accounts`.
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn list_for_customer(&self, customer_id: &str) -> Result<Vec<Account>> {
        self.scope
            .list(format!("/customers/{}/accounts", seg(customer_id)?))
    }

    /// `GET /accounts/{id}/challenge`: a new challenge (earlier ones stop working).
    ///
    /// # Errors
    /// API, transport and decoding errors.
    pub fn challenge(&self, id: &str) -> Result<String> {
        let c: Challenge = self
            .scope
            .get(format!("/accounts/{}/challenge", seg(id)?))?;
        Ok(c.challenge)
    }

    /// `POST /accounts/{id}/challenge/sign` with a signature made elsewhere.
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 400 when the server rejects it.
    pub fn submit_challenge(&self, id: &str, signed: &ChallengeSignature) -> Result<()> {
        let path = format!("/accounts/{}/challenge/sign", seg(id)?);
        self.scope.mutate("POST", path, Some(signed)).map(drop)
    }

    /// Signs the account's challenge with `signer` (EIP-191 `personal_sign` over the
    /// decoded challenge bytes) and submits it with `owner` (the customer's CAIP-10
    /// account, which must be the signer's address).
    ///
    /// The challenge is [`ChallengeOptions::challenge`], else `account.challenge`, else a
    /// new one, fetched (which invalidates earlier ones). It is signed only if the
    /// client's account challenge policy allows it: by default, only a secp256k1 public
    /// key in PEM (production) or a UUID (sandbox); see
    /// [`crate::Config::account_challenge_policy`]. The signature is encoded as
    /// [`ChallengeOptions::encoding`] says (base64 of the raw 65 bytes by default).
    ///
    /// # Errors
    /// [`Error::ChallengeRefused`] when `owner` is not the signer's address or the
    /// challenge is not one the policy allows (nothing is signed or sent), with
    /// [`Refusal::NotRequested`] when `owner` is not the [`ChallengeOptions::owner`] or
    /// not on the [`ChallengeOptions::chain`] stated;
    /// [`Error::ChallengeRejected`] on a 400 from the server; [`Error::Signer`] when an
    /// external signer fails or signs with another key.
    pub fn sign_challenge(
        &self,
        account: &Account,
        owner: &AccountId,
        signer: &dyn Signer,
        options: &ChallengeOptions,
    ) -> Result<()> {
        check_stated_owner("account", &account.id, &owner.to_string(), options)?;
        let address = signer.address()?;
        match owner.evm_address() {
            Some(found) if found == address => {}
            Some(found) => {
                return Err(Error::ChallengeRefused(Refusal::OwnerMismatch {
                    expected: address,
                    found,
                }))
            }
            None => {
                return Err(Error::ChallengeRefused(Refusal::NotEvm {
                    chain: owner.chain_id().clone(),
                }))
            }
        }
        let policy = self.scope.session.config().account_challenge_policy;
        let encoding = options.encoding.unwrap_or(SignatureEncoding::Base64Raw);
        let on_hand = account.challenge.as_deref();
        sign_and_submit(self, &account.id, on_hand, owner, options, |challenge| {
            let (message, _kind) = check_account_challenge(challenge, policy)?;
            let signature = signer.sign_personal(&message)?;
            if !signature.verify(&message, &address) {
                return Err(Error::Signer(
                    "the signature does not recover to the signer's address".into(),
                ));
            }
            Ok(encoding.encode(&signature))
        })
    }

    /// `PATCH /accounts/{id}/activate`.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn activate(&self, id: &str) -> Result<()> {
        let path = format!("/accounts/{}/activate", seg(id)?);
        self.scope.mutate::<()>("PATCH", path, None).map(drop)
    }

    /// `PATCH /accounts/{id}/deactivate`.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn deactivate(&self, id: &str) -> Result<()> {
        let path = format!("/accounts/{}/deactivate", seg(id)?);
        self.scope.mutate::<()>("PATCH", path, None).map(drop)
    }

    /// `DELETE /accounts/{id}`: closes the account (final).
    ///
    /// # Errors
    /// API and transport errors.
    pub fn close(&self, id: &str) -> Result<()> {
        let path = format!("/accounts/{}", seg(id)?);
        self.scope.mutate::<()>("DELETE", path, None).map(drop)
    }
}

impl<'a> Challenged<'a> for Accounts<'a> {
    fn scope(&self) -> &CallScope<'a> {
        &self.scope
    }

    fn with_scope(&self, scope: CallScope<'a>) -> Self {
        Accounts { scope }
    }

    fn current(&self, id: &str) -> Result<String> {
        self.challenge(id)
    }

    fn submit(&self, id: &str, signed: &ChallengeSignature) -> Result<()> {
        self.submit_challenge(id, signed)
    }
}
