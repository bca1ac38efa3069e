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
    /// The message's `Issued At` is later than the local clock allows.
    #[error("message is issued at {at}, in the future of this machine's clock")]
    IssuedInFuture {
        /// The message's issue time.
        at: Timestamp,
    },
    /// The message names no `Expiration Time` and was issued longer ago than a
    /// challenge is valid for (OffBlocks: one hour), beyond the clock tolerance.
    #[error(
        "message was issued at {at}, more than {max_age_secs} s ago, and names no \
         expiration time: fetch a fresh challenge (if this machine's clock runs ahead of \
         the server's, fix it or raise the challenge clock tolerance)"
    )]
    Stale {
        /// The message's issue time.
        at: Timestamp,
        /// How long a message without an expiration time stays valid, in seconds.
        max_age_secs: u32,
    },
    /// The message's `URI` is not at the origin of its domain (another scheme than
    /// http(s) or the message's own, another host or port, or userinfo): the message
    /// signs in somewhere else than the domain it names.
    #[error("message uri {uri:?} is not at the origin of its domain {domain}: not signed")]
    UriOffDomain {
        /// The message's `URI`.
        uri: String,
        /// The message's domain.
        domain: String,
    },
    /// The customer or account the server returned is not the one asked for (another
    /// external id, chain, owner, customer, type or currencies): nothing is signed.
    #[error("the server's {resource} {id} is not the one asked for: {why}")]
    NotRequested {
        /// `customer` or `account`.
        resource: &'static str,
        /// Its id, as the server gave it.
        id: String,
        /// What differs.
        why: String,
    },
    /// The account challenge is not base64.
    #[error("account challenge is not base64")]
    AccountChallengeNotBase64,
    /// The account challenge is a Sign-In-with-Ethereum message: signing it could log the
    /// customer in elsewhere.
    #[error("account challenge is a sign-in message, not an account challenge")]
    AccountChallengeIsSiwe,
    /// The account challenge is 32 bytes, the size of a hash that some wallets accept
    /// as an owner's approval.
    #[error("account challenge is 32 bytes (a hash?), not an account challenge")]
    AccountChallengeIsDigest,
    /// The account challenge is neither a secp256k1 public key in PEM nor a UUID.
    #[error(
        "account challenge ({len} bytes) is neither a secp256k1 public key in PEM nor a \
         UUID; set the account challenge policy to `any` to sign it anyway"
    )]
    AccountChallengeUnrecognized {
        /// Its length in bytes.
        len: usize,
    },
}

/// The rules a customer challenge must pass before it is signed.
///
/// Always checked: the customer is on an `eip155` chain, its address and the message's
/// address are the signing wallet's, the message's chain id is the customer's chain,
/// and its `URI` is at the origin of its domain (an `http` or `https` URI, of the
/// message's scheme when it writes one, whose host and port are the domain's, without
/// userinfo). Optionally checked: the message's domain, and its validity window (which,
/// without an `Expiration Time`, ends [`ChallengeGuard::max_age_secs`] after `Issued
/// At`).
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
    max_age_secs: u32,
}

impl Default for ChallengeGuard {
    fn default() -> ChallengeGuard {
        ChallengeGuard::new()
    }
}

impl ChallengeGuard {
    /// How long a message without an `Expiration Time` stays valid after its `Issued
    /// At`: OffBlocks documents its challenges as valid for one hour.
    pub const MAX_AGE_SECS: u32 = 3600;

    /// A guard with the defaults: any domain, validity window checked, 60 s leeway, one
    /// hour for a message without an expiration time.
    pub fn new() -> ChallengeGuard {
        ChallengeGuard {
            expected_domain: None,
            check_time: true,
            leeway_secs: 60,
            max_age_secs: ChallengeGuard::MAX_AGE_SECS,
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

    /// How long after its `Issued At` a message that names no `Expiration Time` may be
    /// signed (the leeway is added). Defaults to [`ChallengeGuard::MAX_AGE_SECS`], one
    /// hour.
    pub fn max_age_secs(mut self, secs: u32) -> ChallengeGuard {
        self.max_age_secs = secs;
        self
    }

    /// Checks that `msg` may be signed by `wallet` for the customer `customer` at `now`.
    ///
    /// # Errors
    ///
    /// The first [`Refusal`] that applies, in this order: [`Refusal::NotEvm`],
    /// [`Refusal::OwnerMismatch`], [`Refusal::AddressMismatch`],
    /// [`Refusal::ChainMismatch`], [`Refusal::UriOffDomain`], [`Refusal::DomainMismatch`],
    /// [`Refusal::Expired`], [`Refusal::NotYetValid`], [`Refusal::IssuedInFuture`],
    /// [`Refusal::Stale`].
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
        if !uri_at_origin(msg) {
            return Err(Refusal::UriOffDomain {
                uri: msg.uri.clone(),
                domain: msg.domain.clone(),
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
            if now.add_secs(leeway) < msg.issued_at {
                return Err(Refusal::IssuedInFuture { at: msg.issued_at });
            }
            let max_age = i64::from(self.max_age_secs);
            let stale_at = msg.issued_at.add_secs(max_age).add_secs(leeway);
            if msg.expiration_time.is_none() && now >= stale_at {
                return Err(Refusal::Stale {
                    at: msg.issued_at,
                    max_age_secs: self.max_age_secs,
                });
            }
        }
        Ok(())
    }
}

/// Whether the message's `URI` is at the origin of its domain: `http` or `https` (the
/// message's own scheme when it writes one), no userinfo, the domain's host (compared
/// case-insensitively) and port (the scheme's default when either leaves it out).
fn uri_at_origin(msg: &SiweMessage) -> bool {
    let Some((scheme, rest)) = msg.uri.split_once("://") else {
        return false;
    };
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        "443"
    } else if scheme.eq_ignore_ascii_case("http") {
        "80"
    } else {
        return false;
    };
    if msg
        .scheme
        .as_deref()
        .is_some_and(|s| !s.eq_ignore_ascii_case(scheme))
    {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') || msg.domain.contains('@') {
        return false;
    }
    let (host, port) = host_and_port(authority);
    let (domain_host, domain_port) = host_and_port(&msg.domain);
    host.eq_ignore_ascii_case(domain_host)
        && port.unwrap_or(default_port) == domain_port.unwrap_or(default_port)
}

/// The host (an IPv6 literal with its brackets) and the port, if one is written, of an
/// authority without userinfo; an empty port is no port.
fn host_and_port(authority: &str) -> (&str, Option<&str>) {
    let split_at = match authority.rfind(']') {
        Some(end) => authority[end..].find(':').map(|i| end + i),
        None => authority.rfind(':'),
    };
    match split_at {
        Some(i) => {
            let port = &authority[i + 1..];
            (&authority[..i], (!port.is_empty()).then_some(port))
        }
        None => (authority, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HARDHAT_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    fn ts(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    /// A challenge for Hardhat / Anvil account #0 on chain 280, laid out like the seed's.
    fn hardhat_challenge(extra: &str) -> String {
        format!(
            "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n\
             {HARDHAT_ADDRESS}\n\n\
             OffBlocks wants to verify ownership of your wallet.\n\n\
             URI: https://api.sandbox.offblocks.xyz\nVersion: 1\nChain ID: 280\n\
             Nonce: 5ufoiEqDaFvmfo78\nIssued At: 2024-01-17T18:21:53Z{extra}"
        )
    }

    fn hardhat_customer() -> AccountId {
        AccountId::parse(&format!("eip155:280:{HARDHAT_ADDRESS}")).unwrap()
    }

    #[test]
    fn guard_accepts_a_matching_challenge() {
        let msg = SiweMessage::parse(&hardhat_challenge(
            "\nExpiration Time: 2024-01-17T19:21:53Z\nNot Before: 2024-01-17T18:21:53Z",
        ))
        .unwrap();
        let wallet: Address = HARDHAT_ADDRESS.parse().unwrap();
        let guard = ChallengeGuard::new().expected_domain("https://API.sandbox.offblocks.xyz/");
        let now = ts("2024-01-17T18:30:00Z");
        assert_eq!(guard.check(&msg, &wallet, &hardhat_customer(), now), Ok(()));
        // Lowercase spelling of the customer's address is the same owner.
        let lower =
            AccountId::parse(&format!("eip155:280:{}", HARDHAT_ADDRESS.to_lowercase())).unwrap();
        assert_eq!(guard.check(&msg, &wallet, &lower, now), Ok(()));
    }

    #[test]
    fn guard_refusals() {
        let window = "\nExpiration Time: 2024-01-17T19:21:53Z\nNot Before: 2024-01-17T18:21:53Z";
        let msg = SiweMessage::parse(&hardhat_challenge(window)).unwrap();
        let wallet: Address = HARDHAT_ADDRESS.parse().unwrap();
        let other: Address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
            .parse()
            .unwrap();
        let customer = hardhat_customer();
        let guard = ChallengeGuard::new().leeway_secs(0);
        let now = ts("2024-01-17T18:30:00Z");

        // Message names another address than the wallet (the customer's is the wallet's).
        let foreign =
            SiweMessage::parse(&hardhat_challenge("").replace(HARDHAT_ADDRESS, &other.to_string()))
                .unwrap();
        assert_eq!(
            guard.check(&foreign, &wallet, &customer, now),
            Err(Refusal::AddressMismatch {
                expected: wallet,
                found: other
            })
        );
        // The customer's account is another address than the wallet.
        let other_customer = AccountId::from_evm(ChainId::eip155(280), &other);
        assert_eq!(
            guard.check(&msg, &wallet, &other_customer, now),
            Err(Refusal::OwnerMismatch {
                expected: wallet,
                found: other
            })
        );
        // The customer is on chain 324, the message on 280.
        let zksync = AccountId::from_evm(ChainId::eip155(324), &wallet);
        assert_eq!(
            guard.check(&msg, &wallet, &zksync, now),
            Err(Refusal::ChainMismatch {
                expected: 324,
                found: 280
            })
        );
        // Customer challenges are EVM-only.
        let solana = AccountId::parse(&format!(
            "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:{HARDHAT_ADDRESS}"
        ))
        .unwrap();
        assert!(matches!(
            guard.check(&msg, &wallet, &solana, now),
            Err(Refusal::NotEvm { .. })
        ));
        // Another domain.
        let strict = guard.clone().expected_domain("api.offblocks.xyz");
        assert_eq!(
            strict.check(&msg, &wallet, &customer, now),
            Err(Refusal::DomainMismatch {
                expected: "api.offblocks.xyz".into(),
                found: "api.sandbox.offblocks.xyz".into()
            })
        );
        // Past the expiration time, and before not-before.
        let at = ts("2024-01-17T19:21:53Z");
        assert_eq!(
            guard.check(&msg, &wallet, &customer, at),
            Err(Refusal::Expired { at })
        );
        let early = ts("2024-01-17T18:21:52Z");
        assert_eq!(
            guard.check(&msg, &wallet, &customer, early),
            Err(Refusal::NotYetValid {
                from: ts("2024-01-17T18:21:53Z")
            })
        );
        // Issued after the local clock (beyond the leeway): refused, whatever else it says.
        let late = SiweMessage::parse(&hardhat_challenge("")).unwrap();
        let before_issue = ts("2024-01-17T18:21:52Z");
        assert_eq!(
            guard.check(&late, &wallet, &customer, before_issue),
            Err(Refusal::IssuedInFuture {
                at: ts("2024-01-17T18:21:53Z")
            })
        );
        assert_eq!(
            guard
                .clone()
                .leeway_secs(1)
                .check(&late, &wallet, &customer, before_issue),
            Ok(())
        );
        // Leeway absorbs small clock differences; check_time(false) turns the window off.
        assert_eq!(
            guard
                .clone()
                .leeway_secs(5)
                .check(&msg, &wallet, &customer, early),
            Ok(())
        );
        assert_eq!(
            guard
                .clone()
                .check_time(false)
                .check(&msg, &wallet, &customer, at.add_secs(9999)),
            Ok(())
        );
        // Messages are short and lowercase.
        let refusal = guard.check(&msg, &wallet, &customer, at).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "message expired at 2024-01-17T19:21:53Z"
        );
    }

    #[test]
    fn guard_refuses_a_challenge_without_expiry_after_an_hour() {
        // The seed's layout: no Expiration Time, issued at 18:21:53.
        let msg = SiweMessage::parse(&hardhat_challenge("")).unwrap();
        let wallet: Address = HARDHAT_ADDRESS.parse().unwrap();
        let customer = hardhat_customer();
        let guard = ChallengeGuard::new();
        let issued = ts("2024-01-17T18:21:53Z");
        // Valid for an hour plus the 60 s leeway.
        let last = issued.add_secs(3600 + 60 - 1);
        assert_eq!(guard.check(&msg, &wallet, &customer, last), Ok(()));
        let stale = Err(Refusal::Stale {
            at: issued,
            max_age_secs: 3600,
        });
        assert_eq!(
            guard.check(&msg, &wallet, &customer, last.add_secs(1)),
            stale
        );
        let years = ts("2027-01-01T00:00:00Z");
        assert_eq!(guard.check(&msg, &wallet, &customer, years), stale);
        // A larger leeway or max age relaxes it; check_time(false) turns it off.
        let late = last.add_secs(600);
        assert_eq!(
            guard
                .clone()
                .leeway_secs(660)
                .check(&msg, &wallet, &customer, late),
            Ok(())
        );
        assert_eq!(
            guard
                .clone()
                .max_age_secs(7200)
                .check(&msg, &wallet, &customer, late),
            Ok(())
        );
        assert_eq!(
            guard
                .clone()
                .check_time(false)
                .check(&msg, &wallet, &customer, years),
            Ok(())
        );
        // An Expiration Time governs instead: an old message valid until then is signed.
        let window = SiweMessage::parse(&hardhat_challenge(
            "\nExpiration Time: 2024-01-18T18:21:53Z",
        ))
        .unwrap();
        let next_day = ts("2024-01-18T12:00:00Z");
        assert_eq!(guard.check(&window, &wallet, &customer, next_day), Ok(()));
        let text = guard
            .check(&msg, &wallet, &customer, years)
            .unwrap_err()
            .to_string();
        assert!(text.contains("fetch a fresh challenge"), "{text}");
    }

    #[test]
    fn guard_refuses_a_uri_off_its_domain() {
        let wallet: Address = HARDHAT_ADDRESS.parse().unwrap();
        let customer = hardhat_customer();
        let now = ts("2024-01-17T18:30:00Z");
        let check = |header: &str, uri: &str| {
            let text = hardhat_challenge("")
                .replacen(
                    "api.sandbox.offblocks.xyz wants",
                    &format!("{header} wants"),
                    1,
                )
                .replace(
                    "URI: https://api.sandbox.offblocks.xyz",
                    &format!("URI: {uri}"),
                );
            let msg = SiweMessage::parse(&text).unwrap();
            ChallengeGuard::new().check(&msg, &wallet, &customer, now)
        };
        let host = "api.sandbox.offblocks.xyz";
        for (header, uri) in [
            (host, "https://api.sandbox.offblocks.xyz"),
            (host, "https://API.sandbox.offblocks.xyz/v1/customers?x=1#y"),
            (host, "https://api.sandbox.offblocks.xyz:443/"),
            (
                "api.sandbox.offblocks.xyz:443",
                "https://api.sandbox.offblocks.xyz",
            ),
            (host, "http://api.sandbox.offblocks.xyz"),
            (
                "https://api.sandbox.offblocks.xyz",
                "https://api.sandbox.offblocks.xyz",
            ),
            ("127.0.0.1:8080", "http://127.0.0.1:8080/v1"),
            ("[::1]:8080", "http://[::1]:8080"),
        ] {
            assert_eq!(check(header, uri), Ok(()), "{header} / {uri}");
        }
        for (header, uri) in [
            (host, "https://evil.example"),
            (host, "https://api.sandbox.offblocks.xyz.evil.example"),
            (host, "https://api.sandbox.offblocks.xyz@evil.example"),
            (host, "https://evil.example@api.sandbox.offblocks.xyz"),
            (host, "https://api.sandbox.offblocks.xyz:8443"),
            (host, "http://api.sandbox.offblocks.xyz:443"),
            (host, "ftp://api.sandbox.offblocks.xyz"),
            (host, "urn:api.sandbox.offblocks.xyz"),
            (
                "https://api.sandbox.offblocks.xyz",
                "http://api.sandbox.offblocks.xyz",
            ),
            ("127.0.0.1:8080", "http://127.0.0.1:8081"),
            ("127.0.0.1:8080", "http://127.0.0.1"),
            ("[::1]:8080", "http://[::2]:8080"),
        ] {
            assert_eq!(
                check(header, uri),
                Err(Refusal::UriOffDomain {
                    uri: uri.into(),
                    domain: header.split("://").last().unwrap().into(),
                }),
                "{header} / {uri}"
            );
        }
    }
}
