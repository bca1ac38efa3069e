//! The webhook inbox: a delivery's body (and headers) in, the entity re-fetched through
//! the signed API out, duplicates and stale events dropped.

use std::ffi::{c_char, c_void, CString};
use std::panic::{self, AssertUnwindSafe};

use serde::Deserialize;
use serde_json::{json, Value};

use super::client::offblocks_client;
use super::error::{offblocks_result, Failure};
use super::handle::{self, Handle};
use super::strings::to_json;
use super::{arg_bytes, arg_handle, arg_opt_str, arg_out, boundary, put_string};
use crate::inbox::{EventStore, MemoryEventStore, Received, WebhookInbox};
use crate::time::Timestamp;
use crate::{Error, Result};

/// The host's event store, for an inbox that dedupes across processes and restarts (the
/// host's database). Each function returns 0 on success; any other value fails the
/// `offblocks_webhook_inbox_receive` call that asked (`OFFBLOCKS_STATE`), which records
/// nothing, so the delivery is handled afresh when OffBlocks retries it.
///
/// - `seen`: writes to `*out_seen` whether `event_id` was given to `record`.
/// - `last_handed`: writes to `*out_found` whether `entity_id` was given to `record`,
///   and then to `*out_updated_at_ns` the newest `updated_at_ns` recorded for it.
/// - `record`: remembers that `event_id` was handled and `entity_id` handed over at
///   `updated_at_ns` (nanoseconds since the Unix epoch; keep the largest per entity).
///
/// The strings are NUL-terminated UTF-8, valid only during the call. `user_data` is
/// passed back as given, never read. The functions are called on the thread of the
/// `offblocks_webhook_inbox_receive` call, before it returns; an inbox shared by
/// several threads needs thread-safe functions.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct offblocks_event_store {
    /// Passed back to every function as its first argument.
    pub user_data: *mut c_void,
    /// Whether an event id was recorded.
    pub seen: Option<
        unsafe extern "C-unwind" fn(
            user_data: *mut c_void,
            event_id: *const c_char,
            out_seen: *mut bool,
        ) -> i32,
    >,
    /// The newest state handed over of an entity, if any.
    pub last_handed: Option<
        unsafe extern "C-unwind" fn(
            user_data: *mut c_void,
            entity_id: *const c_char,
            out_found: *mut bool,
            out_updated_at_ns: *mut i64,
        ) -> i32,
    >,
    /// Records an event as handled and an entity as handed over.
    pub record: Option<
        unsafe extern "C-unwind" fn(
            user_data: *mut c_void,
            event_id: *const c_char,
            entity_id: *const c_char,
            updated_at_ns: i64,
        ) -> i32,
    >,
}

type SeenFn = unsafe extern "C-unwind" fn(*mut c_void, *const c_char, *mut bool) -> i32;
type LastFn = unsafe extern "C-unwind" fn(*mut c_void, *const c_char, *mut bool, *mut i64) -> i32;
type RecordFn = unsafe extern "C-unwind" fn(*mut c_void, *const c_char, *const c_char, i64) -> i32;

/// The host's store, its three functions checked present.
struct HostStore {
    user_data: *mut c_void,
    seen: SeenFn,
    last_handed: LastFn,
    record: RecordFn,
}

// SAFETY: `offblocks_event_store` documents that its functions (with `user_data`) are
// called from whichever thread uses the inbox and must be thread-safe if it is shared;
// the library only passes `user_data` back.
unsafe impl Send for HostStore {}
// SAFETY: as for `Send`.
unsafe impl Sync for HostStore {}

/// Runs one store function, turning a failure code or a panic into an error.
fn called(what: &str, f: impl FnOnce() -> i32) -> Result<()> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(0) => Ok(()),
        Ok(code) => Err(Error::State(format!(
            "the event store's {what} function failed (returned {code})"
        ))),
        Err(_) => Err(Error::State(format!(
            "the event store's {what} function panicked"
        ))),
    }
}

fn c_text(text: &str) -> Result<CString> {
    CString::new(text).map_err(|_| Error::InvalidInput("an id holds a NUL byte".into()))
}

impl EventStore for HostStore {
    fn seen(&self, event_id: &str) -> Result<bool> {
        let id = c_text(event_id)?;
        let mut seen = false;
        // SAFETY: the host's function, called as `offblocks_event_store` documents: a
        // NUL-terminated string and a writable bool, both valid for the call.
        called("seen", || unsafe {
            (self.seen)(self.user_data, id.as_ptr(), &mut seen)
        })?;
        Ok(seen)
    }

    fn last_handed(&self, entity_id: &str) -> Result<Option<Timestamp>> {
        let id = c_text(entity_id)?;
        let (mut found, mut at) = (false, 0i64);
        // SAFETY: as in `seen`, with a writable bool and i64.
        called("last_handed", || unsafe {
            (self.last_handed)(self.user_data, id.as_ptr(), &mut found, &mut at)
        })?;
        Ok(found.then(|| Timestamp::from_unix_nanos(at)))
    }

    fn record(&self, event_id: &str, entity_id: &str, updated_at: Timestamp) -> Result<()> {
        let (event, entity) = (c_text(event_id)?, c_text(entity_id)?);
        // SAFETY: as in `seen`: two NUL-terminated strings valid for the call.
        called("record", || unsafe {
            (self.record)(
                self.user_data,
                event.as_ptr(),
                entity.as_ptr(),
                updated_at.unix_nanos(),
            )
        })
    }
}

/// The memory store or the host's.
enum Store {
    Memory(MemoryEventStore),
    Host(HostStore),
}

impl EventStore for Store {
    fn seen(&self, event_id: &str) -> Result<bool> {
        match self {
            Store::Memory(s) => s.seen(event_id),
            Store::Host(s) => s.seen(event_id),
        }
    }

    fn last_handed(&self, entity_id: &str) -> Result<Option<Timestamp>> {
        match self {
            Store::Memory(s) => s.last_handed(entity_id),
            Store::Host(s) => s.last_handed(entity_id),
        }
    }

    fn record(&self, event_id: &str, entity_id: &str, updated_at: Timestamp) -> Result<()> {
        match self {
            Store::Memory(s) => s.record(event_id, entity_id, updated_at),
            Store::Host(s) => s.record(event_id, entity_id, updated_at),
        }
    }
}

/// A webhook inbox (opaque). Made by `offblocks_webhook_inbox_new`, released by
/// `offblocks_webhook_inbox_free`. One inbox may serve many threads at once.
pub struct offblocks_webhook_inbox {
    inbox: WebhookInbox<Store>,
}

impl Handle for offblocks_webhook_inbox {
    const TAG: u64 = u64::from_be_bytes(*b"obwhinbx");
    const NOUN: &'static str = "webhook_inbox";
}

/// The options of `offblocks_webhook_inbox_new`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InboxOptions {
    verify_with: Option<String>,
    max_signature_age_secs: Option<u64>,
    memory_capacity: Option<usize>,
}

/// Makes an inbox that hands over entities re-fetched through `client`, and stores its
/// handle in `*out_inbox`. The inbox keeps the client alive on its own: the client
/// handle may be freed first.
///
/// `options_json` may be NULL (the defaults), else an object, every field optional:
/// `"verifyWith"`: OffBlocks' webhook signing public key (P-384 SPKI PEM, `BEGIN PUBLIC
/// KEY`); when given, every delivery's RFC 9421 signature and RFC 9530 `Content-Digest`
/// are checked before anything else, and an unsigned one is refused (OffBlocks does not
/// document webhook signing: leave it out unless you have such a key);
/// `"maxSignatureAgeSecs"`: how old a signature may be (default 300);
/// `"memoryCapacity"`: events and entities the memory store keeps (default 100000,
/// about 36 MB at most), when `store` is NULL.
///
/// `store` may be NULL: a bounded memory store. Else its three functions must all be
/// set; the struct is copied, and `user_data` must stay valid until the inbox is freed.
///
/// `OFFBLOCKS_INVALID_JSON` for options that do not parse or name an unknown field;
/// `OFFBLOCKS_KEY` for a `verifyWith` that is not a P-384 public key.
///
/// # Safety
/// `client` is a live handle or NULL; `options_json` is NULL or NUL-terminated; `store`
/// is NULL or points to an `offblocks_event_store`; `out_inbox` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_webhook_inbox_new(
    client: *const offblocks_client,
    options_json: *const c_char,
    store: *const offblocks_event_store,
    out_inbox: *mut *mut offblocks_webhook_inbox,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, options, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_opt_str(options_json, "options_json")?,
                arg_out(out_inbox, "out_inbox")?,
            )
        };
        let options: InboxOptions = match options {
            Some(text) => {
                serde_json::from_str(text).map_err(|e| Failure::json("options_json", e))?
            }
            None => InboxOptions::default(),
        };
        // SAFETY: NULL or a readable `offblocks_event_store`, as the caller guarantees.
        let store = match unsafe { store.as_ref() } {
            None => Store::Memory(MemoryEventStore::with_capacity(
                options
                    .memory_capacity
                    .unwrap_or(MemoryEventStore::DEFAULT_CAPACITY),
            )),
            Some(s) => Store::Host(HostStore {
                user_data: s.user_data,
                seen: s.seen.ok_or_else(|| Failure::null("store->seen"))?,
                last_handed: s
                    .last_handed
                    .ok_or_else(|| Failure::null("store->last_handed"))?,
                record: s.record.ok_or_else(|| Failure::null("store->record"))?,
            }),
        };
        let mut builder = WebhookInbox::builder(client.client.clone()).store(store);
        if let Some(pem) = &options.verify_with {
            builder = builder.verify_with(pem);
        }
        if let Some(secs) = options.max_signature_age_secs {
            builder = builder.max_signature_age(std::time::Duration::from_secs(secs));
        }
        let inbox = builder.build()?;
        out.write(handle::into_raw(offblocks_webhook_inbox { inbox }));
        Ok(())
    })
}

/// The delivery's headers from `headers_json`: an object of name → string value, or an
/// array of `[name, value]` pairs (for repeated names).
fn parse_headers(text: &str) -> std::result::Result<Vec<(String, String)>, Failure> {
    let bad = || {
        Failure::json(
            "headers_json",
            "expected an object of strings or an array of [name, value] string pairs",
        )
    };
    let value: Value = serde_json::from_str(text).map_err(|e| Failure::json("headers_json", e))?;
    let pair = |n: &Value, v: &Value| match (n.as_str(), v.as_str()) {
        (Some(n), Some(v)) => Ok((n.to_owned(), v.to_owned())),
        _ => Err(bad()),
    };
    match &value {
        Value::Object(map) => map
            .iter()
            .map(|(n, v)| pair(&Value::String(n.clone()), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item.as_array().map(Vec::as_slice) {
                Some([n, v]) => pair(n, v),
                _ => Err(bad()),
            })
            .collect(),
        _ => Err(bad()),
    }
}

/// What the inbox made of a delivery, as the JSON `offblocks_webhook_inbox_receive`
/// gives.
fn received_json(received: Received) -> std::result::Result<Value, Failure> {
    let encode = |e: serde_json::Error| Failure::decode(&format!("cannot encode: {e}"));
    Ok(match received {
        Received::Customer(c) => {
            json!({"received": "customer", "customer": serde_json::to_value(c).map_err(encode)?})
        }
        Received::Account(a) => {
            json!({"received": "account", "account": serde_json::to_value(a).map_err(encode)?})
        }
        Received::Duplicate { event_id } => json!({"received": "duplicate", "eventId": event_id}),
        Received::Stale { entity_id } => json!({"received": "stale", "entityId": entity_id}),
        Received::Ignored { webhook_type } => {
            json!({"received": "ignored", "webhookType": webhook_type})
        }
    })
}

/// Handles one delivery: the `body_len` bytes at `body` (exactly as received; at most
/// 65536) and its headers, and stores in `*out_json` what came of it:
/// `{"received": "customer", "customer": {…}}` or `{"received": "account", "account":
/// {…}}` (the entity as `GET` answers it now, never the body's copy),
/// `{"received": "duplicate", "eventId": "…"}`, `{"received": "stale", "entityId":
/// "…"}`, or `{"received": "ignored", "webhookType": "…"}`. Answer OffBlocks 2xx for each
/// of them, and non-2xx when this call fails (so that it retries).
///
/// `headers_json` may be NULL (no headers): an object `{"Signature-Input": "…",
/// "Signature": "…", "Content-Digest": "…"}` (names in any case) or an array of
/// `[name, value]` pairs. It is read only by an inbox that verifies signatures, which
/// refuses a delivery without them.
///
/// `OFFBLOCKS_INVALID_INPUT` for a body over 65536 bytes, an event id that is not an id,
/// or (verifying) a signature refused, its message starting `webhook signature
/// refused:`; `OFFBLOCKS_DECODE` for a body that is not an event; the re-fetch's errors
/// (`OFFBLOCKS_API` with status 404 for an entity that does not exist: a forged
/// delivery); `OFFBLOCKS_STATE` when the host's store fails. After an error nothing is
/// recorded.
///
/// # Safety
/// `inbox` is a live handle or NULL; `body` is NULL (only with `body_len` 0) or points
/// to `body_len` readable bytes; `headers_json` is NULL or NUL-terminated; `out_json`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_webhook_inbox_receive(
    inbox: *const offblocks_webhook_inbox,
    body: *const u8,
    body_len: usize,
    headers_json: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (inbox, body, headers, out) = unsafe {
            (
                arg_handle(inbox, "inbox")?,
                arg_bytes(body, body_len, "body")?,
                arg_opt_str(headers_json, "headers_json")?,
                arg_out(out_json, "out_json")?,
            )
        };
        let headers = headers.map(parse_headers).transpose()?.unwrap_or_default();
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let received = inbox.inbox.receive_delivery(body, &pairs)?;
        put_string(out, to_json(&received_json(received)?)?)
    })
}

/// Releases an inbox (with its memory store). `offblocks_webhook_inbox_free(NULL)` does
/// nothing and returns `OFFBLOCKS_OK`.
///
/// Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call using it
/// is in progress (one of its store functions freeing it, or another thread);
/// `OFFBLOCKS_INVALID_HANDLE` for a handle freed already or of another type.
///
/// # Safety
/// Any value is checked before use (see "Handles" in the preamble).
#[no_mangle]
pub unsafe extern "C" fn offblocks_webhook_inbox_free(
    inbox: *mut offblocks_webhook_inbox,
) -> offblocks_result {
    handle::free(inbox, "inbox")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_an_object_or_pairs() {
        let h = parse_headers(r#"{"Signature":"a","content-digest":"b"}"#).unwrap();
        assert_eq!(h.len(), 2);
        let p = parse_headers(r#"[["x","1"],["x","2"]]"#).unwrap();
        assert_eq!(p, vec![("x".into(), "1".into()), ("x".into(), "2".into())]);
        for bad in [r#"{"a":1}"#, r#"[["a"]]"#, "3", "{"] {
            assert!(parse_headers(bad).is_err(), "{bad}");
        }
    }
}
