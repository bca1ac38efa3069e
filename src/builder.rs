//! [`ClientBuilder`]: every setting of a [`Client`], checked once at `build()`.

use std::fmt;
use std::time::Duration;

use crate::client::Client;
use crate::config::{BaseUrl, Config, Environment, RetryPolicy, Secret};
use crate::error::{Error, Result};
use crate::httpsig::{CoveredComponents, DigestAlgorithms, SigningKey};
use crate::wallet::AccountChallengePolicy;

/// Builds a [`Client`]. Start with [`Client::builder`].
///
/// ```no_run
/// # fn main() -> offblocks::Result<()> {
/// let client = offblocks::Client::builder()
///     .environment(offblocks::Environment::Sandbox)
///     .credentials("2b1c…api-key", "api-secret")
///     .signing_key_pem(&std::fs::read_to_string("signing-key.pem").unwrap())?
///     .key_id("my-key-id")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    environment: Environment,
    allow_insecure_http: bool,
    api_key: Option<String>,
    api_secret: Option<Secret>,
    signing_key: Option<SigningKey>,
    key_id: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    components: CoveredComponents,
    digest: DigestAlgorithms,
    clock_skew_secs: i64,
    follow_server_clock: bool,
    signature_validity: Option<Duration>,
    signature_nonce: bool,
    label: String,
    token_refresh_margin: Duration,
    challenge_domain: Option<String>,
    max_clock_correction: Duration,
    call_deadline: Duration,
    account_challenge_policy: AccountChallengePolicy,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            environment: Environment::Sandbox,
            allow_insecure_http: false,
            api_key: None,
            api_secret: None,
            signing_key: None,
            key_id: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            user_agent: concat!("offblocks-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            components: CoveredComponents::default(),
            digest: DigestAlgorithms::default(),
            clock_skew_secs: 0,
            follow_server_clock: true,
            signature_validity: None,
            signature_nonce: false,
            label: "sig".to_owned(),
            token_refresh_margin: Duration::from_secs(60),
            challenge_domain: None,
            max_clock_correction: Duration::from_secs(600),
            call_deadline: Duration::from_secs(90),
            account_challenge_policy: AccountChallengePolicy::Recognized,
        }
    }
}

impl ClientBuilder {
    /// Which deployment to call. Defaults to [`Environment::Sandbox`].
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// A custom base URL, e.g. `http://127.0.0.1:8080/v1` for the local emulator.
    /// Defaults to the sandbox's URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.environment = Environment::Custom(url.into());
        self
    }

    /// Allows plain `http://` to a host that is not loopback. Defaults to `false`.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The API key and secret (the secret is held zeroized-on-drop and never printed).
    /// Required.
    pub fn credentials(
        mut self,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Self {
        self.api_key = Some(api_key.into());
        self.api_secret = Some(Secret::new(api_secret));
        self
    }

    /// The P-384 request-signing key. Defaults to none (required to build).
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.signing_key = Some(key);
        self
    }

    /// The request-signing key from SEC1 or PKCS#8 PEM text. Defaults to none.
    ///
    /// # Errors
    /// [`Error::Key`] when the PEM is not a P-384 private key.
    pub fn signing_key_pem(self, pem: &str) -> Result<Self> {
        Ok(self.signing_key(SigningKey::from_pem(pem)?))
    }

    /// The id OffBlocks gave the registered public key (`keyid`). Defaults to none: call
    /// [`crate::api::Auth::register_signing_key`] before signed calls.
    pub fn key_id(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }

    /// How long connecting may take. Defaults to 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one HTTP attempt may take in all. Defaults to 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How failed calls are retried. Defaults to [`RetryPolicy::default`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header. Defaults to `offblocks-rust/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The components each signature covers. Defaults to [`CoveredComponents::default`].
    pub fn covered_components(mut self, components: CoveredComponents) -> Self {
        self.components = components;
        self
    }

    /// Which digests `Content-Digest` carries. Defaults to `sha-256`.
    pub fn digest(mut self, digest: DigestAlgorithms) -> Self {
        self.digest = digest;
        self
    }

    /// Seconds added to the local clock for `created` (negative when the local clock is
    /// ahead of the server's; OffBlocks rejects a `created` in its future). Defaults to 0.
    /// The starting point only, while [`ClientBuilder::follow_server_clock`] is on.
    pub fn clock_skew_secs(mut self, secs: i64) -> Self {
        self.clock_skew_secs = secs;
        self
    }

    /// Whether the client corrects its clock from the server's `Date` headers. Defaults
    /// to on: `created` then follows the server's clock to within a second, never ahead
    /// of it (see [`crate::Client::now_unix`]), and a `400`/`401` to a signed call whose
    /// `created` was in the server's future, or stale by a second or more, is signed
    /// again once, with the same Idempotency-Key. Corrections larger than
    /// [`ClientBuilder::max_clock_correction`] are never made.
    pub fn follow_server_clock(mut self, on: bool) -> Self {
        self.follow_server_clock = on;
        self
    }

    /// Adds `expires = created + validity` to each signature. Defaults to none.
    pub fn signature_validity(mut self, validity: Option<Duration>) -> Self {
        self.signature_validity = validity;
        self
    }

    /// Adds a random `nonce` to each signature. Defaults to `false`.
    pub fn signature_nonce(mut self, nonce: bool) -> Self {
        self.signature_nonce = nonce;
        self
    }

    /// The signature label. Defaults to `sig`.
    pub fn signature_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Refresh the token when less than this remains. Defaults to 60 s.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = margin;
        self
    }

    /// The domain a customer challenge (EIP-4361) must name before the SDK signs it.
    /// Defaults to the API's authority (host, and port when not the default).
    pub fn challenge_domain(mut self, domain: impl Into<String>) -> Self {
        self.challenge_domain = Some(domain.into());
        self
    }

    /// The largest difference between the local clock and the server's `Date` that the
    /// client corrects for. Beyond it the client keeps its own clock, and an error the
    /// server then returns says how far apart the clocks are. Defaults to 10 minutes.
    pub fn max_clock_correction(mut self, max: Duration) -> Self {
        self.max_clock_correction = max;
        self
    }

    /// How long one call may take in all: its attempts, the waits between them
    /// (`Retry-After` included), a token fetch and a re-sign. Each attempt gets
    /// `min(timeout, time left)`. Defaults to 90 s.
    pub fn call_deadline(mut self, deadline: Duration) -> Self {
        self.call_deadline = deadline;
        self
    }

    /// Which account challenges the wallet signs. Defaults to
    /// [`AccountChallengePolicy::Recognized`]: a secp256k1 public key in PEM (production)
    /// or a UUID (sandbox), nothing else.
    pub fn account_challenge_policy(mut self, policy: AccountChallengePolicy) -> Self {
        self.account_challenge_policy = policy;
        self
    }

    /// Checks every setting and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for missing credentials or key, a bad URL, plain http to a
    /// non-loopback host without opt-in, a bad label, zero timeouts or attempts.
    pub fn build(self) -> Result<Client> {
        let base = BaseUrl::parse(self.environment.base_url())?;
        if base.scheme() == "http" && !base.is_loopback() && !self.allow_insecure_http {
            return Err(Error::Config(
                "plain http is allowed only to loopback or with allow_insecure_http(true)".into(),
            ));
        }
        let api_key = self
            .api_key
            .filter(|k| !k.is_empty())
            .ok_or_else(|| Error::Config("api key and secret are required".into()))?;
        let api_secret = self
            .api_secret
            .ok_or_else(|| Error::Config("api key and secret are required".into()))?;
        let signing_key = self
            .signing_key
            .ok_or_else(|| Error::Config("a request-signing key is required".into()))?;
        let label_ok = self
            .label
            .starts_with(|c: char| c.is_ascii_lowercase() || c == '*')
            && self
                .label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.*".contains(&b));
        if !label_ok {
            return Err(Error::Config(format!(
                "{:?} is not a valid signature label",
                self.label
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
        let challenge_domain = Some(
            self.challenge_domain
                .unwrap_or_else(|| base.authority().to_owned()),
        );
        let config = Config {
            base,
            signing_key,
            key_id: self.key_id,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            retry: self.retry,
            user_agent: self.user_agent,
            components: self.components,
            digest: self.digest,
            clock_skew_secs: self.clock_skew_secs,
            follow_server_clock: self.follow_server_clock,
            signature_validity: self.signature_validity,
            signature_nonce: self.signature_nonce,
            label: self.label,
            token_refresh_margin: self.token_refresh_margin,
            challenge_domain,
            max_clock_correction: self.max_clock_correction,
            call_deadline: self.call_deadline,
            account_challenge_policy: self.account_challenge_policy,
        };
        Ok(Client::from_parts(config, api_key, api_secret))
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .field("signing_key", &self.signing_key)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}
