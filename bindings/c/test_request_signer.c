/*
 * The request-signing key outside the process, against the local emulator: a callback
 * that has another process (`openssl dgst -sha384 -sign`, a stand-in for a KMS) sign
 * every request of a whole onboarding; a signer answering with another key, failing or
 * overflowing, refused before anything is sent; and key rotation to an in-memory key and
 * to another request signer.
 */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "test_support.h"

/* What the openssl-backed callback needs: the private key's file, a count of calls. */
struct openssl_kms {
    char key_path[256];
    int calls;
    int freed;
};

static int write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return 0;
    }
    size_t written = fwrite(data, 1, len, f);
    return fclose(f) == 0 && written == len;
}

/* Signs `base` in a child `openssl` process with the key at `kms->key_path` (DER out). */
static int32_t sign_with_openssl(void *user_data, const uint8_t *base, size_t base_len,
                                 uint8_t *out_signature, size_t out_capacity, size_t *out_len) {
    struct openssl_kms *kms = user_data;
    char base_path[300], sig_path[300], command[1024];
    int n = __atomic_fetch_add(&kms->calls, 1, __ATOMIC_SEQ_CST);
    snprintf(base_path, sizeof base_path, "%s.base.%d", kms->key_path, n);
    snprintf(sig_path, sizeof sig_path, "%s.sig.%d", kms->key_path, n);
    if (!write_file(base_path, base, base_len)) {
        return 1;
    }
    snprintf(command, sizeof command, "openssl dgst -sha384 -sign '%s' -out '%s' '%s'",
             kms->key_path, sig_path, base_path);
    int status = system(command);
    remove(base_path);
    if (status != 0) {
        remove(sig_path);
        return 2;
    }
    FILE *f = fopen(sig_path, "rb");
    if (f == NULL) {
        return 3;
    }
    size_t len = fread(out_signature, 1, out_capacity, f);
    fclose(f);
    remove(sig_path);
    *out_len = len;
    return len > 0 ? 0 : 4;
}

static void free_kms(void *user_data) {
    struct openssl_kms *kms = user_data;
    kms->freed++;
}

static int32_t sign_fails(void *user_data, const uint8_t *base, size_t base_len,
                          uint8_t *out_signature, size_t out_capacity, size_t *out_len) {
    (void)user_data, (void)base, (void)base_len, (void)out_signature, (void)out_capacity;
    (void)out_len;
    return 42;
}

static int32_t sign_overflows(void *user_data, const uint8_t *base, size_t base_len,
                              uint8_t *out_signature, size_t out_capacity, size_t *out_len) {
    (void)user_data, (void)base, (void)base_len, (void)out_signature;
    *out_len = out_capacity + 1;
    return 0;
}

/* Counts the attempts on `/customers` that reached the network. */
static void count_customers(void *user_data, const char *attempt_json) {
    int *count = user_data;
    if (has(attempt_json, "/customers\"")) {
        (*count)++;
    }
}

/* A fresh P-384 key as a PEM file at `path`; its public half in `*out_public`. */
static int make_key_file(const char *path, char **out_public) {
    char *pem = NULL;
    if (CHECK_RC(offblocks_signing_key_generate(&pem), OFFBLOCKS_OK) != OFFBLOCKS_OK) {
        return 0;
    }
    int ok = write_file(path, pem, strlen(pem)) &&
             CHECK_RC(offblocks_signing_key_public_pem(pem, out_public), OFFBLOCKS_OK) == OFFBLOCKS_OK;
    offblocks_string_free(pem);
    return ok;
}

static offblocks_client *client_with(const char *config, offblocks_request_signer *signer,
                                     int *customers_seen) {
    offblocks_client *client = NULL;
    CHECK_RC(offblocks_client_new_with_request_signer(config, signer,
                                                      customers_seen ? count_customers : NULL,
                                                      customers_seen, &client),
             OFFBLOCKS_OK);
    return client;
}

void test_request_signer(const char *base_url, const char *api_key, const char *api_secret) {
    char config[2560], url[600], k[300], s[300], trust[700] = "";
    const char *ca_file = getenv("OFFBLOCKS_CA_FILE");
    json_quote(url, sizeof url, base_url);
    json_quote(k, sizeof k, api_key);
    json_quote(s, sizeof s, api_secret);
    if (ca_file != NULL && ca_file[0] != '\0') {
        char quoted[600];
        json_quote(quoted, sizeof quoted, ca_file);
        snprintf(trust, sizeof trust, ",\"caFile\":%s", quoted);
    }
    snprintf(config, sizeof config, "{\"baseUrl\":%s,\"apiKey\":%s,\"apiSecret\":%s%s}", url, k, s,
             trust);
    if (system("openssl version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "the request-signer tests need the openssl command\n");
        test_failures++;
        return;
    }

    struct openssl_kms kms = {.calls = 0, .freed = 0};
    struct openssl_kms next = {.calls = 0, .freed = 0};
    char *public_pem = NULL, *next_public = NULL, *json = NULL, *key_id = NULL, *pem = NULL;
    snprintf(kms.key_path, sizeof kms.key_path, "/tmp/offblocks-c-kms-%ld.pem", (long)getpid());
    snprintf(next.key_path, sizeof next.key_path, "/tmp/offblocks-c-kms-next-%ld.pem",
             (long)getpid());
    if (!make_key_file(kms.key_path, &public_pem) || !make_key_file(next.key_path, &next_public)) {
        return;
    }

    offblocks_request_signer *signer = NULL;
    CHECK_RC(offblocks_request_signer_new(NULL, sign_with_openssl, &kms, free_kms, &signer),
             OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_request_signer_new(public_pem, NULL, &kms, free_kms, &signer),
             OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_request_signer_new("not a key", sign_with_openssl, &kms, free_kms, &signer),
             OFFBLOCKS_KEY);
    CHECK(kms.freed == 0);
    CHECK_RC(offblocks_request_signer_new(public_pem, sign_with_openssl, &kms, free_kms, &signer),
             OFFBLOCKS_OK);
    CHECK_RC(offblocks_request_signer_public_pem(signer, &json), OFFBLOCKS_OK);
    CHECK(json != NULL && strcmp(json, public_pem) == 0);
    offblocks_string_free(json);

    /* A request signer and a key in memory at once: refused. */
    offblocks_client *client = NULL;
    char both[2700];
    snprintf(both, sizeof both, "%.*s,\"generateSigningKey\":true}", (int)strlen(config) - 1, config);
    CHECK_RC(offblocks_client_new_with_request_signer(both, signer, NULL, NULL, &client),
             OFFBLOCKS_CONFIG);
    CHECK_RC(offblocks_client_new_with_request_signer(config, NULL, NULL, NULL, &client),
             OFFBLOCKS_NULL_ARGUMENT);

    /* A whole onboarding, every request signed by the openssl process. */
    client = client_with(config, signer, NULL);
    CHECK_RC(offblocks_request_signer_free(signer), OFFBLOCKS_OK); /* the client keeps it */
    CHECK(kms.freed == 0);
    CHECK_RC(offblocks_auth_register_signing_key(client, NULL, &key_id), OFFBLOCKS_OK);
    offblocks_wallet *wallet = NULL;
    offblocks_signer *wallet_signer = NULL;
    char *address = NULL, request[512];
    CHECK_RC(offblocks_wallet_new_random(&wallet), OFFBLOCKS_OK);
    CHECK_RC(offblocks_signer_from_wallet(wallet, &wallet_signer), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_address(wallet, &address), OFFBLOCKS_OK);
    snprintf(request, sizeof request,
             "{\"externalId\":\"kms-%s\",\"chain\":\"eip155:300\",\"pollIntervalMs\":20}", address);
    int before = kms.calls;
    CHECK_RC(offblocks_client_onboard(client, request, wallet_signer, NULL, NULL, &json), OFFBLOCKS_OK);
    CHECK(has(json, "\"account\":{") && has(json, "\"status\":\"active\""));
    offblocks_string_free(json);
    CHECK(kms.calls - before >= 6);
    printf("  request signer: %d requests signed by openssl\n", kms.calls);

    /* Rotation: to a key in memory, then to another request signer. */
    CHECK_RC(offblocks_auth_rotate_signing_key(client, NULL, NULL, NULL, &json), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_signing_key_generate(&pem), OFFBLOCKS_OK);
    char *rotated = NULL, *current = NULL;
    CHECK_RC(offblocks_auth_rotate_signing_key(client, pem, NULL, NULL, &rotated), OFFBLOCKS_OK);
    CHECK(rotated != NULL && key_id != NULL && strcmp(rotated, key_id) != 0);
    CHECK_RC(offblocks_client_key_id(client, &current), OFFBLOCKS_OK);
    CHECK(current != NULL && rotated != NULL && strcmp(current, rotated) == 0);
    offblocks_string_free(current);
    before = kms.calls;
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_OK);
    offblocks_string_free(json);
    CHECK(kms.calls == before); /* signed in memory now */
    offblocks_request_signer *next_signer = NULL;
    CHECK_RC(offblocks_request_signer_new(next_public, sign_with_openssl, &next, free_kms, &next_signer),
             OFFBLOCKS_OK);
    offblocks_string_free(rotated);
    CHECK_RC(offblocks_auth_rotate_signing_key(client, NULL, next_signer, NULL, &rotated), OFFBLOCKS_OK);
    CHECK_RC(offblocks_auth_rotate_signing_key(client, pem, next_signer, NULL, &current),
             OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_OK);
    offblocks_string_free(json);
    CHECK(next.calls >= 1); /* the list; the deletion was signed with the key in memory */
    CHECK_RC(offblocks_request_signer_free(next_signer), OFFBLOCKS_OK);
    offblocks_string_free(rotated);
    offblocks_string_free(pem);
    offblocks_string_free(key_id);
    CHECK_RC(offblocks_client_free(client), OFFBLOCKS_OK);
    CHECK(kms.freed == 1 && next.freed == 1); /* nothing holds them any more */

    /* A signer whose answers are not the registered key's: refused before sending. */
    offblocks_request_signer *wrong = NULL;
    struct openssl_kms other = next; /* signs with the other key's file */
    other.freed = 0;
    CHECK_RC(offblocks_request_signer_new(public_pem, sign_with_openssl, &other, NULL, &wrong),
             OFFBLOCKS_OK);
    int seen = 0;
    client = client_with(config, wrong, &seen);
    CHECK_RC(offblocks_auth_register_signing_key(client, NULL, &key_id), OFFBLOCKS_OK);
    offblocks_string_free(key_id);
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_SIGNER);
    CHECK(has(offblocks_last_error_message(), "does not verify"));
    CHECK(seen == 0);
    CHECK_RC(offblocks_client_free(client), OFFBLOCKS_OK);
    CHECK_RC(offblocks_request_signer_free(wrong), OFFBLOCKS_OK);

    /* A failing callback, and one claiming more bytes than it had room for. */
    offblocks_request_signer *failing = NULL, *overflowing = NULL;
    CHECK_RC(offblocks_request_signer_new(public_pem, sign_fails, NULL, NULL, &failing), OFFBLOCKS_OK);
    CHECK_RC(offblocks_request_signer_new(public_pem, sign_overflows, NULL, NULL, &overflowing),
             OFFBLOCKS_OK);
    seen = 0;
    char keyed[2700];
    snprintf(keyed, sizeof keyed, "%.*s,\"keyId\":\"k-any\"}", (int)strlen(config) - 1, config);
    client = client_with(keyed, failing, &seen);
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_SIGNER);
    CHECK(has(offblocks_last_error_message(), "returned 42"));
    CHECK_RC(offblocks_client_free(client), OFFBLOCKS_OK);
    client = client_with(keyed, overflowing, &seen);
    CHECK_RC(offblocks_customers_list(client, &json), OFFBLOCKS_SIGNER);
    CHECK(has(offblocks_last_error_message(), "length"));
    CHECK_RC(offblocks_client_free(client), OFFBLOCKS_OK);
    CHECK(seen == 0);
    CHECK_RC(offblocks_request_signer_free(failing), OFFBLOCKS_OK);
    CHECK_RC(offblocks_request_signer_free(overflowing), OFFBLOCKS_OK);
    CHECK_RC(offblocks_request_signer_free(failing), OFFBLOCKS_INVALID_HANDLE);

    offblocks_string_free(address);
    offblocks_signer_free(wallet_signer);
    offblocks_wallet_free(wallet);
    offblocks_string_free(public_pem);
    offblocks_string_free(next_public);
    remove(kms.key_path);
    remove(next.key_path);
}
