//! The calls that would talk to the API: made only with the clients of the dictionary
//! (the closed port) or NULL, so each fails before a request, or at its connection.

use std::ffi::c_char;
use std::ptr;

use offblocks::ffi::*;

use super::checks::{self, check_rc};
use super::pick;

type ClientOut =
    unsafe extern "C" fn(*const offblocks_client, *mut *mut c_char) -> offblocks_result;
type ClientTextOut = unsafe extern "C" fn(
    *const offblocks_client,
    *const c_char,
    *mut *mut c_char,
) -> offblocks_result;
type ClientText2 =
    unsafe extern "C" fn(*const offblocks_client, *const c_char, *const c_char) -> offblocks_result;
type ClientText3 = unsafe extern "C" fn(
    *const offblocks_client,
    *const c_char,
    *const c_char,
    *const c_char,
) -> offblocks_result;
type ClientText2Out = unsafe extern "C" fn(
    *const offblocks_client,
    *const c_char,
    *const c_char,
    *mut *mut c_char,
) -> offblocks_result;

/// API calls `(client, out)`.
const CLIENT_OUT: [ClientOut; 4] = [
    offblocks_customers_list,
    offblocks_accounts_list,
    offblocks_webhooks_list,
    offblocks_auth_token,
];

/// API calls `(client, id, out)`.
const CLIENT_TEXT_OUT: [ClientTextOut; 7] = [
    offblocks_customers_get,
    offblocks_customers_challenge,
    offblocks_accounts_get,
    offblocks_accounts_list_for_customer,
    offblocks_accounts_challenge,
    offblocks_webhooks_get,
    offblocks_signing_key_register_compat,
];

/// API calls `(client, id, idempotency_key)` and `(client, key, secret)`.
const CLIENT_TEXT2: [ClientText2; 8] = [
    offblocks_customers_deactivate,
    offblocks_simulator_verify_customer,
    offblocks_simulator_reject_customer,
    offblocks_accounts_activate,
    offblocks_accounts_deactivate,
    offblocks_accounts_close,
    offblocks_webhooks_delete,
    offblocks_auth_revoke_compat,
];

/// API calls `(client, id, body, idempotency_key)` and credential rotation.
const CLIENT_TEXT3: [ClientText3; 3] = [
    offblocks_customers_submit_challenge,
    offblocks_accounts_submit_challenge,
    offblocks_auth_rotate_credentials,
];

/// API calls `(client, body, idempotency_key, out)`.
const CLIENT_TEXT2_OUT: [ClientText2Out; 3] = [
    offblocks_customers_create,
    offblocks_webhooks_put,
    offblocks_account_create_default,
];

/// `offblocks_auth_register_signing_key` in the `(client, id, out)` shape.
unsafe extern "C" fn offblocks_signing_key_register_compat(
    client: *const offblocks_client,
    idempotency_key: *const c_char,
    out: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: forwarded from the caller.
    unsafe { offblocks_auth_register_signing_key(client, idempotency_key, out) }
}

/// `offblocks_auth_revoke_credentials` and `offblocks_auth_delete_signing_key` in the
/// `(client, text, text)` shape: the first text chooses which.
unsafe extern "C" fn offblocks_auth_revoke_compat(
    client: *const offblocks_client,
    which: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        if which.is_null() {
            offblocks_auth_revoke_credentials(client, idempotency_key)
        } else {
            offblocks_auth_delete_signing_key(client, idempotency_key)
        }
    }
}

/// `offblocks_accounts_create` for a customer id given as `body`, body NULL (the default
/// account).
unsafe extern "C" fn offblocks_account_create_default(
    client: *const offblocks_client,
    customer_id: *const c_char,
    idempotency_key: *const c_char,
    out: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: forwarded from the caller; the body may be NULL.
    unsafe { offblocks_accounts_create(client, customer_id, ptr::null(), idempotency_key, out) }
}

impl super::Ops<'_> {
    pub(super) fn api_client_out(&mut self) {
        let f = CLIENT_OUT[usize::from(self.input.byte()) % CLIENT_OUT.len()];
        let client = pick(&mut self.input, &self.clients);
        let mut out = self.input.out_string();
        // SAFETY: NULL or a live handle, a NULL or writable out-pointer.
        let rc = unsafe { f(client, out.ptr()) };
        out.finish(rc, client.is_null(), true);
    }

    pub(super) fn api_client_text_out(&mut self) {
        let i = usize::from(self.input.byte()) % CLIENT_TEXT_OUT.len();
        let client = pick(&mut self.input, &self.clients);
        let id = self.text();
        let mut out = self.input.out_string();
        // SAFETY: NULL or a live handle, a NULL or NUL-terminated string, a NULL or
        // writable out-pointer.
        let rc = unsafe { CLIENT_TEXT_OUT[i](client, id.ptr(), out.ptr()) };
        // The last one (key registration) takes an optional idempotency key.
        let id_required = i + 1 != CLIENT_TEXT_OUT.len();
        out.finish(rc, client.is_null() || (id_required && id.is_null()), false);
    }

    pub(super) fn api_client_text2(&mut self) {
        let i = usize::from(self.input.byte()) % CLIENT_TEXT2.len();
        let client = pick(&mut self.input, &self.clients);
        let [id, key] = [(); 2].map(|_| self.text());
        // SAFETY: NULL or a live handle, NULL or NUL-terminated strings.
        let rc = unsafe { CLIENT_TEXT2[i](client, id.ptr(), key.ptr()) };
        let id_required = i + 1 != CLIENT_TEXT2.len();
        check_rc(rc, client.is_null() || (id_required && id.is_null()));
    }

    pub(super) fn api_client_text3(&mut self) {
        let i = usize::from(self.input.byte()) % CLIENT_TEXT3.len();
        let client = pick(&mut self.input, &self.clients);
        let [a, b, key] = [(); 3].map(|_| self.text());
        // SAFETY: NULL or a live handle, NULL or NUL-terminated strings.
        let rc = unsafe { CLIENT_TEXT3[i](client, a.ptr(), b.ptr(), key.ptr()) };
        check_rc(rc, client.is_null() || a.is_null() || b.is_null());
    }

    pub(super) fn api_client_text2_out(&mut self) {
        let i = usize::from(self.input.byte()) % CLIENT_TEXT2_OUT.len();
        let client = pick(&mut self.input, &self.clients);
        let [body, key] = [(); 2].map(|_| self.text());
        let mut out = self.input.out_string();
        // SAFETY: NULL or a live handle, NULL or NUL-terminated strings, a NULL or
        // writable out-pointer.
        let rc = unsafe { CLIENT_TEXT2_OUT[i](client, body.ptr(), key.ptr(), out.ptr()) };
        out.finish(rc, client.is_null() || body.is_null(), true);
    }

    /// Signs a customer's or an account's challenge: the guard, the signer callback and
    /// the signature check run before the submission fails on the closed port.
    pub(super) fn sign_challenge(&mut self) {
        let customer = self.input.one_in(2);
        let client = pick(&mut self.input, &self.clients);
        let signer = pick(&mut self.input, &self.signers);
        let [json, owner, chain, key] = [(); 4].map(|_| self.text());
        // SAFETY: NULL or live handles, NULL or NUL-terminated strings.
        let rc = unsafe {
            if customer {
                offblocks_customers_sign_challenge(
                    client,
                    json.ptr(),
                    owner.ptr(),
                    chain.ptr(),
                    signer,
                    key.ptr(),
                )
            } else {
                offblocks_accounts_sign_challenge(
                    client,
                    json.ptr(),
                    owner.ptr(),
                    chain.ptr(),
                    signer,
                    key.ptr(),
                )
            }
        };
        let required_null = client.is_null() || signer.is_null() || json.is_null();
        check_rc(rc, required_null || (!customer && owner.is_null()));
    }

    pub(super) fn onboard(&mut self) {
        let client = pick(&mut self.input, &self.clients);
        let signer = pick(&mut self.input, &self.signers);
        let request = self.text();
        let progress: offblocks_progress_fn =
            self.input.one_in(2).then_some(checks::progress_callback);
        let mut out = self.input.out_string();
        // SAFETY: NULL or live handles, a NULL or NUL-terminated string, a callback
        // following `offblocks_progress_fn`, a NULL or writable out-pointer.
        let rc = unsafe {
            offblocks_client_onboard(
                client,
                request.ptr(),
                signer,
                progress,
                ptr::null_mut(),
                out.ptr(),
            )
        };
        let required_null = client.is_null() || signer.is_null() || request.is_null();
        out.finish(rc, required_null, true);
    }
}
