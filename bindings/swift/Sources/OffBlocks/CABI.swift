import COffBlocks

// Every function of include/offblocks.h this face binds, with the C prototype it was
// written against (parameter names dropped, types spelled as the header spells them) and
// the function itself, as Swift imports it, grouped by the Swift file that calls it. The
// tests compare this table with the header they parse: a function added to the header and
// missing here, or a prototype that changed, fails them with the exact list. Each function
// listed is also called by the face (the tests check that too): listing is not binding.

/// One C function the face binds.
public struct Bound {
    /// `offblocks_result offblocks_customers_list(const offblocks_client *, char **)`.
    public let prototype: String
    /// The function as imported (its Swift type is what the C types map to).
    public let function: Any

    init(_ prototype: String, _ function: Any) {
        self.prototype = prototype
        self.function = function
    }

    /// The function's name.
    public var name: String {
        let head = prototype.prefix { $0 != "(" }
        return String(head.split(separator: " ").last ?? "")
    }
}

public enum CABI {
    /// The bound functions, in header order. A new C function goes here, with its
    /// prototype as `AbiTests` prints it, and is called from the Swift file of its noun
    /// (a new noun gets its own file, as Customers.swift or Wallet.swift).
    public static let bound: [Bound] = [
        // Errors and strings (Errors.swift, Native.swift), versions (Wallet.swift: `OffBlocks`)
        Bound("const char * offblocks_result_name(int32_t)", offblocks_result_name),
        Bound("offblocks_result offblocks_last_error_code()", offblocks_last_error_code),
        Bound("offblocks_error_kind offblocks_last_error_kind()", offblocks_last_error_kind),
        Bound("int64_t offblocks_last_error_retry_after()", offblocks_last_error_retry_after),
        Bound("const char * offblocks_last_error_message()", offblocks_last_error_message),
        Bound("uint16_t offblocks_last_error_status()", offblocks_last_error_status),
        Bound("const char * offblocks_last_error_request_id()", offblocks_last_error_request_id),
        Bound("const char * offblocks_last_error_body()", offblocks_last_error_body),
        Bound("bool offblocks_last_error_retryable()", offblocks_last_error_retryable),
        Bound("const char * offblocks_last_error_reissued_challenge()", offblocks_last_error_reissued_challenge),
        Bound("offblocks_tls_failure offblocks_last_error_tls_failure()", offblocks_last_error_tls_failure),
        Bound("void offblocks_string_free(char *)", offblocks_string_free),
        Bound("const char * offblocks_version()", offblocks_version),
        Bound("uint32_t offblocks_version_num()", offblocks_version_num),
        // The client (Client.swift)
        Bound("offblocks_result offblocks_client_new(const char *, offblocks_client **)", offblocks_client_new),
        Bound("offblocks_result offblocks_client_new_with_observer(const char *, offblocks_observer_fn, void *, offblocks_client **)", offblocks_client_new_with_observer),
        Bound("offblocks_result offblocks_config_defaults(char **)", offblocks_config_defaults),
        Bound("offblocks_result offblocks_client_free(offblocks_client *)", offblocks_client_free),
        Bound("offblocks_result offblocks_client_key_id(const offblocks_client *, char **)", offblocks_client_key_id),
        Bound("offblocks_result offblocks_client_set_key_id(const offblocks_client *, const char *)", offblocks_client_set_key_id),
        Bound("offblocks_result offblocks_client_dry_run(const offblocks_client *, const char *, const char *, const char *, const char *, const char *, char **)", offblocks_client_dry_run),
        // Signing keys (Wallet.swift: `OffBlocks`), `/auth` (Auth.swift)
        Bound("offblocks_result offblocks_signing_key_generate(char **)", offblocks_signing_key_generate),
        Bound("offblocks_result offblocks_signing_key_public_pem(const char *, char **)", offblocks_signing_key_public_pem),
        Bound("offblocks_result offblocks_auth_token(const offblocks_client *, char **)", offblocks_auth_token),
        Bound("offblocks_result offblocks_auth_rotate_credentials(const offblocks_client *, const char *, const char *, const char *)", offblocks_auth_rotate_credentials),
        Bound("offblocks_result offblocks_auth_revoke_credentials(const offblocks_client *, const char *)", offblocks_auth_revoke_credentials),
        Bound("offblocks_result offblocks_auth_register_signing_key(const offblocks_client *, const char *, char **)", offblocks_auth_register_signing_key),
        Bound("offblocks_result offblocks_auth_delete_signing_key(const offblocks_client *, const char *)", offblocks_auth_delete_signing_key),
        // `/customers` (Customers.swift), `/simulator` (Simulator.swift)
        Bound("offblocks_result offblocks_customers_create(const offblocks_client *, const char *, const char *, char **)", offblocks_customers_create),
        Bound("offblocks_result offblocks_customers_get(const offblocks_client *, const char *, char **)", offblocks_customers_get),
        Bound("offblocks_result offblocks_customers_list(const offblocks_client *, char **)", offblocks_customers_list),
        Bound("offblocks_result offblocks_customers_challenge(const offblocks_client *, const char *, char **)", offblocks_customers_challenge),
        Bound("offblocks_result offblocks_customers_submit_challenge(const offblocks_client *, const char *, const char *, const char *)", offblocks_customers_submit_challenge),
        Bound("offblocks_result offblocks_customers_deactivate(const offblocks_client *, const char *, const char *)", offblocks_customers_deactivate),
        Bound("offblocks_result offblocks_simulator_verify_customer(const offblocks_client *, const char *, const char *)", offblocks_simulator_verify_customer),
        Bound("offblocks_result offblocks_simulator_reject_customer(const offblocks_client *, const char *, const char *)", offblocks_simulator_reject_customer),
        // `/accounts` (Accounts.swift)
        Bound("offblocks_result offblocks_accounts_create(const offblocks_client *, const char *, const char *, const char *, char **)", offblocks_accounts_create),
        Bound("offblocks_result offblocks_accounts_get(const offblocks_client *, const char *, char **)", offblocks_accounts_get),
        Bound("offblocks_result offblocks_accounts_list(const offblocks_client *, char **)", offblocks_accounts_list),
        Bound("offblocks_result offblocks_accounts_list_for_customer(const offblocks_client *, const char *, char **)", offblocks_accounts_list_for_customer),
        Bound("offblocks_result offblocks_accounts_challenge(const offblocks_client *, const char *, char **)", offblocks_accounts_challenge),
        Bound("offblocks_result offblocks_accounts_submit_challenge(const offblocks_client *, const char *, const char *, const char *)", offblocks_accounts_submit_challenge),
        Bound("offblocks_result offblocks_accounts_activate(const offblocks_client *, const char *, const char *)", offblocks_accounts_activate),
        Bound("offblocks_result offblocks_accounts_deactivate(const offblocks_client *, const char *, const char *)", offblocks_accounts_deactivate),
        Bound("offblocks_result offblocks_accounts_close(const offblocks_client *, const char *, const char *)", offblocks_accounts_close),
        // `/webhooks` and deliveries (Webhooks.swift, Wallet.swift: `OffBlocks`)
        Bound("offblocks_result offblocks_webhooks_put(const offblocks_client *, const char *, const char *, char **)", offblocks_webhooks_put),
        Bound("offblocks_result offblocks_webhooks_get(const offblocks_client *, const char *, char **)", offblocks_webhooks_get),
        Bound("offblocks_result offblocks_webhooks_list(const offblocks_client *, char **)", offblocks_webhooks_list),
        Bound("offblocks_result offblocks_webhooks_delete(const offblocks_client *, const char *, const char *)", offblocks_webhooks_delete),
        Bound("offblocks_result offblocks_webhook_event_parse(const char *, char **)", offblocks_webhook_event_parse),
        // The webhook inbox (Inbox.swift)
        Bound("offblocks_result offblocks_webhook_inbox_new(const offblocks_client *, const char *, const offblocks_event_store *, offblocks_webhook_inbox **)", offblocks_webhook_inbox_new),
        Bound("offblocks_result offblocks_webhook_inbox_receive(const offblocks_webhook_inbox *, const uint8_t *, size_t, const char *, char **)", offblocks_webhook_inbox_receive),
        Bound("offblocks_result offblocks_webhook_inbox_free(offblocks_webhook_inbox *)", offblocks_webhook_inbox_free),
        // Wallets, signatures, CAIP ids, EIP-4361 (Wallet.swift)
        Bound("offblocks_result offblocks_wallet_new_random(offblocks_wallet **)", offblocks_wallet_new_random),
        Bound("offblocks_result offblocks_wallet_from_hex(const char *, offblocks_wallet **)", offblocks_wallet_from_hex),
        Bound("offblocks_result offblocks_wallet_free(offblocks_wallet *)", offblocks_wallet_free),
        Bound("offblocks_result offblocks_wallet_address(const offblocks_wallet *, char **)", offblocks_wallet_address),
        Bound("offblocks_result offblocks_wallet_account_id(const offblocks_wallet *, const char *, char **)", offblocks_wallet_account_id),
        Bound("offblocks_result offblocks_wallet_sign_personal(const offblocks_wallet *, const uint8_t *, size_t, int, char **)", offblocks_wallet_sign_personal),
        Bound("offblocks_result offblocks_wallet_export_secret_hex(const offblocks_wallet *, char **)", offblocks_wallet_export_secret_hex),
        Bound("offblocks_result offblocks_signature_recover(const uint8_t *, size_t, const char *, char **)", offblocks_signature_recover),
        Bound("offblocks_result offblocks_caip_chain_id_parse(const char *, char **)", offblocks_caip_chain_id_parse),
        Bound("offblocks_result offblocks_caip_account_id_parse(const char *, char **)", offblocks_caip_account_id_parse),
        Bound("offblocks_result offblocks_siwe_parse(const char *, char **)", offblocks_siwe_parse),
        Bound("offblocks_result offblocks_siwe_guard(const char *, const char *, const char *, const char *, int64_t, char **)", offblocks_siwe_guard),
        // Signers (Wallet.swift: `NativeSigner`), onboarding (Client.swift), challenge signing (Customers.swift, Accounts.swift)
        Bound("offblocks_result offblocks_signer_new(const char *, offblocks_sign_fn, void *, offblocks_signer **)", offblocks_signer_new),
        Bound("offblocks_result offblocks_signer_from_wallet(const offblocks_wallet *, offblocks_signer **)", offblocks_signer_from_wallet),
        Bound("offblocks_result offblocks_signer_address(const offblocks_signer *, char **)", offblocks_signer_address),
        Bound("offblocks_result offblocks_signer_free(offblocks_signer *)", offblocks_signer_free),
        // Request signers held outside the process (RequestSigner.swift, Client.swift, Auth.swift), onboarding defaults (Client.swift)
        Bound("offblocks_result offblocks_request_signer_new(const char *, offblocks_request_sign_fn, void *, offblocks_free_fn, offblocks_request_signer **)", offblocks_request_signer_new),
        Bound("offblocks_result offblocks_request_signer_free(offblocks_request_signer *)", offblocks_request_signer_free),
        Bound("offblocks_result offblocks_request_signer_public_pem(const offblocks_request_signer *, char **)", offblocks_request_signer_public_pem),
        Bound("offblocks_result offblocks_client_new_with_request_signer(const char *, const offblocks_request_signer *, offblocks_observer_fn, void *, offblocks_client **)", offblocks_client_new_with_request_signer),
        Bound("offblocks_result offblocks_auth_rotate_signing_key(const offblocks_client *, const char *, const offblocks_request_signer *, const char *, char **)", offblocks_auth_rotate_signing_key),
        Bound("offblocks_result offblocks_onboarding_defaults(char **)", offblocks_onboarding_defaults),
        Bound("offblocks_result offblocks_client_onboard(const offblocks_client *, const char *, const offblocks_signer *, offblocks_progress_fn, void *, char **)", offblocks_client_onboard),
        Bound("offblocks_result offblocks_customers_sign_challenge(const offblocks_client *, const char *, const char *, const char *, const offblocks_signer *, const char *)", offblocks_customers_sign_challenge),
        Bound("offblocks_result offblocks_accounts_sign_challenge(const offblocks_client *, const char *, const char *, const char *, const offblocks_signer *, const char *)", offblocks_accounts_sign_challenge),
    ]

    /// The structs of the header the face fills in, each with its fields as the header
    /// declares them (`type name`, or `ret (*name)(params)` for a function pointer) and a
    /// zeroed value of the struct as Swift imports it (the tests compare its fields' types).
    public static let structs: [BoundStruct] = [
        // The host's event store (Inbox.swift)
        BoundStruct("offblocks_event_store", [
            "void * user_data",
            "int32_t (*seen)(void *, const char *, bool *)",
            "int32_t (*last_handed)(void *, const char *, bool *, int64_t *)",
            "int32_t (*record)(void *, const char *, const char *, int64_t)",
        ], offblocks_event_store()),
    ]
}

/// One C struct the face fills in.
public struct BoundStruct {
    /// `offblocks_event_store`.
    public let name: String
    /// Its fields in order, C types spelled as `Bound.prototype` spells them.
    public let fields: [String]
    /// A zeroed value of the struct as imported.
    public let value: Any

    init(_ name: String, _ fields: [String], _ value: Any) {
        self.name = name
        self.fields = fields
        self.value = value
    }
}
