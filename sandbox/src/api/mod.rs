//! One request's road through the emulator: fault injection → route → bearer token →
//! RFC 9421 signature → media type → RFC 9530 digest → Idempotency-Key → handler.

mod accounts;
mod auth;
mod body;
mod challenge;
mod control;
mod customers;
mod error;
mod pages;
mod router;
mod webhooks;

pub(crate) use error::ApiError;

use crate::config::RefusalStyle;
use crate::fault::FaultKind;
use crate::log::LoggedRequest;
use crate::server::{Request, Response};
use crate::shared::{lock, Shared};
use crate::store::{Begin, StoredResponse};
use crate::verify::{check_content_digest, verify_signature, SignaturePolicy};
use router::Route;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

/// What the connection does with a request.
pub(crate) enum Outcome {
    /// Write this response.
    Respond(Response),
    /// Close the connection without answering (fault injection).
    Drop,
}

/// What a handler sees.
pub(crate) struct Ctx<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) req: &'a Request,
    /// The API key the bearer token was issued to.
    pub(crate) api_key: String,
    /// The key id that signed the request (none on unsigned routes).
    pub(crate) key_id: Option<String>,
    /// Sandbox time when the handler started, in Unix nanoseconds.
    pub(crate) now: i128,
}

/// Handles one request (control routes, faults, the API) and logs it.
pub(crate) fn handle(shared: &Shared, req: &Request) -> Outcome {
    let request_id = crate::random::uuid();
    if req.path == "/_sandbox" || req.path.starts_with("/_sandbox/") {
        let mut resp = control::handle(shared, req);
        resp.request_id = request_id;
        return Outcome::Respond(resp);
    }
    let fault = lock(&shared.faults).pick(&req.method, &req.path);
    let (outcome, status, logged_id) = match fault {
        Some(FaultKind::DropBeforeCommit) => (Outcome::Drop, 0, request_id),
        Some(FaultKind::DropAfterCommit) => {
            let resp = process(shared, req, request_id, None);
            (Outcome::Drop, resp.status, resp.request_id)
        }
        Some(FaultKind::Status(status)) => {
            let err = ApiError::new(
                status,
                "injected_fault",
                format!("the sandbox injected a {status} without processing the request"),
            );
            respond(Response::error(&err), request_id)
        }
        Some(FaultKind::TooManyRequests { retry_after_secs }) => {
            let err = ApiError::new(429, "too_many_requests", "rate limited (injected fault)")
                .with_header("Retry-After", retry_after_secs.to_string());
            respond(Response::error(&err), request_id)
        }
        Some(FaultKind::Slow(delay)) => {
            respond(process(shared, req, request_id, Some(delay)), String::new())
        }
        None => respond(process(shared, req, request_id, None), String::new()),
    };
    let now = shared.clock.now_nanos();
    shared.outbox.announce(&mut lock(&shared.state), now);
    lock(&shared.log).push(LoggedRequest {
        method: req.method.clone(),
        path: req.target.clone(),
        headers: req.headers.clone(),
        body: req.body.clone(),
        status,
        request_id: logged_id,
        dropped: matches!(outcome, Outcome::Drop),
    });
    outcome
}

fn respond(mut resp: Response, request_id: String) -> (Outcome, u16, String) {
    if resp.request_id.is_empty() {
        resp.request_id = request_id;
    }
    let (status, id) = (resp.status, resp.request_id.clone());
    (Outcome::Respond(resp), status, id)
}

/// A signature-verification failure as the configured [`RefusalStyle`] answers it.
fn refusal(shared: &Shared, err: ApiError) -> ApiError {
    match shared.config.refusal_style {
        RefusalStyle::Detailed => err,
        // Go's `http.Error`: text/plain, the message and a newline, nosniff.
        RefusalStyle::Offblocks => ApiError::new(400, err.code, err.message)
            .with_text_body("invalid required signature\n")
            .with_header("Content-Type", "text/plain; charset=utf-8")
            .with_header("X-Content-Type-Options", "nosniff"),
    }
}

/// Runs the API pipeline; errors become error responses.
fn process(
    shared: &Shared,
    req: &Request,
    request_id: String,
    delay: Option<Duration>,
) -> Response {
    let mut resp = match run(shared, req, &request_id, delay) {
        Ok(resp) => resp,
        Err(err) => Response::error(&err),
    };
    if resp.request_id.is_empty() {
        resp.request_id = request_id;
    }
    resp
}

fn run(
    shared: &Shared,
    req: &Request,
    request_id: &str,
    delay: Option<Duration>,
) -> Result<Response, ApiError> {
    let route = router::route(&req.method, &req.path)?;
    if route == Route::AuthToken {
        check_body_headers(req)?;
        sleep(delay);
        return auth::token(shared, req);
    }
    let api_key = bearer(shared, req)?;
    let key_id = if route == Route::AuthSigningPut {
        None
    } else {
        let policy = SignaturePolicy {
            now_secs: shared.clock.now_secs(),
            created_tolerance: shared.config.created_tolerance,
            max_signature_age: shared.config.max_signature_age,
        };
        let lookup = |id: &str| lock(&shared.state).signing_key(id);
        Some(verify_signature(req, &policy, lookup).map_err(|err| refusal(shared, err))?)
    };
    check_body_headers(req)?;
    let mutating = matches!(req.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE");
    let idempotency_key = if mutating {
        Some(idempotency_key(req)?)
    } else {
        None
    };
    let mut ctx = Ctx {
        shared,
        req,
        api_key,
        key_id,
        now: 0,
    };
    let Some(key) = idempotency_key else {
        sleep(delay);
        ctx.now = shared.clock.now_nanos();
        return router::dispatch(&ctx, &route);
    };
    let fingerprint = fingerprint(req);
    let begin =
        lock(&shared.idempotency).begin(&ctx.api_key, &key, fingerprint, shared.clock.now_nanos());
    let ticket = match begin {
        Begin::Proceed(ticket) => ticket,
        Begin::Replay(stored) => {
            let mut headers = stored.headers;
            headers.push(("Idempotent-Replayed".into(), "true".into()));
            return Ok(Response {
                status: stored.status,
                headers,
                body: stored.body,
                request_id: stored.request_id,
            });
        }
        Begin::InUse => {
            return Err(ApiError::new(
                409,
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still being processed",
            )
            .with_header("Retry-After", "1"))
        }
        Begin::Mismatch => {
            return Err(ApiError::new(
                422,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different method, path or body",
            ))
        }
    };
    let mut claim = Claim {
        shared,
        scope: ctx.api_key.clone(),
        key,
        ticket,
        stored: None,
    };
    sleep(delay);
    ctx.now = shared.clock.now_nanos();
    let mut resp = router::dispatch(&ctx, &route).unwrap_or_else(|err| Response::error(&err));
    resp.request_id = request_id.to_string();
    // Server errors and auth failures are not answers to the operation: a retry must be
    // processed afresh rather than replay them.
    if resp.status < 500 && resp.status != 401 {
        claim.stored = Some(StoredResponse {
            status: resp.status,
            headers: resp.headers.clone(),
            body: resp.body.clone(),
            request_id: resp.request_id.clone(),
        });
    }
    drop(claim);
    Ok(resp)
}

/// A claimed idempotency key; dropping it records the outcome (or forgets the key, also
/// when the handler panicked), so a key is never left in flight.
struct Claim<'a> {
    shared: &'a Shared,
    scope: String,
    key: String,
    ticket: u64,
    stored: Option<StoredResponse>,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        lock(&self.shared.idempotency).finish(
            &self.scope,
            &self.key,
            self.ticket,
            self.stored.take(),
        );
    }
}

fn sleep(delay: Option<Duration>) {
    if let Some(delay) = delay {
        std::thread::sleep(delay);
    }
}

/// Method, target and a hash of the body: what must match for a replay.
fn fingerprint(req: &Request) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(req.method.as_bytes());
    hasher.update([0]);
    hasher.update(req.target.as_bytes());
    hasher.update([0]);
    hasher.update(Sha256::digest(&req.body));
    hasher.finalize().into()
}

/// The API key of a valid, unexpired bearer token.
fn bearer(shared: &Shared, req: &Request) -> Result<String, ApiError> {
    let invalid = |why: &str| ApiError::unauthorized("invalid_token", why);
    let header = req
        .header("authorization")
        .ok_or_else(|| invalid("missing Authorization: Bearer <token>"))?;
    let token = match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return Err(invalid("Authorization must use the Bearer scheme")),
    };
    let now = shared.clock.now_secs();
    let state = lock(&shared.state);
    let info = state
        .tokens
        .get(token)
        .ok_or_else(|| invalid("unknown or revoked token"))?;
    if info.expires_at <= now {
        return Err(invalid("token expired: request a new one from /auth/token"));
    }
    Ok(info.api_key.clone())
}

/// A request with a body must say it is JSON and carry a matching Content-Digest.
fn check_body_headers(req: &Request) -> Result<(), ApiError> {
    if !req.body.is_empty() {
        let content_type = req.header("content-type").unwrap_or_default();
        let media = content_type.split(';').next().unwrap_or("").trim();
        if !media.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::new(
                415,
                "unsupported_media_type",
                "a request body must be sent with Content-Type: application/json",
            ));
        }
    }
    check_content_digest(req)
}

/// The Idempotency-Key header: one hyphenated UUID.
fn idempotency_key(req: &Request) -> Result<String, ApiError> {
    let key = req.header("idempotency-key").ok_or_else(|| {
        ApiError::bad_request(
            "missing_idempotency_key",
            format!(
                "{} requests need an Idempotency-Key header (a UUID)",
                req.method
            ),
        )
    })?;
    let hyphenated = key.len() == 36 && uuid::Uuid::try_parse(&key).is_ok();
    if !hyphenated {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be one UUID (8-4-4-4-12 hex digits)",
        ));
    }
    Ok(key.to_ascii_lowercase())
}

/// The record `id` of `records`, or a 404 that names `what` ("customer", "account").
pub(crate) fn found<'m, T>(
    records: &'m HashMap<String, T>,
    id: &str,
    what: &str,
) -> Result<&'m T, ApiError> {
    records.get(id).ok_or_else(|| ApiError::not_found(what))
}

/// As [`found`], to change the record.
pub(crate) fn found_mut<'m, T>(
    records: &'m mut HashMap<String, T>,
    id: &str,
    what: &str,
) -> Result<&'m mut T, ApiError> {
    records.get_mut(id).ok_or_else(|| ApiError::not_found(what))
}
