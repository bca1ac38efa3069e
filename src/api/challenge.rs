//! What challenge signing shares between the customers and the accounts resources: its
//! options, the one re-fetch of a stale challenge, and the reading of a rejection.

use crate::error::{Error, Result};
use crate::wallet::{AccountId, Refusal, SignatureEncoding};

/// How [`crate::api::Customers::sign_challenge`] and
/// [`crate::api::Accounts::sign_challenge`] sign. `ChallengeOptions::default()` suits
/// most callers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChallengeOptions {
    /// The challenge to sign (base64, as issued). Defaults to none: the one the resource
    /// carries (fresh from `create`), else the current one, fetched.
    pub challenge: Option<String>,
    /// The CAIP-10 account named as the signer. Customers: defaults to none, the
    /// customer's own `chainId`; the flow gives the owner it asked for, never what a
    /// server returned. Accounts take their owner as an argument.
    pub owner: Option<AccountId>,
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

/// Signs `first`; when the guard refuses it for its time and the options allow, signs
/// the challenge `fetch` returns, once. `sign` is told whether its challenge is the
/// fetched one (it then needs an Idempotency-Key of its own).
pub(crate) fn once_more_if_stale(
    options: &ChallengeOptions,
    first: &str,
    fetch: impl FnOnce() -> Result<String>,
    sign: impl Fn(&str, bool) -> Result<()>,
) -> Result<()> {
    match sign(first, false) {
        Err(e) if options.refetch_stale && worth_a_fresh_challenge(&e) => {
            let fresh = fetch()?;
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
        Error::ChallengeRefused(Refusal::Expired { .. } | Refusal::IssuedInFuture { .. })
    )
}

/// A 400 from `…/challenge/sign` means the signature was rejected and the server issued
/// a new challenge: report it as [`Error::ChallengeRejected`] with that challenge.
pub(crate) fn rejected_with_reissue(
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
