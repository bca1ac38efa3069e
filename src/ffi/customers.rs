//! `/customers` and the sandbox's `/simulator`.

use std::ffi::c_char;

use super::calls;
use super::client::offblocks_client;
use super::error::offblocks_result;
use super::strings::to_json;
use crate::models::{ChallengeSignature, NewCustomer};

/// `POST /customers`: creates a customer from `json_body`
/// (`{"chainId": "eip155:300:0x…", "externalId": "…"}`) and stores the customer as
/// JSON in `*out_json` (with its first `challenge`, base64).
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used. Give your own to resume
/// safely after a crash. `OFFBLOCKS_CONFLICT` when the customer already exists.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated; `out_json`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_customer_create(
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
            |c, body: &NewCustomer, key| c.customers().with_idempotency_key(key).create(body),
        )
    }
}

/// `GET /customers/{id}`: stores the customer as JSON in `*out_json`. `OFFBLOCKS_API`
/// with status 404 when there is no such customer.
///
/// # Safety
/// `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_json` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_customer_get(
    client: *const offblocks_client,
    id: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::query(client, (id, "id"), (out_json, "out_json"), |c, id| {
            to_json(&c.customers().get(id)?)
        })
    }
}

/// `GET /customers`: stores a JSON array of customers in `*out_json`.
///
/// # Safety
/// `client` is a live handle or NULL; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_customer_list(
    client: *const offblocks_client,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe { calls::list(client, out_json, |c| c.customers().list()) }
}

/// `GET /customers/{id}/challenge`: stores the customer's current challenge (base64 of
/// an EIP-4361 message, plain text, not JSON) in `*out_challenge`.
///
/// # Safety
/// `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_challenge` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_customer_challenge(
    client: *const offblocks_client,
    id: *const c_char,
    out_challenge: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::query(
            client,
            (id, "id"),
            (out_challenge, "out_challenge"),
            |c, id| Ok(c.customers().challenge(id)?),
        )
    }
}

/// `POST /customers/{id}/challenge/sign` with a signature made elsewhere: `json_body` is
/// `{"ownerId": "<CAIP-10>", "challenge": "<base64 as issued>", "signature": "<base64>"}`.
/// `OFFBLOCKS_API` with status 400 when the server rejects the signature (it then issues
/// a new challenge).
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_customer_submit_challenge(
    client: *const offblocks_client,
    id: *const c_char,
    json_body: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::action_with_body(
            client,
            id,
            json_body,
            idempotency_key,
            |c, id, body: &ChallengeSignature, key| {
                c.customers()
                    .with_idempotency_key(key)
                    .submit_challenge(id, body)
            },
        )
    }
}

/// `PATCH /customers/{id}/deactivate`.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_customer_deactivate(
    client: *const offblocks_client,
    id: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::action(client, id, idempotency_key, |c, id, key| {
            c.customers().with_idempotency_key(key).deactivate(id)
        })
    }
}

/// Sandbox only: `PATCH /simulator/customers/{id}/verify`, the customer becomes
/// `active`. A live environment answers 404 (`OFFBLOCKS_API`).
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_simulator_verify_customer(
    client: *const offblocks_client,
    id: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::action(client, id, idempotency_key, |c, id, key| {
            c.simulator().with_idempotency_key(key).verify_customer(id)
        })
    }
}

/// Sandbox only: `PATCH /simulator/customers/{id}/reject`, the customer becomes
/// `rejected`.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_simulator_reject_customer(
    client: *const offblocks_client,
    id: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::action(client, id, idempotency_key, |c, id, key| {
            c.simulator().with_idempotency_key(key).reject_customer(id)
        })
    }
}
