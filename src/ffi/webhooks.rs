//! `/webhooks`, and parsing the deliveries OffBlocks POSTs to a webhook.

use std::ffi::c_char;

use super::calls;
use super::client::offblocks_client;
use super::error::offblocks_result;
use super::strings::to_json;
use super::{arg_out, arg_str, boundary, put_string};
use crate::models::{NewWebhook, WebhookEvent, WebhookEventData};

/// `PUT /webhooks`: creates a subscription, or replaces the one whose `id` is given.
/// `json_body` is `{"id": "…" (optional), "callbackUrl": "https://…", "types":
/// ["customer.updated", "account.updated"]}`; the subscription is stored as JSON in
/// `*out_json`.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated; `out_json`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_webhooks_put(
    client: *const offblocks_client,
    json_body: *const c_char,
    idempotency_key: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::create(
            client,
            json_body,
            idempotency_key,
            out_json,
            |c, body: &NewWebhook, key| c.webhooks().with_idempotency_key(key).put(body),
        )
    }
}

/// `GET /webhooks/{id}`: stores the subscription as JSON in `*out_json`.
///
/// # Safety
/// `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_json` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_webhooks_get(
    client: *const offblocks_client,
    id: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::query(client, (id, "id"), (out_json, "out_json"), |c, id| {
            to_json(&c.webhooks().get(id)?)
        })
    }
}

/// `GET /webhooks`: stores a JSON array of subscriptions in `*out_json`.
///
/// # Safety
/// `client` is a live handle or NULL; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_webhooks_list(
    client: *const offblocks_client,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe { calls::list(client, out_json, |c| c.webhooks().list()) }
}

/// `DELETE /webhooks/{id}`.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_webhooks_delete(
    client: *const offblocks_client,
    id: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::action(client, id, idempotency_key, |c, id, key| {
            c.webhooks().with_idempotency_key(key).delete(id)
        })
    }
}

/// Parses the body of a webhook delivery (what OffBlocks POSTs to your callback URL) and
/// stores in `*out_json` an object `{"eventId", "webhookType", "entity": "customer" |
/// "account" | "other", "data": {…}}`: `data` is the customer or account as
/// `offblocks_customers_get` / `offblocks_accounts_get` give it, or the JSON as sent for
/// an event type this version does not know. Deliveries come at least once and in any
/// order: dedupe by `eventId`, order by `data.updatedAt`.
///
/// `OFFBLOCKS_DECODE` when the body is not such a delivery. Needs no client.
///
/// # Safety
/// `body` is NULL or NUL-terminated; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_webhook_event_parse(
    body: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (body, out) = unsafe { (arg_str(body, "body")?, arg_out(out_json, "out_json")?) };
        let event = WebhookEvent::parse(body.as_bytes())?;
        let (entity, data) = match &event.data {
            WebhookEventData::Customer(c) => ("customer", serde_json::to_value(c)),
            WebhookEventData::Account(a) => ("account", serde_json::to_value(a)),
            WebhookEventData::Other(v) => ("other", Ok(v.clone())),
        };
        let data = data.map_err(|_| super::error::Failure::decode("cannot encode the event"))?;
        let json = serde_json::json!({
            "eventId": event.event_id,
            "webhookType": event.webhook_type,
            "entity": entity,
            "data": data,
        });
        put_string(out, to_json(&json)?)
    })
}
