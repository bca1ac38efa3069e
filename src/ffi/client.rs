//! The client handle: made from a JSON configuration, shared across threads.

use std::ffi::c_char;
use std::time::Duration;

use serde::Deserialize;
use zeroize::Zeroize;

use super::error::{offblocks_result, Failure};
use super::strings::{redacted, to_json};
use super::{
    arg_opt_str, arg_out, arg_ref, arg_str, boundary, boundary_infallible, put_secret, put_string,
};
use crate::wallet::AccountChallengePolicy;
use crate::{Client, CoveredComponents, DigestAlgorithms, Environment, RetryPolicy, SigningKey};

/// A client of the OffBlocks API (opaque). Made by `offblocks_client_new`, released by
/// `offblocks_client_free`.
///
/// One handle may be used from many threads at once: its calls share one connection
/// pool, one bearer token and one key id. Only `offblocks_client_free` must not run
/// while another call on the same handle is in progress.
pub struct offblocks_client {
    pub(crate) client: Client,
}

/// The JSON configuration of `offblocks_client_new`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ClientConfig {
    base_url: Option<String>,
    environment: Option<String>,
    api_key: Option<String>,
    api_secret: Option<String>,
    signing_key_pem: Option<String>,
    generate_signing_key: Option<bool>,
    key_id: Option<String>,
    connect_timeout_ms: Option<u64>,
    timeout_ms: Option<u64>,
    retry: Option<RetryConfig>,
    user_agent: Option<String>,
    covered_components: Option<Vec<String>>,
    digest: Option<String>,
    clock_skew_secs: Option<i64>,
    follow_server_clock: Option<bool>,
    allow_insecure_http: Option<bool>,
    challenge_domain: Option<String>,
    signature_validity_secs: Option<u64>,
    signature_nonce: Option<bool>,
    signature_label: Option<String>,
    token_refresh_margin_secs: Option<u64>,
    max_clock_correction_secs: Option<u64>,
    call_deadline_ms: Option<u64>,
    account_challenge_policy: Option<String>,
}

impl Drop for ClientConfig {
    fn drop(&mut self) {
        self.api_secret.zeroize();
        self.signing_key_pem.zeroize();
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RetryConfig {
    max_attempts: Option<u32>,
    base_backoff_ms: Option<u64>,
    max_backoff_ms: Option<u64>,
}

fn config_error(message: &str) -> Failure {
    Failure::from(crate::Error::Config(message.to_owned()))
}

/// Builds a client from the JSON configuration (see `offblocks_client_new`).
fn build_client(json: &str) -> Result<Client, Failure> {
    let mut cfg: ClientConfig =
        serde_json::from_str(json).map_err(|e| Failure::json("config_json", redacted(&e)))?;
    let mut b = Client::builder();
    b = match (cfg.base_url.take(), cfg.environment.take().as_deref()) {
        (Some(_), Some(_)) => return Err(config_error("give baseUrl or environment, not both")),
        (Some(url), None) => b.base_url(url),
        (None, Some("live")) => b.environment(Environment::Live),
        (None, Some("sandbox")) | (None, None) => b.environment(Environment::Sandbox),
        (None, Some(_)) => return Err(config_error("environment must be \"live\" or \"sandbox\"")),
    };
    if let (Some(key), Some(secret)) = (cfg.api_key.take(), cfg.api_secret.take()) {
        b = b.credentials(key, secret);
    }
    let key = match (cfg.signing_key_pem.take(), cfg.generate_signing_key) {
        (Some(_), Some(true)) => {
            return Err(config_error(
                "give signingKeyPem or generateSigningKey, not both",
            ))
        }
        (Some(mut pem), _) => {
            let key = SigningKey::from_pem(&pem);
            pem.zeroize();
            Some(key?)
        }
        (None, Some(true)) => Some(SigningKey::generate()?),
        (None, _) => None,
    };
    if let Some(key) = key {
        b = b.signing_key(key);
    }
    if let Some(id) = cfg.key_id.take() {
        b = b.key_id(id);
    }
    if let Some(ms) = cfg.connect_timeout_ms {
        b = b.connect_timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = cfg.timeout_ms {
        b = b.timeout(Duration::from_millis(ms));
    }
    if let Some(r) = cfg.retry.take() {
        let d = RetryPolicy::default();
        b = b.retry(RetryPolicy {
            max_attempts: r.max_attempts.unwrap_or(d.max_attempts),
            base_backoff: r
                .base_backoff_ms
                .map_or(d.base_backoff, Duration::from_millis),
            max_backoff: r
                .max_backoff_ms
                .map_or(d.max_backoff, Duration::from_millis),
        });
    }
    if let Some(ua) = cfg.user_agent.take() {
        b = b.user_agent(ua);
    }
    if let Some(names) = cfg.covered_components.take() {
        b = b.covered_components(CoveredComponents::from_names(&names)?);
    }
    b = b.digest(match cfg.digest.as_deref() {
        None | Some("sha-256") => DigestAlgorithms::Sha256,
        Some("sha-512") => DigestAlgorithms::Sha512,
        Some("both") => DigestAlgorithms::Both,
        Some(_) => {
            return Err(config_error(
                "digest must be \"sha-256\", \"sha-512\" or \"both\"",
            ))
        }
    });
    if let Some(skew) = cfg.clock_skew_secs {
        b = b.clock_skew_secs(skew);
    }
    if let Some(follow) = cfg.follow_server_clock {
        b = b.follow_server_clock(follow);
    }
    b = b.allow_insecure_http(cfg.allow_insecure_http.unwrap_or(false));
    if let Some(domain) = cfg.challenge_domain.take() {
        b = b.challenge_domain(domain);
    }
    b = b.signature_validity(cfg.signature_validity_secs.map(Duration::from_secs));
    b = b.signature_nonce(cfg.signature_nonce.unwrap_or(false));
    if let Some(label) = cfg.signature_label.take() {
        b = b.signature_label(label);
    }
    if let Some(secs) = cfg.token_refresh_margin_secs {
        b = b.token_refresh_margin(Duration::from_secs(secs));
    }
    if let Some(secs) = cfg.max_clock_correction_secs {
        b = b.max_clock_correction(Duration::from_secs(secs));
    }
    if let Some(ms) = cfg.call_deadline_ms {
        b = b.call_deadline(Duration::from_millis(ms));
    }
    if let Some(name) = cfg.account_challenge_policy.take() {
        let policy = AccountChallengePolicy::from_name(&name).ok_or_else(|| {
            config_error("accountChallengePolicy must be \"recognized\" or \"any\"")
        })?;
        b = b.account_challenge_policy(policy);
    }
    Ok(b.build()?)
}

/// Makes a client from a JSON configuration and stores its handle in `*out_client`.
///
/// The configuration is JSON, not a C struct, so that it can grow without breaking the
/// ABI (no struct layout, no versioned struct sizes) and so that the very same string
/// works from C, Python, Swift or Kotlin. Unknown fields are refused, so a typo fails
/// loudly instead of being ignored. Fields (all optional unless noted):
///
/// - `baseUrl` (e.g. `"http://127.0.0.1:8080/v1"`) or `environment` (`"live"` or
///   `"sandbox"`, the default); not both;
/// - `apiKey`, `apiSecret`: required;
/// - `signingKeyPem` (a P-384 private key, SEC1 or PKCS#8 PEM) or
///   `"generateSigningKey": true`: one is required;
/// - `keyId`: the id of an already registered signing key (else call
///   `offblocks_signing_key_register`);
/// - `connectTimeoutMs` (10000), `timeoutMs` (30000);
/// - `retry`: `{"maxAttempts": 4, "baseBackoffMs": 200, "maxBackoffMs": 5000}`;
/// - `userAgent`, `coveredComponents` (e.g. `["@method", "@authority", "@path"]`),
///   `digest` (`"sha-256"`, `"sha-512"` or `"both"`), `clockSkewSecs` (0),
///   `followServerClock` (true: learn the server's time from `Date` headers),
///   `allowInsecureHttp` (false: plain http only to loopback), `challengeDomain` (the
///   API host), `signatureValiditySecs`, `signatureNonce`, `signatureLabel` (`"sig"`),
///   `tokenRefreshMarginSecs` (60);
/// - `maxClockCorrectionSecs` (600): the largest clock correction taken from the
///   server's `Date`; `callDeadlineMs` (90000): how long one call may take in all,
///   retries and waits included; `accountChallengePolicy` (`"recognized"`: sign only a
///   secp256k1 public key in PEM or a UUID; `"any"`: sign any bytes).
///
/// Returns `OFFBLOCKS_INVALID_JSON` for text that is not such an object,
/// `OFFBLOCKS_CONFIG` for missing or contradictory settings, `OFFBLOCKS_KEY` for a bad
/// PEM. Error messages never contain the secret or the key.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out_client` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_new(
    config_json: *const c_char,
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
        let client = build_client(json)?;
        out.write(Box::into_raw(Box::new(offblocks_client { client })));
        Ok(())
    })
}

/// Releases a client. `offblocks_client_free(NULL)` does nothing.
///
/// # Safety
/// `client` is NULL or a handle from `offblocks_client_new`, not freed yet, and not in
/// use by another thread.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_free(client: *mut offblocks_client) {
    boundary_infallible((), || {
        if !client.is_null() {
            // SAFETY: the handle came from `Box::into_raw` and is freed only once.
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Stores in `*out_key_id` the key id the client signs with, or NULL when it has none
/// yet (then `offblocks_signing_key_register` gives it one). Free the string with
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
                arg_ref(client, "client")?,
                arg_out(out_key_id, "out_key_id")?,
            )
        };
        match client.client.key_id() {
            Some(id) => put_string(out, id),
            None => {
                out.write(std::ptr::null_mut());
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
        let (client, key_id) =
            unsafe { (arg_ref(client, "client")?, arg_opt_str(key_id, "key_id")?) };
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
pub unsafe extern "C" fn offblocks_dry_run(
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
                arg_ref(client, "client")?,
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

/// Makes a new random P-384 request-signing key and stores it in `*out_pem` as PKCS#8
/// PEM. The PEM is a secret: store it safely; `offblocks_string_free` wipes it.
///
/// # Safety
/// `out_pem` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signing_key_generate(
    out_pem: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantee above.
        let out = unsafe { arg_out(out_pem, "out_pem")? };
        let key = SigningKey::generate()?;
        let pem = key.to_pkcs8_pem()?;
        put_secret(out, &pem)
    })
}

/// Stores in `*out_pem` the public half (SPKI PEM, `BEGIN PUBLIC KEY`) of the P-384
/// private key `private_pem` (SEC1 or PKCS#8 PEM). `OFFBLOCKS_KEY` when it is not one.
///
/// # Safety
/// `private_pem` is NULL or NUL-terminated; `out_pem` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_signing_key_public_pem(
    private_pem: *const c_char,
    out_pem: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (pem, out) = unsafe {
            (
                arg_str(private_pem, "private_pem")?,
                arg_out(out_pem, "out_pem")?,
            )
        };
        let key = SigningKey::from_pem(pem)?;
        put_string(out, key.public_key_pem())
    })
}
