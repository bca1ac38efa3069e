//! The checks made before a customer challenge is signed.
//!
//! A signature is a grant: the guard makes sure the challenge asks the right key, for
//! the right customer, on the right chain, from the right domain, while it is valid.

use crate::time::Timestamp;
use crate::wallet::{AccountId, Address, ChainId, SiweMessage};

/// Why the challenge guard refused to sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The customer's account is not on an EVM (`eip155`) chain; customer challenges
    /// are EVM-only.
    #[error("customer chain {chain} is not an eip155 chain")]
    NotEvm {
        /// The customer's chain.
        chain: ChainId,
    },
    /// The customer's CAIP-10 address is not the signing wallet's address.
    #[error("customer account is {found}, the wallet is {expected}")]
    OwnerMismatch {
        /// The signing wallet's address.
        expected: Address,
        /// The address in the customer's account id.
        found: Address,
    },
    /// The message asks another address to sign.
    #[error("message names address {found}, the wallet is {expected}")]
    AddressMismatch {
        /// The signing wallet's address.
        expected: Address,
        /// The address in the message.
        found: Address,
    },
    /// The message's chain id is not the customer's chain.
    #[error("message is for chain {found}, the customer is on chain {expected}")]
    ChainMismatch {
        /// The chain number of the customer's account id.
        expected: u64,
        /// The `Chain ID` of the message.
        found: u64,
    },
    /// The message comes from another domain than the one expected.
    #[error("message is from {found}, expected {expected}")]
    DomainMismatch {
        /// The domain the guard expects.
        expected: String,
        /// The domain in the message.
        found: String,
    },
    /// The message's `Expiration Time` has passed.
    #[error("message expired at {at}")]
    Expired {
        /// The message's expiration time.
        at: Timestamp,
    },
    /// The message's `Not Before` time has not come yet.
    #[error("message is not valid before {from}")]
    NotYetValid {
        /// The message's not-before time.
        from: Timestamp,
    },
}

/// The rules a customer challenge must pass before it is signed.
///
/// Always checked: the customer is on an `eip155` chain, its address and the message's
/// address are the signing wallet's, and the message's chain id is the customer's
/// chain. Optionally checked: the message's domain, and its validity window.
///
/// ```
/// use offblocks::wallet::ChallengeGuard;
///
/// let guard = ChallengeGuard::new()
///     .expected_domain("api.sandbox.offblocks.xyz")
///     .leeway_secs(30);
/// # let _ = guard;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeGuard {
    expected_domain: Option<String>,
    check_time: bool,
    leeway_secs: u32,
}

impl Default for ChallengeGuard {
    fn default() -> ChallengeGuard {
        ChallengeGuard::new()
    }
}

impl ChallengeGuard {
    /// A guard with the defaults: any domain, validity window checked, 60 s leeway.
    pub fn new() -> ChallengeGuard {
        ChallengeGuard {
            expected_domain: None,
            check_time: true,
            leeway_secs: 60,
        }
    }

    /// The authority (`host` or `host:port`) the message's domain must be, compared
    /// case-insensitively; a `scheme://` prefix and a final `/` are ignored.
    /// Defaults to none: any domain is accepted.
    pub fn expected_domain(mut self, domain: impl Into<String>) -> ChallengeGuard {
        self.expected_domain = Some(domain.into());
        self
    }

    /// Whether to refuse messages past their `Expiration Time` or before their
    /// `Not Before`. Defaults to true.
    pub fn check_time(mut self, check: bool) -> ChallengeGuard {
        self.check_time = check;
        self
    }

    /// How many seconds of clock difference with the server to tolerate when checking
    /// the validity window. Defaults to 60.
    pub fn leeway_secs(mut self, secs: u32) -> ChallengeGuard {
        self.leeway_secs = secs;
        self
    }

    /// Checks that `msg` may be signed by `wallet` for the customer `customer` at `now`.
    ///
    /// # Errors
    ///
    /// The first [`Refusal`] that applies, in this order: [`Refusal::NotEvm`],
    /// [`Refusal::OwnerMismatch`], [`Refusal::AddressMismatch`],
    /// [`Refusal::ChainMismatch`], [`Refusal::DomainMismatch`], [`Refusal::Expired`],
    /// [`Refusal::NotYetValid`].
    pub fn check(
        &self,
        msg: &SiweMessage,
        wallet: &Address,
        customer: &AccountId,
        now: Timestamp,
    ) -> Result<(), Refusal> {
        let chain = customer.chain_id();
        let (Some(owner), Some(chain_number)) = (customer.evm_address(), chain.eip155_number())
        else {
            return Err(Refusal::NotEvm {
                chain: chain.clone(),
            });
        };
        if owner != *wallet {
            return Err(Refusal::OwnerMismatch {
                expected: *wallet,
                found: owner,
            });
        }
        if msg.address != *wallet {
            return Err(Refusal::AddressMismatch {
                expected: *wallet,
                found: msg.address,
            });
        }
        if msg.chain_id != chain_number {
            return Err(Refusal::ChainMismatch {
                expected: chain_number,
                found: msg.chain_id,
            });
        }
        if let Some(expected) = &self.expected_domain {
            let authority = expected
                .split_once("://")
                .map_or(expected.as_str(), |(_, a)| a);
            let authority = authority.strip_suffix('/').unwrap_or(authority);
            if !authority.eq_ignore_ascii_case(&msg.domain) {
                return Err(Refusal::DomainMismatch {
                    expected: expected.clone(),
                    found: msg.domain.clone(),
                });
            }
        }
        if self.check_time {
            let leeway = i64::from(self.leeway_secs);
            if let Some(at) = msg.expiration_time {
                if now >= at.add_secs(leeway) {
                    return Err(Refusal::Expired { at });
                }
            }
            if let Some(from) = msg.not_before {
                if now.add_secs(leeway) < from {
                    return Err(Refusal::NotYetValid { from });
                }
            }
        }
        Ok(())
    }
}
