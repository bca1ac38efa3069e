@file:JvmName("OffblocksAbi")
@file:Suppress("FunctionName", "LocalVariableName")

// Every function of include/offblocks.h, bound with JNA's direct mapping (static native
// methods registered on this file's class by Library.load). AbiTest parses the header and
// fails when a function is missing here, extra, or declared with other types.
//
// Type mapping, the same for every function (see AbiTest.javaTypesFor):
//   offblocks_result, int, int32_t  -> Int            uint16_t -> Short (read as unsigned)
//   bool                            -> Byte (C's bool is one byte; JNA's boolean is an int)
//   int64_t, uint64_t               -> Long           size_t   -> SizeT (32 or 64 bits)
//   const char * (in)               -> ByteArray?     (NUL-terminated UTF-8, see cString)
//   const char * (returned)         -> Pointer?       (library-owned: copied, never freed)
//   char * (to free), handles       -> Pointer?
//   char **, offblocks_<noun> **    -> PointerByReference
//   const offblocks_event_store *   -> Pointer? (a Structure's memory, written first)
//   const uint8_t *                 -> ByteArray?     callbacks -> SignFn, ProgressFn, ObserverFn,
//                                                                  RequestSignFn, FreeFn

package xyz.offblocks.internal

import com.sun.jna.Callback
import com.sun.jna.IntegerType
import com.sun.jna.Native
import com.sun.jna.Pointer
import com.sun.jna.ptr.PointerByReference

/** C's `size_t`: 64 bits on 64-bit ABIs, 32 on armeabi-v7a. */
class SizeT @JvmOverloads constructor(value: Long = 0) : IntegerType(Native.SIZE_T_SIZE, value, true) {
    override fun toByte(): Byte = toLong().toByte()
    override fun toShort(): Short = toLong().toShort()
}

/** `offblocks_sign_fn`: `int32_t (*)(void *user_data, const uint8_t *message, size_t
 * message_len, uint8_t *out_signature)`. */
fun interface SignFn : Callback {
    fun invoke(userData: Pointer?, message: Pointer?, messageLen: SizeT?, outSignature: Pointer?): Int
}

/** `offblocks_progress_fn`: `int32_t (*)(void *user_data, const char *step, const char *status,
 * uint64_t elapsed_ms, const char *message)`; 0 goes on, anything else stops the flow. */
fun interface ProgressFn : Callback {
    fun invoke(userData: Pointer?, step: Pointer?, status: Pointer?, elapsedMs: Long, message: Pointer?): Int
}

/** `offblocks_observer_fn`: `void (*)(void *user_data, const char *attempt_json)`. */
fun interface ObserverFn : Callback {
    fun invoke(userData: Pointer?, attemptJson: Pointer?)
}

/** `offblocks_request_sign_fn`: `int32_t (*)(void *user_data, const uint8_t *base, size_t
 * base_len, uint8_t *out_signature, size_t out_capacity, size_t *out_len)`. */
fun interface RequestSignFn : Callback {
    fun invoke(userData: Pointer?, base: Pointer?, baseLen: SizeT?, outSignature: Pointer?, outCapacity: SizeT?, outLen: Pointer?): Int
}

/** `offblocks_free_fn`: `void (*)(void *user_data)`. */
fun interface FreeFn : Callback {
    fun invoke(userData: Pointer?)
}

// -- errors and strings --------------------------------------------------------------------
external fun offblocks_result_name(code: Int): Pointer?
external fun offblocks_last_error_code(): Int
external fun offblocks_last_error_message(): Pointer?
external fun offblocks_last_error_status(): Short
external fun offblocks_last_error_request_id(): Pointer?
external fun offblocks_last_error_body(): Pointer?
external fun offblocks_last_error_retryable(): Byte
external fun offblocks_last_error_reissued_challenge(): Pointer?
external fun offblocks_last_error_kind(): Int
external fun offblocks_last_error_retry_after(): Long
external fun offblocks_last_error_tls_failure(): Int
external fun offblocks_string_free(s: Pointer?)
external fun offblocks_version(): Pointer?
external fun offblocks_version_num(): Int

// -- client --------------------------------------------------------------------------------
external fun offblocks_client_new(config_json: ByteArray?, out_client: PointerByReference?): Int
external fun offblocks_client_new_with_observer(
    config_json: ByteArray?,
    observer: ObserverFn?,
    user_data: Pointer?,
    out_client: PointerByReference?,
): Int
external fun offblocks_config_defaults(out_json: PointerByReference?): Int
external fun offblocks_onboarding_defaults(out_json: PointerByReference?): Int
external fun offblocks_client_free(client: Pointer?): Int
external fun offblocks_client_key_id(client: Pointer?, out_key_id: PointerByReference?): Int
external fun offblocks_client_set_key_id(client: Pointer?, key_id: ByteArray?): Int
external fun offblocks_client_dry_run(
    client: Pointer?,
    method: ByteArray?,
    path: ByteArray?,
    body: ByteArray?,
    idempotency_key: ByteArray?,
    token: ByteArray?,
    out_json: PointerByReference?,
): Int
external fun offblocks_signing_key_generate(out_pem: PointerByReference?): Int
external fun offblocks_signing_key_public_pem(private_pem: ByteArray?, out_pem: PointerByReference?): Int

// -- auth ----------------------------------------------------------------------------------
external fun offblocks_auth_token(client: Pointer?, out_json: PointerByReference?): Int
external fun offblocks_auth_rotate_credentials(
    client: Pointer?,
    api_key: ByteArray?,
    api_secret: ByteArray?,
    idempotency_key: ByteArray?,
): Int
external fun offblocks_auth_revoke_credentials(client: Pointer?, idempotency_key: ByteArray?): Int
external fun offblocks_auth_register_signing_key(
    client: Pointer?,
    idempotency_key: ByteArray?,
    out_key_id: PointerByReference?,
): Int
external fun offblocks_auth_delete_signing_key(client: Pointer?, idempotency_key: ByteArray?): Int

// -- request signers, key rotation ---------------------------------------------------------
external fun offblocks_request_signer_new(
    public_key_pem: ByteArray?,
    sign: RequestSignFn?,
    user_data: Pointer?,
    free_user_data: FreeFn?,
    out_signer: PointerByReference?,
): Int
external fun offblocks_request_signer_free(signer: Pointer?): Int
external fun offblocks_request_signer_public_pem(signer: Pointer?, out_pem: PointerByReference?): Int
external fun offblocks_client_new_with_request_signer(
    config_json: ByteArray?,
    request_signer: Pointer?,
    observer: ObserverFn?,
    user_data: Pointer?,
    out_client: PointerByReference?,
): Int
external fun offblocks_auth_rotate_signing_key(
    client: Pointer?,
    new_key_pem: ByteArray?,
    new_request_signer: Pointer?,
    idempotency_key: ByteArray?,
    out_key_id: PointerByReference?,
): Int

// -- customers -----------------------------------------------------------------------------
external fun offblocks_customers_create(
    client: Pointer?,
    json_body: ByteArray?,
    idempotency_key: ByteArray?,
    out_json: PointerByReference?,
): Int
external fun offblocks_customers_get(client: Pointer?, id: ByteArray?, out_json: PointerByReference?): Int
external fun offblocks_customers_list(client: Pointer?, out_json: PointerByReference?): Int
external fun offblocks_customers_challenge(client: Pointer?, id: ByteArray?, out_challenge: PointerByReference?): Int
external fun offblocks_customers_submit_challenge(
    client: Pointer?,
    id: ByteArray?,
    json_body: ByteArray?,
    idempotency_key: ByteArray?,
): Int
external fun offblocks_customers_deactivate(client: Pointer?, id: ByteArray?, idempotency_key: ByteArray?): Int
external fun offblocks_simulator_verify_customer(client: Pointer?, id: ByteArray?, idempotency_key: ByteArray?): Int
external fun offblocks_simulator_reject_customer(client: Pointer?, id: ByteArray?, idempotency_key: ByteArray?): Int

// -- accounts ------------------------------------------------------------------------------
external fun offblocks_accounts_create(
    client: Pointer?,
    customer_id: ByteArray?,
    json_body: ByteArray?,
    idempotency_key: ByteArray?,
    out_json: PointerByReference?,
): Int
external fun offblocks_accounts_get(client: Pointer?, id: ByteArray?, out_json: PointerByReference?): Int
external fun offblocks_accounts_list(client: Pointer?, out_json: PointerByReference?): Int
external fun offblocks_accounts_list_for_customer(
    client: Pointer?,
    customer_id: ByteArray?,
    out_json: PointerByReference?,
): Int
external fun offblocks_accounts_challenge(client: Pointer?, id: ByteArray?, out_challenge: PointerByReference?): Int
external fun offblocks_accounts_submit_challenge(
    client: Pointer?,
    id: ByteArray?,
    json_body: ByteArray?,
    idempotency_key: ByteArray?,
): Int
external fun offblocks_accounts_activate(client: Pointer?, id: ByteArray?, idempotency_key: ByteArray?): Int
external fun offblocks_accounts_deactivate(client: Pointer?, id: ByteArray?, idempotency_key: ByteArray?): Int
external fun offblocks_accounts_close(client: Pointer?, id: ByteArray?, idempotency_key: ByteArray?): Int

// -- webhooks ------------------------------------------------------------------------------
external fun offblocks_webhooks_put(
    client: Pointer?,
    json_body: ByteArray?,
    idempotency_key: ByteArray?,
    out_json: PointerByReference?,
): Int
external fun offblocks_webhooks_get(client: Pointer?, id: ByteArray?, out_json: PointerByReference?): Int
external fun offblocks_webhooks_list(client: Pointer?, out_json: PointerByReference?): Int
external fun offblocks_webhooks_delete(client: Pointer?, id: ByteArray?, idempotency_key: ByteArray?): Int
external fun offblocks_webhook_event_parse(body: ByteArray?, out_json: PointerByReference?): Int

// -- webhook inbox -------------------------------------------------------------------------
external fun offblocks_webhook_inbox_new(
    client: Pointer?,
    options_json: ByteArray?,
    store: Pointer?,
    out_inbox: PointerByReference?,
): Int
external fun offblocks_webhook_inbox_receive(
    inbox: Pointer?,
    body: ByteArray?,
    body_len: SizeT?,
    headers_json: ByteArray?,
    out_json: PointerByReference?,
): Int
external fun offblocks_webhook_inbox_free(inbox: Pointer?): Int

// -- wallets and signatures ----------------------------------------------------------------
external fun offblocks_wallet_new_random(out_wallet: PointerByReference?): Int
external fun offblocks_wallet_from_hex(private_key_hex: ByteArray?, out_wallet: PointerByReference?): Int
external fun offblocks_wallet_free(wallet: Pointer?): Int
external fun offblocks_wallet_address(wallet: Pointer?, out_address: PointerByReference?): Int
external fun offblocks_wallet_account_id(wallet: Pointer?, chain: ByteArray?, out_account_id: PointerByReference?): Int
external fun offblocks_wallet_sign_personal(
    wallet: Pointer?,
    message: ByteArray?,
    message_len: SizeT?,
    encoding: Int,
    out_signature: PointerByReference?,
): Int
external fun offblocks_wallet_export_secret_hex(wallet: Pointer?, out_hex: PointerByReference?): Int
external fun offblocks_signature_recover(
    message: ByteArray?,
    message_len: SizeT?,
    signature: ByteArray?,
    out_address: PointerByReference?,
): Int

// -- CAIP, EIP-4361 ------------------------------------------------------------------------
external fun offblocks_caip_chain_id_parse(text: ByteArray?, out_json: PointerByReference?): Int
external fun offblocks_caip_account_id_parse(text: ByteArray?, out_json: PointerByReference?): Int
external fun offblocks_siwe_parse(text: ByteArray?, out_json: PointerByReference?): Int
external fun offblocks_siwe_guard(
    challenge_b64: ByteArray?,
    wallet_address: ByteArray?,
    customer_caip10: ByteArray?,
    expected_domain: ByteArray?,
    now_unix: Long,
    out_json: PointerByReference?,
): Int

// -- signers, onboarding, challenge signing ------------------------------------------------
external fun offblocks_signer_new(
    address: ByteArray?,
    sign: SignFn?,
    user_data: Pointer?,
    out_signer: PointerByReference?,
): Int
external fun offblocks_signer_from_wallet(wallet: Pointer?, out_signer: PointerByReference?): Int
external fun offblocks_signer_address(signer: Pointer?, out_address: PointerByReference?): Int
external fun offblocks_signer_free(signer: Pointer?): Int
external fun offblocks_client_onboard(
    client: Pointer?,
    request_json: ByteArray?,
    signer: Pointer?,
    progress: ProgressFn?,
    user_data: Pointer?,
    out_json: PointerByReference?,
): Int
external fun offblocks_customers_sign_challenge(
    client: Pointer?,
    customer_json: ByteArray?,
    expected_owner: ByteArray?,
    expected_chain: ByteArray?,
    signer: Pointer?,
    idempotency_key: ByteArray?,
): Int
external fun offblocks_accounts_sign_challenge(
    client: Pointer?,
    account_json: ByteArray?,
    owner_caip10: ByteArray?,
    expected_chain: ByteArray?,
    signer: Pointer?,
    idempotency_key: ByteArray?,
): Int
