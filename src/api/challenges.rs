//! Signing challenges with a wallet: the customer's EIP-4361 challenge (guarded) and the
//! account's opaque challenge, joined to the `…/challenge/sign` calls.

use super::{Accounts, Customers};
use crate::error::{Error, Result};
use crate::models::{Account, ChallengeSignature, Customer};
use crate::time::Timestamp;
use crate::wallet::{
    check_account_challenge, sign_challenge, AccountId, ChallengeGuard, Refusal, SignatureEncoding,
    Signer,
};

impl Customers<'_> {
    /// Signs the customer's challenge with `signer` and submits it.
    ///
    /// Uses `customer.challenge` when present (fresh from `create`), else fetches the
    /// current one. Before signing, the guard checks that the message names the signer's
    /// address and the customer's chain, the configured domain (the API host by default),
    /// and that it is within its validity window by this machine's clock; a challenge
    /// expired or issued in the future is fetched again once. The bytes signed are the
    /// decoded challenge exactly as received; the `signature` field is base64 of the
    /// `0x`-hex text, as OffBlocks documents.
    ///
    /// # Errors
    /// [`Error::ChallengeRefused`] when the guard refuses (nothing is sent);
    /// [`Error::ChallengeRejected`] when the server answers 400, carrying the challenge it
    /// issued afterwards when that could be fetched; [`Error::Signer`] when an external
    /// signer fails or returns a signature of another key.
    pub fn sign_challenge(&self, customer: &Customer, signer: &dyn Signer) -> Result<()> {
        let challenge = match &customer.challenge {
            Some(c) => c.clone(),
            None => self.challenge(&customer.id)?,
        };
        match self.sign_this_challenge(customer, &challenge, signer) {
            Err(e) if worth_a_fresh_challenge(&e) => {
                let fresh = self.challenge(&customer.id)?;
                self.sign_this_challenge(customer, &fresh, signer)
            }
            other => other,
        }
    }

    /// Signs and submits one given challenge (base64, as issued).
    ///
    /// # Errors
    /// As [`Customers::sign_challenge`], without the re-fetch of an expired challenge.
    pub fn sign_this_challenge(
        &self,
        customer: &Customer,
        challenge: &str,
        signer: &dyn Signer,
    ) -> Result<()> {
        let owner = AccountId::parse(&customer.chain_id)?;
        self.sign_as(&customer.id, &owner, challenge, signer)
    }

    /// Signs and submits `challenge` for customer `id` as `owner`: the owner and chain
    /// the caller asked for, never what a server returned. The validity window is read
    /// on the local clock, whatever the server's `Date` says.
    pub(crate) fn sign_as(
        &self,
        id: &str,
        owner: &AccountId,
        challenge: &str,
        signer: &dyn Signer,
    ) -> Result<()> {
        let client = self.h.client;
        let mut guard = ChallengeGuard::new();
        if let Some(domain) = client.config().challenge_domain() {
            guard = guard.expected_domain(domain);
        }
        let signed = sign_challenge(signer, &guard, challenge, owner, Timestamp::now())?;
        let body = ChallengeSignature {
            owner_id: owner.to_string(),
            challenge: challenge.to_owned(),
            signature: signed.encoded_signature(SignatureEncoding::Base64HexText),
        };
        let submitted = self.submit_challenge(id, &body);
        rejected_with_reissue(submitted, || self.challenge(id))
    }
}

impl Accounts<'_> {
    /// Signs the account's challenge with `signer` (EIP-191 `personal_sign` over the
    /// decoded challenge bytes) and submits it, the signature as base64 of the raw 65
    /// bytes (the format of OffBlocks' example). Uses `account.challenge` when present,
    /// else fetches a new one (which invalidates earlier ones).
    ///
    /// The challenge is signed only if the client's account challenge policy allows it:
    /// by default, only a secp256k1 public key in PEM (production) or a UUID (sandbox);
    /// see [`crate::ClientBuilder::account_challenge_policy`].
    ///
    /// # Errors
    /// [`Error::ChallengeRefused`] when `owner` is not the signer's address or the
    /// challenge is not one the policy allows (nothing is signed or sent);
    /// [`Error::ChallengeRejected`] on a 400 from the server; [`Error::Signer`] when an
    /// external signer fails or signs with another key.
    pub fn sign_challenge(
        &self,
        account: &Account,
        owner: &AccountId,
        signer: &dyn Signer,
    ) -> Result<()> {
        self.sign_challenge_encoded(account, owner, signer, SignatureEncoding::Base64Raw)
    }

    /// As [`Accounts::sign_challenge`], choosing the signature's encoding.
    ///
    /// # Errors
    /// As [`Accounts::sign_challenge`].
    pub fn sign_challenge_encoded(
        &self,
        account: &Account,
        owner: &AccountId,
        signer: &dyn Signer,
        encoding: SignatureEncoding,
    ) -> Result<()> {
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
        let challenge = match &account.challenge {
            Some(c) => c.clone(),
            None => self.challenge(&account.id)?,
        };
        let policy = self.h.client.config().account_challenge_policy();
        let (message, _kind) = check_account_challenge(&challenge, policy)?;
        let signature = signer.sign_personal(&message)?;
        if !signature.verify(&message, &address) {
            return Err(Error::Signer(
                "the signature does not recover to the signer's address".into(),
            ));
        }
        let body = ChallengeSignature {
            owner_id: owner.to_string(),
            challenge,
            signature: encoding.encode(&signature),
        };
        let submitted = self.submit_challenge(&account.id, &body);
        rejected_with_reissue(submitted, || self.challenge(&account.id))
    }
}

/// Whether the guard refused a challenge for its time (expired, or issued in the future
/// of this machine's clock): a freshly issued one may pass.
pub(crate) fn worth_a_fresh_challenge(error: &Error) -> bool {
    matches!(
        error,
        Error::ChallengeRefused(Refusal::Expired { .. } | Refusal::IssuedInFuture { .. })
    )
}

/// A 400 from `…/challenge/sign` means the signature was rejected and the server issued
/// a new challenge: report it as [`Error::ChallengeRejected`] with that challenge.
fn rejected_with_reissue(
    submitted: Result<()>,
    refetch: impl FnOnce() -> Result<String>,
) -> Result<()> {
    match submitted {
        Err(Error::Api(api)) if api.status == 400 => Err(Error::ChallengeRejected {
            reissued: refetch().ok(),
            api,
        }),
        other => other,
    }
}
