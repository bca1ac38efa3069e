/*
 * The network half of the C tests, against the local emulator (offblocks-sandbox): every
 * endpoint function, signing with a host callback, onboarding, and the server's 4xx
 * answers (unknown ids, conflicts, bad signatures, wrong keys, wrong credentials).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>

#include "test_support.h"

static char base[512], key[256], secret[256];
/* `,"caFile":"…"` when the emulator serves HTTPS (OFFBLOCKS_CA_FILE), else "". */
static char trust[700];

/* A client on the emulator; `extra` is appended inside the JSON object. */
static offblocks_client *new_client(const char *api_secret, const char *extra) {
    char config[2560], url[600], k[300], s[300];
    offblocks_client *client = NULL;
    json_quote(url, sizeof url, base);
    json_quote(k, sizeof k, key);
    json_quote(s, sizeof s, api_secret);
    snprintf(config, sizeof config,
             "{\"baseUrl\":%s,\"apiKey\":%s,\"apiSecret\":%s,\"generateSigningKey\":true,"
             "\"retry\":{\"maxAttempts\":2,\"baseBackoffMs\":10,\"maxBackoffMs\":50}%s%s}",
             url, k, s, trust, extra);
    CHECK_RC(offblocks_client_new(config, &client), OFFBLOCKS_OK);
    return client;
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Polls GET /accounts/{id} until `active` (the emulator activates after a few polls). */
static int wait_active(offblocks_client *client, const char *account_id) {
    for (int i = 0; i < 50; i++) {
        char *json = NULL;
        if (CHECK_RC(offblocks_accounts_get(client, account_id, &json), OFFBLOCKS_OK) != OFFBLOCKS_OK) {
            return 0;
        }
        int active = has(json, "\"status\":\"active\"");
        offblocks_string_free(json);
        if (active) {
            return 1;
        }
        sleep_ms(20);
    }
    return 0;
}

static int32_t on_progress(void *user_data, const char *step, const char *status,
                           uint64_t elapsed_ms, const char *message) {
    int *steps = user_data;
    (*steps)++;
    printf("  onboarding: %-24s %-10s %5llu ms  %s\n", step, status,
           (unsigned long long)elapsed_ms, message);
    return 0;
}

/* Stops the flow once the customer exists: a screen the user left. */
static int32_t stop_after_customer(void *user_data, const char *step, const char *status,
                                   uint64_t elapsed_ms, const char *message) {
    (void)user_data;
    (void)status;
    (void)elapsed_ms;
    (void)message;
    return strcmp(step, "create_customer") == 0 ? 1 : 0;
}

struct shared {
    offblocks_client *client;
    const char *customer_id;
    int failures;
};

static void *reader(void *arg) {
    struct shared *shared = arg;
    for (int i = 0; i < 5; i++) {
        char *json = NULL;
        if (offblocks_customers_get(shared->client, shared->customer_id, &json) != OFFBLOCKS_OK ||
            offblocks_customers_get(shared->client, "missing", &json) != OFFBLOCKS_API ||
            offblocks_last_error_status() != 404) {
            __atomic_add_fetch(&shared->failures, 1, __ATOMIC_SEQ_CST);
        }
        offblocks_string_free(json);
    }
    return NULL;
}

/* Customers and accounts step by step, with the host's callback as the signer. */
static void customers_and_accounts(offblocks_client *client) {
    offblocks_wallet *host_key = NULL;
    offblocks_signer *signer = NULL, *failing = NULL;
    char *owner = NULL, *json = NULL, *out = NULL, body[4096];
    char customer_id[128], account_id[128], address[64];
    CHECK_RC(offblocks_wallet_new_random(&host_key), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_account_id(host_key, "eip155:300", &owner), OFFBLOCKS_OK);
    snprintf(address, sizeof address, "%s", strrchr(owner, ':') + 1);
    struct host_wallet good = {host_key, 0}, bad = {host_key, 1};
    CHECK_RC(offblocks_signer_new(address, host_sign, &good, &signer), OFFBLOCKS_OK);
    CHECK_RC(offblocks_signer_new(address, host_sign, &bad, &failing), OFFBLOCKS_OK);

    snprintf(body, sizeof body, "{\"chainId\":\"%s\",\"externalId\":\"c-%s\"}", owner, address);
    CHECK_RC(offblocks_customers_create(client, body, NULL, &json), OFFBLOCKS_OK);
    CHECK(json_string(json, "id", customer_id, sizeof customer_id));
    offblocks_string_free(json);
    CHECK_RC(offblocks_customers_create(client, body, NULL, &json), OFFBLOCKS_CONFLICT);
    CHECK(offblocks_last_error_status() == 409);
    CHECK(offblocks_last_error_kind() == OFFBLOCKS_ERROR_KIND_CONFLICT);
    CHECK(offblocks_last_error_retry_after() == -1);
    CHECK(offblocks_last_error_body() != NULL && offblocks_last_error_request_id() != NULL);
    CHECK_RC(offblocks_customers_create(client, "{\"chainId\":\"x\"}", NULL, &json), OFFBLOCKS_INVALID_JSON);
    CHECK(offblocks_last_error_kind() == OFFBLOCKS_ERROR_KIND_INVALID_INPUT);
    CHECK_RC(offblocks_customers_create(client, body, "not-a-uuid", &json), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_customers_get(client, "no-such-customer", &json), OFFBLOCKS_API);
    CHECK(offblocks_last_error_status() == 404);
    CHECK(offblocks_last_error_kind() == OFFBLOCKS_ERROR_KIND_NOT_FOUND);
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_OK);
    CHECK(offblocks_last_error_kind() == OFFBLOCKS_ERROR_KIND_NONE);
    CHECK(has(json, customer_id));
    offblocks_string_free(json);
    CHECK_RC(offblocks_customers_challenge(client, customer_id, &out), OFFBLOCKS_OK);
    snprintf(body, sizeof body, "{\"ownerId\":\"%s\",\"challenge\":\"%s\",\"signature\":\"c2ln\"}", owner, out);
    offblocks_string_free(out);
    CHECK_RC(offblocks_customers_submit_challenge(client, customer_id, body, NULL), OFFBLOCKS_API);
    CHECK(offblocks_last_error_status() == 400);
    CHECK_RC(offblocks_customers_get(client, customer_id, &json), OFFBLOCKS_OK);
    CHECK_RC(offblocks_customers_sign_challenge(client, json, NULL, NULL, failing, NULL), OFFBLOCKS_SIGNER);
    /* The owner or chain this program expects decides, not the server's customer. */
    CHECK_RC(offblocks_customers_sign_challenge(
                 client, json, "eip155:300:0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E", NULL, signer, NULL),
             OFFBLOCKS_CHALLENGE_REFUSED);
    CHECK(has(offblocks_last_error_message(), "not the one asked for"));
    CHECK_RC(offblocks_customers_sign_challenge(client, json, NULL, "eip155:1", signer, NULL),
             OFFBLOCKS_CHALLENGE_REFUSED);
    CHECK_RC(offblocks_customers_sign_challenge(client, json, owner, "eip155:300", signer, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_customers_sign_challenge(client, "{}", NULL, NULL, signer, NULL), OFFBLOCKS_INVALID_JSON);
    offblocks_string_free(json);
    CHECK_RC(offblocks_simulator_verify_customer(client, customer_id, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_simulator_verify_customer(client, customer_id, NULL), OFFBLOCKS_CONFLICT);

    CHECK_RC(offblocks_accounts_create(client, customer_id, "{\"type\":\"card_account\"}", NULL, &json),
             OFFBLOCKS_INVALID_JSON);
    CHECK_RC(offblocks_accounts_create(client, customer_id, NULL, NULL, &json), OFFBLOCKS_OK);
    CHECK(json_string(json, "id", account_id, sizeof account_id));
    offblocks_string_free(json);
    CHECK_RC(offblocks_accounts_challenge(client, account_id, &out), OFFBLOCKS_OK);
    snprintf(body, sizeof body, "{\"ownerId\":\"%s\",\"challenge\":\"%s\",\"signature\":\"c2ln\"}", owner, out);
    offblocks_string_free(out);
    CHECK_RC(offblocks_accounts_submit_challenge(client, account_id, body, NULL), OFFBLOCKS_API);
    CHECK_RC(offblocks_accounts_get(client, account_id, &json), OFFBLOCKS_OK);
    CHECK_RC(offblocks_accounts_sign_challenge(client, json, "eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                                              NULL, signer, NULL),
             OFFBLOCKS_CHALLENGE_REFUSED);
    CHECK(offblocks_last_error_kind() == OFFBLOCKS_ERROR_KIND_REFUSED);
    CHECK_RC(offblocks_accounts_sign_challenge(client, json, owner, "eip155:1", signer, NULL),
             OFFBLOCKS_CHALLENGE_REFUSED);
    CHECK(has(offblocks_last_error_message(), "not the one asked for"));
    CHECK_RC(offblocks_accounts_sign_challenge(client, json, owner, "eip155:300", signer, NULL), OFFBLOCKS_OK);
    offblocks_string_free(json);
    CHECK(wait_active(client, account_id));
    CHECK_RC(offblocks_accounts_list(client, &json), OFFBLOCKS_OK);
    CHECK(has(json, account_id));
    offblocks_string_free(json);
    CHECK_RC(offblocks_accounts_list_for_customer(client, customer_id, &json), OFFBLOCKS_OK);
    CHECK(has(json, account_id));
    offblocks_string_free(json);
    CHECK_RC(offblocks_accounts_activate(client, account_id, NULL), OFFBLOCKS_CONFLICT); /* already */
    CHECK_RC(offblocks_accounts_deactivate(client, account_id, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_accounts_activate(client, account_id, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_accounts_close(client, account_id, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_accounts_close(client, account_id, NULL), OFFBLOCKS_CONFLICT);

    struct shared shared = {client, customer_id, 0};
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        CHECK(pthread_create(&threads[i], NULL, reader, &shared) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
    }
    CHECK(shared.failures == 0);

    CHECK_RC(offblocks_customers_deactivate(client, customer_id, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_customers_deactivate(client, customer_id, NULL), OFFBLOCKS_CONFLICT);
    offblocks_signer_free(failing);
    offblocks_signer_free(signer);
    offblocks_string_free(owner);
    offblocks_wallet_free(host_key);
}

/* Cancelled from the progress callback, then resumed: one customer, nothing twice. */
static void cancellation(offblocks_client *client) {
    offblocks_wallet *wallet = NULL;
    offblocks_signer *signer = NULL;
    char *json = NULL;
    const char *request = "{\"externalId\":\"c-stop\",\"chain\":\"eip155:300\",\"pollIntervalMs\":20}";
    CHECK_RC(offblocks_wallet_new_random(&wallet), OFFBLOCKS_OK);
    CHECK_RC(offblocks_signer_from_wallet(wallet, &signer), OFFBLOCKS_OK);
    CHECK_RC(offblocks_client_onboard(client, request, signer, stop_after_customer, NULL, &json),
             OFFBLOCKS_CANCELLED);
    CHECK(json == NULL);
    CHECK(strstr(offblocks_last_error_message(), "create_customer") != NULL);
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_OK);
    CHECK(has(json, "\"externalId\":\"c-stop\""));
    offblocks_string_free(json);
    json = NULL;
    CHECK_RC(offblocks_client_onboard(client, request, signer, NULL, NULL, &json), OFFBLOCKS_OK);
    CHECK(json != NULL && has(json, "\"externalId\":\"c-stop\"") && has(json, "\"status\":\"active\""));
    offblocks_string_free(json);
    json = NULL;
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_OK);
    const char *first = json == NULL ? NULL : strstr(json, "\"externalId\":\"c-stop\"");
    CHECK(first != NULL && strstr(first + 1, "\"externalId\":\"c-stop\"") == NULL); /* one */
    offblocks_string_free(json);
    offblocks_signer_free(signer);
    offblocks_wallet_free(wallet);
}

static void onboarding(offblocks_client *client) {
    offblocks_wallet *wallet = NULL;
    offblocks_signer *signer = NULL;
    char *json = NULL, *address = NULL, request[512];
    int steps = 0;
    CHECK_RC(offblocks_wallet_new_random(&wallet), OFFBLOCKS_OK);
    CHECK_RC(offblocks_signer_from_wallet(wallet, &signer), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_address(wallet, &address), OFFBLOCKS_OK);
    snprintf(request, sizeof request,
             "{\"externalId\":\"o-%s\",\"chain\":\"eip155:300\",\"pollIntervalMs\":20}", address);
    CHECK_RC(offblocks_client_onboard(client, request, signer, on_progress, &steps, &json), OFFBLOCKS_OK);
    CHECK(steps >= 5);
    CHECK(has(json, "\"account\":{") && has(json, "\"status\":\"active\""));
    offblocks_string_free(json);
    CHECK_RC(offblocks_client_onboard(client, request, signer, NULL, NULL, &json), OFFBLOCKS_OK); /* resumes */
    offblocks_string_free(json);
    CHECK_RC(offblocks_client_onboard(client, "{\"externalId\":\"x\"}", signer, NULL, NULL, &json),
             OFFBLOCKS_INVALID_JSON);

    /* A rejected customer cannot be onboarded: OFFBLOCKS_STATE. */
    offblocks_wallet *rejected_wallet = NULL;
    offblocks_signer *rejected_signer = NULL;
    char *owner = NULL, body[512], id[128];
    CHECK_RC(offblocks_wallet_new_random(&rejected_wallet), OFFBLOCKS_OK);
    CHECK_RC(offblocks_signer_from_wallet(rejected_wallet, &rejected_signer), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_account_id(rejected_wallet, "eip155:300", &owner), OFFBLOCKS_OK);
    snprintf(body, sizeof body, "{\"chainId\":\"%s\",\"externalId\":\"r-%s\"}", owner, address);
    CHECK_RC(offblocks_customers_create(client, body, NULL, &json), OFFBLOCKS_OK);
    CHECK(json_string(json, "id", id, sizeof id));
    offblocks_string_free(json);
    CHECK_RC(offblocks_simulator_reject_customer(client, id, NULL), OFFBLOCKS_OK);
    snprintf(request, sizeof request, "{\"externalId\":\"r-%s\",\"chain\":\"eip155:300\"}", address);
    CHECK_RC(offblocks_client_onboard(client, request, rejected_signer, NULL, NULL, &json), OFFBLOCKS_STATE);
    offblocks_string_free(owner);
    offblocks_signer_free(rejected_signer);
    offblocks_wallet_free(rejected_wallet);
    offblocks_string_free(address);
    offblocks_signer_free(signer);
    offblocks_wallet_free(wallet);
}

static void webhooks(offblocks_client *client) {
    char *json = NULL, id[128];
    const char *hook = "{\"callbackUrl\":\"https://example.com/hook\",\"types\":[\"customer.updated\"]}";
    CHECK_RC(offblocks_webhooks_put(client, hook, NULL, &json), OFFBLOCKS_OK);
    CHECK(json_string(json, "id", id, sizeof id));
    offblocks_string_free(json);
    CHECK_RC(offblocks_webhooks_put(client, "{\"callbackUrl\":\"x\",\"typo\":1,\"types\":[]}", NULL, &json),
             OFFBLOCKS_INVALID_JSON);
    CHECK_RC(offblocks_webhooks_get(client, id, &json), OFFBLOCKS_OK);
    offblocks_string_free(json);
    CHECK_RC(offblocks_webhooks_list(client, &json), OFFBLOCKS_OK);
    CHECK(has(json, id));
    offblocks_string_free(json);
    CHECK_RC(offblocks_webhooks_delete(client, id, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_webhooks_get(client, id, &json), OFFBLOCKS_API);
}

/* Wrong keys and wrong credentials, then rotating and revoking the credentials. */
static void keys_and_credentials(offblocks_client *client) {
    char *key_id = NULL, *json = NULL, extra[256];
    CHECK_RC(offblocks_client_key_id(client, &key_id), OFFBLOCKS_OK);
    snprintf(extra, sizeof extra, ",\"keyId\":\"%s\"", key_id);
    offblocks_client *impostor = new_client(secret, extra); /* another key, same key id */
    CHECK_RC(offblocks_customers_list(impostor, &json), OFFBLOCKS_API);
    CHECK(offblocks_last_error_status() == 401);
    offblocks_client_free(impostor);
    offblocks_client *wrong = new_client("wrong-secret", extra);
    CHECK_RC(offblocks_auth_token(wrong, &json), OFFBLOCKS_API);
    CHECK(offblocks_last_error_status() == 401);
    CHECK(!has(offblocks_last_error_message(), "wrong-secret"));
    offblocks_client_free(wrong);
    offblocks_string_free(key_id);

    CHECK_RC(offblocks_auth_delete_signing_key(client, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_CONFIG); /* no key id now */
    CHECK_RC(offblocks_auth_register_signing_key(client, NULL, &key_id), OFFBLOCKS_OK);
    offblocks_string_free(key_id);
    CHECK_RC(offblocks_auth_rotate_credentials(client, key, "a-new-secret-of-32-characters!!", NULL),
             OFFBLOCKS_OK);
    CHECK_RC(offblocks_auth_token(client, &json), OFFBLOCKS_OK);
    offblocks_string_free(json);
    CHECK_RC(offblocks_auth_revoke_credentials(client, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_API);
    CHECK(offblocks_last_error_status() == 401);
}

struct observed {
    int attempts, with_request_id, ok, leaked;
};

static void observe(void *user_data, const char *attempt_json) {
    struct observed *seen = user_data;
    seen->attempts++;
    seen->with_request_id += has(attempt_json, "\"requestId\":\"");
    seen->ok += has(attempt_json, "\"status\":200");
    seen->leaked += has(attempt_json, secret) || has(attempt_json, "Bearer");
}

/* The observer sees every attempt with its request id; calls go through the proxy. */
static void operations(void) {
    struct observed seen = {0, 0, 0, 0};
    char config[2560], url[600], k[300], s[300], proxy[600], dead[700];
    json_quote(url, sizeof url, base);
    json_quote(k, sizeof k, key);
    json_quote(s, sizeof s, secret);
    snprintf(config, sizeof config,
             "{\"baseUrl\":%s,\"apiKey\":%s,\"apiSecret\":%s,\"generateSigningKey\":true%s}",
             url, k, s, trust);
    offblocks_client *client = NULL;
    CHECK_RC(offblocks_client_new_with_observer(config, observe, &seen, &client), OFFBLOCKS_OK);
    char *json = NULL;
    CHECK_RC(offblocks_auth_token(client, &json), OFFBLOCKS_OK);
    offblocks_string_free(json);
    CHECK_RC(offblocks_customers_get(client, "no-such-customer", &json), OFFBLOCKS_CONFIG);
    CHECK(seen.attempts == 1 && seen.with_request_id == 1 && seen.ok == 1 && seen.leaked == 0);
    offblocks_client_free(client);

    const char *proxy_url = getenv("OFFBLOCKS_PROXY_URL");
    CHECK(proxy_url != NULL); /* run-tests.sh starts the emulator with --proxy */
    if (proxy_url == NULL) {
        return;
    }
    json_quote(proxy, sizeof proxy, proxy_url);
    snprintf(dead, sizeof dead, ",\"proxy\":%s", proxy);
    client = new_client(secret, dead);
    CHECK_RC(offblocks_auth_token(client, &json), OFFBLOCKS_OK); /* through the proxy */
    offblocks_string_free(json);
    offblocks_client_free(client);
    /* A proxy that is not there: the call fails, so the setting is what carries it. */
    client = new_client(secret, ",\"proxy\":\"http://127.0.0.1:9\"");
    CHECK_RC(offblocks_auth_token(client, &json), OFFBLOCKS_TRANSPORT);
    offblocks_client_free(client);
}

/* Over HTTPS: the CA not given is OFFBLOCKS_TLS (an untrusted chain), a pin that matches
 * no key is a pin mismatch; neither is retryable. */
static void tls_refusals(void) {
    char *json = NULL;
    char saved[sizeof trust];
    memcpy(saved, trust, sizeof trust);
    trust[0] = '\0';
    offblocks_client *client = new_client(secret, "");
    CHECK_RC(offblocks_auth_token(client, &json), OFFBLOCKS_TLS);
    CHECK(offblocks_last_error_tls_failure() == OFFBLOCKS_TLS_UNTRUSTED_CHAIN);
    CHECK(!offblocks_last_error_retryable());
    CHECK(has(offblocks_last_error_message(), "caPem") || has(offblocks_last_error_message(), "ca_pem"));
    offblocks_client_free(client);
    memcpy(trust, saved, sizeof trust);
    client = new_client(secret, ",\"spkiPins\":[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"]");
    CHECK_RC(offblocks_auth_token(client, &json), OFFBLOCKS_TLS);
    CHECK(offblocks_last_error_tls_failure() == OFFBLOCKS_TLS_PIN_MISMATCH);
    offblocks_client_free(client);
    CHECK_RC(offblocks_client_new("{\"spkiPins\":[\"short\"],\"apiKey\":\"k\",\"apiSecret\":\"s\"}", &client),
             OFFBLOCKS_CONFIG);
    CHECK(offblocks_last_error_tls_failure() == OFFBLOCKS_TLS_NONE);
}

void test_network(const char *base_url, const char *api_key, const char *api_secret) {
    char *key_id = NULL, *json = NULL;
    snprintf(base, sizeof base, "%s", base_url);
    snprintf(key, sizeof key, "%s", api_key);
    snprintf(secret, sizeof secret, "%s", api_secret);
    const char *ca_file = getenv("OFFBLOCKS_CA_FILE");
    trust[0] = '\0';
    if (ca_file != NULL && ca_file[0] != '\0') {
        char quoted[600];
        json_quote(quoted, sizeof quoted, ca_file);
        snprintf(trust, sizeof trust, ",\"caFile\":%s", quoted);
        CHECK(strncmp(base_url, "https://", 8) == 0);
        tls_refusals();
    }
    offblocks_client *client = new_client(secret, "");
    if (client == NULL) {
        return;
    }
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_CONFIG); /* not registered */
    CHECK_RC(offblocks_auth_register_signing_key(client, NULL, &key_id), OFFBLOCKS_OK);
    CHECK(key_id != NULL && key_id[0] != '\0');
    offblocks_string_free(key_id);
    CHECK_RC(offblocks_auth_token(client, &json), OFFBLOCKS_OK);
    CHECK(has(json, "\"token\":\"") && has(json, "\"tokenType\""));
    offblocks_string_free(json);
    CHECK_RC(offblocks_client_dry_run(client, "GET", "/customers", NULL, NULL, NULL, &json), OFFBLOCKS_OK);
    CHECK(has(json, "\"Authorization\",\"Bearer "));
    offblocks_string_free(json);

    operations();
    customers_and_accounts(client);
    onboarding(client);
    cancellation(client);
    webhooks(client);
    test_inbox(client);
    keys_and_credentials(client);
    offblocks_client_free(client);
}
