//! Every setting of a [`crate::Client`], declared once in [`Config`] with its default.
//!
//! The builder writes into a `Config`; the C ABI's JSON configuration deserializes into
//! the same type (camelCase keys, unknown keys refused); the other languages check their
//! keyword names against [`Config::default`] serialized (`offblocks_config_defaults`).

pub(crate) mod json;
mod proxy;
mod retry;
mod secret;
mod trust;
mod url;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use proxy::ProxyUrl;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use trust::RootStore;
pub(crate) use url::{is_loopback_host, percent_decoded, redact_userinfo};
pub use url::{BaseUrl, Environment};

use crate::error::{Error, Result};
use crate::httpsig::{CoveredComponents, DigestAlgorithms};
use crate::wallet::AccountChallengePolicy;

/// The settings of a [`crate::Client`]: where the API is, how calls are signed, timed and
/// retried, and what the wallet agrees to sign. Credentials and the signing key are not
/// settings: they are given to [`crate::ClientBuilder`] and live in the client.
///
/// Start from [`Config::default`] and change fields, or use the builder's setters, which
/// write here. In the C ABI's JSON each field has its camelCase name, durations carry
/// their unit (`timeoutMs`, `maxClockCorrectionSecs`), and `baseUrl` is the key for a
/// custom [`Config::environment`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Config {
    /// Which deployment to call; [`Environment::Custom`] for any base URL (the local
    /// emulator, a proxy). JSON: `"environment": "live" | "sandbox"` or `"baseUrl"`.
    /// Defaults to [`Environment::Sandbox`].
    #[serde(alias = "baseUrl")]
    pub environment: Environment,
    /// Allows plain `http://` to a host that is not loopback. Defaults to `false`.
    pub allow_insecure_http: bool,
    /// The id OffBlocks gave the registered public key (`keyid`). Defaults to none: call
    /// [`crate::api::Auth::register_signing_key`] before signed calls.
    pub key_id: Option<String>,
    /// How long connecting may take. Defaults to 10 s.
    #[serde(rename = "connectTimeoutMs", with = "json::millis")]
    pub connect_timeout: Duration,
    /// How long one HTTP attempt may take in all. Defaults to 30 s.
    #[serde(rename = "timeoutMs", with = "json::millis")]
    pub timeout: Duration,
    /// How long one call may take in all: its attempts, the waits between them
    /// (`Retry-After` included), a token fetch and a re-sign. Each attempt gets
    /// `min(timeout, time left)`. Defaults to 90 s.
    #[serde(rename = "callDeadlineMs", with = "json::millis")]
    pub call_deadline: Duration,
    /// How failed calls are retried. Defaults to [`RetryPolicy::default`].
    pub retry: RetryPolicy,
    /// The `User-Agent` header. Defaults to `offblocks-rust/<version>`.
    pub user_agent: String,
    /// An HTTP proxy every call goes through (`http://[user:password@]host:port`; HTTPS
    /// is tunnelled with `CONNECT`). Defaults to none.
    pub proxy: Option<ProxyUrl>,
    /// When [`Config::proxy`] is not set, take the proxy from `HTTPS_PROXY` (or
    /// `https_proxy`, `ALL_PROXY`; `HTTP_PROXY` for plain http) and skip it for the hosts
    /// `NO_PROXY` names. Defaults to `false`: the environment is not read.
    pub proxy_from_env: bool,
    /// The components each signature covers. Defaults to [`CoveredComponents::default`].
    #[serde(with = "json::components")]
    pub covered_components: CoveredComponents,
    /// Which digests `Content-Digest` carries. Defaults to `sha-256`.
    #[serde(with = "json::digest")]
    pub digest: DigestAlgorithms,
    /// Adds `expires = created + validity` to each signature. Defaults to none.
    #[serde(rename = "signatureValiditySecs", with = "json::opt_secs")]
    pub signature_validity: Option<Duration>,
    /// Adds a random `nonce` to each signature. Defaults to `false`.
    pub signature_nonce: bool,
    /// The signature label. Defaults to `sig`.
    pub signature_label: String,
    /// Seconds added to the local clock for `created` (negative when the local clock is
    /// ahead of the server's; OffBlocks rejects a `created` in its future): the starting
    /// point only, while [`Config::follow_server_clock`] is on. Defaults to 0.
    pub clock_skew_secs: i64,
    /// Whether the client corrects its clock from the server's `Date` headers: `created`
    /// then follows the server's clock to within a second, never ahead of it (see
    /// [`crate::Client::now_unix`]), and a `400`/`401` to a signed call whose `created`
    /// was in the server's future, or stale by a second or more, is signed again once,
    /// with the same Idempotency-Key. Corrections larger than
    /// [`Config::max_clock_correction`] are never made. Defaults to `true`.
    pub follow_server_clock: bool,
    /// The largest difference between the local clock and the server's `Date` that the
    /// client corrects for. Beyond it the client keeps its own clock, and an error the
    /// server then returns says how far apart the clocks are. Defaults to 10 minutes.
    #[serde(rename = "maxClockCorrectionSecs", with = "json::secs")]
    pub max_clock_correction: Duration,
    /// Refresh the token when less than this remains. Defaults to 60 s.
    #[serde(rename = "tokenRefreshMarginSecs", with = "json::secs")]
    pub token_refresh_margin: Duration,
    /// How far this machine's clock may be from the challenge issuer's when a customer
    /// challenge's (EIP-4361) times are checked: its `Expiration Time` and `Not Before`,
    /// an `Issued At` never in the future and, when it names no expiration time, no older
    /// than the hour OffBlocks documents a challenge to be valid for. Raising it relaxes
    /// each of these checks by as much. Defaults to 60 s.
    #[serde(rename = "challengeClockToleranceSecs", with = "json::secs")]
    pub challenge_clock_tolerance: Duration,
    /// The domain a customer challenge (EIP-4361) must name before the SDK signs it.
    /// Defaults to none: the API's authority (host, and port when not the default).
    pub challenge_domain: Option<String>,
    /// Which account challenges the wallet signs. Defaults to
    /// [`AccountChallengePolicy::Recognized`]: a secp256k1 public key in PEM (production)
    /// or a UUID (sandbox), nothing else.
    #[serde(with = "json::policy")]
    pub account_challenge_policy: AccountChallengePolicy,
    /// Where the roots that a server's certificate must chain to come from. Defaults to
    /// [`RootStore::Webpki`], Mozilla's roots bundled in the library.
    pub root_store: RootStore,
    /// Extra trust anchors, PEM text of one or more `CERTIFICATE` blocks, added to
    /// [`Config::root_store`] (a corporate TLS-inspecting proxy's CA, an on-premise
    /// gateway's private CA). Defaults to none.
    pub ca_pem: Option<String>,
    /// Extra trust anchors read from this PEM file when the client is built, added like
    /// [`Config::ca_pem`]. Defaults to none.
    pub ca_file: Option<String>,
    /// SHA-256 digests of SubjectPublicKeyInfo, base64, of which the server's chain (its
    /// certificate or an intermediate it sends) must carry at least one, after the chain
    /// verified. Empty: no pinning. Defaults to empty.
    pub spki_pins: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            environment: Environment::Sandbox,
            allow_insecure_http: false,
            key_id: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            call_deadline: Duration::from_secs(90),
            retry: RetryPolicy::default(),
            user_agent: concat!("offblocks-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            proxy: None,
            proxy_from_env: false,
            covered_components: CoveredComponents::default(),
            digest: DigestAlgorithms::default(),
            signature_validity: None,
            signature_nonce: false,
            signature_label: "sig".to_owned(),
            clock_skew_secs: 0,
            follow_server_clock: true,
            max_clock_correction: Duration::from_secs(600),
            token_refresh_margin: Duration::from_secs(60),
            challenge_clock_tolerance: Duration::from_secs(60),
            challenge_domain: None,
            account_challenge_policy: AccountChallengePolicy::Recognized,
            root_store: RootStore::Webpki,
            ca_pem: None,
            ca_file: None,
            spki_pins: Vec::new(),
        }
    }
}

impl Config {
    /// Checks the settings together and returns the normalized base URL.
    ///
    /// # Errors
    /// [`Error::Config`] for a bad URL, plain http to a non-loopback host without
    /// [`Config::allow_insecure_http`], a bad label or proxy, zero timeouts or attempts.
    pub fn check(&self) -> Result<BaseUrl> {
        let base = BaseUrl::parse(self.environment.base_url())?;
        if base.scheme() == "http" && !base.is_loopback() && !self.allow_insecure_http {
            return Err(Error::Config(
                "plain http is allowed only to loopback or with allow_insecure_http(true)".into(),
            ));
        }
        let label = &self.signature_label;
        let label_ok = label.starts_with(|c: char| c.is_ascii_lowercase() || c == '*')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.*".contains(&b));
        if !label_ok {
            return Err(Error::Config(format!(
                "{label:?} is not a valid signature label"
            )));
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::Config(
                "retry max_attempts must be at least 1".into(),
            ));
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() || self.call_deadline.is_zero()
        {
            return Err(Error::Config(
                "timeouts and the call deadline must be positive".into(),
            ));
        }
        if let Some(proxy) = &self.proxy {
            proxy.check()?;
        }
        for pin in &self.spki_pins {
            crate::transport::parse_pin(pin)?;
        }
        Ok(base)
    }
}

#[cfg(test)]
mod tests;
