"""The C ABI of ``include/offblocks.h`` as ctypes sees it: its types and, in
:data:`FUNCTIONS`, ``restype`` and ``argtypes`` for every function.

``tests/test_abi.py`` parses the header and fails when a function is missing here or
declared differently. :mod:`offblocks._native` loads the library with these declarations
and is the only module that calls it.
"""

from __future__ import annotations

from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Any

#: `offblocks_result` (a C enum): an int.
RESULT = c_int
#: Opaque handles (`offblocks_client *`, `offblocks_wallet *`…).
HANDLE = c_void_p
#: `offblocks_client **` and other out-parameters for handles.
HANDLE_OUT = POINTER(c_void_p)
#: `char **`: a library-owned string, read then released with `offblocks_string_free`.
#: It is a `c_void_p` (not `c_char_p`) so that the pointer itself stays available to free.
STRING_OUT = POINTER(c_void_p)
#: `const uint8_t *`.
BYTES_IN = POINTER(c_uint8)

#: `int32_t (*offblocks_sign_fn)(void *user_data, const uint8_t *msg, size_t len,
#: uint8_t out_sig[65])`.
SIGN_FN = CFUNCTYPE(c_int32, c_void_p, POINTER(c_uint8), c_size_t, POINTER(c_uint8))
#: `int32_t (*offblocks_progress_fn)(void *user_data, const char *step, const char *status,
#: uint64_t elapsed_ms, const char *message)`: 0 goes on, anything else stops the flow.
#: (Declared void, the callback would leave whatever the register held as its answer.)
PROGRESS_FN = CFUNCTYPE(c_int32, c_void_p, c_char_p, c_char_p, c_uint64, c_char_p)
#: `void (*offblocks_observer_fn)(void *user_data, const char *attempt_json)`.
OBSERVER_FN = CFUNCTYPE(None, c_void_p, c_char_p)
#: `int32_t (*offblocks_request_sign_fn)(void *user_data, const uint8_t *base,
#: size_t base_len, uint8_t *out_signature, size_t out_capacity, size_t *out_len)`.
REQUEST_SIGN_FN = CFUNCTYPE(
    c_int32, c_void_p, POINTER(c_uint8), c_size_t, POINTER(c_uint8), c_size_t, POINTER(c_size_t)
)
#: `void (*offblocks_free_fn)(void *user_data)`.
FREE_FN = CFUNCTYPE(None, c_void_p)

#: The three functions of `offblocks_event_store`: `seen`, `last_handed`, `record`.
STORE_SEEN_FN = CFUNCTYPE(c_int32, c_void_p, c_char_p, POINTER(c_bool))
STORE_LAST_FN = CFUNCTYPE(c_int32, c_void_p, c_char_p, POINTER(c_bool), POINTER(c_int64))
STORE_RECORD_FN = CFUNCTYPE(c_int32, c_void_p, c_char_p, c_char_p, c_int64)


class EVENT_STORE(Structure):
    """`offblocks_event_store`: the host's event store as three callbacks."""

    _fields_ = [
        ("user_data", c_void_p),
        ("seen", STORE_SEEN_FN),
        ("last_handed", STORE_LAST_FN),
        ("record", STORE_RECORD_FN),
    ]


#: The structs the header passes by pointer, by C name.
STRUCTS: dict[str, Any] = {"offblocks_event_store": EVENT_STORE}

#: name -> (restype, argtypes), for every function of include/offblocks.h.
FUNCTIONS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    # errors
    "offblocks_result_name": (c_char_p, (c_int32,)),
    "offblocks_last_error_code": (RESULT, ()),
    "offblocks_last_error_message": (c_char_p, ()),
    "offblocks_last_error_status": (c_uint16, ()),
    "offblocks_last_error_request_id": (c_char_p, ()),
    "offblocks_last_error_body": (c_char_p, ()),
    "offblocks_last_error_retryable": (c_bool, ()),
    "offblocks_last_error_reissued_challenge": (c_char_p, ()),
    "offblocks_last_error_kind": (c_int, ()),
    "offblocks_last_error_retry_after": (c_int64, ()),
    "offblocks_last_error_tls_failure": (c_int, ()),
    # strings
    "offblocks_string_free": (None, (c_void_p,)),
    "offblocks_version": (c_char_p, ()),
    "offblocks_version_num": (c_uint32, ()),
    # client
    "offblocks_client_new": (RESULT, (c_char_p, HANDLE_OUT)),
    "offblocks_client_new_with_observer": (RESULT, (c_char_p, OBSERVER_FN, c_void_p, HANDLE_OUT)),
    "offblocks_config_defaults": (RESULT, (STRING_OUT,)),
    "offblocks_onboarding_defaults": (RESULT, (STRING_OUT,)),
    "offblocks_client_free": (RESULT, (HANDLE,)),
    "offblocks_client_key_id": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_client_set_key_id": (RESULT, (HANDLE, c_char_p)),
    "offblocks_client_dry_run": (
        RESULT,
        (HANDLE, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, STRING_OUT),
    ),
    "offblocks_signing_key_generate": (RESULT, (STRING_OUT,)),
    "offblocks_signing_key_public_pem": (RESULT, (c_char_p, STRING_OUT)),
    # auth
    "offblocks_auth_token": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_auth_rotate_credentials": (RESULT, (HANDLE, c_char_p, c_char_p, c_char_p)),
    "offblocks_auth_revoke_credentials": (RESULT, (HANDLE, c_char_p)),
    "offblocks_auth_register_signing_key": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_auth_delete_signing_key": (RESULT, (HANDLE, c_char_p)),
    # customers
    "offblocks_customers_create": (RESULT, (HANDLE, c_char_p, c_char_p, STRING_OUT)),
    "offblocks_customers_get": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_customers_list": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_customers_challenge": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_customers_submit_challenge": (RESULT, (HANDLE, c_char_p, c_char_p, c_char_p)),
    "offblocks_customers_deactivate": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_simulator_verify_customer": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_simulator_reject_customer": (RESULT, (HANDLE, c_char_p, c_char_p)),
    # accounts
    "offblocks_accounts_create": (RESULT, (HANDLE, c_char_p, c_char_p, c_char_p, STRING_OUT)),
    "offblocks_accounts_get": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_accounts_list": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_accounts_list_for_customer": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_accounts_challenge": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_accounts_submit_challenge": (RESULT, (HANDLE, c_char_p, c_char_p, c_char_p)),
    "offblocks_accounts_activate": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_accounts_deactivate": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_accounts_close": (RESULT, (HANDLE, c_char_p, c_char_p)),
    # webhooks
    "offblocks_webhooks_put": (RESULT, (HANDLE, c_char_p, c_char_p, STRING_OUT)),
    "offblocks_webhooks_get": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_webhooks_list": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_webhooks_delete": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_webhook_event_parse": (RESULT, (c_char_p, STRING_OUT)),
    # webhook inbox
    "offblocks_webhook_inbox_new": (RESULT, (HANDLE, c_char_p, POINTER(EVENT_STORE), HANDLE_OUT)),
    "offblocks_webhook_inbox_receive": (RESULT, (HANDLE, BYTES_IN, c_size_t, c_char_p, STRING_OUT)),
    "offblocks_webhook_inbox_free": (RESULT, (HANDLE,)),
    # wallet
    "offblocks_wallet_new_random": (RESULT, (HANDLE_OUT,)),
    "offblocks_wallet_from_hex": (RESULT, (c_char_p, HANDLE_OUT)),
    "offblocks_wallet_free": (RESULT, (HANDLE,)),
    "offblocks_wallet_address": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_wallet_account_id": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_wallet_sign_personal": (RESULT, (HANDLE, BYTES_IN, c_size_t, c_int, STRING_OUT)),
    "offblocks_wallet_export_secret_hex": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_signature_recover": (RESULT, (BYTES_IN, c_size_t, c_char_p, STRING_OUT)),
    # CAIP, EIP-4361
    "offblocks_caip_chain_id_parse": (RESULT, (c_char_p, STRING_OUT)),
    "offblocks_caip_account_id_parse": (RESULT, (c_char_p, STRING_OUT)),
    "offblocks_siwe_parse": (RESULT, (c_char_p, STRING_OUT)),
    "offblocks_siwe_guard": (
        RESULT,
        (c_char_p, c_char_p, c_char_p, c_char_p, c_int64, STRING_OUT),
    ),
    # signers
    "offblocks_signer_new": (RESULT, (c_char_p, SIGN_FN, c_void_p, HANDLE_OUT)),
    "offblocks_signer_from_wallet": (RESULT, (HANDLE, HANDLE_OUT)),
    "offblocks_signer_address": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_signer_free": (RESULT, (HANDLE,)),
    # request signers, key rotation
    "offblocks_request_signer_new": (
        RESULT,
        (c_char_p, REQUEST_SIGN_FN, c_void_p, FREE_FN, HANDLE_OUT),
    ),
    "offblocks_request_signer_free": (RESULT, (HANDLE,)),
    "offblocks_request_signer_public_pem": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_client_new_with_request_signer": (
        RESULT,
        (c_char_p, HANDLE, OBSERVER_FN, c_void_p, HANDLE_OUT),
    ),
    "offblocks_auth_rotate_signing_key": (
        RESULT,
        (HANDLE, c_char_p, HANDLE, c_char_p, STRING_OUT),
    ),
    # onboarding, challenge signing
    "offblocks_client_onboard": (
        RESULT,
        (HANDLE, c_char_p, HANDLE, PROGRESS_FN, c_void_p, STRING_OUT),
    ),
    "offblocks_customers_sign_challenge": (
        RESULT,
        (HANDLE, c_char_p, c_char_p, c_char_p, HANDLE, c_char_p),
    ),
    "offblocks_accounts_sign_challenge": (
        RESULT,
        (HANDLE, c_char_p, c_char_p, c_char_p, HANDLE, c_char_p),
    ),
}
