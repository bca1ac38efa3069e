//! [`ClientBuilder`]: a [`Config`] plus the credentials and the signing key, checked once
//! at `build()`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::client::Client;
use crate::config::{Config, Environment, ProxyUrl, RetryPolicy, Secret};
use crate::error::{Error, Result};
use crate::httpsig::{CoveredComponents, DigestAlgorithms, SigningKey};
use crate::observer::{Attempt, Observer};
use crate::session::Session;
use crate::wallet::AccountChallengePolicy;

/// Builds a [`Client`]. Start with [`Client::builder`].
///
/// Each setter writes one field of [`Config`], where its default is documented; a whole
/// `Config` can be given at once with [`ClientBuilder::config`].
///
/// ```no_run
/// # fn main() -> offblocks::Result<()> {
/// let client = offblocks::Client::builder()
///     .environment(offblocks::Environment::Sandbox)
///     .credentials("2b1c…api-key", "api-secret")
///     .signing_key_pem(&std::fs::read_to_string("signing-key.pem").unwrap())?
///     .key_id("my-key-id")
///     .build()?;
/// println!("calls go to {:?}", client.base_url());
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    config: Config,
    api_key: Option<String>,
    api_secret: Option<Secret>,
    signing_key: Option<SigningKey>,
    observer: Option<Observer>,
}

/// Declares setters that each write one field of [`Config`].
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: impl Into<$ty>) -> Self {
                self.config.$name = value.into();
                self
            }
        )*
    };
}

impl ClientBuilder {
    /// Replaces every setting at once (credentials and key are kept).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// A custom base URL, e.g. `http://127.0.0.1:8080/v1` for the local emulator: sets
    /// [`Config::environment`] to [`Environment::Custom`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.environment = Environment::Custom(url.into());
        self
    }

    setters! {
        /// Sets [`Config::environment`].
        environment: Environment;
        /// Sets [`Config::allow_insecure_http`].
        allow_insecure_http: bool;
        /// Sets [`Config::connect_timeout`].
        connect_timeout: Duration;
        /// Sets [`Config::timeout`].
        timeout: Duration;
        /// Sets [`Config::call_deadline`].
        call_deadline: Duration;
        /// Sets [`Config::retry`].
        retry: RetryPolicy;
        /// Sets [`Config::user_agent`].
        user_agent: String;
        /// Sets [`Config::proxy_from_env`].
        proxy_from_env: bool;
        /// Sets [`Config::covered_components`].
        covered_components: CoveredComponents;
        /// Sets [`Config::digest`].
        digest: DigestAlgorithms;
        /// Sets [`Config::signature_validity`].
        signature_validity: Option<Duration>;
        /// Sets [`Config::signature_nonce`].
        signature_nonce: bool;
        /// Sets [`Config::signature_label`].
        signature_label: String;
        /// Sets [`Config::clock_skew_secs`].
        clock_skew_secs: i64;
        /// Sets [`Config::follow_server_clock`].
        follow_server_clock: bool;
        /// Sets [`Config::max_clock_correction`].
        max_clock_correction: Duration;
        /// Sets [`Config::token_refresh_margin`].
        token_refresh_margin: Duration;
        /// Sets [`Config::account_challenge_policy`].
        account_challenge_policy: AccountChallengePolicy;
        /// Sets [`Config::challenge_clock_tolerance`].
        challenge_clock_tolerance: Duration;
        /// Sets [`Config::root_store`].
        root_store: crate::config::RootStore;
    }

    /// Sets [`Config::ca_pem`]: extra trust anchors (PEM text), added to the root store.
    pub fn ca_pem(mut self, pem: impl Into<String>) -> Self {
        self.config.ca_pem = Some(pem.into());
        self
    }

    /// Sets [`Config::ca_file`]: a PEM file of extra trust anchors, read at `build`.
    pub fn ca_file(mut self, path: impl Into<String>) -> Self {
        self.config.ca_file = Some(path.into());
        self
    }

    /// Adds a pin to [`Config::spki_pins`]: base64 of the SHA-256 of a
    /// SubjectPublicKeyInfo the server's chain must carry.
    pub fn spki_pin(mut self, pin: impl Into<String>) -> Self {
        self.config.spki_pins.push(pin.into());
        self
    }

    /// Sets [`Config::key_id`].
    pub fn key_id(mut self, key_id: impl Into<String>) -> Self {
        self.config.key_id = Some(key_id.into());
        self
    }

    /// Sets [`Config::challenge_domain`].
    pub fn challenge_domain(mut self, domain: impl Into<String>) -> Self {
        self.config.challenge_domain = Some(domain.into());
        self
    }

    /// Sets [`Config::proxy`] (`http://[user:password@]host:port`).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.config.proxy = Some(ProxyUrl::new(url));
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

    /// The P-384 request-signing key. Required.
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.signing_key = Some(key);
        self
    }

    /// The request-signing key from SEC1 or PKCS#8 PEM text.
    ///
    /// # Errors
    /// [`Error::Key`] when the PEM is not a P-384 private key.
    pub fn signing_key_pem(self, pem: &str) -> Result<Self> {
        Ok(self.signing_key(SigningKey::from_pem(pem)?))
    }

    /// A function told about every attempt of every call: method, path, attempt number,
    /// status or transport error, duration, request id and Idempotency-Key (never a token,
    /// a body or a query). It runs on the calling thread after each attempt: keep it
    /// quick. The request ids of successful calls reach the caller this way. Defaults to
    /// none.
    pub fn observer(mut self, observer: impl Fn(&Attempt) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Checks every setting ([`Config::check`]) and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for missing credentials or key, and as [`Config::check`].
    pub fn build(self) -> Result<Client> {
        let base = self.config.check()?;
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
        let session = Session::new(
            self.config,
            base,
            api_key,
            api_secret,
            signing_key,
            self.observer,
        )?;
        Ok(Client::from_session(session))
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .field("signing_key", &self.signing_key)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}
