//! `/accounts` and `/customers/{id}/accounts`.

use std::ffi::c_char;

use super::calls;
use super::client::offblocks_client;
use super::error::offblocks_result;
use super::signer::offblocks_signer;
use super::strings::{parse_strict, to_json};
use super::{arg_handle, arg_opt_str, arg_out, arg_str, boundary, put_string};
use crate::models::{Account, ChallengeSignature, NewAccount};
use crate::wallet::AccountId;

/// `POST /customers/{customer_id}/accounts`: opens an account for an `active` customer
/// and stores it as JSON in `*out_json` (with its `challenge`). `json_body` is
/// `{"type": "card_account", "currencies": ["EUR"]}`, or NULL for exactly that.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated; `out_json`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_create(
    client: *const offblocks_client,
    customer_id: *const c_char,
    json_body: *const c_char,
    idempotency_key: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, customer_id, body, key, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(customer_id, "customer_id")?,
                arg_opt_str(json_body, "json_body")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
                arg_out(out_json, "out_json")?,
            )
        };
        let body: NewAccount = match body {
            Some(text) => parse_strict(text, "json_body")?,
            None => NewAccount::default(),
        };
        let account = client
            .client
            .accounts()
            .with_idempotency_key(key)
            .create(customer_id, &body)?;
        put_string(out, to_json(&account)?)
    })
}

/// `GET /accounts/{id}`: stores the account as JSON in `*out_json`.
///
/// # Safety
/// `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_json` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_get(
    client: *const offblocks_client,
    id: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::query(client, (id, "id"), (out_json, "out_json"), |c, id| {
            to_json(&c.accounts().get(id)?)
        })
    }
}

/// `GET /accounts`: stores a JSON array of every account in `*out_json`.
///
/// # Safety
/// `client` is a live handle or NULL; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_list(
    client: *const offblocks_client,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe { calls::list(client, out_json, |c| c.accounts().list()) }
}

/// `GET /customers/{customer_id}/accounts`: stores a JSON array of the customer's
/// accounts in `*out_json`.
///
/// # Safety
/// `client` is a live handle or NULL; `customer_id` is NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_list_for_customer(
    client: *const offblocks_client,
    customer_id: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::query(
            client,
            (customer_id, "customer_id"),
            (out_json, "out_json"),
            |c, id| to_json(&c.accounts().list_for_customer(id)?),
        )
    }
}

/// `GET /accounts/{id}/challenge`: a new challenge for the account (earlier ones stop
/// working), stored as base64 text (not JSON) in `*out_challenge`.
///
/// # Safety
/// `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_challenge` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_challenge(
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
            |c, id| Ok(c.accounts().challenge(id)?),
        )
    }
}

/// `POST /accounts/{id}/challenge/sign` with a signature made elsewhere: `json_body` is
/// `{"ownerId": "<CAIP-10>", "challenge": "<base64 as issued>", "signature": "<base64>"}`.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_submit_challenge(
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
                c.accounts()
                    .with_idempotency_key(key)
                    .submit_challenge(id, body)
            },
        )
    }
}

/// `PATCH /accounts/{id}/activate`.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_activate(
    client: *const offblocks_client,
    id: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::action(client, id, idempotency_key, |c, id, key| {
            c.accounts().with_idempotency_key(key).activate(id)
        })
    }
}

/// `PATCH /accounts/{id}/deactivate`.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_deactivate(
    client: *const offblocks_client,
    id: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::action(client, id, idempotency_key, |c, id, key| {
            c.accounts().with_idempotency_key(key).deactivate(id)
        })
    }
}

/// `DELETE /accounts/{id}`: closes the account (final).
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_close(
    client: *const offblocks_client,
    id: *const c_char,
    idempotency_key: *const c_char,
) -> offblocks_result {
    // SAFETY: same contract as this function's.
    unsafe {
        calls::action(client, id, idempotency_key, |c, id, key| {
            c.accounts().with_idempotency_key(key).close(id)
        })
    }
}

/// Signs the account's challenge with `signer` and submits it
/// (`POST /accounts/{id}/challenge/sign`). `account_json` is the account as
/// `offblocks_accounts_create` or `offblocks_accounts_get` returned it (its `challenge` is
/// used when present, else a new one is fetched); `owner_caip10` is the customer's
/// `chainId`, whose address must be the signer's (else `OFFBLOCKS_CHALLENGE_REFUSED`).
///
/// `expected_chain` (CAIP-2, `"eip155:300"`) may be NULL; when given, an owner on
/// another chain is refused (`OFFBLOCKS_CHALLENGE_REFUSED`, nothing signed): for an
/// owner read from the server's customer object rather than known by the caller.
///
/// `idempotency_key` (a UUID) may be NULL: a fresh one is used.
///
/// # Safety
/// `client` and `signer` are live handles or NULL; the strings are NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn offblocks_accounts_sign_challenge(
    client: *const offblocks_client,
    account_json: *const c_char,
    owner_caip10: *const c_char,
    expected_chain: *const c_char,
    signer: *const offblocks_signer,
    idempotency_key: *const c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (client, account, owner, chain, signer, key) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(account_json, "account_json")?,
                arg_str(owner_caip10, "owner_caip10")?,
                arg_opt_str(expected_chain, "expected_chain")?,
                arg_handle(signer, "signer")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        let account: Account = parse_strict(account, "account_json")?;
        let owner = AccountId::parse(owner)?;
        let options = calls::expected(None, chain)?;
        client
            .client
            .accounts()
            .with_idempotency_key(key)
            .sign_challenge(&account, &owner, signer.signer.as_ref(), &options)?;
        Ok(())
    })
}
