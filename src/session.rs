//! [`Session`]: what a client and its resources share — the transport, the token source
//! and the settings resolved at build. Imports run one way: the client and the resources
//! use the session; the session uses the token source and the transport.

use std::fmt;

use crate::config::{BaseUrl, Config, Secret};
use crate::error::Result;
use crate::httpsig::SigningKey;
use crate::observer::Observer;
use crate::token::TokenSource;
use crate::transport::{Call, Deadline, Response, Transport};

pub(crate) struct Session {
    transport: Transport,
    tokens: TokenSource,
    /// The domain customer challenges must name: configured, else the API's authority.
    challenge_domain: String,
}

impl Session {
    /// A session for `config`, whose URL [`Config::check`] normalized to `base`.
    pub fn new(
        config: Config,
        base: BaseUrl,
        api_key: String,
        api_secret: Secret,
        signing_key: SigningKey,
        observer: Option<Observer>,
    ) -> Result<Session> {
        let challenge_domain = config
            .challenge_domain
            .clone()
            .unwrap_or_else(|| base.authority().to_owned());
        let margin = config.token_refresh_margin;
        let transport = Transport::new(config, base, signing_key, observer)?;
        transport.redactor().add(api_secret.expose());
        let tokens = TokenSource::new(api_key, api_secret, margin);
        Ok(Session {
            transport,
            tokens,
            challenge_domain,
        })
    }

    pub fn config(&self) -> &Config {
        self.transport.config()
    }

    pub fn challenge_domain(&self) -> &str {
        &self.challenge_domain
    }

    /// The bearer tokens and the credentials they are fetched with.
    pub fn tokens(&self) -> &TokenSource {
        &self.tokens
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// When a call that starts now must be over: now plus the configured call deadline.
    pub fn deadline(&self) -> Deadline {
        Deadline::after(self.config().call_deadline, "call deadline")
    }

    /// Performs `call` on the one road, within the configured call deadline.
    pub fn execute(&self, call: &Call) -> Result<Response> {
        self.execute_by(call, None)
    }

    /// Performs `call` on the one road, within the configured call deadline and `bound`
    /// (a caller's own deadline), whichever is nearer.
    pub fn execute_by(&self, call: &Call, bound: Option<Deadline>) -> Result<Response> {
        let deadline = match bound {
            Some(bound) => self.deadline().nearer(bound),
            None => self.deadline(),
        };
        self.transport.execute(call, &self.tokens, deadline)
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("config", self.config())
            .field("tokens", &self.tokens)
            .field("key_id", &self.transport.key_id())
            .finish()
    }
}
