//! `/customers`: customers and their challenges.

use std::ffi::c_char;

use super::calls;
use super::client::offblocks_client;
use super::error::offblocks_result;
use super::signer::offblocks_signer;
use super::strings::{parse_strict, to_json};
use super::{arg_handle, arg_opt_str, arg_str, boundary};
use crate::models::{ChallengeSignature, Customer, NewCustomer};

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
pub unsafe extern "C" fn offblocks_customers_create(
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
pub unsafe extern "C" fn offblocks_customers_get(
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
pub unsafe extern "C" fn offblocks_customers_list(
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
pub unsafe extern "C" fn offblocks_customers_challenge(
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
pub unsafe extern "C" fn offblocks_customers_submit_challenge(
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
pub unsafe extern "C" fn offblocks_customers_deactivate(
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

/// Signs the customer's challenge with `signer` and submits it
/// (`POST /customers/{id}/challenge/sign`). `customer_json` is the customer as
/// `offblocks_customers_create` or `offblocks_customers_get` returned it; its `challenge`
/// is used when present, else the current one is fetched.
///
/// Before signing, the challenge is checked as `offblocks_siwe_guard` does (the domain
/// must be the client's `challengeDomain`, by default the API host):
/// `OFFBLOCKS_CHALLENGE_REFUSED` and nothing signed when it fails. An expired challenge
/// is fetched again once. `OFFBLOCKS_CHALLENGE_REJECTED` when the server refuses the
/// signature; `offblocks_last_error_reissued_challenge()` then gives the new challenge.
///
/// What the caller expects of the customer, so that the server's `customer_json` does
/// not decide alone who signs: `expected_owner`, a CAIP-10 account id
/// (`"eip155:300:0x…"`), and `expected_chain`, a CAIP-2 chain id (`"eip155:300"`); either
/// or both may be NULL (not checked). The customer's `chainId` must be `expected_owner`
/// and on `expected_chain`, else `OFFBLOCKS_CHALLENGE_REFUSED` (the customer is not the
/// one asked for) and nothing is signed. The owner's address must be the signer's in any
/// case, so `expected_chain` with the signer states the whole owner.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` and `signer` are live handles or NULL; the strings are NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_customers_sign_challenge(
    client: *const offblocks_client,
    customer_json: *const c_char,
    expected_owner: *const c_char,
    expected_chain: *const c_char,
    signer: *const offblocks_signer,
    idempotency_key: *const c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, customer, owner, chain, signer, key) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(customer_json, "customer_json")?,
                arg_opt_str(expected_owner, "expected_owner")?,
                arg_opt_str(expected_chain, "expected_chain")?,
                arg_handle(signer, "signer")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        let customer: Customer = parse_strict(customer, "customer_json")?;
        let options = calls::expected(owner, chain)?;
        client
            .client
            .customers()
            .with_idempotency_key(key)
            .sign_challenge(&customer, signer.signer.as_ref(), &options)?;
        Ok(())
    })
}
