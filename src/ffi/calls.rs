//! The shapes the resource functions share (customers, accounts, webhooks, simulator):
//! each helper is the whole body of an exported function — boundary, argument checks in
//! the order of the parameters, the call, the out-parameter — so that each export only
//! says which call it makes.

use std::ffi::c_char;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::offblocks_client;
use super::error::{offblocks_result, Failure};
use super::strings::{parse_strict, to_json};
use super::{arg_handle, arg_opt_str, arg_out, arg_str, boundary, put_string};
use crate::api::ChallengeOptions;
use crate::wallet::{AccountId, ChainId};
use crate::Client;

/// `(client, out)`: a query of the whole collection, stored as JSON in `*out`.
///
/// # Safety
/// `client` is a live handle or NULL; `out` is NULL or writable.
pub(crate) unsafe fn list<T: Serialize>(
    client: *const offblocks_client,
    out: *mut *mut c_char,
    call: impl FnOnce(&Client) -> crate::Result<T>,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: forwarded from the exported function's caller.
        let (client, out) = unsafe { (arg_handle(client, "client")?, arg_out(out, "out_json")?) };
        put_string(out, to_json(&call(&client.client)?)?)
    })
}

/// `(client, id, out)`: a query of one resource (or of what belongs to it), its answer
/// stored in `*out` as the text `call` makes of it.
///
/// # Safety
/// `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out` is NULL or
/// writable.
pub(crate) unsafe fn query(
    client: *const offblocks_client,
    (id, id_name): (*const c_char, &'static str),
    (out, out_name): (*mut *mut c_char, &'static str),
    call: impl FnOnce(&Client, &str) -> Result<String, Failure>,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: forwarded from the exported function's caller.
        let (client, id, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(id, id_name)?,
                arg_out(out, out_name)?,
            )
        };
        put_string(out, call(&client.client, id)?)
    })
}

/// `(client, id, idempotency_key)`: a mutation of one resource that answers nothing
/// (the `PATCH`es and `DELETE`s).
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
pub(crate) unsafe fn action(
    client: *const offblocks_client,
    id: *const c_char,
    idempotency_key: *const c_char,
    call: impl FnOnce(&Client, &str, Option<&str>) -> crate::Result<()>,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: forwarded from the exported function's caller.
        let (client, id, key) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(id, "id")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        call(&client.client, id, key).map_err(Failure::from)
    })
}

/// `(client, id, json_body, idempotency_key)`: a mutation of one resource with a JSON
/// body (read strictly into `B`) that answers nothing (the challenge submissions).
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
pub(crate) unsafe fn action_with_body<B: DeserializeOwned + Serialize>(
    client: *const offblocks_client,
    id: *const c_char,
    json_body: *const c_char,
    idempotency_key: *const c_char,
    call: impl FnOnce(&Client, &str, &B, Option<&str>) -> crate::Result<()>,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: forwarded from the exported function's caller.
        let (client, id, body, key) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(id, "id")?,
                arg_str(json_body, "json_body")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
            )
        };
        let body: B = parse_strict(body, "json_body")?;
        call(&client.client, id, &body, key).map_err(Failure::from)
    })
}

/// `(client, json_body, idempotency_key, out)`: a creation from a JSON body (read
/// strictly into `B`), the created resource stored as JSON in `*out`.
///
/// # Safety
/// `client` is a live handle or NULL; the strings are NULL or NUL-terminated; `out` is
/// NULL or writable.
pub(crate) unsafe fn create<B: DeserializeOwned + Serialize, T: Serialize>(
    client: *const offblocks_client,
    json_body: *const c_char,
    idempotency_key: *const c_char,
    out: *mut *mut c_char,
    call: impl FnOnce(&Client, &B, Option<&str>) -> crate::Result<T>,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: forwarded from the exported function's caller.
        let (client, body, key, out) = unsafe {
            (
                arg_handle(client, "client")?,
                arg_str(json_body, "json_body")?,
                arg_opt_str(idempotency_key, "idempotency_key")?,
                arg_out(out, "out_json")?,
            )
        };
        let body: B = parse_strict(body, "json_body")?;
        put_string(out, to_json(&call(&client.client, &body, key)?)?)
    })
}

/// The options stating the owner and the chain a challenge-signing caller expects.
pub(super) fn expected(
    owner: Option<&str>,
    chain: Option<&str>,
) -> Result<ChallengeOptions, Failure> {
    let mut options = ChallengeOptions::new();
    if let Some(owner) = owner {
        options = options.owner(AccountId::parse(owner)?);
    }
    if let Some(chain) = chain {
        options = options.chain(ChainId::parse(chain)?);
    }
    Ok(options)
}
