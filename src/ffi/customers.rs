//! `/customers` and the sandbox's `/simulator`.

use std::ffi::c_char;

use super::client::offblocks_client;
use super::error::offblocks_result;
use super::strings::{parse_strict, to_json};
use super::{arg_opt_str, arg_out, arg_ref, arg_str, boundary, put_string};
use crate::api::{Customers, Simulator};
use crate::models::{ChallengeSignature, NewCustomer};
use crate::Client;

fn customers<'a>(client: &'a Client, idempotency_key: Option<&str>) -> Customers<'a> {
    match idempotency_key {
        Some(key) => client.customers().idempotency_key(key),
        None => client.customers(),
    }
}

fn simulator<'a>(client: &'a Client, idempotency_key: Option<&str>) -> Simulator<'a> {
    match idempotency_key {
        Some(key) => client.simulator().idempotency_key(key),
        None => client.simulator(),
    }
}

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
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, body, key, out) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(json_body, "json_body")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
                arg_out(out_json, "out_json")?,
            )
        };
        let body: NewCustomer = parse_strict(body, "json_body")?;
        let customer = customers(&client.client, key).create(&body)?;
        put_string(out, to_json(&customer)?)
    })
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
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, id, out) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(id, "id")?,
                arg_out(out_json, "out_json")?,
            )
        };
        let customer = client.client.customers().get(id)?;
        put_string(out, to_json(&customer)?)
    })
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
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, out) = unsafe { (arg_ref(client, "client")?, arg_out(out_json, "out_json")?) };
        let list = client.client.customers().list()?;
        put_string(out, to_json(&list)?)
    })
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
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, id, out) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(id, "id")?,
                arg_out(out_challenge, "out_challenge")?,
            )
        };
        put_string(out, client.client.customers().challenge(id)?)
    })
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
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, id, body, key) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(id, "id")?,
                arg_str(json_body, "json_body")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        let body: ChallengeSignature = parse_strict(body, "json_body")?;
        customers(&client.client, key).submit_challenge(id, &body)?;
        Ok(())
    })
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
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, id, key) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(id, "id")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        customers(&client.client, key).deactivate(id)?;
        Ok(())
    })
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
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, id, key) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(id, "id")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        simulator(&client.client, key).verify_customer(id)?;
        Ok(())
    })
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
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, id, key) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(id, "id")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        simulator(&client.client, key).reject_customer(id)?;
        Ok(())
    })
}
