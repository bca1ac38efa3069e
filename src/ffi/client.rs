//! The client handle: made from a JSON configuration, shared across threads.

use std::ffi::{c_char, c_void, CString};
use std::ptr;

use serde_json::{Map, Value};
use zeroize::{Zeroize, Zeroizing};

use super::error::{offblocks_result, Failure};
use super::handle::{self, Handle};
use super::strings::{redacted, to_json};
use super::{arg_handle, arg_opt_str, arg_out, arg_str, boundary, put_string};
use crate::config::json::INVALID_SETTING;
use crate::{Attempt, Client, Config, SigningKey};

/// A client of the OffBlocks API (opaque). Made by `offblocks_client_new`, released by
/// `offblocks_client_free`.
///
/// One handle may be used from many threads at once: its calls share one connection
/// pool, one bearer token and one key id. `offblocks_client_free` refuses a client in
/// use by a call in progress (`OFFBLOCKS_HANDLE_IN_USE`).
pub struct offblocks_client {
    pub(crate) client: Client,
}

impl Handle for offblocks_client {
    const TAG: u64 = u64::from_be_bytes(*b"obclient");
    const NOUN: &'static str = "client";
}

/// What the JSON configuration holds besides the settings of [`Config`]: who we are and
/// the signing key. Taken out of the object before the rest becomes a `Config`.
struct Identity {
    api_key: Option<String>,
    api_secret: Option<Zeroizing<String>>,
    signing_key_pem: Option<Zeroizing<String>>,
    generate_signing_key: bool,
}

impl Identity {
    /// Removes the identity keys from `object`, refusing values of the wrong type.
    fn take(object: &mut Map<String, Value>) -> Result<Identity, Failure> {
        let mut text = |name: &str| match object.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(Zeroizing::new(s))),
            Some(mut other) => {
                wipe(&mut other);
                Err(Failure::json(
                    "config_json",
                    format!("{name} must be a string"),
                ))
            }
        };
        let api_key = text("apiKey")?.map(|k| k.to_string());
        let api_secret = text("apiSecret")?;
        let signing_key_pem = text("signingKeyPem")?;
        let generate_signing_key = match object.remove("generateSigningKey") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(_) => {
                return Err(Failure::json(
                    "config_json",
                    "generateSigningKey must be true or false",
                ))
            }
        };
        Ok(Identity {
            api_key,
            api_secret,
            signing_key_pem,
            generate_signing_key,
        })
    }
}

/// Overwrites every string inside `value` (a secret given with the wrong type).
fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        _ => {}
    }
}

fn config_error(message: &str) -> Failure {
    Failure::from(crate::Error::Config(message.to_owned()))
}

/// Told about every attempt of every call of a client made by
/// `offblocks_client_new_with_observer`: `attempt_json` is one object `{"method",
/// "path", "attempt", "status", "error", "durationMs", "requestId", "idempotencyKey"}`
/// (`status` is null when no response came, `error` then says why; `requestId` is the
/// server's, successful calls included). Never a token, a body or a query.
///
/// Called on the thread making the call, after each attempt, possibly from many threads
/// at once when the client is shared: make it quick and thread-safe. The string is valid
/// only during the call; `user_data` is the pointer given with the function.
///
/// It runs under no lock of the library and may call it, this client included. One such
/// call fails at once with `OFFBLOCKS_INVALID_INPUT` instead of waiting for itself: a
/// call needing a token, made while the observer is told about its own thread's token
/// fetch (`"path"` ending in `/auth/token`). `offblocks_client_free` of this client
/// from inside it is refused (`OFFBLOCKS_HANDLE_IN_USE`).
pub type offblocks_observer_fn =
    Option<unsafe extern "C-unwind" fn(user_data: *mut c_void, attempt_json: *const c_char)>;

/// The host's observer and its pointer, callable from any thread: the host promised,
/// by `offblocks_client_new_with_observer`'s contract, that both may be used from any
/// thread for as long as the client lives.
struct HostObserver {
    callback: unsafe extern "C-unwind" fn(*mut c_void, *const c_char),
    user_data: *mut c_void,
}

// SAFETY: the contract of `offblocks_client_new_with_observer` makes the function and
// `user_data` usable from any thread while the client lives.
unsafe impl Send for HostObserver {}
// SAFETY: as above; the observer only ever reads the pointer.
unsafe impl Sync for HostObserver {}

impl HostObserver {
    fn tell(&self, attempt: &Attempt) {
        let Ok(json) = serde_json::to_string(attempt) else {
            return;
        };
        // serde_json escapes control characters: the text holds no NUL.
        let text = CString::new(json).unwrap_or_default();
        // SAFETY: the host's function, called as `offblocks_observer_fn` documents, with
        // a string that lives until it returns.
        unsafe { (self.callback)(self.user_data, text.as_ptr()) }
    }
}

/// Builds a client from the JSON configuration (see `offblocks_client_new`): the
/// identity keys, then every other key deserialized into [`Config`] itself.
fn build_client(
    json: &str,
    observer: Option<HostObserver>,
    external: Option<SigningKey>,
) -> Result<Client, Failure> {
    let mut object = match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => map,
        Ok(mut other) => {
            wipe(&mut other);
            return Err(Failure::json("config_json", "expected a JSON object"));
        }
        Err(e) => return Err(Failure::json("config_json", redacted(&e))),
    };
    let identity = Identity::take(&mut object);
    if object.contains_key("baseUrl") && object.contains_key("environment") {
        return Err(config_error("give baseUrl or environment, not both"));
    }
    let identity = identity?;
    // Our own setting errors never echo a value; serde's may, so they are redacted.
    let config: Config = serde_json::from_value(Value::Object(object)).map_err(|e| {
        match e.to_string().strip_prefix(INVALID_SETTING) {
            Some(why) => config_error(why),
            None => Failure::json("config_json", redacted(&e)),
        }
    })?;
    let mut b = Client::builder().config(config);
    if let (Some(key), Some(secret)) = (identity.api_key, &identity.api_secret) {
        b = b.credentials(key, secret.as_str());
    }
    let key = match (&identity.signing_key_pem, identity.generate_signing_key) {
        (None, false) if external.is_some() => external,
        (_, _) if external.is_some() => {
            return Err(config_error(
                "a client with a request signer takes neither signingKeyPem nor \
                 generateSigningKey",
            ))
        }
        (Some(_), true) => {
            return Err(config_error(
                "give signingKeyPem or generateSigningKey, not both",
            ))
        }
        (Some(pem), false) => Some(SigningKey::from_pem(pem)?),
        (None, true) => Some(SigningKey::generate()?),
        (None, false) => None,
    };
    if let Some(key) = key {
        b = b.signing_key(key);
    }
    if let Some(observer) = observer {
        b = b.observer(move |attempt| observer.tell(attempt));
    }
    Ok(b.build()?)
}

/// [`build_client`] with the request-signing key `key` and the host's observer.
pub(crate) fn build_client_with_key(
    json: &str,
    key: Option<SigningKey>,
    observer: offblocks_observer_fn,
    user_data: *mut c_void,
) -> Result<Client, Failure> {
    let observer = observer.map(|callback| HostObserver {
        callback,
        user_data,
    });
    build_client(json, observer, key)
}

/// Makes a client from a JSON configuration and stores its handle in `*out_client`.
///
/// The configuration is JSON, not a C struct, so that it can grow without breaking the
/// ABI (no struct layout, no versioned struct sizes) and so that the very same string
/// works from C, Python, Swift or Kotlin. Unknown fields are refused, so a typo fails
/// loudly instead of being ignored.
///
/// Who the client is: `apiKey` and `apiSecret` (required), and the P-384 signing key,
/// `signingKeyPem` (SEC1 or PKCS#8 PEM) or `"generateSigningKey": true` (one is
/// required).
///
/// Every other field is a setting, all optional: `offblocks_config_defaults` lists each
/// with its default. `baseUrl` (e.g. `"http://127.0.0.1:8080/v1"`) or `environment`
/// (`"live"`, `"sandbox"`), not both; `keyId` (an already registered signing key, else
/// call `offblocks_auth_register_signing_key`); `connectTimeoutMs`, `timeoutMs`,
/// `callDeadlineMs` (one call in all, retries and waits included); `retry`
/// (`{"maxAttempts", "baseBackoffMs", "maxBackoffMs"}`); `userAgent`; `proxy`
/// (`"http://[user:password@]host:port"`, HTTPS tunnelled with CONNECT) or
/// `"proxyFromEnv": true` (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`…; the environment is
/// not read otherwise); `coveredComponents` (e.g. `["@method", "@authority",
/// "@path"]`); `digest` (`"sha-256"`, `"sha-512"` or `"both"`); `signatureValiditySecs`,
/// `signatureNonce`, `signatureLabel`; `clockSkewSecs`, `followServerClock`,
/// `maxClockCorrectionSecs` (the largest correction taken from the server's `Date`);
/// `tokenRefreshMarginSecs`; `allowInsecureHttp` (plain http to a non-loopback host);
/// `challengeDomain` (the domain a customer challenge must name; the API host by
/// default); `challengeClockToleranceSecs` (the clock difference allowed when a customer
/// challenge's times are checked, 60 by default); `accountChallengePolicy` (`"recognized"`: sign only a secp256k1 public key
/// in PEM or a UUID; `"any"`: sign any bytes).
///
/// Returns `OFFBLOCKS_INVALID_JSON` for text that is not such an object (unknown field,
/// wrong type), `OFFBLOCKS_CONFIG` for missing, contradictory or unknown setting values, `OFFBLOCKS_KEY` for a bad
/// PEM. Error messages never contain the secret or the key.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out_client` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_new(
    config_json: *const c_char,
    out_client: *mut *mut offblocks_client,
) -> offblocks_result {
    // SAFETY: the caller's guarantees, which are those of this call without observer.
    unsafe { offblocks_client_new_with_observer(config_json, None, ptr::null_mut(), out_client) }
}

/// As `offblocks_client_new`, with `observer` told about every attempt of every call
/// the client makes (see `offblocks_observer_fn`): method, path, attempt number, status
/// or transport error, duration, request id and Idempotency-Key. `observer` may be NULL
/// (then this is `offblocks_client_new`).
///
/// # Safety
/// As `offblocks_client_new`; `observer` is NULL or a function as documented at
/// `offblocks_observer_fn`, and it and `user_data` stay usable, from any thread, until
/// `offblocks_client_free` returns.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_new_with_observer(
    config_json: *const c_char,
    observer: offblocks_observer_fn,
    user_data: *mut c_void,
    out_client: *mut *mut offblocks_client,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (json, out) = unsafe {
            (
                arg_str(config_json, "config_json")?,
                arg_out(out_client, "out_client")?,
            )
        };
        let observer = observer.map(|callback| HostObserver {
            callback,
            user_data,
        });
        let client = build_client(json, observer, None)?;
        out.write(handle::into_raw(offblocks_client { client }));
        Ok(())
    })
}

/// Stores in `*out_json` every setting of the JSON configuration of
/// `offblocks_client_new` with its default value (`null` where there is none), e.g.
/// `{"environment": "sandbox", "timeoutMs": 30000, …}`. The identity fields (`apiKey`,
/// `apiSecret`, `signingKeyPem`, `generateSigningKey`) and `baseUrl` (another name for
/// a custom `environment`) are not listed. Free the string with `offblocks_string_free`.
///
/// # Safety
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_config_defaults(out_json: *mut *mut c_char) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantee above.
        let out = unsafe { arg_out(out_json, "out_json")? };
        put_string(out, to_json(&Config::default())?)
    })
}

/// Releases a client. `offblocks_client_free(NULL)` does nothing and returns
/// `OFFBLOCKS_OK`.
///
/// Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call on it is
/// in progress (from one of that call's callbacks, or from another thread: free it after
/// the call returns); `OFFBLOCKS_INVALID_HANDLE` for a handle freed already or of
/// another type.
///
/// # Safety
/// Any value is checked before use (see "Handles" in the preamble): only an address
/// freed and since given to a new handle of the same type cannot be told from it.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_free(client: *mut offblocks_client) -> offblocks_result {
    handle::free(client, "client")
}

/// Stores in `*out_key_id` the key id the client signs with, or NULL when it has none
/// yet (then `offblocks_auth_register_signing_key` gives it one). Free the string with
/// `offblocks_string_free`.
///
/// # Safety
/// `client` is a live handle or NULL; `out_key_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_key_id(
    client: *const offblocks_client,
    out_key_id: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_out(out_key_id, "out_key_id")?,
            )
        };
        match client.client.key_id() {
            Some(id) => put_string(out, id),
            None => {
                out.write(ptr::null_mut());
                Ok(())
            }
        }
    })
}

/// Sets the key id the client signs with (for a key registered earlier), or forgets it
/// when `key_id` is NULL.
///
/// # Safety
/// `client` is a live handle or NULL; `key_id` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_set_key_id(
    client: *const offblocks_client,
    key_id: *const c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, key_id) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_opt_str(key_id, "key_id")?,
            )
        };
        client.client.set_key_id(key_id.map(str::to_owned));
        Ok(())
    })
}

/// Shows, without sending anything, exactly what a request would carry. Stores in
/// `*out_json` an object `{"method", "url", "headers": [[name, value], …],
/// "signatureBase"}`. The headers include the bearer token: treat the result as secret.
///
/// `method` is `GET`, `POST`, `PUT`, `PATCH` or `DELETE`; `path` is relative to the base
/// URL (`"/customers"`), with an optional query. `body` (JSON text), `idempotency_key`
/// (a UUID; mutations get a fresh one when NULL) and `token` (when NULL the client's
/// token is used, fetched if needed) may be NULL.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_dry_run(
    client: *const offblocks_client,
    method: *const c_char,
    path: *const c_char,
    body: *const c_char,
    idempotency_key: *const c_char,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, method, path, body, key, token, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(method, "method")?,
                arg_str(path, "path")?,
                arg_opt_str(body, "body")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
                arg_opt_str(token, "token")?,
                arg_out(out_json, "out_json")?,
            )
        };
        let body = body.map(str::as_bytes);
        let prepared = client.client.dry_run(method, path, body, key, token)?;
        let json = serde_json::json!({
            "method": prepared.method,
            "url": prepared.url,
            "headers": prepared.headers,
            "signatureBase": prepared.signature_base,
        });
        put_string(out, to_json(&json)?)
    })
}
