//! What challenge signing shares between the customers and the accounts resources: its
//! options, the one re-fetch of a stale challenge, and the reading of a rejection.

use super::CallScope;
use crate::error::{Error, Result};
use crate::models::ChallengeSignature;
use crate::wallet::{AccountId, ChainId, Refusal, SignatureEncoding};

/// How [`crate::api::Customers::sign_challenge`] and
/// [`crate::api::Accounts::sign_challenge`] sign. `ChallengeOptions::default()` suits
/// most callers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChallengeOptions {
    /// The challenge to sign (base64, as issued). Defaults to none: the one the resource
    /// carries (fresh from `create`), else the current one, fetched.
    pub challenge: Option<String>,
    /// The CAIP-10 account named as the signer, as the caller expects it. Customers:
    /// defaults to none, the customer's own `chainId` (the server's word); when given,
    /// the customer's `chainId` must be this account, else
    /// [`Refusal::NotRequested`] and nothing is signed. The flow gives the owner it
    /// asked for, never what a server returned. Accounts take their owner as an argument.
    pub owner: Option<AccountId>,
    /// The chain (CAIP-2) the owner must be on. Defaults to none: any. When given, a
    /// customer whose `chainId` is on another chain, or an account owner on another
    /// chain, is refused with [`Refusal::NotRequested`] before anything is signed. With
    /// the signer's address (which the owner must have), it states the whole owner.
    pub chain: Option<ChainId>,
    /// How the signature is encoded. Defaults to none: base64 of the `0x`-hex text for a
    /// customer (as OffBlocks documents), base64 of the raw 65 bytes for an account (the
    /// format of OffBlocks' example).
    pub encoding: Option<SignatureEncoding>,
    /// When the guard refuses the challenge for its time (expired, or issued in the
    /// future of this machine's clock), fetch the current one and sign that, once.
    /// Defaults to `true`.
    pub refetch_stale: bool,
}

impl Default for ChallengeOptions {
    fn default() -> Self {
        ChallengeOptions {
            challenge: None,
            owner: None,
            chain: None,
            encoding: None,
            refetch_stale: true,
        }
    }
}

impl ChallengeOptions {
    /// The defaults.
    pub fn new() -> ChallengeOptions {
        ChallengeOptions::default()
    }

    /// Sets [`ChallengeOptions::challenge`].
    pub fn challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// Sets [`ChallengeOptions::owner`].
    pub fn owner(mut self, owner: AccountId) -> Self {
        self.owner = Some(owner);
        self
    }

    /// Sets [`ChallengeOptions::chain`].
    pub fn chain(mut self, chain: ChainId) -> Self {
        self.chain = Some(chain);
        self
    }

    /// Sets [`ChallengeOptions::encoding`].
    pub fn encoding(mut self, encoding: SignatureEncoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// Sets [`ChallengeOptions::refetch_stale`].
    pub fn refetch_stale(mut self, refetch: bool) -> Self {
        self.refetch_stale = refetch;
        self
    }
}

/// Fails with [`Refusal::NotRequested`] unless `found`, the owner of the `resource`
/// `id` (a customer's `chainId` as the server gave it, or an account's owner), is the
/// owner and on the chain that `options` state. Nothing stated: nothing to check.
pub(crate) fn check_stated_owner(
    resource: &'static str,
    id: &str,
    found: &str,
    options: &ChallengeOptions,
) -> Result<()> {
    if options.owner.is_none() && options.chain.is_none() {
        return Ok(());
    }
    let why = match AccountId::parse(found) {
        Err(_) => Some(format!("its owner {found:?} is not a CAIP-10 account id")),
        Ok(found) => match (&options.owner, &options.chain) {
            (Some(owner), _) if *owner != found => {
                Some(format!("its owner is {found}, not {owner}"))
            }
            (_, Some(chain)) if chain != found.chain_id() => Some(format!(
                "its owner {found} is on {}, not {chain}",
                found.chain_id()
            )),
            _ => None,
        },
    };
    match why {
        None => Ok(()),
        Some(why) => Err(Error::ChallengeRefused(Refusal::NotRequested {
            resource,
            id: id.to_owned(),
            why,
        })),
    }
}

/// A resource whose items carry a challenge to sign: customers and accounts.
pub(crate) trait Challenged<'a>: Sized {
    fn scope(&self) -> &CallScope<'a>;
    fn with_scope(&self, scope: CallScope<'a>) -> Self;
    /// `GET …/{id}/challenge`.
    fn current(&self, id: &str) -> Result<String>;
    /// `POST …/{id}/challenge/sign`.
    fn submit(&self, id: &str, signed: &ChallengeSignature) -> Result<()>;
}

/// The signing both resources share: takes the challenge (the options', else the one
/// `on_hand`, else the current one), has `signature_of` check and sign it, submits it as
/// `owner`, reports a rejection with the reissued challenge, and signs a freshly fetched
/// challenge once when the first was refused for its time (under its own
/// Idempotency-Key).
pub(crate) fn sign_and_submit<'a, R: Challenged<'a>>(
    resource: &R,
    id: &str,
    on_hand: Option<&str>,
    owner: &AccountId,
    options: &ChallengeOptions,
    signature_of: impl Fn(&str) -> Result<String>,
) -> Result<()> {
    let first = match options.challenge.as_deref().or(on_hand) {
        Some(c) => c.to_owned(),
        None => resource.current(id)?,
    };
    let sign = |challenge: &str, fetched: bool| {
        let body = ChallengeSignature {
            owner_id: owner.to_string(),
            challenge: challenge.to_owned(),
            signature: signature_of(challenge)?,
        };
        let submitted = match fetched {
            true => resource
                .with_scope(resource.scope().for_fetched_challenge(challenge))
                .submit(id, &body),
            false => resource.submit(id, &body),
        };
        rejected_with_reissue(submitted, || resource.current(id))
    };
    match sign(&first, false) {
        Err(e) if options.refetch_stale && worth_a_fresh_challenge(&e) => {
            let fresh = resource.current(id)?;
            sign(&fresh, true)
        }
        other => other,
    }
}

/// Whether the guard refused a challenge for its time (expired, or issued in the future
/// of this machine's clock): a freshly issued one may pass.
fn worth_a_fresh_challenge(error: &Error) -> bool {
    matches!(
        error,
        Error::ChallengeRefused(
            Refusal::Expired { .. } | Refusal::IssuedInFuture { .. } | Refusal::Stale { .. }
        )
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
