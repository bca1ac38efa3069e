//! The sandbox's `/simulator`: verifying or rejecting a customer.

use std::ffi::c_char;

use super::calls;
use super::client::offblocks_client;
use super::error::offblocks_result;

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
