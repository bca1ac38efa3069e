//! `/auth`: the bearer token, the API credentials and the request-signing key.

use std::ffi::c_char;

use super::client::offblocks_client;
use super::error::offblocks_result;
use super::{arg_handle, arg_opt_str, arg_out, arg_str, boundary, put_secret, put_string};

/// `POST /auth/token`: fetches a fresh bearer token now (calls fetch and refresh tokens
/// by themselves; this is for inspection) and stores in `*out_json` an object
/// `{"token": "…", "expiresAt": <unix seconds>, "tokenType": "Bearer"}`.
///
/// The token is a secret: `offblocks_string_free` wipes it. `OFFBLOCKS_API` with status
/// 401 for wrong credentials.
///
/// # Safety
/// `client` is a live handle or NULL; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_auth_token(
    client: *const offblocks_client,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_out(out_json, "out_json")?,
            )
        };
        let token = client.client.auth().token()?;
        let json = zeroize::Zeroizing::new(
            serde_json::json!({
                "token": token.value.expose(),
                "expiresAt": token.expires_at,
                "tokenType": token.token_type,
            })
            .to_string(),
        );
        put_secret(out, &json)
    })
}

/// `PUT /auth/credentials`: replaces the API key and secret. Every token is invalidated
/// and the client switches to the new credentials; on failure it keeps the old ones.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_auth_rotate_credentials(
    client: *const offblocks_client,
    api_key: *const c_char,
    api_secret: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, api_key, api_secret, key) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(api_key, "api_key")?,
                arg_str(api_secret, "api_secret")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        client
            .client
            .auth()
            .with_idempotency_key(key)
            .rotate_credentials(api_key, api_secret)?;
        Ok(())
    })
}

/// `DELETE /auth/credentials`: revokes API access for the client's credentials.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; `idempotency_key` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_auth_revoke_credentials(
    client: *const offblocks_client,
    idempotency_key: *const c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, key) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        client
            .client
            .auth()
            .with_idempotency_key(key)
            .revoke_credentials()?;
        Ok(())
    })
}

/// `PUT /auth/signing`: registers the public half of the client's signing key and makes
/// the returned key id the one the client signs with. Stores the key id in
/// `*out_key_id` (free it with `offblocks_string_free`).
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; `idempotency_key` is NULL or NUL-terminated;
/// `out_key_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_auth_register_signing_key(
    client: *const offblocks_client,
    idempotency_key: *const c_char,
    out_key_id: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, key, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
                arg_out(out_key_id, "out_key_id")?,
            )
        };
        let key_id = client
            .client
            .auth()
            .with_idempotency_key(key)
            .register_signing_key()?;
        put_string(out, key_id)
    })
}

/// `DELETE /auth/signing`: removes the registered signing key; the client forgets its
/// key id, and signed calls fail with `OFFBLOCKS_CONFIG` until a key is registered again.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; `idempotency_key` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_auth_delete_signing_key(
    client: *const offblocks_client,
    idempotency_key: *const c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, key) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        client
            .client
            .auth()
            .with_idempotency_key(key)
            .delete_signing_key()?;
        Ok(())
    })
}
