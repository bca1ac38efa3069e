//! `/_sandbox/*`: the unauthenticated control API for tests in other languages, served
//! to loopback clients only.
//!
//! - `POST /_sandbox/clock/advance {"seconds": N}` (N may be fractional or negative)
//! - `POST /_sandbox/clock/offset {"seconds": N}` (sets the offset from system time)
//! - `GET /_sandbox/clock` → `{"now", "offset"}`
//! - `POST /_sandbox/faults` (a fault rule as JSON) → 201, `DELETE /_sandbox/faults` → 204
//! - `GET /_sandbox/state` → `{"customers": [..], "accounts": [..], "signingKeys": [ids]}`
//! - `GET /_sandbox/webhooks` → every webhook delivery (event id, type, entity id,
//!   status, callback URL, duplicate, attempts, last status, acknowledged, discarded, body,
//!   and the last attempt's `rawBody` and `headers`)
//! - `POST /_sandbox/webhooks/faults` `{"duplicate": P, "reorder": B, "reorderMs",
//!   "backoffMs", "maxBackoffMs", "attempts"}` (all optional) sets the delivery faults
//! - `POST /_sandbox/settings` `{"verificationDelayMs": N, "pageSize": N}` (each
//!   optional) changes the verification delay and the list page size; answers both
//! - `GET /_sandbox/requests` → the request log (method, path, status, requestId,
//!   dropped, headers, body as text)

use super::{body, ApiError};
use crate::fault::FaultRule;
use crate::server::{Request, Response};
use crate::shared::{lock, Shared};
use serde_json::{json, Value};

/// Answers a control request (errors included).
pub(crate) fn handle(shared: &Shared, req: &Request) -> Response {
    run(shared, req).unwrap_or_else(|err| Response::error(&err))
}

fn seconds(req: &Request) -> Result<f64, ApiError> {
    let obj = body::object(req)?;
    obj.get("seconds")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && s.abs() < 1e12)
        .ok_or_else(|| ApiError::invalid_field("seconds", "must be a number"))
}

fn clock_json(shared: &Shared) -> Value {
    json!({"now": shared.clock.now(), "offset": shared.clock.offset()})
}

fn run(shared: &Shared, req: &Request) -> Result<Response, ApiError> {
    let loopback = req.peer.is_some_and(|p| p.ip().is_loopback());
    if !loopback {
        return Err(ApiError::new(
            403,
            "forbidden",
            "the control API answers loopback clients only",
        ));
    }
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/_sandbox/clock/advance") => {
            shared.clock.advance_secs(seconds(req)?);
            Ok(Response::json(200, &clock_json(shared)))
        }
        ("POST", "/_sandbox/clock/offset") => {
            let secs = seconds(req)?;
            shared.clock.set_offset(0);
            shared.clock.advance_secs(secs);
            Ok(Response::json(200, &clock_json(shared)))
        }
        ("GET", "/_sandbox/clock") => Ok(Response::json(200, &clock_json(shared))),
        ("POST", "/_sandbox/faults") => {
            let value: Value = serde_json::from_slice(&req.body).map_err(|e| {
                ApiError::bad_request("invalid_json", format!("malformed JSON body: {e}"))
            })?;
            let rule = FaultRule::from_json(&value)
                .map_err(|e| ApiError::bad_request("invalid_request", e))?;
            lock(&shared.faults).add(rule);
            Ok(Response::json(201, &json!({"added": true})))
        }
        ("DELETE", "/_sandbox/faults") => {
            lock(&shared.faults).clear();
            Ok(Response::empty(204))
        }
        ("GET", "/_sandbox/state") => {
            let keys: Vec<String> = lock(&shared.state)
                .signing_keys
                .iter()
                .map(|k| k.id.clone())
                .collect();
            Ok(Response::json(
                200,
                &json!({"customers": shared.customers_json(), "accounts": shared.accounts_json(),
                        "signingKeys": keys}),
            ))
        }
        ("GET", "/_sandbox/webhooks") => {
            let all: Vec<Value> = shared
                .outbox
                .deliveries()
                .iter()
                .map(|d| d.to_json())
                .collect();
            Ok(Response::json(200, &Value::Array(all)))
        }
        ("POST", "/_sandbox/webhooks/faults") => {
            let value: Value = serde_json::from_slice(&req.body).map_err(|e| {
                ApiError::bad_request("invalid_json", format!("malformed JSON body: {e}"))
            })?;
            let faults = crate::webhook::faults_from_json(&value)
                .map_err(|e| ApiError::bad_request("invalid_request", e))?;
            shared.outbox.set_faults(faults);
            Ok(Response::json(200, &json!({"set": true})))
        }
        ("POST", "/_sandbox/settings") => {
            let obj = body::object(req)?;
            let number = |key: &str| {
                obj.get(key)
                    .map(|v| {
                        v.as_u64()
                            .ok_or_else(|| ApiError::invalid_field(key, "must be a whole number"))
                    })
                    .transpose()
            };
            let delay = number("verificationDelayMs")?;
            let page_size = number("pageSize")?;
            if let Some(key) = obj
                .keys()
                .find(|k| !["verificationDelayMs", "pageSize"].contains(&k.as_str()))
            {
                return Err(ApiError::bad_request(
                    "invalid_request",
                    format!("unknown setting {key:?}"),
                ));
            }
            let mut settings = lock(&shared.settings);
            if let Some(ms) = delay {
                settings.verification_delay = std::time::Duration::from_millis(ms);
            }
            if let Some(size) = page_size {
                settings.page_size = usize::try_from(size)
                    .map_err(|_| ApiError::invalid_field("pageSize", "is too large"))?;
            }
            let ms = u64::try_from(settings.verification_delay.as_millis()).unwrap_or(u64::MAX);
            Ok(Response::json(
                200,
                &json!({"verificationDelayMs": ms, "pageSize": settings.page_size}),
            ))
        }
        ("GET", "/_sandbox/requests") => {
            let log: Vec<Value> = lock(&shared.log)
                .snapshot()
                .into_iter()
                .map(|r| {
                    json!({
                        "method": r.method,
                        "path": r.path,
                        "status": r.status,
                        "requestId": r.request_id,
                        "dropped": r.dropped,
                        "headers": r.headers,
                        "body": String::from_utf8_lossy(&r.body),
                    })
                })
                .collect();
            Ok(Response::json(200, &Value::Array(log)))
        }
        _ => Err(ApiError::new(
            404,
            "not_found",
            format!("no control route {} {}", req.method, req.path),
        )),
    }
}
