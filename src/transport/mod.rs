//! The one road every request travels: auth token → body bytes → Content-Digest →
//! Idempotency-Key → RFC 9421 signature → ureq → status check → decode.
//!
//! Retries happen here and only here: each attempt is signed afresh (new `created`) but
//! keeps the same body bytes and the same Idempotency-Key.

mod call;
mod response;
mod retry;
mod tls;

use std::io::Read;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use ureq::{http, AsSendBody, SendBody};

pub(crate) use call::{Authorization, Bearer, Call, Deadline, Response};
use response::transport_error;
/// What a list page points on to (`Next` of a call's retries is another thing).
pub(crate) use response::Next as PageNext;
pub(crate) use response::{api_error, decode_json, Page, RawResponse};
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use response::{classify, decode_list};
use retry::{AttemptClock, Next, Outcome, Retries};
pub(crate) use tls::parse_pin;
pub use tls::TlsFailure;

use crate::clock::{local_ms, Seen, ServerClock};
use crate::config::{BaseUrl, Config};
use crate::error::{Error, Result};
use crate::httpsig::{
    prepare, PreparedRequest, RequestInput, RequestSigner, SignatureParams, SigningKey,
};
use crate::ids;
use crate::observer::{Attempt, Observer};
use crate::redact::Redactor;
use crate::resolver::Resolver;
use crate::sync::{read, write};

/// Responses larger than this are refused rather than buffered.
const MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// The request-signing key and the key id it is registered under, read and replaced
/// together so that no request is signed with one key under the other's id.
#[derive(Debug, Clone)]
pub(crate) struct Signing {
    pub key: Arc<SigningKey>,
    pub key_id: Option<String>,
}

/// The one road's vehicle: the agent (connection pool), the resolver, the server's clock,
/// the request-signing key and the retry loop.
pub(crate) struct Transport {
    config: Config,
    base: BaseUrl,
    signing: RwLock<Signing>,
    /// Held through a key rotation: one at a time.
    rotation: Mutex<()>,
    agent: ureq::Agent,
    resolver: Resolver,
    clock: ServerClock,
    observer: Option<Observer>,
    /// The secrets this client knows, removed from every text it gives out.
    redactor: Arc<Redactor>,
}

impl Transport {
    /// A transport for `config`, whose URL `check` normalized to `base`.
    ///
    /// # Errors
    /// [`Error::Config`] for a proxy that cannot be used, or trust settings that do not
    /// load (a CA file, a pin).
    pub fn new(
        config: Config,
        base: BaseUrl,
        signing_key: SigningKey,
        observer: Option<Observer>,
    ) -> Result<Transport> {
        // Without `proxy_from_env` the environment is not read: ureq's own default would
        // take HTTPS_PROXY and friends.
        let proxy = match (&config.proxy, config.proxy_from_env) {
            (Some(url), _) => Some(url.to_ureq()?),
            (None, true) => ureq::Proxy::try_from_env(),
            (None, false) => None,
        };
        let redactor = Arc::new(Redactor::default());
        if let Some(p) = &proxy {
            remember_proxy_secrets(&redactor, p);
            refuse_clear_text_through(p, &base, config.allow_insecure_http)?;
        }
        remember_key(&redactor, &signing_key);
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(proxy)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.timeout))
            .user_agent(config.user_agent.as_str())
            .max_idle_connections_per_host(64)
            .build();
        // Plain http is allowed to loopback without the opt-in: then the name (`localhost`)
        // must resolve to loopback addresses only, each time it is looked up.
        let resolver = if base.scheme() == "http" && !config.allow_insecure_http {
            Resolver::loopback_only()
        } else {
            Resolver::default()
        };
        let tls = tls::Tls::new(&config)?;
        let agent = ureq::Agent::with_parts(agent_config, tls.connector(), resolver.clone());
        Ok(Transport {
            signing: RwLock::new(Signing {
                key: Arc::new(signing_key),
                key_id: config.key_id.clone(),
            }),
            rotation: Mutex::new(()),
            clock: ServerClock::new(
                config.clock_skew_secs,
                config.follow_server_clock,
                config.max_clock_correction,
            ),
            config,
            base,
            agent,
            resolver,
            observer,
            redactor,
        })
    }

    /// The secrets this client knows, and the cleaning of text with them.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn base(&self) -> &BaseUrl {
        &self.base
    }

    /// The key requests are signed with now, and its key id.
    pub fn signing(&self) -> Signing {
        read(&self.signing).clone()
    }

    pub fn signing_key(&self) -> Arc<SigningKey> {
        Arc::clone(&read(&self.signing).key)
    }

    pub fn key_id(&self) -> Option<String> {
        read(&self.signing).key_id.clone()
    }

    pub fn set_key_id(&self, key_id: Option<String>) {
        write(&self.signing).key_id = key_id;
    }

    /// Signs every request prepared from now on with `key` under `key_id`.
    pub fn switch_signing(&self, key: SigningKey, key_id: String) {
        remember_key(&self.redactor, &key);
        *write(&self.signing) = Signing {
            key: Arc::new(key),
            key_id: Some(key_id),
        };
    }

    /// Serializes key rotations (held for the length of one).
    pub fn rotation_lock(&self) -> MutexGuard<'_, ()> {
        self.rotation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn clock(&self) -> &ServerClock {
        &self.clock
    }

    /// The server's current unix time as far as it is known (the `created` of signatures).
    pub fn now_unix(&self) -> i64 {
        self.clock.now_unix()
    }

    /// Builds the exact request for one attempt: fresh `created`, same body and key.
    pub fn prepare(&self, call: &Call, token: Option<&str>) -> Result<PreparedRequest> {
        self.prepare_attempt(call, token)
            .map(|(prepared, _)| prepared)
    }

    /// [`Transport::prepare`], with the signature's `created` and key id when it is
    /// signed.
    fn prepare_attempt(
        &self,
        call: &Call,
        token: Option<&str>,
    ) -> Result<(PreparedRequest, Option<(i64, String)>)> {
        let cfg = &self.config;
        let input = RequestInput {
            method: call.method,
            base: &self.base,
            path: &call.path,
            query: call.query.as_deref(),
            token,
            body: call.body.as_deref(),
            idempotency_key: call.idempotency_key.as_deref(),
            digest: cfg.digest,
        };
        let Signing { key, key_id } = match &call.signed_as {
            Some(fixed) => fixed.clone(),
            None => self.signing(),
        };
        let key_id = match call.authorization {
            Authorization::None => None,
            Authorization::BearerSignedIfKeyed => key_id,
            Authorization::Signed => Some(key_id.ok_or_else(|| {
                Error::Config("no signing key id: set key_id(..) or register the key".into())
            })?),
        };
        let Some(key_id) = key_id else {
            return Ok((prepare(&input, None)?, None));
        };
        let created = self.now_unix();
        let params = SignatureParams {
            label: cfg.signature_label.clone(),
            created,
            expires: cfg
                .signature_validity
                .map(|v| created.saturating_add(v.as_secs() as i64)),
            nonce: cfg
                .signature_nonce
                .then(|| ids::random().map(|u| u.simple().to_string()))
                .transpose()?,
            key_id: key_id.clone(),
        };
        let signer = RequestSigner {
            key: &key,
            components: &cfg.covered_components,
            params: &params,
        };
        Ok((prepare(&input, Some(&signer))?, Some((created, key_id))))
    }

    /// Performs a call with token refresh and retries, ending by `deadline`; non-2xx
    /// becomes an error. Each attempt is told to the observer.
    pub fn execute(
        &self,
        call: &Call,
        bearer: &dyn Bearer,
        deadline: Deadline,
    ) -> Result<Response> {
        self.execute_raw(call, bearer, deadline)
            .map_err(|e| self.redactor.scrub_error(e))
    }

    /// [`Transport::execute`] before its error is cleaned: sends attempts and follows
    /// what [`Retries::next`] decides after each.
    fn execute_raw(
        &self,
        call: &Call,
        bearer: &dyn Bearer,
        deadline: Deadline,
    ) -> Result<Response> {
        let mut retries = Retries::new(&self.config.retry);
        // Every request sent, for the observer (a re-sign or a token refresh included).
        let mut number = 0;
        loop {
            let token = match call.authorization {
                Authorization::None => None,
                _ => Some(bearer.valid_token(self, deadline)?),
            };
            let offset_used = self.clock.offset_ms();
            let (prepared, signed) =
                self.prepare_attempt(call, token.as_ref().map(|t| t.expose()))?;
            let (created, signed_key_id) = signed.unzip();
            number += 1;
            let started = Instant::now();
            let sent = local_ms();
            let outcome = self.send_once(&prepared, call.body.as_deref(), &deadline);
            let recv = local_ms();
            self.tell(call, number, &outcome, started.elapsed());
            let date = outcome.as_ref().ok().and_then(|r| r.server_time);
            let mut clock = ClockOfAttempt {
                transport: self,
                created,
                offset_used,
                date,
                at: (sent, recv),
                seen: date.map(|d| self.clock.observe(d, sent, recv)),
            };
            let outcome = match outcome {
                Ok(resp) if (200..300).contains(&resp.status) => Outcome::Success(resp.body),
                Ok(resp) => Outcome::Refused {
                    api: Box::new(api_error(resp)),
                    signed: created.is_some(),
                    rekeyed: call.signed_as.is_none()
                        && signed_key_id.is_some()
                        && self.key_id().is_some()
                        && self.key_id() != signed_key_id,
                    bearer: token.is_some(),
                    clock: &mut clock,
                },
                Err(e) => Outcome::Failed(e),
            };
            match retries.next(outcome, &deadline) {
                Next::Done(body) => {
                    return Ok(Response {
                        body,
                        redactor: self.redactor.clone(),
                    })
                }
                Next::Resign => {}
                Next::RefreshToken => {
                    if let Some(t) = &token {
                        bearer.invalidate(t);
                    }
                }
                Next::Wait(pause) => std::thread::sleep(pause),
                Next::Fail(error) => return Err(error),
            }
        }
    }

    /// Tells the observer, if any, how an attempt went.
    fn tell(&self, call: &Call, attempt: u32, outcome: &Result<RawResponse>, took: Duration) {
        let Some(observer) = &self.observer else {
            return;
        };
        let (status, request_id, error) = match outcome {
            Ok(r) => (Some(r.status), r.request_id.clone(), None),
            Err(e) => (None, None, Some(self.redactor.clean(&e.to_string(), 300))),
        };
        observer(&Attempt {
            method: call.method,
            path: format!("{}{}", self.base.path(), call.path),
            attempt,
            status,
            error,
            duration: took,
            request_id,
            idempotency_key: call.idempotency_key.clone(),
        });
    }

    /// Sends one prepared request; any status is `Ok`, only transport failures are `Err`.
    fn send_once(
        &self,
        prepared: &PreparedRequest,
        body: Option<&[u8]>,
        deadline: &Deadline,
    ) -> Result<RawResponse> {
        let left = deadline.left();
        if left.is_zero() {
            return Err(Error::Transport {
                message: format!("{deadline} ran out"),
                retryable: true,
            });
        }
        let timeout = left.min(self.config.timeout);
        let mut builder = http::Request::builder()
            .method(prepared.method.as_str())
            .uri(prepared.url.as_str());
        for (name, value) in &prepared.headers {
            builder = builder.header(*name, value.as_str());
        }
        // A body-less PATCH/PUT/DELETE/POST goes out with `Content-Length: 0`: without a
        // length ureq would send it chunked, which some servers refuse.
        let agent = &self.agent;
        let result = match (body, prepared.method.as_str()) {
            (Some(b), _) => builder.body(b).map(|r| run(agent, r, timeout)),
            (None, "GET") => builder
                .body(SendBody::none())
                .map(|r| run(agent, r, timeout)),
            (None, _) => builder.body(&[][..]).map(|r| run(agent, r, timeout)),
        };
        let response = result
            .map_err(|e| Error::InvalidInput(format!("cannot build request: {e}")))?
            .map_err(|e| {
                if matches!(
                    e,
                    ureq::Error::ConnectionFailed | ureq::Error::HostNotFound | ureq::Error::Io(_)
                ) {
                    // The remembered address may be the problem: look it up again.
                    self.resolver.forget();
                }
                transport_error(e)
            })?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let request_id = self
            .redactor
            .request_id(header("x-request-id").or_else(|| header("request-id")));
        let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let server_time = header("date").and_then(|v| crate::time::parse_http_date(&v));
        let mut body = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(MAX_RESPONSE_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| Error::Transport {
                message: format!("reading the response failed: {e}"),
                retryable: true,
            })?;
        if body.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(Error::Transport {
                message: format!(
                    "response body larger than the {} MiB limit (status {status}); not read",
                    MAX_RESPONSE_BYTES >> 20
                ),
                retryable: false,
            });
        }
        Ok(RawResponse {
            status,
            body,
            request_id,
            retry_after,
            server_time,
        })
    }
}

/// Remembers a proxy's password (as given and percent-decoded) as a secret.
/// Makes the redactor hide the private key held in memory (its PEM lines).
fn remember_key(redactor: &Redactor, key: &SigningKey) {
    if let Ok(pem) = key.to_pkcs8_pem() {
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .for_each(|l| redactor.add(l));
    }
}

fn remember_proxy_secrets(redactor: &Redactor, proxy: &ureq::Proxy) {
    if let Some(password) = proxy.password() {
        redactor.add(password);
        redactor.add(&crate::config::percent_decoded(password));
    }
}

/// Refuses a plain-http loopback API reached through a proxy that is not itself on
/// loopback: the API secret and the bearer would cross the network in clear. A host
/// the environment's `NO_PROXY` exempts is not proxied, and passes.
/// [`Config::allow_insecure_http`] lifts the refusal.
fn refuse_clear_text_through(proxy: &ureq::Proxy, base: &BaseUrl, allow: bool) -> Result<()> {
    if base.scheme() != "http" || allow {
        return Ok(());
    }
    let exempt = base
        .as_str()
        .parse::<http::Uri>()
        .is_ok_and(|uri| proxy.is_no_proxy(&uri));
    if exempt || crate::config::is_loopback_host(proxy.host()) {
        return Ok(());
    }
    Err(Error::Config(format!(
        "plain http to {} would go through the proxy at {} in clear: use https, a proxy on \
         loopback, or allow_insecure_http(true)",
        base.authority(),
        proxy.host()
    )))
}

/// Runs one request with its own time limit (the call's deadline may be nearer than
/// the configured per-attempt timeout).
fn run(
    agent: &ureq::Agent,
    request: http::Request<impl AsSendBody>,
    timeout: Duration,
) -> std::result::Result<http::Response<ureq::Body>, ureq::Error> {
    let request = agent
        .configure_request(request)
        .timeout_global(Some(timeout))
        .build();
    agent.run(request)
}

/// Says why the server may have refused: its clock is far from ours, beyond the bound.
fn clock_note(offset_ms: i64, max_ms: i64) -> String {
    let direction = if offset_ms < 0 { "behind" } else { "ahead of" };
    format!(
        "the server's clock is about {} s {direction} this machine's, beyond the {} s the \
         client corrects for (max_clock_correction); it kept its own clock: check both clocks",
        offset_ms.unsigned_abs() / 1000,
        max_ms / 1000
    )
}

/// The server's clock as one attempt's answer showed it.
struct ClockOfAttempt<'t> {
    transport: &'t Transport,
    /// The signature's `created`, when the attempt was signed.
    created: Option<i64>,
    /// The clock estimate the attempt was signed with.
    offset_used: i64,
    /// The answer's `Date`.
    date: Option<i64>,
    /// When the attempt was sent and its answer received (local ms).
    at: (i64, i64),
    /// What the answer's `Date` did to the estimate.
    seen: Option<Seen>,
}

impl AttemptClock for ClockOfAttempt<'_> {
    /// A `created` ahead of the server resets the estimate to this `date`'s sample.
    fn signature_stale(&mut self) -> bool {
        let (Some(created), Some(date)) = (self.created, self.date) else {
            return false;
        };
        let clock = &self.transport.clock;
        if created > date {
            return clock.reset_to(date, self.at.0, self.at.1) == Seen::Within;
        }
        clock.offset_ms().abs_diff(self.offset_used) >= 1000
    }

    fn explain(&mut self, api: &mut crate::error::ApiError) {
        let clock = &self.transport.clock;
        let beyond = match self.seen {
            Some(Seen::Beyond(ms)) => Some(ms),
            Some(_) => None,
            // No `Date` this time: the last one seen, if it was beyond.
            None => clock.beyond_bound_ms(),
        };
        if let Some(ms) = beyond {
            api.note = Some(clock_note(ms, clock.max_ms()));
        }
    }
}
