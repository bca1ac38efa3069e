//! [`Client`]: one shared handle on the OffBlocks API.

use std::fmt;
use std::sync::Arc;

use crate::api::{Accounts, Auth, Customers, Simulator, Webhooks};
use crate::builder::ClientBuilder;
use crate::config::{BaseUrl, Config};
use crate::error::{Error, Result};
use crate::httpsig::PreparedRequest;
use crate::onboarding::{self, Onboarded, Onboarding, OnboardingRequest, Progress, ProgressReply};
use crate::session::Session;
use crate::transport::{Authorization, Bearer, Call};
use crate::wallet::Signer;

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
    inner: Arc<Session>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_session(session: Session) -> Client {
        Client {
            inner: Arc::new(session),
        }
    }

    /// The client's settings, as given to the builder.
    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    /// The normalized base URL every call goes to.
    pub fn base_url(&self) -> &BaseUrl {
        self.inner.transport().base()
    }

    /// The domain a customer challenge must name before the wallet signs it:
    /// [`Config::challenge_domain`], else the API's authority.
    pub fn challenge_domain(&self) -> &str {
        self.inner.challenge_domain()
    }

    /// The request-signing key's public half, SPKI PEM.
    pub fn signing_public_key_pem(&self) -> String {
        self.inner.transport().signing_key().public_key_pem()
    }

    /// The key id used in signatures, if known.
    pub fn key_id(&self) -> Option<String> {
        self.inner.transport().key_id()
    }

    /// Sets the key id used in signatures (after registering a key elsewhere).
    pub fn set_key_id(&self, key_id: Option<String>) {
        self.inner.transport().set_key_id(key_id);
    }

    /// The current unix time on the server's clock, as far as we know it: the local
    /// clock plus the configured skew, corrected from the server's `Date` headers unless
    /// that is turned off ([`Config::follow_server_clock`]). Never later than the
    /// server's clock once a `Date` has been seen (within the
    /// [`Config::max_clock_correction`] bound), and at most about a second plus
    /// a round trip behind it. This is the `created` of every signature.
    pub fn now_unix(&self) -> i64 {
        self.inner.transport().now_unix()
    }

    /// Seconds added to the local clock to get the server's (see [`Client::now_unix`]),
    /// rounded toward the past.
    pub fn clock_offset_secs(&self) -> i64 {
        self.clock_offset_ms().div_euclid(1000)
    }

    /// Milliseconds added to the local clock to get the server's.
    pub fn clock_offset_ms(&self) -> i64 {
        self.inner.transport().clock().offset_ms()
    }

    /// Token, credentials and signing-key calls.
    pub fn auth(&self) -> Auth<'_> {
        Auth::new(&self.inner)
    }

    /// Customer calls.
    pub fn customers(&self) -> Customers<'_> {
        Customers::new(&self.inner)
    }

    /// Account calls.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts::new(&self.inner)
    }

    /// Sandbox simulator calls.
    pub fn simulator(&self) -> Simulator<'_> {
        Simulator::new(&self.inner)
    }

    /// Webhook subscription calls.
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks::new(&self.inner)
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
        call.authorization = Authorization::Signed;
        let transport = self.inner.transport();
        match token {
            Some(t) => transport.prepare(&call, Some(t)),
            None => {
                let t = self
                    .inner
                    .tokens()
                    .valid_token(transport, self.inner.deadline())?;
                transport.prepare(&call, Some(t.expose()))
            }
        }
    }

    /// Runs the whole onboarding flow: creates the customer (or picks it up on `409`),
    /// signs its challenge with `signer`, verifies it through the simulator when asked,
    /// waits until it is `active`, opens the account (or picks up an open one), signs its
    /// challenge, and polls with backoff until the account is `active`. See
    /// [`crate::onboarding`] for how it resumes and what it checks.
    ///
    /// `progress` is called after each step and at each poll while the flow waits (see
    /// [`crate::Progress`]). It may return nothing, or a
    /// [`std::ops::ControlFlow`]: `Break(())` stops the flow there with
    /// [`crate::Error::Cancelled`] (run it again later to resume: nothing is created
    /// twice); at [`crate::Step::Done`] the flow is complete and returns its result.
    ///
    /// `req.timeout` bounds everything: each call ends by it too, its retries and
    /// `Retry-After` waits included.
    ///
    /// # Errors
    /// Any error of the underlying calls (one cut short by `req.timeout` says so in its
    /// note); [`crate::Error::ChallengeRefused`] with
    /// [`crate::wallet::Refusal::NotRequested`] when an answer is not what was asked for;
    /// [`crate::Error::State`] when the customer is `rejected` or the account
    /// `failed`/`closed`; [`crate::Error::Timeout`] when statuses do not change within
    /// `req.timeout`; [`crate::Error::Cancelled`].
    pub fn onboard<R: ProgressReply>(
        &self,
        req: &OnboardingRequest,
        signer: &dyn Signer,
        progress: &mut dyn FnMut(&Progress) -> R,
    ) -> Result<Onboarded> {
        match self.run_onboarding(req, signer, &mut |p| progress(p).go_on(), false)? {
            Onboarding::Done(done) => Ok(done),
            Onboarding::Waiting(w) => Err(Error::State(format!(
                "onboarding stopped waiting on {}",
                w.step.as_str()
            ))),
        }
    }

    /// Runs the onboarding as far as it can go without waiting on OffBlocks: the same
    /// steps as [`Client::onboard`], but where `onboard` would poll (KYC, the account's
    /// deployment), it returns [`Onboarding::Waiting`] with what it has. Run it again
    /// with the same request and signer when OffBlocks has moved (a webhook through
    /// [`crate::inbox::WebhookInbox`], a timer, after a restart): it continues where it
    /// stopped and creates nothing twice, and returns [`Onboarding::Done`] at the end.
    /// A thread is never held for the hours KYC can take.
    ///
    /// # Errors
    /// As [`Client::onboard`], but never [`crate::Error::Timeout`] for a status that has
    /// not changed yet.
    pub fn onboard_or_wait<R: ProgressReply>(
        &self,
        req: &OnboardingRequest,
        signer: &dyn Signer,
        progress: &mut dyn FnMut(&Progress) -> R,
    ) -> Result<Onboarding> {
        self.run_onboarding(req, signer, &mut |p| progress(p).go_on(), true)
    }

    /// The onboarding, its errors cleaned as the transport's are: the flow's own messages
    /// quote the server's ids.
    fn run_onboarding(
        &self,
        req: &OnboardingRequest,
        signer: &dyn Signer,
        progress: &mut dyn FnMut(&Progress) -> bool,
        return_when_waiting: bool,
    ) -> Result<Onboarding> {
        onboarding::run(&self.inner, req, signer, progress, return_when_waiting)
            .map_err(|e| self.inner.transport().redactor().scrub_error(e))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Client").field(&self.inner).finish()
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
