//! The whole onboarding flow in one call, and the defaults of its request.

use std::ffi::{c_char, c_void, CString};
use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::offblocks_client;
use super::error::{offblocks_result, Failure};
use super::signer::offblocks_signer;
use super::strings::to_json;
use super::{arg_handle, arg_out, arg_str, boundary, put_string};
use crate::config::json::INVALID_SETTING;
use crate::onboarding::{OnboardingRequest, Progress};

/// Called by `offblocks_client_onboard` after each step, on the calling thread: `step` is a
/// stable snake_case name (`create_customer`, `sign_customer_challenge`,
/// `verify_customer`, `wait_customer`, `create_account`, `sign_account_challenge`,
/// `wait_account`, `done`), `status` the resource's status after it, `elapsed_ms` the
/// time since the flow started, `message` a short description. The strings are valid
/// only during the call; `user_data` is the pointer given to `offblocks_client_onboard`. It is
/// also called at each poll while the flow waits (`wait_customer`, `wait_account`, with
/// the status seen).
///
/// Return 0 to go on. Any other value stops the flow there: `offblocks_client_onboard` returns
/// `OFFBLOCKS_CANCELLED`, and calling it again later with the same request and signer
/// resumes, creating nothing twice (a screen the user left, a job being shut down).
pub type offblocks_progress_fn = Option<
    unsafe extern "C-unwind" fn(
        user_data: *mut c_void,
        step: *const c_char,
        status: *const c_char,
        elapsed_ms: u64,
        message: *const c_char,
    ) -> i32,
>;

/// `"wait"`: poll until done (the default), or return as soon as the flow waits on
/// OffBlocks. Not a field of [`OnboardingRequest`]: in Rust it is the choice between
/// `onboard` and `onboard_or_wait`.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum Wait {
    Finish,
    ReturnWhenWaiting,
}

/// The JSON key of [`Wait`] in `request_json`.
const WAIT_KEY: &str = "wait";

/// Reads `request_json`: a JSON object that is an [`OnboardingRequest`] plus `"wait"`.
/// A `null` value stands for the key's default.
fn parse_request(text: &str) -> Result<(OnboardingRequest, Wait), Failure> {
    let value: Value = serde_json::from_str(text).map_err(|e| Failure::json("request_json", e))?;
    let Value::Object(mut object) = value else {
        return Err(Failure::json("request_json", "expected a JSON object"));
    };
    object.retain(|_, v| !v.is_null());
    let wait = match object.remove(WAIT_KEY) {
        Some(w) => serde_json::from_value(w).map_err(|e| Failure::json("request_json", e))?,
        None => Wait::Finish,
    };
    let request = serde_json::from_value(Value::Object(object)).map_err(|e| {
        match e.to_string().strip_prefix(INVALID_SETTING) {
            Some(why) => Failure::invalid(format!("request_json: {why}")),
            None => Failure::json("request_json", e),
        }
    })?;
    Ok((request, wait))
}

/// Stores in `*out_json` every optional key of `offblocks_client_onboard`'s `request_json` with
/// its default (`null` where there is none): `{"simulateVerification": null, "account":
/// {"type": "card_account", "currencies": ["EUR"]}, "timeoutMs": 120000,
/// "pollIntervalMs": 100, "maxPollIntervalMs": 30000, "wait": "finish"}`. The required
/// `externalId` and `chain` are not listed. Free the string with `offblocks_string_free`.
///
/// # Safety
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_onboarding_defaults(
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantee above.
        let out = unsafe { arg_out(out_json, "out_json")? };
        let mut defaults = OnboardingRequest::defaults_json();
        let wait = serde_json::to_value(Wait::Finish)
            .map_err(|_| Failure::decode("cannot encode the defaults as JSON"))?;
        defaults.insert(WAIT_KEY.to_owned(), wait);
        put_string(out, to_json(&defaults)?)
    })
}

/// A C string for a callback; a NUL byte (never expected) becomes U+FFFD.
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{fffd}")).unwrap_or_default()
}

/// Runs the whole onboarding flow with `signer` as the customer's wallet: creates the
/// customer (or picks it up if it exists), checks and signs its challenge, has the
/// sandbox verify it when asked, waits until it is `active`, opens the account (or
/// picks up an open one), signs its challenge, and waits until the account is `active`.
/// Stores `{"customer": {…}, "account": {…}}` in `*out_json`.
///
/// `request_json`: `{"externalId": "…", "chain": "eip155:300"}` and optionally, each
/// with the default `offblocks_onboarding_defaults` lists (`null` stands for it):
/// `"simulateVerification"` (unset: on against the sandbox and a loopback emulator, off
/// elsewhere; `true` against production is `OFFBLOCKS_INVALID_INPUT`), `"account"`
/// (`{"type": "card_account", "currencies": ["EUR"]}`), `"timeoutMs"`,
/// `"pollIntervalMs"`, `"maxPollIntervalMs"`, `"wait"` (`"finish"`, or
/// `"returnWhenWaiting"`: instead of polling while OffBlocks has the next
/// move, return at once with `{"state": "waiting", "step": "wait_customer" |
/// "wait_account", "customer": {…}, "account": {…} | null}`, or `{"state": "done",
/// "customer": {…}, "account": {…}}` at the end; call again with the same request and
/// signer to continue, after a webhook or a restart).
///
/// Every step is resumable: after a crash, calling again with the same request and
/// signer continues where the flow stopped, creating nothing twice. `progress` (may be
/// NULL) is called after each step with `user_data`, and may stop the flow
/// (`OFFBLOCKS_CANCELLED`). Blocks until done:
/// `OFFBLOCKS_TIMEOUT` when statuses do not change in time, `OFFBLOCKS_STATE` for a
/// rejected customer or failed account, `OFFBLOCKS_SIGNER` when the signer fails.
///
/// # Safety
/// `client` and `signer` are live handles or NULL; `request_json` is NULL or
/// NUL-terminated; `progress` is NULL or a function as documented at
/// `offblocks_progress_fn`; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_client_onboard(
    client: *const offblocks_client,
    request_json: *const c_char,
    signer: *const offblocks_signer,
    progress: offblocks_progress_fn,
    user_data: *mut c_void,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, request, signer, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(request_json, "request_json")?,
                arg_handle(signer, "signer")?,
                arg_out(out_json, "out_json")?,
            )
        };
        let (request, wait) = parse_request(request)?;
        let mut report = |p: &Progress| {
            let Some(callback) = progress else {
                return ControlFlow::Continue(());
            };
            let (step, status, message) = (
                c_text(p.step.as_str()),
                c_text(&p.status),
                c_text(&p.message),
            );
            let elapsed = u64::try_from(p.elapsed.as_millis()).unwrap_or(u64::MAX);
            // SAFETY: the host's function, called as its type documents, with
            // strings that live until it returns. A panic in it (possible only for
            // a C-unwind function written in Rust) reaches the panic boundary.
            let code = unsafe {
                callback(
                    user_data,
                    step.as_ptr(),
                    status.as_ptr(),
                    elapsed,
                    message.as_ptr(),
                )
            };
            match code {
                0 => ControlFlow::Continue(()),
                _ => ControlFlow::Break(()),
            }
        };
        if wait == Wait::ReturnWhenWaiting {
            let state =
                client
                    .client
                    .onboard_or_wait(&request, signer.signer.as_ref(), &mut report)?;
            return put_string(out, to_json(&state)?);
        }
        let onboarded = client
            .client
            .onboard(&request, signer.signer.as_ref(), &mut report)?;
        put_string(out, to_json(&onboarded)?)
    })
}
