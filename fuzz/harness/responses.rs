//! Harnesses of what the server sends: response bodies, error bodies, webhook
//! deliveries, decoded the way the client decodes them (`offblocks::__fuzz`).

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;

use offblocks::__fuzz::{decode, decode_items, http_date, response_error};
use offblocks::models::{Account, Challenge, Customer, Webhook, WebhookEvent, WebhookEventData};
use offblocks::Error;

use super::ffi::{check_error_in_c, check_webhook_in_c};

/// `json_models`: the bytes as the body of a 2xx response (a customer, an account, a
/// webhook subscription, a challenge, lists of them) and of an error response.
///
/// What decodes must encode and decode again to the same value, bare or wrapped as the
/// API wraps lists; a decoding error names where it failed; an error body is kept and
/// reaches a C caller whole.
pub fn json_models(data: &[u8]) {
    round_trip::<Customer>(data);
    round_trip::<Account>(data);
    round_trip::<Webhook>(data);
    round_trip::<Challenge>(data);
    list::<Customer>(data);
    list::<Account>(data);
    list::<Webhook>(data);
    error_body(data);
}

fn round_trip<T>(data: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let value = match decode::<T>(data) {
        Ok(value) => value,
        Err(e) => return assert_decode_error(&e),
    };
    let bytes = serde_json::to_vec(&value).expect("a decoded value encodes");
    let again = decode::<T>(&bytes).unwrap_or_else(|e| {
        let shown = String::from_utf8_lossy(&bytes);
        panic!(
            "{} re-encoded as {shown} does not decode: {e}",
            std::any::type_name::<T>()
        )
    });
    assert_eq!(again, value);
}

fn list<T>(data: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let items = match decode_items::<T>(data) {
        Ok(items) => items,
        Err(e) => return assert_decode_error(&e),
    };
    for wrapper in ["", "data", "items", "results"] {
        let value = match wrapper {
            "" => serde_json::to_value(&items),
            key => serde_json::to_value(&items).map(|v| serde_json::json!({ key: v })),
        };
        let bytes = serde_json::to_vec(&value.expect("a decoded list encodes"))
            .expect("a JSON value encodes");
        let again = decode_items::<T>(&bytes).unwrap_or_else(|e| {
            let shown = String::from_utf8_lossy(&bytes);
            panic!("list re-encoded as {shown} does not decode: {e}")
        });
        assert_eq!(again, items);
    }
}

fn assert_decode_error(error: &Error) {
    match error {
        Error::Decode { path, .. } => assert!(path.starts_with('$'), "path {path:?}"),
        other => panic!("a decoding failure is Error::Decode, not {other:?}"),
    }
}

/// The bytes as the body of a non-2xx response; the status and headers are taken from
/// the length, so that the body stays whole.
fn error_body(data: &[u8]) {
    const STATUSES: [u16; 8] = [400, 401, 404, 409, 422, 429, 500, 503];
    let status = STATUSES[data.len() % STATUSES.len()];
    let request_id = data.len().is_multiple_of(2).then_some("req-1");
    let retry_after = data.len().is_multiple_of(3).then_some(1);
    let error = response_error(status, request_id, retry_after, data);
    // The same bytes as a `Date` header: read as a date or ignored, never a panic, and a
    // date that is read lies in the years 0000–9999.
    if let Some(secs) = http_date(&String::from_utf8_lossy(data)) {
        assert!((-62_167_219_200..253_402_300_800).contains(&secs), "{secs}");
    }
    let api = error.api().expect("a response's error keeps the response");
    assert_eq!(api.request_id.as_deref(), request_id);
    assert_eq!(api.status, status);
    // The body is kept whole up to 64 KiB, and parsed as JSON only then.
    let small = data.len() <= 64 * 1024;
    let text = String::from_utf8_lossy(data);
    assert!(text.starts_with(api.body.as_str()));
    if small {
        assert_eq!(api.body, text);
    }
    let is_json = serde_json::from_slice::<serde_json::Value>(data).is_ok();
    assert_eq!(api.json.is_some(), is_json && small);
    let shown = api.to_string();
    assert!(shown.starts_with(&format!("api error {status}")), "{shown}");
    // The server's message, as the accessor gives it, is what the text shows: no
    // control character, bounded.
    if let Some(message) = api.message() {
        assert!(
            shown.contains(message.as_str()),
            "{shown:?} lacks {message:?}"
        );
        assert!(!message.chars().any(char::is_control), "{message:?}");
        assert!(message.chars().count() <= 201, "{message:?}");
    }
    if let Some(id) = &api.request_id {
        assert!(
            id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic()),
            "{id:?}"
        );
    }
    if matches!(status, 429 | 500 | 503) || (status == 409 && retry_after.is_some()) {
        assert!(api.retryable);
    }
    assert_eq!(error.status(), Some(status));
    assert_eq!(
        matches!(error, Error::Conflict(_)),
        status == 409 && !error.is_retryable()
    );
    check_error_in_c(error);
}

/// `webhook`: the bytes as the body of a webhook delivery, parsed in Rust and through
/// the C ABI.
///
/// A delivery that parses has its event id and type, encodes back to a body that parses
/// to the same event, orders by its entity's `updatedAt`, and the C function agrees.
pub fn webhook(data: &[u8]) {
    let parsed = WebhookEvent::parse(data);
    if let Err(e) = &parsed {
        assert_decode_error(e);
    }
    check_webhook_in_c(data, parsed.as_ref().ok());
    let Ok(event) = parsed else {
        return;
    };
    assert!(!event.event_id.is_empty());
    assert!(!event.webhook_type.as_str().is_empty());
    let (_, mut body) = entity(&event.data);
    body["eventId"] = event.event_id.clone().into();
    body["webhookType"] = event.webhook_type.as_str().into();
    let bytes = serde_json::to_vec(&body).expect("encodes");
    let again = WebhookEvent::parse(&bytes).expect("a re-encoded delivery parses");
    match (&again.data, &event.data) {
        // serde_json reads floats to within one ulp only (no `float_roundtrip`): an
        // unknown event's JSON is compared by shape, not bit for bit.
        (WebhookEventData::Other(a), WebhookEventData::Other(b)) => {
            let keys = |v: &serde_json::Value| v.as_object().map(|m| m.len());
            assert_eq!(keys(a), keys(b));
            assert_eq!(
                (&again.event_id, &again.webhook_type),
                (&event.event_id, &event.webhook_type)
            );
        }
        _ => assert_eq!(again, event),
    }
    match &event.data {
        WebhookEventData::Customer(c) => assert_eq!(event.updated_at(), Some(c.updated_at)),
        WebhookEventData::Account(a) => assert_eq!(event.updated_at(), Some(a.updated_at)),
        // `Other`; a kind the harness does not know `entity` refused above.
        _ => {}
    }
}

/// A delivery's entity: its kind, as the C parser names it, and its JSON.
pub(super) fn entity(data: &WebhookEventData) -> (&'static str, serde_json::Value) {
    let (kind, json) = match data {
        WebhookEventData::Customer(c) => ("customer", serde_json::to_value(c)),
        WebhookEventData::Account(a) => ("account", serde_json::to_value(a)),
        WebhookEventData::Other(v) => ("other", Ok(v.clone())),
        // The enum is `#[non_exhaustive]`: a new kind needs its checks here.
        other => panic!("a webhook entity the harness does not know: {other:?}"),
    };
    (kind, json.expect("an entity encodes"))
}
