//! Client configuration: where the API is, who we are, how we sign, how we retry.

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::httpsig::{CoveredComponents, DigestAlgorithms, SigningKey};
use crate::wallet::AccountChallengePolicy;

/// Which OffBlocks deployment to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.offblocks.xyz/v1`.
    Live,
    /// `https://api.sandbox.offblocks.xyz/v1`.
    Sandbox,
    /// Any other base URL (the local emulator, a proxy, tests).
    Custom(String),
}

impl Environment {
    /// The base URL of this environment.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Live => "https://api.offblocks.xyz/v1",
            Environment::Sandbox => "https://api.sandbox.offblocks.xyz/v1",
            Environment::Custom(url) => url,
        }
    }
}

/// A parsed, normalized base URL: scheme, authority (lowercase host, default port
/// dropped, as RFC 9421 `@authority` wants it) and path prefix without trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    text: String,
    scheme_len: usize,
    authority_end: usize,
    host_end: usize,
}

impl BaseUrl {
    /// Parses `http(s)://host[:port][/path]`.
    ///
    /// # Errors
    /// [`Error::Config`] for another scheme, user info, a query or fragment, a bad port.
    pub fn parse(url: &str) -> Result<BaseUrl> {
        let shown = redact_userinfo(url);
        let bad = |why: &str| Error::Config(format!("base url {shown:?}: {why}"));
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("missing scheme"))?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "https" => "443",
            "http" => "80",
            _ => return Err(bad("scheme must be http or https")),
        };
        if rest.contains(['?', '#']) {
            return Err(bad("must not have a query or fragment"));
        }
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        if authority.is_empty() || authority.contains('@') {
            return Err(bad("needs a host and no user info"));
        }
        let (host, port) = match authority.rfind(':') {
            Some(i) if !authority[i..].contains(']') => {
                (&authority[..i], Some(&authority[i + 1..]))
            }
            _ => (authority, None),
        };
        // A ':' belongs only inside an IPv6 literal: `a:1.b` is no host, and would read
        // back as host `a` with port `1.b`.
        let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(ip) => {
                !ip.is_empty()
                    && ip
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || b":.".contains(&b))
            }
            None => host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)),
        };
        if host.is_empty() || !host_ok {
            return Err(bad("invalid host"));
        }
        if let Some(p) = port {
            if p.parse::<u16>().is_err() {
                return Err(bad("invalid port"));
            }
        }
        let host = host.to_ascii_lowercase();
        let mut text = format!("{scheme}://{host}");
        let host_end = text.len();
        if let Some(p) = port.filter(|p| *p != default_port) {
            text.push(':');
            text.push_str(p);
        }
        let authority_end = text.len();
        text.push_str(path.trim_end_matches('/'));
        Ok(BaseUrl {
            scheme_len: scheme.len(),
            text,
            authority_end,
            host_end,
        })
    }

    /// The whole normalized base URL.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.text[..self.scheme_len]
    }

    /// Host and non-default port, lowercase.
    pub fn authority(&self) -> &str {
        &self.text[self.scheme_len + 3..self.authority_end]
    }

    /// The host alone.
    pub fn host(&self) -> &str {
        &self.text[self.scheme_len + 3..self.host_end]
    }

    /// The path prefix (`/v1`), possibly empty.
    pub fn path(&self) -> &str {
        &self.text[self.authority_end..]
    }

    /// Whether the host is the loopback interface: `localhost`, an IPv4 literal in
    /// `127.0.0.0/8`, or `[::1]`. A name such as `127.evil.example` is not.
    pub fn is_loopback(&self) -> bool {
        let h = self.host();
        h == "localhost"
            || h == "[::1]"
            || h.parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// `url` with any `user:password@` replaced by `***@`, for messages.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if scheme.is_empty() => format!("***@{}", &rest[at + 1..]),
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// A secret string (API secret, token). Prints as `[redacted]`; zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret text. Handle with care.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How failed calls are retried: capped exponential backoff with jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff; each later one doubles.
    pub base_backoff: Duration,
    /// The ceiling of one computed backoff. A server's `Retry-After` is honoured as
    /// given, up to [`RetryPolicy::MAX_RETRY_AFTER`]; a longer one ends the retries.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// The longest `Retry-After` the client waits out; beyond it the error is returned.
    pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

    /// No retries at all.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The pause before attempt `attempt + 1` (attempt counts from 1): the server's
    /// `Retry-After` when it gave one, else half fixed, half random ("equal jitter"), so
    /// clients that failed together do not retry together.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait;
        }
        let exp = self
            .base_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let cap = exp.min(self.max_backoff);
        let half = cap / 2;
        half + half.mul_f64(jitter())
    }
}

impl Default for RetryPolicy {
    /// 4 attempts, 200 ms doubling, at most 5 s per wait.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// A number in [0, 1) from the system's random generator (0.5 if it is unavailable).
fn jitter() -> f64 {
    let mut b = [0u8; 4];
    match crate::ids::fill_random(&mut b) {
        Ok(()) => f64::from(u32::from_le_bytes(b)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}

/// The configuration of a [`crate::Client`] (credentials live in the client, since they
/// can be rotated). Built by [`crate::ClientBuilder`].
#[derive(Clone)]
pub struct Config {
    pub(crate) base: BaseUrl,
    pub(crate) signing_key: SigningKey,
    pub(crate) key_id: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) components: CoveredComponents,
    pub(crate) digest: DigestAlgorithms,
    pub(crate) clock_skew_secs: i64,
    pub(crate) follow_server_clock: bool,
    pub(crate) signature_validity: Option<Duration>,
    pub(crate) signature_nonce: bool,
    pub(crate) label: String,
    pub(crate) token_refresh_margin: Duration,
    pub(crate) challenge_domain: Option<String>,
    pub(crate) max_clock_correction: Duration,
    pub(crate) call_deadline: Duration,
    pub(crate) account_challenge_policy: AccountChallengePolicy,
}

impl Config {
    /// The normalized base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The domain a customer challenge must name (the API host unless configured).
    pub fn challenge_domain(&self) -> Option<&str> {
        self.challenge_domain.as_deref()
    }

    /// The largest correction the client makes to its clock from the server's `Date`.
    pub fn max_clock_correction(&self) -> Duration {
        self.max_clock_correction
    }

    /// How long one call may take in all: every attempt, wait, token fetch and re-sign.
    pub fn call_deadline(&self) -> Duration {
        self.call_deadline
    }

    /// Which account challenges the client agrees to sign.
    pub fn account_challenge_policy(&self) -> AccountChallengePolicy {
        self.account_challenge_policy
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base.as_str())
            .field("signing_key", &self.signing_key)
            .field("key_id", &self.key_id)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("components", &self.components)
            .field("digest", &self.digest)
            .field("clock_skew_secs", &self.clock_skew_secs)
            .field("follow_server_clock", &self.follow_server_clock)
            .field("label", &self.label)
            .field("max_clock_correction", &self.max_clock_correction)
            .field("call_deadline", &self.call_deadline)
            .field("account_challenge_policy", &self.account_challenge_policy)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_normalizes_authority() {
        let u = BaseUrl::parse("HTTPS://API.Sandbox.OffBlocks.xyz:443/v1/").unwrap();
        assert_eq!(u.as_str(), "https://api.sandbox.offblocks.xyz/v1");
        assert_eq!(u.authority(), "api.sandbox.offblocks.xyz");
        assert_eq!(u.path(), "/v1");
        let u = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(u.authority(), "127.0.0.1:8080");
        assert_eq!(u.host(), "127.0.0.1");
        assert_eq!(u.path(), "");
        assert!(u.is_loopback());
        let u = BaseUrl::parse("http://[::1]:9000/v1").unwrap();
        assert_eq!(u.authority(), "[::1]:9000");
        assert!(u.is_loopback());
    }

    #[test]
    fn base_url_rejects_nonsense() {
        for bad in [
            "ftp://x/v1",
            "api.offblocks.xyz",
            "https://user@x/v1",
            "https://x/v1?a=b",
            "https://x:99999/",
            "https:///v1",
            "https://x y/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn colons_only_in_ipv6_literals() {
        // Found by the `caip` fuzz target: the host `x:4.xyz` was accepted (its port
        // 443 dropped as the default), and the normalized URL no longer parsed.
        for bad in [
            "https://api.x.xyz:4.xyz:443/v1",
            "https://a:b:8080",
            "http://[::1/v1",
            "http://a[b]/v1",
            "http://[]:80",
            "http://[::g]/v1",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
        for good in [
            "http://[::1]/v1",
            "http://[2001:db8::1]:8080",
            "http://[::ffff:127.0.0.1]",
        ] {
            let url = BaseUrl::parse(good).unwrap();
            assert_eq!(BaseUrl::parse(url.as_str()).unwrap(), url, "{good}");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 1..10 {
            let d = p.backoff(attempt, None);
            let cap = (p.base_backoff * (1 << (attempt - 1))).min(p.max_backoff);
            assert!(d >= cap / 2 && d <= cap, "attempt {attempt}: {d:?}");
        }
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn loopback_is_only_loopback() {
        for (url, loopback) in [
            ("http://localhost:1/v1", true),
            ("http://127.0.0.1", true),
            ("http://127.255.3.4:80", true),
            ("http://[::1]:9", true),
            ("http://127.evil.example/v1", false),
            ("http://127.0.0.1.nip.io", false),
            ("http://localhost.example", false),
            ("http://128.0.0.1", false),
            ("http://[::2]", false),
        ] {
            assert_eq!(
                BaseUrl::parse(url).unwrap().is_loopback(),
                loopback,
                "{url}"
            );
        }
    }

    #[test]
    fn url_errors_never_show_a_password() {
        let err = BaseUrl::parse("https://alice:hunter2@api.example/v1").unwrap_err();
        let text = err.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("alice"),
            "{text}"
        );
        assert!(text.contains("***@api.example"), "{text}");
        assert_eq!(redact_userinfo("http://a:b@c:1/x@y"), "http://***@c:1/x@y");
        assert_eq!(redact_userinfo("u:p@host/v1"), "***@host/v1");
        assert_eq!(redact_userinfo("https://host/v1"), "https://host/v1");
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "[redacted]");
    }
}
