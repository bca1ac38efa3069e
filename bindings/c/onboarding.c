/*
 * The whole onboarding flow from C, against a running OffBlocks API (the local
 * emulator, `offblocks-sandbox`, or the hosted sandbox).
 *
 *   OFFBLOCKS_BASE_URL=http://127.0.0.1:8080/v1 OFFBLOCKS_API_KEY=… \
 *   OFFBLOCKS_API_SECRET=… ./onboarding
 *
 * It makes a fresh request-signing key and registers it, makes a random customer
 * wallet, and onboards it: customer, challenge, verification (sandbox), account,
 * challenge, activation, printing each step. Secrets (the API secret, the keys) are
 * never printed.
 *
 * Build (bindings/c/README.md has the other ways: pkg-config, CMake, static):
 *   gcc -std=c11 -Wall -Wextra -Werror -I include bindings/c/onboarding.c \
 *       -L target/release -loffblocks -Wl,-rpath,"$PWD/target/release" -o onboarding
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offblocks.h"

/* Prints the last error of this thread and returns 1. */
static int fail(const char *what) {
    offblocks_result code = offblocks_last_error_code();
    fprintf(stderr, "%s failed (%s, %d): %s\n", what, offblocks_result_name((int32_t)code),
            (int)code, offblocks_last_error_message());
    if (offblocks_last_error_status() != 0) {
        const char *request_id = offblocks_last_error_request_id();
        fprintf(stderr, "  HTTP %u, request id %s\n", (unsigned)offblocks_last_error_status(),
                request_id ? request_id : "(none)");
    }
    return 1;
}

/* Appends `value` to `out` as a JSON string literal. */
static void append_json_string(char *out, size_t size, const char *value) {
    size_t n = strlen(out);
    if (n + 2 >= size) {
        return;
    }
    out[n++] = '"';
    for (const char *p = value; *p != '\0' && n + 8 < size; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
}

/* Returns 0: go on (non-zero would stop the flow with OFFBLOCKS_CANCELLED). */
static int32_t print_step(void *user_data, const char *step, const char *status,
                          uint64_t elapsed_ms, const char *message) {
    (void)user_data;
    printf("%6llu ms  %-24s %-11s %s\n", (unsigned long long)elapsed_ms, step, status, message);
    fflush(stdout);
    return 0;
}

int main(void) {
    const char *base_url = getenv("OFFBLOCKS_BASE_URL");
    const char *api_key = getenv("OFFBLOCKS_API_KEY");
    const char *api_secret = getenv("OFFBLOCKS_API_SECRET");
    const char *chain = getenv("OFFBLOCKS_CHAIN") ? getenv("OFFBLOCKS_CHAIN") : "eip155:300";
    /* Extra trust anchors (a gateway's private CA, `offblocks-sandbox --tls`'s). */
    const char *ca_file = getenv("OFFBLOCKS_CA_FILE");
    if (!base_url || !api_key || !api_secret) {
        fprintf(stderr, "set OFFBLOCKS_BASE_URL, OFFBLOCKS_API_KEY and OFFBLOCKS_API_SECRET\n");
        return 2;
    }
    /* The library must be the one this program was compiled for: before 1.0, the same
     * MAJOR.MINOR (the SONAME already keeps another minor from loading). */
    if (offblocks_version_num() >> 8 != OFFBLOCKS_VERSION_NUM >> 8) {
        fprintf(stderr, "liboffblocks %s does not match the header (%d.%d)\n",
                offblocks_version(), OFFBLOCKS_VERSION_MAJOR, OFFBLOCKS_VERSION_MINOR);
        return 2;
    }
    printf("offblocks %s, api %s\n", offblocks_version(), base_url);

    int status = 1;
    char *pem = NULL, *key_id = NULL, *address = NULL, *result = NULL;
    offblocks_client *client = NULL;
    offblocks_wallet *wallet = NULL;
    offblocks_signer *signer = NULL;
    char config[8192] = "", request[1024] = "";

    /* 1. A fresh P-384 request-signing key (store it in real use: it is a secret). */
    if (offblocks_signing_key_generate(&pem) != OFFBLOCKS_OK) {
        status = fail("generating a signing key");
        goto done;
    }
    /* 2. The client, configured with JSON. */
    strcat(config, "{\"baseUrl\":");
    append_json_string(config, sizeof config, base_url);
    strcat(config, ",\"apiKey\":");
    append_json_string(config, sizeof config, api_key);
    strcat(config, ",\"apiSecret\":");
    append_json_string(config, sizeof config, api_secret);
    strcat(config, ",\"signingKeyPem\":");
    append_json_string(config, sizeof config, pem);
    if (ca_file != NULL && ca_file[0] != '\0') {
        strcat(config, ",\"caFile\":");
        append_json_string(config, sizeof config, ca_file);
    }
    strcat(config, "}");
    offblocks_result rc = offblocks_client_new(config, &client);
    memset(config, 0, sizeof config); /* it held the secret and the key */
    if (rc != OFFBLOCKS_OK) {
        status = fail("configuring the client");
        goto done;
    }
    /* 3. Register the key's public half; the client signs with the returned key id. */
    if (offblocks_auth_register_signing_key(client, NULL, &key_id) != OFFBLOCKS_OK) {
        status = fail("registering the signing key");
        goto done;
    }
    printf("registered the request-signing key as %s\n", key_id);

    /* 4. The customer's wallet: random here; in an app, the user's own wallet through
     *    offblocks_signer_new and a signing callback. */
    if (offblocks_wallet_new_random(&wallet) != OFFBLOCKS_OK ||
        offblocks_signer_from_wallet(wallet, &signer) != OFFBLOCKS_OK ||
        offblocks_wallet_address(wallet, &address) != OFFBLOCKS_OK) {
        status = fail("making a wallet");
        goto done;
    }
    printf("customer wallet %s on %s\n", address, chain);

    /* 5. Onboard: every step is printed as it completes. */
    strcat(request, "{\"externalId\":");
    char external_id[128];
    snprintf(external_id, sizeof external_id, "c-demo-%s", address + 2);
    append_json_string(request, sizeof request, external_id);
    strcat(request, ",\"chain\":");
    append_json_string(request, sizeof request, chain);
    strcat(request, "}");
    if (offblocks_client_onboard(client, request, signer, print_step, NULL, &result) != OFFBLOCKS_OK) {
        status = fail("onboarding");
        goto done;
    }
    printf("onboarded: %s\n", result);
    status = 0;

done:
    offblocks_string_free(result);
    offblocks_string_free(address);
    offblocks_string_free(key_id);
    offblocks_string_free(pem);
    offblocks_signer_free(signer);
    offblocks_wallet_free(wallet);
    offblocks_client_free(client);
    return status;
}
