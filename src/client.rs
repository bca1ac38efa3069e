//! [`Client`]: one shared handle on the OffBlocks API.

use std::fmt;
use std::sync::{Arc, RwLock};

use crate::api::{Accounts, Auth, Customers, Simulator, Webhooks};
use crate::auth::{Credentials, TokenCache};
use crate::builder::ClientBuilder;
use crate::clock::ServerClock;
use crate::config::{Config, Secret};
use crate::error::Result;
use crate::httpsig::PreparedRequest;
use crate::transport::{Auth as CallAuth, Call};

/// A blocking client for the OffBlocks API.
///
/// `Client` is `Send + Sync + Clone`: clones share one connection pool (keep-alive), one
/// token cache and one key id, so make one and share it across threads.
///
/// ```no_run
/// # fn main() -> offblocks::Result<()> {
/// use offblocks::{Client, models::NewCustomer};
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080/v1")
///     .credentials("api-key", "api-secret")
///     .signing_key(offblocks::SigningKey::generate()?)
///     .build()?;
/// client.auth().register_signing_key()?;
/// let customer = client.customers().create(&NewCustomer {
///     chain_id: "eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
///     external_id: "user-42".into(),
/// })?;
/// println!("{} is {:?}", customer.id, customer.status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    agent: ureq::Agent,
    resolver: crate::resolver::Resolver,
    credentials: RwLock<Credentials>,
    tokens: TokenCache,
    key_id: RwLock<Option<String>>,
    /// The server's clock as far as we know it (configured, then learned).
    clock: ServerClock,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_parts(config: Config, api_key: String, api_secret: Secret) -> Client {
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.timeout))
            .user_agent(config.user_agent.as_str())
            .max_idle_connections_per_host(64)
            .build();
        let key_id = config.key_id.clone();
        let resolver = crate::resolver::Resolver::default();
        let agent = ureq::Agent::with_parts(
            agent_config,
            ureq::unversioned::transport::DefaultConnector::default(),
            resolver.clone(),
        );
        Client {
            inner: Arc::new(Inner {
                agent,
                resolver,
                credentials: RwLock::new(Credentials {
                    api_key,
                    api_secret,
                }),
                tokens: TokenCache::default(),
                key_id: RwLock::new(key_id),
                clock: ServerClock::new(
                    config.clock_skew_secs,
                    config.follow_server_clock,
                    config.max_clock_correction,
                ),
                config,
            }),
        }
    }

    /// The client's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn agent(&self) -> &ureq::Agent {
        &self.inner.agent
    }

    pub(crate) fn resolver(&self) -> &crate::resolver::Resolver {
        &self.inner.resolver
    }

    pub(crate) fn tokens(&self) -> &TokenCache {
        &self.inner.tokens
    }

    pub(crate) fn credentials(&self) -> &RwLock<Credentials> {
        &self.inner.credentials
    }

    /// The key id used in signatures, if known.
    pub fn key_id(&self) -> Option<String> {
        read(&self.inner.key_id).clone()
    }

    /// Sets the key id used in signatures (after registering a key elsewhere).
    pub fn set_key_id(&self, key_id: Option<String>) {
        *write(&self.inner.key_id) = key_id;
    }

    /// The current unix time on the server's clock, as far as we know it: the local
    /// clock plus the configured skew, corrected from the server's `Date` headers unless
    /// that is turned off ([`ClientBuilder::follow_server_clock`]). Never later than the
    /// server's clock once a `Date` has been seen (within the
    /// [`ClientBuilder::max_clock_correction`] bound), and at most about a second plus
    /// a round trip behind it. This is the `created` of every signature.
    pub fn now_unix(&self) -> i64 {
        self.inner.clock.now_unix()
    }

    /// Seconds added to the local clock to get the server's (see [`Client::now_unix`]),
    /// rounded toward the past.
    pub fn clock_offset_secs(&self) -> i64 {
        self.clock_offset_ms().div_euclid(1000)
    }

    /// Milliseconds added to the local clock to get the server's.
    pub fn clock_offset_ms(&self) -> i64 {
        self.inner.clock.offset_ms()
    }

    pub(crate) fn clock(&self) -> &ServerClock {
        &self.inner.clock
    }

    /// Token, credentials and signing-key calls.
    pub fn auth(&self) -> Auth<'_> {
        Auth::new(self)
    }

    /// Customer calls.
    pub fn customers(&self) -> Customers<'_> {
        Customers::new(self)
    }

    /// Account calls.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts::new(self)
    }

    /// Sandbox simulator calls.
    pub fn simulator(&self) -> Simulator<'_> {
        Simulator::new(self)
    }

    /// Webhook subscription calls.
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks::new(self)
    }

    /// Shows, without sending it, exactly what a request would carry: every header the
    /// SDK sets and the RFC 9421 signature base it signs. Mutating methods get an
    /// Idempotency-Key (`idempotency_key`, or a fresh one).
    ///
    /// `token` is the bearer token to use; when `None`, the client's cached token is used,
    /// fetching one (`POST /auth/token`) if it has none. `path` is relative to the base
    /// URL (`/customers`) and may carry a query.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] for an unknown method or a bad key; token errors
    /// when one has to be fetched; [`crate::Error::Config`] without a key id.
    pub fn dry_run(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
        token: Option<&str>,
    ) -> Result<PreparedRequest> {
        let method = crate::api::static_method(method)?;
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (path.to_owned(), None),
        };
        if !path.starts_with('/') {
            return Err(crate::Error::InvalidInput(
                "path must start with '/'".into(),
            ));
        }
        let mut call = Call::new(method, path);
        call.query = query;
        call.body = body.map(<[u8]>::to_vec);
        if method != "GET" {
            call = call.idempotent(idempotency_key)?;
        }
        call.auth = CallAuth::Signed;
        match token {
            Some(t) => self.prepare_call(&call, Some(t)),
            None => {
                let t = self.token()?;
                self.prepare_call(&call, Some(t.expose()))
            }
        }
    }
}

pub(crate) fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("credentials", &*read(&self.inner.credentials))
            .field("tokens", &self.inner.tokens)
            .field("key_id", &*read(&self.inner.key_id))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}

    #[test]
    fn client_is_send_sync_clone() {
        assert_send_sync_clone::<Client>();
    }
}
