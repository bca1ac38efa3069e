/*
 * Tests of the C ABI from C: every exported function, with good and bad inputs (NULL,
 * invalid UTF-8, invalid JSON, unknown fields, wrong keys) and, when the emulator's
 * OFFBLOCKS_BASE_URL / OFFBLOCKS_API_KEY / OFFBLOCKS_API_SECRET are set, server
 * errors. Built with -Wall -Wextra -Werror and run under AddressSanitizer and
 * valgrind by run-tests.sh. Exit status 0 when every check passed.
 */
#include <stdint.h>
#include <time.h>

#include "test_support.h"

int test_failures = 0;
int test_checks = 0;

/* Hardhat/Anvil account #0: a well-known test key, never a real one. */
const char *const HARDHAT_KEY =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const char *const HARDHAT_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/* viem's signMessage test: Anvil account #0 signs "hello world". */
static const char *const HELLO_WORLD_SIG =
    "0xa461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf1"
    "5fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b";

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The host's own signer: signs with a key it keeps (here an offblocks_wallet, called
 * from inside the callback, which the library allows), or fails on purpose. */
int32_t host_sign(void *user_data, const uint8_t *message, size_t message_len,
                  uint8_t *out_signature) {
    struct host_wallet *host = user_data;
    char *hex = NULL;
    if (host->fail) {
        return 42;
    }
    if (offblocks_wallet_sign_personal(host->wallet, message, message_len,
                                       OFFBLOCKS_SIGNATURE_HEX, &hex) != OFFBLOCKS_OK) {
        return -1;
    }
    for (size_t i = 0; i < 65; i++) {
        int hi = hex_digit(hex[2 + 2 * i]), lo = hex_digit(hex[3 + 2 * i]);
        out_signature[i] = (uint8_t)(hi * 16 + lo);
    }
    offblocks_string_free(hex);
    return 0;
}

static void test_version_and_strings(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", OFFBLOCKS_VERSION_MAJOR,
             OFFBLOCKS_VERSION_MINOR, OFFBLOCKS_VERSION_PATCH);
    CHECK(strcmp(offblocks_version(), expected) == 0);
    /* The numeric version: one byte each, in the macro and from the library. */
    CHECK(OFFBLOCKS_VERSION_NUM == ((OFFBLOCKS_VERSION_MAJOR << 16) |
                                    (OFFBLOCKS_VERSION_MINOR << 8) | OFFBLOCKS_VERSION_PATCH));
    CHECK(offblocks_version_num() == (uint32_t)OFFBLOCKS_VERSION_NUM);
#if OFFBLOCKS_VERSION_NUM < 0x000200
#error "OFFBLOCKS_VERSION_NUM must be usable in #if"
#endif
    offblocks_string_free(NULL);
    offblocks_client_free(NULL);
    offblocks_wallet_free(NULL);
    offblocks_signer_free(NULL);
}

/* Every code's name is its spelling in the header; other numbers are UNKNOWN, never
 * NULL. The name does not touch the last error. */
static void test_result_names(void) {
    static const struct {
        offblocks_result code;
        const char *name;
    } codes[] = {
#define CODE(c) {c, #c}
        CODE(OFFBLOCKS_OK), CODE(OFFBLOCKS_NULL_ARGUMENT), CODE(OFFBLOCKS_INVALID_UTF8),
        CODE(OFFBLOCKS_INVALID_JSON), CODE(OFFBLOCKS_INVALID_INPUT), CODE(OFFBLOCKS_CONFIG),
        CODE(OFFBLOCKS_KEY), CODE(OFFBLOCKS_SIGNING), CODE(OFFBLOCKS_SIGNER),
        CODE(OFFBLOCKS_SIWE), CODE(OFFBLOCKS_CHALLENGE_REFUSED),
        CODE(OFFBLOCKS_CHALLENGE_REJECTED), CODE(OFFBLOCKS_TRANSPORT), CODE(OFFBLOCKS_API),
        CODE(OFFBLOCKS_CONFLICT), CODE(OFFBLOCKS_DECODE), CODE(OFFBLOCKS_TIMEOUT),
        CODE(OFFBLOCKS_PANIC), CODE(OFFBLOCKS_STATE), CODE(OFFBLOCKS_CANCELLED),
#undef CODE
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *name = offblocks_result_name((int32_t)codes[i].code);
        CHECK(name != NULL && strcmp(name, codes[i].name) == 0);
    }
    CHECK_RC(offblocks_signing_key_generate(NULL), OFFBLOCKS_NULL_ARGUMENT);
    const int32_t unknown[] = {-1, 99, 1000, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *name = offblocks_result_name(unknown[i]);
        CHECK(name != NULL && strcmp(name, "OFFBLOCKS_UNKNOWN") == 0);
    }
    CHECK(offblocks_last_error_code() == OFFBLOCKS_NULL_ARGUMENT);
}

static void test_signing_keys(void) {
    char *pem = NULL, *pub = NULL, *untouched = (char *)"x";
    CHECK_RC(offblocks_signing_key_generate(&pem), OFFBLOCKS_OK);
    CHECK(has(pem, "-----BEGIN PRIVATE KEY-----"));
    CHECK_RC(offblocks_signing_key_public_pem(pem, &pub), OFFBLOCKS_OK);
    CHECK(has(pub, "-----BEGIN PUBLIC KEY-----"));
    CHECK_RC(offblocks_signing_key_public_pem(pub, &untouched), OFFBLOCKS_KEY);
    CHECK(has(offblocks_last_error_message(), "public key"));
    CHECK(strcmp(untouched, "x") == 0);
    CHECK_RC(offblocks_signing_key_public_pem(NULL, &untouched), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_signing_key_generate(NULL), OFFBLOCKS_NULL_ARGUMENT);
    offblocks_string_free(pub);
    offblocks_string_free(pem);
}

static void test_last_error(void) {
    offblocks_client *client = NULL;
    CHECK_RC(offblocks_client_new(NULL, &client), OFFBLOCKS_NULL_ARGUMENT);
    CHECK(has(offblocks_last_error_message(), "config_json"));
    CHECK(offblocks_last_error_status() == 0);
    CHECK(offblocks_last_error_request_id() == NULL);
    CHECK(offblocks_last_error_body() == NULL);
    CHECK(!offblocks_last_error_retryable());
    CHECK(offblocks_last_error_reissued_challenge() == NULL);
    /* A success clears it. */
    char *pem = NULL;
    CHECK_RC(offblocks_signing_key_generate(&pem), OFFBLOCKS_OK);
    CHECK(offblocks_last_error_code() == OFFBLOCKS_OK);
    CHECK(strcmp(offblocks_last_error_message(), "") == 0);
    offblocks_string_free(pem);
}

static void test_client_config(const char *pem_json) {
    offblocks_client *client = (offblocks_client *)0x1;
    char config[4096];
    /* Invalid UTF-8, invalid JSON, unknown and mistyped fields, contradictions. */
    CHECK_RC(offblocks_client_new("{\"apiKey\":\"\xff\xfe\"}", &client), OFFBLOCKS_INVALID_UTF8);
    CHECK_RC(offblocks_client_new("{", &client), OFFBLOCKS_INVALID_JSON);
    CHECK_RC(offblocks_client_new("{\"baseUrll\":\"x\"}", &client), OFFBLOCKS_INVALID_JSON);
    CHECK(has(offblocks_last_error_message(), "baseUrll"));
    CHECK_RC(offblocks_client_new("{\"retry\":{\"tries\":2}}", &client), OFFBLOCKS_INVALID_JSON);
    CHECK_RC(offblocks_client_new("{\"apiSecret\":7}", &client), OFFBLOCKS_INVALID_JSON);
    CHECK_RC(offblocks_client_new("{\"environment\":\"prod\"}", &client), OFFBLOCKS_CONFIG);
    CHECK_RC(offblocks_client_new("{\"environment\":\"live\"}", &client), OFFBLOCKS_CONFIG);
    CHECK_RC(offblocks_client_new("{\"signingKeyPem\":\"nope\"}", &client), OFFBLOCKS_KEY);
    CHECK_RC(offblocks_client_new("{}", NULL), OFFBLOCKS_NULL_ARGUMENT);
    /* Every setting with its default, each one accepted back as given. */
    char *defaults = NULL;
    CHECK_RC(offblocks_config_defaults(NULL), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_config_defaults(&defaults), OFFBLOCKS_OK);
    CHECK(defaults != NULL && has(defaults, "\"timeoutMs\":30000") &&
          has(defaults, "\"proxyFromEnv\":false") && has(defaults, "\"environment\":\"sandbox\"") &&
          !has(defaults, "apiSecret"));
    if (defaults != NULL) {
        /* The defaults plus an identity make a client: no key the library itself refuses. */
        snprintf(config, sizeof config, "{\"apiKey\":\"k\",\"apiSecret\":\"s\",\"signingKeyPem\":%s,%s",
                 pem_json, defaults + 1);
        offblocks_client *from_defaults = NULL;
        CHECK_RC(offblocks_client_new(config, &from_defaults), OFFBLOCKS_OK);
        offblocks_client_free(from_defaults);
    }
    offblocks_string_free(defaults);
    /* The onboarding request's optional keys with their defaults; the required ones absent. */
    char *onboarding = NULL;
    CHECK_RC(offblocks_onboarding_defaults(NULL), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_onboarding_defaults(&onboarding), OFFBLOCKS_OK);
    CHECK(onboarding != NULL && has(onboarding, "\"timeoutMs\":") &&
          has(onboarding, "\"wait\":\"finish\"") && !has(onboarding, "externalId") &&
          !has(onboarding, "\"chain\""));
    offblocks_string_free(onboarding);
    snprintf(config, sizeof config,
             "{\"baseUrl\":\"http://api.example.com/v1\",\"apiKey\":\"k\",\"apiSecret\":\"s\","
             "\"signingKeyPem\":%s}", pem_json);
    CHECK_RC(offblocks_client_new(config, &client), OFFBLOCKS_CONFIG);
    CHECK(client == (offblocks_client *)0x1); /* untouched on failure */

    /* Nothing listens on port 1: connection refused is a retryable transport error. */
    snprintf(config, sizeof config,
             "{\"baseUrl\":\"http://127.0.0.1:1/v1\",\"apiKey\":\"k\",\"apiSecret\":\"s\","
             "\"signingKeyPem\":%s,\"keyId\":\"kid\",\"retry\":{\"maxAttempts\":1},"
             "\"digest\":\"both\",\"coveredComponents\":[\"@method\",\"@authority\","
             "\"@path\",\"authorization\",\"content-digest\"],\"connectTimeoutMs\":2000}",
             pem_json);
    CHECK_RC(offblocks_client_new(config, &client), OFFBLOCKS_OK);
    char *out = NULL;
    CHECK_RC(offblocks_client_key_id(client, &out), OFFBLOCKS_OK);
    CHECK(out != NULL && strcmp(out, "kid") == 0);
    offblocks_string_free(out);
    CHECK_RC(offblocks_customers_list(client, &out), OFFBLOCKS_TRANSPORT);
    CHECK(offblocks_last_error_retryable());
    CHECK(offblocks_last_error_status() == 0);

    /* A dry run signs without sending. */
    CHECK_RC(offblocks_client_dry_run(client, "POST", "/customers", "{\"a\":1}",
                               "0b6f1f3e-8d4c-4b7a-9f55-2f8a7c1d9e01", "tok", &out),
             OFFBLOCKS_OK);
    CHECK(has(out, "\"Idempotency-Key\",\"0b6f1f3e-8d4c-4b7a-9f55-2f8a7c1d9e01\""));
    CHECK(has(out, "sha-512="));
    CHECK(has(out, "\"signatureBase\":\"\\\"@method\\\": POST"));
    offblocks_string_free(out);
    CHECK_RC(offblocks_client_dry_run(client, "BREW", "/x", NULL, NULL, "t", &out), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_client_dry_run(client, "POST", "/x", NULL, "nope", "t", &out), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_client_dry_run(client, "GET", "/x", NULL, NULL, "t", NULL), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_client_set_key_id(client, NULL), OFFBLOCKS_OK);
    CHECK_RC(offblocks_client_key_id(client, &out), OFFBLOCKS_OK);
    CHECK(out == NULL);
    CHECK_RC(offblocks_client_dry_run(client, "GET", "/x", NULL, NULL, "t", &out), OFFBLOCKS_CONFIG);
    CHECK_RC(offblocks_client_set_key_id(client, "kid-2"), OFFBLOCKS_OK);
    CHECK_RC(offblocks_client_set_key_id(NULL, "kid-2"), OFFBLOCKS_NULL_ARGUMENT);
    offblocks_client_free(client);
}

static void test_wallets(void) {
    offblocks_wallet *wallet = NULL, *random = NULL;
    char *out = NULL;
    const uint8_t *hello = (const uint8_t *)"hello world";
    CHECK_RC(offblocks_wallet_from_hex(HARDHAT_KEY, &wallet), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_from_hex("0x1234", &random), OFFBLOCKS_KEY);
    CHECK(!has(offblocks_last_error_message(), "1234"));
    CHECK_RC(offblocks_wallet_new_random(&random), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_address(wallet, &out), OFFBLOCKS_OK);
    CHECK(out && strcmp(out, HARDHAT_ADDRESS) == 0);
    offblocks_string_free(out);
    CHECK_RC(offblocks_wallet_account_id(wallet, "eip155:300", &out), OFFBLOCKS_OK);
    CHECK(has(out, "eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
    offblocks_string_free(out);
    CHECK_RC(offblocks_wallet_account_id(wallet, "eip155:x", &out), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_wallet_sign_personal(wallet, hello, 11, OFFBLOCKS_SIGNATURE_HEX, &out), OFFBLOCKS_OK);
    CHECK(out && strcmp(out, HELLO_WORLD_SIG) == 0);
    offblocks_string_free(out);
    CHECK_RC(offblocks_wallet_sign_personal(wallet, hello, 11, OFFBLOCKS_SIGNATURE_BASE64_HEX, &out), OFFBLOCKS_OK);
    CHECK(has(out, "MHhhNDYx")); /* base64 of "0xa461" */
    offblocks_string_free(out);
    CHECK_RC(offblocks_wallet_sign_personal(wallet, hello, 11, OFFBLOCKS_SIGNATURE_BASE64_RAW, &out), OFFBLOCKS_OK);
    char *signer_address = NULL;
    CHECK_RC(offblocks_signature_recover(hello, 11, out, &signer_address), OFFBLOCKS_OK);
    CHECK(signer_address && strcmp(signer_address, HARDHAT_ADDRESS) == 0);
    offblocks_string_free(signer_address);
    offblocks_string_free(out);
    CHECK_RC(offblocks_wallet_sign_personal(wallet, hello, 11, 9, &out), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_wallet_sign_personal(wallet, NULL, 11, 0, &out), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_signature_recover(hello, 11, "0x00", &out), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_wallet_export_secret_hex(wallet, &out), OFFBLOCKS_OK);
    CHECK(out && strcmp(out, HARDHAT_KEY) == 0);
    offblocks_string_free(out);
    CHECK_RC(offblocks_wallet_address(NULL, &out), OFFBLOCKS_NULL_ARGUMENT);

    /* Signers: from a wallet (outliving it) and from the host's callback. */
    offblocks_signer *signer = NULL, *host = NULL;
    struct host_wallet failing = {wallet, 1};
    CHECK_RC(offblocks_signer_from_wallet(random, &signer), OFFBLOCKS_OK);
    offblocks_wallet_free(random);
    CHECK_RC(offblocks_signer_address(signer, &out), OFFBLOCKS_OK);
    CHECK(out && strlen(out) == 42);
    offblocks_string_free(out);
    CHECK_RC(offblocks_signer_new(HARDHAT_ADDRESS, host_sign, &failing, &host), OFFBLOCKS_OK);
    CHECK_RC(offblocks_signer_new(HARDHAT_ADDRESS, NULL, NULL, &signer), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_signer_new("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266", host_sign, NULL, &signer),
             OFFBLOCKS_INVALID_INPUT); /* bad EIP-55 checksum */
    offblocks_signer_free(host);
    offblocks_signer_free(signer);
    offblocks_wallet_free(wallet);
}

/* What a callback saw when it tried to free the handles its own call was using. */
struct freeing {
    offblocks_client *client;
    offblocks_signer *signer;
    offblocks_wallet *wallet;
    offblocks_result client_free, signer_free;
    int calls;
};

static void freeing_observer(void *user_data, const char *attempt_json) {
    struct freeing *f = user_data;
    (void)attempt_json;
    f->calls++;
    f->client_free = offblocks_client_free(f->client);
}

static int32_t freeing_sign(void *user_data, const uint8_t *message, size_t message_len,
                            uint8_t *out_signature) {
    struct freeing *f = user_data;
    struct host_wallet host = {f->wallet, 0};
    f->calls++;
    f->signer_free = offblocks_signer_free(f->signer);
    f->client_free = offblocks_client_free(f->client);
    return host_sign(&host, message, message_len, out_signature);
}

static void base64(const char *in, char *out, size_t size) {
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n && o + 5 < size; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)(unsigned char)in[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)in[i + 2];
        out[o++] = abc[(v >> 18) & 63];
        out[o++] = abc[(v >> 12) & 63];
        out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? abc[v & 63] : '=';
    }
    out[o] = '\0';
}

/* Handles of the wrong type, freed twice, or freed from inside a callback of the call
 * using them are refused with a code (under ASan: without touching freed memory). */
static void test_handles(const char *pem_json) {
    offblocks_wallet *wallet = NULL, *gone = NULL;
    offblocks_signer *signer = NULL;
    offblocks_client *client = NULL;
    char *out = NULL, config[4096];
    CHECK_RC(offblocks_wallet_from_hex(HARDHAT_KEY, &wallet), OFFBLOCKS_OK);
    CHECK_RC(offblocks_signer_from_wallet(wallet, &signer), OFFBLOCKS_OK);
    /* The wrong type, to a call and to a _free. */
    CHECK_RC(offblocks_signer_address((const offblocks_signer *)wallet, &out), OFFBLOCKS_INVALID_HANDLE);
    CHECK(has(offblocks_last_error_message(), "wallet handle, not an offblocks_signer"));
    CHECK_RC(offblocks_wallet_address((const offblocks_wallet *)signer, &out), OFFBLOCKS_INVALID_HANDLE);
    CHECK_RC(offblocks_client_free((offblocks_client *)signer), OFFBLOCKS_INVALID_HANDLE);
    CHECK_RC(offblocks_wallet_free((offblocks_wallet *)signer), OFFBLOCKS_INVALID_HANDLE);
    CHECK_RC(offblocks_signer_address(signer, &out), OFFBLOCKS_OK); /* untouched */
    offblocks_string_free(out);
    /* Not a handle at all: refused without being read. */
    int not_a_handle = 7;
    CHECK_RC(offblocks_wallet_address((const offblocks_wallet *)&not_a_handle, &out), OFFBLOCKS_INVALID_HANDLE);
    /* Freed twice; used after free. */
    CHECK_RC(offblocks_wallet_new_random(&gone), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_free(gone), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_free(gone), OFFBLOCKS_INVALID_HANDLE);
    CHECK(has(offblocks_last_error_message(), "freed already"));
    CHECK_RC(offblocks_wallet_address(gone, &out), OFFBLOCKS_INVALID_HANDLE);

    /* Freed from inside the client's own observer: refused, and the call goes on. Nothing
     * listens on port 1. */
    struct freeing f = {0};
    snprintf(config, sizeof config,
             "{\"baseUrl\":\"http://127.0.0.1:1/v1\",\"apiKey\":\"k\",\"apiSecret\":\"s\","
             "\"signingKeyPem\":%s,\"keyId\":\"kid\",\"retry\":{\"maxAttempts\":1}}",
             pem_json);
    CHECK_RC(offblocks_client_new_with_observer(config, freeing_observer, &f, &client), OFFBLOCKS_OK);
    f.client = client;
    CHECK_RC(offblocks_customers_get(client, "c-1", &out), OFFBLOCKS_TRANSPORT);
    CHECK(f.calls == 1 && f.client_free == OFFBLOCKS_HANDLE_IN_USE);
    CHECK_RC(offblocks_client_free(client), OFFBLOCKS_OK); /* after the call: freed */

    /* Freed from inside the signer's own signing function (the challenge is on hand, so
     * it is signed before anything is sent). */
    offblocks_signer *freeing_signer = NULL;
    struct freeing g = {0};
    g.wallet = wallet;
    snprintf(config, sizeof config,
             "{\"baseUrl\":\"http://127.0.0.1:1/v1\",\"apiKey\":\"k\",\"apiSecret\":\"s\","
             "\"signingKeyPem\":%s,\"keyId\":\"kid\",\"retry\":{\"maxAttempts\":1}}",
             pem_json);
    CHECK_RC(offblocks_client_new(config, &client), OFFBLOCKS_OK);
    CHECK_RC(offblocks_signer_new(HARDHAT_ADDRESS, freeing_sign, &g, &freeing_signer), OFFBLOCKS_OK);
    g.client = client;
    g.signer = freeing_signer;
    char issued[32], message[1024], challenge[2048], customer[4096];
    time_t now = time(NULL);
    strftime(issued, sizeof issued, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    snprintf(message, sizeof message,
             "127.0.0.1:1 wants you to sign in with your Ethereum account:\n%s\n\n"
             "URI: http://127.0.0.1:1\nVersion: 1\nChain ID: 300\nNonce: 5ufoiEqDaFvmfo78\n"
             "Issued At: %s",
             HARDHAT_ADDRESS, issued);
    base64(message, challenge, sizeof challenge);
    snprintf(customer, sizeof customer,
             "{\"id\":\"c-1\",\"externalId\":\"x\",\"chainId\":\"eip155:300:%s\","
             "\"status\":\"initiating\",\"createdAt\":\"2024-01-17T18:21:53Z\","
             "\"updatedAt\":\"2024-01-17T18:21:53Z\",\"challenge\":\"%s\"}",
             HARDHAT_ADDRESS, challenge);
    CHECK_RC(offblocks_customers_sign_challenge(client, customer, NULL, NULL, freeing_signer, NULL),
             OFFBLOCKS_TRANSPORT);
    CHECK(g.calls == 1);
    CHECK(g.signer_free == OFFBLOCKS_HANDLE_IN_USE && g.client_free == OFFBLOCKS_HANDLE_IN_USE);
    CHECK_RC(offblocks_signer_free(freeing_signer), OFFBLOCKS_OK);
    CHECK_RC(offblocks_client_free(client), OFFBLOCKS_OK);
    CHECK_RC(offblocks_client_free(client), OFFBLOCKS_INVALID_HANDLE);

    CHECK_RC(offblocks_signer_free(signer), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_free(wallet), OFFBLOCKS_OK);
}

static void test_ids_and_messages(void) {
    char *out = NULL;
    CHECK_RC(offblocks_caip_chain_id_parse("eip155:300", &out), OFFBLOCKS_OK);
    CHECK(has(out, "\"eip155Chain\":300"));
    offblocks_string_free(out);
    CHECK_RC(offblocks_caip_chain_id_parse("eip155:01", &out), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_caip_account_id_parse("eip155:1:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", &out), OFFBLOCKS_OK);
    CHECK(has(out, "\"evmAddress\":\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\""));
    offblocks_string_free(out);
    CHECK_RC(offblocks_caip_account_id_parse("eip155:1", &out), OFFBLOCKS_INVALID_INPUT);
    CHECK_RC(offblocks_caip_account_id_parse(NULL, &out), OFFBLOCKS_NULL_ARGUMENT);

    const char *siwe =
        "example.com wants you to sign in with your Ethereum account:\n"
        "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n"
        "I accept the ExampleOrg Terms of Service: https://example.com/tos\n\n"
        "URI: https://example.com/login\nVersion: 1\nChain ID: 1\nNonce: 32891756\n"
        "Issued At: 2021-09-30T16:25:24Z";
    CHECK_RC(offblocks_siwe_parse(siwe, &out), OFFBLOCKS_OK);
    CHECK(has(out, "\"domain\":\"example.com\"") && has(out, "\"chainId\":1"));
    offblocks_string_free(out);
    CHECK_RC(offblocks_siwe_parse("hello", &out), OFFBLOCKS_SIWE);
    CHECK_RC(offblocks_siwe_parse("\xc3\x28", &out), OFFBLOCKS_INVALID_UTF8);

    /* The same message, base64 as the API sends it. */
    const char *b64 =
        "ZXhhbXBsZS5jb20gd2FudHMgeW91IHRvIHNpZ24gaW4gd2l0aCB5b3VyIEV0aGVyZXVtIGFjY291bnQ6CjB4"
        "QzAyYWFBMzliMjIzRkU4RDBBMGU1QzRGMjdlQUQ5MDgzQzc1NkNjMgoKSSBhY2NlcHQgdGhlIEV4YW1wbGVP"
        "cmcgVGVybXMgb2YgU2VydmljZTogaHR0cHM6Ly9leGFtcGxlLmNvbS90b3MKClVSSTogaHR0cHM6Ly9leGFt"
        "cGxlLmNvbS9sb2dpbgpWZXJzaW9uOiAxCkNoYWluIElEOiAxCk5vbmNlOiAzMjg5MTc1NgpJc3N1ZWQgQXQ6"
        "IDIwMjEtMDktMzBUMTY6MjU6MjRa";
    const char *addr = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
    const char *owner = "eip155:1:0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
    CHECK_RC(offblocks_siwe_guard(b64, addr, owner, "example.com", 1633019124, &out), OFFBLOCKS_OK);
    CHECK(has(out, "\"nonce\":\"32891756\""));
    offblocks_string_free(out);
    CHECK_RC(offblocks_siwe_guard(b64, addr, owner, "evil.example", 1633019124, &out),
             OFFBLOCKS_CHALLENGE_REFUSED);
    CHECK(has(offblocks_last_error_message(), "evil.example"));
    CHECK_RC(offblocks_siwe_guard(b64, HARDHAT_ADDRESS, owner, NULL, 0, &out), OFFBLOCKS_CHALLENGE_REFUSED);
    CHECK_RC(offblocks_siwe_guard("%%%", addr, owner, NULL, 0, &out), OFFBLOCKS_INVALID_INPUT);
}

static void test_webhook_events(void) {
    char *out = NULL;
    const char *event =
        "{\"eventId\":\"ev-1\",\"webhookType\":\"account.updated\",\"id\":\"a-1\","
        "\"customerId\":\"c-1\",\"status\":\"active\",\"type\":\"card_account\","
        "\"currencies\":[\"EUR\"],\"createdAt\":\"2024-01-12T15:07:17Z\","
        "\"updatedAt\":\"2024-01-12T15:07:18Z\"}";
    CHECK_RC(offblocks_webhook_event_parse(event, &out), OFFBLOCKS_OK);
    CHECK(has(out, "\"entity\":\"account\"") && has(out, "\"eventId\":\"ev-1\""));
    offblocks_string_free(out);
    CHECK_RC(offblocks_webhook_event_parse("{\"eventId\":\"e\"}", &out), OFFBLOCKS_DECODE);
    CHECK_RC(offblocks_webhook_event_parse("not json", &out), OFFBLOCKS_DECODE);
    CHECK_RC(offblocks_webhook_event_parse(NULL, &out), OFFBLOCKS_NULL_ARGUMENT);
}

int main(void) {
    char *pem = NULL;
    char pem_json[1024];
    const char *base_url = getenv("OFFBLOCKS_BASE_URL");
    const char *api_key = getenv("OFFBLOCKS_API_KEY");
    const char *api_secret = getenv("OFFBLOCKS_API_SECRET");

    test_version_and_strings();
    test_result_names();
    test_signing_keys();
    test_last_error();
    if (offblocks_signing_key_generate(&pem) != OFFBLOCKS_OK) {
        return 1;
    }
    json_quote(pem_json, sizeof pem_json, pem);
    offblocks_string_free(pem);
    test_client_config(pem_json);
    test_wallets();
    test_handles(pem_json);
    test_ids_and_messages();
    test_webhook_events();
    if (base_url && api_key && api_secret) {
        test_request_signer(base_url, api_key, api_secret);
        test_network(base_url, api_key, api_secret);
    } else {
        printf("OFFBLOCKS_BASE_URL etc. not set: skipping the emulator tests\n");
    }
    printf("%d checks, %d failed\n", test_checks, test_failures);
    return test_failures == 0 ? 0 : 1;
}
